#define _GNU_SOURCE
#include "CCurlShim.h"

#include <curl/mprintf.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

CURLcode gather_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode gather_easy_setopt_str(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode gather_easy_setopt_ptr(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode gather_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode gather_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode gather_easy_set_write_callback(CURL *easy, gather_data_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(easy, CURLOPT_WRITEDATA, userdata);
}

CURLcode gather_easy_set_header_callback(CURL *easy, gather_data_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(easy, CURLOPT_HEADERDATA, userdata);
}

CURLcode gather_easy_set_xferinfo_callback(CURL *easy, gather_xferinfo_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, callback);
    if (code != CURLE_OK) return code;
    code = curl_easy_setopt(easy, CURLOPT_XFERINFODATA, userdata);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
}

CURLcode gather_easy_set_closesocket_callback(CURL *easy, curl_closesocket_callback callback, void *clientp) {
    CURLcode code = curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, clientp);
}

int gather_close_socket(int fd) {
    return close(fd);
}

CURLcode gather_easy_getinfo_long(CURL *easy, CURLINFO info, long *out) {
    return curl_easy_getinfo(easy, info, out);
}

CURLcode gather_easy_getinfo_double(CURL *easy, CURLINFO info, double *out) {
    return curl_easy_getinfo(easy, info, out);
}

CURLcode gather_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *out) {
    return curl_easy_getinfo(easy, info, out);
}

CURLcode gather_easy_getinfo_str(CURL *easy, CURLINFO info, const char **out) {
    return curl_easy_getinfo(easy, info, out);
}

CURLcode gather_easy_getinfo_ptr(CURL *easy, CURLINFO info, void **out) {
    // CURLINFO_PRIVATE is declared as char* by libcurl; any data pointer round-trips.
    char *value = NULL;
    CURLcode code = curl_easy_getinfo(easy, info, &value);
    *out = value;
    return code;
}

CURLMcode gather_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

CURLMcode gather_multi_setopt_ptr(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}

CURLMcode gather_multi_set_socket_callback(CURLM *multi, curl_socket_callback callback, void *userp) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
    if (code != CURLM_OK) return code;
    return curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, userp);
}

CURLMcode gather_multi_set_timer_callback(CURLM *multi, curl_multi_timer_callback callback, void *userp) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
    if (code != CURLM_OK) return code;
    return curl_multi_setopt(multi, CURLMOPT_TIMERDATA, userp);
}

CURLcode gather_multi_message_result(const CURLMsg *message) {
    return message->data.result;
}

int gather_multi_message_is_done(const CURLMsg *message) {
    return message->msg == CURLMSG_DONE;
}

CURLcode gather_easy_setopt_blob(CURL *easy, CURLoption option, const void *data, size_t length) {
    if (!data) return curl_easy_setopt(easy, option, (struct curl_blob *)NULL);
    struct curl_blob blob;
    blob.data = (void *)data;
    blob.len = length;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(easy, option, &blob);
}

static pthread_once_t share_once = PTHREAD_ONCE_INIT;
static CURLSH *session_share = NULL;
static pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userptr) {
    (void)handle; (void)access; (void)userptr;
    pthread_mutex_lock(&share_locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userptr) {
    (void)handle; (void)userptr;
    pthread_mutex_unlock(&share_locks[data]);
}

static void make_session_share(void) {
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&share_locks[i], NULL);
    CURLSH *share = curl_share_init();
    if (!share) return;
    if (curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock) != CURLSHE_OK
        || curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock) != CURLSHE_OK
        || curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        curl_share_cleanup(share);
        return;
    }
    session_share = share;
}

CURLSH *gather_tls_session_share(void) {
    pthread_once(&share_once, make_session_share);
    return session_share;
}

int gather_url_for_server_name(const char *url, const char *host, char **rewritten, char **connect_to,
                               char **authority) {
    *rewritten = NULL;
    *connect_to = NULL;
    *authority = NULL;
    CURLU *parsed = curl_url();
    if (!parsed) return CURLUE_OUT_OF_MEMORY;
    char *original_host = NULL;
    char *port = NULL;
    char *written_port = NULL;
    CURLUcode code = curl_url_set(parsed, CURLUPART_URL, url, 0);
    if (code == CURLUE_OK) code = curl_url_get(parsed, CURLUPART_HOST, &original_host, 0);
    if (code == CURLUE_OK) code = curl_url_get(parsed, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    int has_port = code == CURLUE_OK && curl_url_get(parsed, CURLUPART_PORT, &written_port, 0) == CURLUE_OK;
    if (code == CURLUE_OK) code = curl_url_set(parsed, CURLUPART_HOST, host, 0);
    if (code == CURLUE_OK) code = curl_url_get(parsed, CURLUPART_URL, rewritten, 0);
    if (code == CURLUE_OK) {
        // libcurl memory, so that one free function fits both strings.
        *connect_to = curl_maprintf("%s:%s:%s:%s", host, port, original_host, port);
        *authority = has_port ? curl_maprintf("%s:%s", original_host, port) : curl_maprintf("%s", original_host);
        if (!*connect_to || !*authority) code = CURLUE_OUT_OF_MEMORY;
    }
    if (code != CURLUE_OK) {
        curl_free(*rewritten);
        curl_free(*connect_to);
        curl_free(*authority);
        *rewritten = NULL;
        *connect_to = NULL;
        *authority = NULL;
    }
    curl_free(written_port);
    curl_free(original_host);
    curl_free(port);
    curl_url_cleanup(parsed);
    return code;
}

static pthread_once_t global_init_once = PTHREAD_ONCE_INIT;
static CURLcode global_init_result = CURLE_FAILED_INIT;

static void run_global_init(void) {
    global_init_result = curl_global_init(CURL_GLOBAL_ALL);
}

CURLcode gather_curl_global_init_once(void) {
    pthread_once(&global_init_once, run_global_init);
    return global_init_result;
}

int gather_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int gather_epoll_watch(int epfd, int fd, int known, int want_read, int want_write) {
    struct epoll_event event = {0};
    event.events = (want_read ? EPOLLIN : 0) | (want_write ? EPOLLOUT : 0);
    event.data.fd = fd;
    if (known) {
        if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event) == 0) return 0;
        if (errno != ENOENT) return -1;
        return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
    }
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0) return 0;
    if (errno != EEXIST) return -1;
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event);
}

void gather_epoll_unwatch(int epfd, int fd) {
    struct epoll_event event = {0};
    (void)epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event);
}

int gather_epoll_wait(int epfd, int *fds, int *flags, int capacity, int timeout_ms) {
    enum { batch = 64 };
    struct epoll_event events[batch];
    if (capacity > batch) capacity = batch;
    int count = epoll_wait(epfd, events, capacity, timeout_ms);
    for (int i = 0; i < count; i++) {
        uint32_t ready = events[i].events;
        int bits = 0;
        if (ready & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) bits |= CURL_CSELECT_IN;
        if (ready & EPOLLOUT) bits |= CURL_CSELECT_OUT;
        if (ready & (EPOLLERR | EPOLLHUP)) bits |= CURL_CSELECT_ERR;
        fds[i] = events[i].data.fd;
        flags[i] = bits;
    }
    return count;
}

int gather_eventfd_create(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void gather_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t written;
    do {
        written = write(fd, &one, sizeof one);
    } while (written < 0 && errno == EINTR);
    // EAGAIN means the counter is saturated, so the fd is readable anyway.
}

void gather_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t got;
    do {
        got = read(fd, &value, sizeof value);
    } while (got < 0 && errno == EINTR);
}

void gather_close(int fd) {
    if (fd >= 0) close(fd);
}

uint64_t gather_monotonic_nanos(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

static _Thread_local void *current_transfer_thread = NULL;

void gather_set_current_transfer_thread(void *thread) {
    current_transfer_thread = thread;
}

void *gather_current_transfer_thread(void) {
    return current_transfer_thread;
}

int gather_affinity_cpu_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}

void gather_set_thread_name(const char *name) {
    char truncated[16];
    size_t i = 0;
    for (; i < sizeof truncated - 1 && name[i] != 0; i++) truncated[i] = name[i];
    truncated[i] = 0;
    pthread_setname_np(pthread_self(), truncated);
}
