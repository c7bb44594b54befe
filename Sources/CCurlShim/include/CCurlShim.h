#ifndef GATHER_CCURLSHIM_H
#define GATHER_CCURLSHIM_H

// Typed, non-variadic wrappers around libcurl's variadic entry points (Swift cannot call
// curl_easy_setopt & co. directly), plus the few Linux primitives the transfer threads need
// (epoll, eventfd, a monotonic clock) so Swift never touches packed structs.

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: easy options

CURLcode gather_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode gather_easy_setopt_str(CURL *easy, CURLoption option, const char *value);
CURLcode gather_easy_setopt_ptr(CURL *easy, CURLoption option, void *value);
CURLcode gather_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value);
CURLcode gather_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value);

typedef size_t (*gather_data_callback)(char *data, size_t size, size_t count, void *userdata);
typedef int (*gather_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                        curl_off_t ultotal, curl_off_t ulnow);

/// Sets CURLOPT_WRITEFUNCTION and CURLOPT_WRITEDATA.
CURLcode gather_easy_set_write_callback(CURL *easy, gather_data_callback callback, void *userdata);
/// Sets CURLOPT_HEADERFUNCTION and CURLOPT_HEADERDATA.
CURLcode gather_easy_set_header_callback(CURL *easy, gather_data_callback callback, void *userdata);
/// Sets CURLOPT_XFERINFOFUNCTION, CURLOPT_XFERINFODATA and turns CURLOPT_NOPROGRESS off.
CURLcode gather_easy_set_xferinfo_callback(CURL *easy, gather_xferinfo_callback callback, void *userdata);

/// Sets CURLOPT_CLOSESOCKETFUNCTION and CURLOPT_CLOSESOCKETDATA.
CURLcode gather_easy_set_closesocket_callback(CURL *easy, curl_closesocket_callback callback, void *clientp);
/// close(2), for the close-socket callback.
int gather_close_socket(int fd);

// MARK: easy info

CURLcode gather_easy_getinfo_long(CURL *easy, CURLINFO info, long *out);
CURLcode gather_easy_getinfo_double(CURL *easy, CURLINFO info, double *out);
CURLcode gather_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *out);
CURLcode gather_easy_getinfo_str(CURL *easy, CURLINFO info, const char **out);
CURLcode gather_easy_getinfo_ptr(CURL *easy, CURLINFO info, void **out);

// MARK: multi options

CURLMcode gather_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLMcode gather_multi_setopt_ptr(CURLM *multi, CURLMoption option, void *value);
/// Sets CURLMOPT_SOCKETFUNCTION and CURLMOPT_SOCKETDATA.
CURLMcode gather_multi_set_socket_callback(CURLM *multi, curl_socket_callback callback, void *userp);
/// Sets CURLMOPT_TIMERFUNCTION and CURLMOPT_TIMERDATA.
CURLMcode gather_multi_set_timer_callback(CURLM *multi, curl_multi_timer_callback callback, void *userp);

/// The CURLcode of a CURLMSG_DONE message (the union member Swift would otherwise have to name).
CURLcode gather_multi_message_result(const CURLMsg *message);
int gather_multi_message_is_done(const CURLMsg *message);

// Constants that are macros (some of them expression macros Swift does not import).
static const int gather_socket_timeout = CURL_SOCKET_TIMEOUT;
static const int gather_poll_in = CURL_POLL_IN;
static const int gather_poll_out = CURL_POLL_OUT;
static const int gather_poll_remove = CURL_POLL_REMOVE;
static const int gather_cselect_in = CURL_CSELECT_IN;
static const int gather_cselect_out = CURL_CSELECT_OUT;
static const int gather_cselect_err = CURL_CSELECT_ERR;
static const int gather_error_size = CURL_ERROR_SIZE;
static const long gather_http_version_1_1 = CURL_HTTP_VERSION_1_1;
static const long gather_http_version_2_tls = CURL_HTTP_VERSION_2TLS;
static const long gather_http_version_2_prior_knowledge = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
static const long gather_pipe_multiplex = CURLPIPE_MULTIPLEX;

// MARK: TLS

/// Sets a blob option (CURLOPT_CAINFO_BLOB, CURLOPT_SSLCERT_BLOB, CURLOPT_SSLKEY_BLOB) to a copy
/// of `length` bytes; `data` NULL clears it.
CURLcode gather_easy_setopt_blob(CURL *easy, CURLoption option, const void *data, size_t length);

/// One process-wide share handle holding TLS sessions (locked per data kind): a connection any
/// transfer thread opens resumes a session another one made. NULL when libcurl refuses one.
CURLSH *gather_tls_session_share(void);

/// `url` with its host replaced by `host`, the CURLOPT_CONNECT_TO entry
/// "host:port:original-host:port" that still connects where `url` pointed (for SNI and the
/// name checked differing from the address), and the url's own authority for the Host header.
/// All three from libcurl (free with curl_free); 0 on success, else a CURLUcode.
int gather_url_for_server_name(const char *url, const char *host, char **rewritten, char **connect_to,
                               char **authority);

/// curl_global_init(CURL_GLOBAL_ALL) exactly once per process, thread-safe; returns its result.
CURLcode gather_curl_global_init_once(void);

// MARK: Linux primitives

/// epoll_create1(EPOLL_CLOEXEC); -1 and errno on failure.
int gather_epoll_create(void);
/// Registers `fd` for the wanted readiness. `known` says whether it was registered before, which
/// picks the first attempt (MOD or ADD); the other is tried when the kernel disagrees.
/// Returns 0 or -1 with errno.
int gather_epoll_watch(int epfd, int fd, int known, int want_read, int want_write);
/// Removes `fd`; errors (already closed, never added) are ignored on purpose.
void gather_epoll_unwatch(int epfd, int fd);
/// epoll_wait into parallel arrays; flags are CURL_CSELECT_* bits (hang-up reported as IN|ERR).
/// Returns the number of ready fds, 0 on timeout, -1 and errno on failure (EINTR included).
int gather_epoll_wait(int epfd, int *fds, int *flags, int capacity, int timeout_ms);

/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); -1 and errno on failure.
int gather_eventfd_create(void);
/// Adds one to the counter, which makes the fd readable.
void gather_eventfd_signal(int fd);
/// Resets the counter to zero.
void gather_eventfd_drain(int fd);

void gather_close(int fd);
/// CLOCK_MONOTONIC in nanoseconds.
uint64_t gather_monotonic_nanos(void);
/// A per-OS-thread pointer: the transfer thread running on this thread (unretained), or NULL.
void gather_set_current_transfer_thread(void *thread);
void *gather_current_transfer_thread(void);
/// CPUs in the calling thread's affinity mask (sched_getaffinity); -1 when it cannot be read.
int gather_affinity_cpu_count(void);
/// Sets the calling thread's name (truncated to 15 bytes).
void gather_set_thread_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif
