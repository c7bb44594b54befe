/*
 * Open-loop HTTP/1.1 load generator for bench/compare (compiled by the script; Linux only).
 *
 *   openloop HOST PORT PATH RATE SECONDS WARMUP_SECONDS LABEL [MAX_CONNECTIONS]
 *
 * Request i is due at start + i / RATE, whatever happened to the requests before it (open loop),
 * and its latency runs from that intended time to the last byte of its answer, so a slow answer
 * cannot hide the requests queued behind it (no coordinated omission). Keep-alive connections,
 * reused last-in first-out; a new one is opened whenever every open one is busy (up to
 * MAX_CONNECTIONS, default 1024; past that, due requests wait in a queue and their wait counts).
 * The first WARMUP_SECONDS of the schedule are sent but not measured.
 *
 * Why C and not bench/tail/load.py: at 1,000 req/s the Python generator adds ~0.6 ms to every
 * latency (p50 0.66 ms against a static nginx answering in ~30 µs), which is most of the 1 ms
 * p50 the issue asks of the gateway. This one adds tens of microseconds: an absolute timerfd
 * with 1 ns timer slack wakes it on time, and one epoll loop does the rest.
 *
 * Answers must carry Content-Length (gather and the nginx peer both send it); anything else,
 * a non-200 status, a closed connection or no answer 10 s after the last send is an error.
 * Prints one line:
 *   latency LABEL: rate=R requests=N ok=N p50_ms=… p99_ms=… p999_ms=… max_ms=… send_lag_p99_ms=… connections=N errors=N
 * send_lag is how late the generator itself sent (it shares a core with the upstreams).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define HEADER_MAX 16384
#define DRAIN_NS (10LL * 1000000000LL)

enum state { IDLE, CONNECTING, BUSY };

struct connection {
    int fd;
    enum state state;
    long request;              /* index of the request in flight */
    size_t header_len;         /* bytes of header collected so far */
    long long body_left;       /* -1 until the header is complete */
    int close_after;
    char header[HEADER_MAX];
};

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int compare_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Nearest rank, as bench/tail/load.py: the smallest value with at least p% at or below it. */
static double percentile_ms(long long *sorted, long count, double p) {
    if (count == 0) return 0.0 / 0.0;
    long rank = (long)__builtin_ceil(p / 100.0 * (double)count);
    if (rank < 1) rank = 1;
    if (rank > count) rank = count;
    return (double)sorted[rank - 1] / 1e6;
}

static struct sockaddr_in address;
static char request_bytes[1024];
static size_t request_len;
static int epoll_fd;

static long total, measured_from;         /* requests scheduled; first measured index */
static long long start_ns, interval_ns;
static long long *latency, *lag;          /* per request; latency 0 = no answer yet, -1 = failed; lag -1 = not sent */
static long finished;                     /* answered or failed */

static struct connection **idle_stack;
static long idle_count;
static long open_count, opened_total, max_connections;
static long *backlog;                     /* due requests waiting for a connection (FIFO) */
static long backlog_head, backlog_tail;

static long long intended(long i) { return start_ns + i * interval_ns; }

static void fail(long i) {
    if (i >= 0) { latency[i] = -1; finished++; }
}

static void close_connection(struct connection *c) {
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    open_count--;
    free(c);
}

static int send_request(struct connection *c, long i) {
    c->request = i;
    c->header_len = 0;
    c->body_left = -1;
    c->close_after = 0;
    lag[i] = now_ns() - intended(i);
    ssize_t n = write(c->fd, request_bytes, request_len);
    if (n != (ssize_t)request_len) { fail(i); close_connection(c); return -1; }
    c->state = BUSY;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
    return 0;
}

static void open_connection(long i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { fail(i); return; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct connection *c = calloc(1, sizeof *c);
    c->fd = fd;
    c->request = i;
    c->state = CONNECTING;
    open_count++;
    opened_total++;
    struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0 && errno != EINPROGRESS) {
        fail(i);
        close_connection(c);
    }
}

static void dispatch(long i) {
    if (idle_count > 0) {
        send_request(idle_stack[--idle_count], i);
    } else if (open_count < max_connections) {
        open_connection(i);
    } else {
        backlog[backlog_tail++] = i;
    }
}

/* A connection became free: the oldest waiting request first, else back on the idle stack. */
static void release(struct connection *c) {
    if (backlog_head < backlog_tail) {
        send_request(c, backlog[backlog_head++]);
    } else {
        c->state = IDLE;
        idle_stack[idle_count++] = c;
    }
}

/* Parses the collected header: status 200, Content-Length, Connection: close. */
static int parse_header(struct connection *c, size_t end) {
    if (end < 12 || strncmp(c->header, "HTTP/1.", 7) != 0) return -1;
    int status = atoi(c->header + 9);
    long long length = -1;
    char *line = memchr(c->header, '\n', end);
    while (line && (size_t)(line - c->header) < end) {
        line++;
        if (strncasecmp(line, "content-length:", 15) == 0) length = atoll(line + 15);
        else if (strncasecmp(line, "transfer-encoding:", 18) == 0) return -1;
        else if (strncasecmp(line, "connection:", 11) == 0) {
            const char *v = line + 11;
            while (*v == ' ') v++;
            if (strncasecmp(v, "close", 5) == 0) c->close_after = 1;
        }
        line = memchr(line, '\n', end - (size_t)(line - c->header));
    }
    if (length < 0) return -1;
    c->body_left = length;
    return status;
}

static void on_readable(struct connection *c) {
    char scratch[65536];
    for (;;) {
        char *into = c->body_left < 0 ? c->header + c->header_len : scratch;
        size_t room = c->body_left < 0 ? HEADER_MAX - 1 - c->header_len : sizeof scratch;
        if (room == 0) { fail(c->request); close_connection(c); return; }
        ssize_t n = read(c->fd, into, room);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n <= 0) { if (c->state == BUSY) fail(c->request); close_connection(c); return; }
        if (c->state != BUSY) { close_connection(c); return; }   /* bytes nobody asked for */
        if (c->body_left < 0) {
            c->header_len += (size_t)n;
            c->header[c->header_len] = '\0';
            char *end = strstr(c->header, "\r\n\r\n");
            if (!end) continue;
            size_t header_end = (size_t)(end - c->header) + 4;
            int status = parse_header(c, header_end);
            if (status < 0) { fail(c->request); close_connection(c); return; }
            c->body_left -= (long long)(c->header_len - header_end);
            if (status != 200) c->close_after = 2;   /* mark failed once complete */
        } else {
            c->body_left -= n;
        }
        if (c->body_left < 0) { fail(c->request); close_connection(c); return; }
        if (c->body_left == 0) {
            long i = c->request;
            if (c->close_after == 2) fail(i);
            else { latency[i] = now_ns() - intended(i); finished++; }
            if (c->close_after) close_connection(c); else release(c);
            return;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: %s HOST PORT PATH RATE SECONDS WARMUP_SECONDS LABEL [MAX_CONNECTIONS]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1], *path = argv[3], *label = argv[7];
    int port = atoi(argv[2]);
    double rate = atof(argv[4]), seconds = atof(argv[5]), warmup = atof(argv[6]);
    max_connections = argc > 8 ? atol(argv[8]) : 1024;
    if (rate <= 0 || seconds <= 0 || warmup < 0 || port <= 0 || max_connections <= 0) {
        fprintf(stderr, "openloop: rate, seconds, port and connections must be positive\n");
        return 2;
    }
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) { fprintf(stderr, "openloop: not an IPv4 address: %s\n", host); return 2; }
    request_len = (size_t)snprintf(request_bytes, sizeof request_bytes,
                                   "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: gather-compare\r\n\r\n", path, host, port);

    /* Wake-ups on time: the default 50 µs timer slack would be added to every send. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0) { files.rlim_cur = files.rlim_max; setrlimit(RLIMIT_NOFILE, &files); }

    measured_from = (long)(warmup * rate + 0.5);
    total = measured_from + (long)(seconds * rate + 0.5);
    interval_ns = (long long)(1e9 / rate);
    latency = calloc((size_t)total, sizeof *latency);
    lag = malloc((size_t)total * sizeof *lag);
    for (long i = 0; i < total; i++) lag[i] = -1;
    backlog = calloc((size_t)total, sizeof *backlog);
    idle_stack = calloc((size_t)max_connections, sizeof *idle_stack);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    struct epoll_event tev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, timer, &tev);

    start_ns = now_ns() + 10000000LL;
    long next = 0;
    struct itimerspec due = { 0 };
    due.it_value.tv_sec = intended(0) / 1000000000LL;
    due.it_value.tv_nsec = intended(0) % 1000000000LL;
    timerfd_settime(timer, TFD_TIMER_ABSTIME, &due, NULL);

    struct epoll_event events[256];
    while (finished < total) {
        int wait_ms = -1;
        if (next >= total) {   /* everything sent: wait for the stragglers, but not forever */
            long long left = intended(total - 1) + DRAIN_NS - now_ns();
            if (left <= 0) break;
            wait_ms = (int)(left / 1000000LL) + 1;
        }
        int n = epoll_wait(epoll_fd, events, 256, wait_ms);
        if (n < 0 && errno == EINTR) continue;
        for (int e = 0; e < n; e++) {
            struct connection *c = events[e].data.ptr;
            if (c == NULL) {
                uint64_t expirations;
                if (read(timer, &expirations, sizeof expirations) < 0) { /* spurious */ }
                long long t = now_ns();
                while (next < total && intended(next) <= t) dispatch(next++);
                if (next < total) {
                    due.it_value.tv_sec = intended(next) / 1000000000LL;
                    due.it_value.tv_nsec = intended(next) % 1000000000LL;
                    timerfd_settime(timer, TFD_TIMER_ABSTIME, &due, NULL);
                }
            } else if (c->state == CONNECTING) {
                int error = 0;
                socklen_t len = sizeof error;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len);
                if (error != 0 || (events[e].events & (EPOLLERR | EPOLLHUP))) { fail(c->request); close_connection(c); }
                else send_request(c, c->request);
            } else if (events[e].events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) {
                if (c->state == IDLE) {   /* the server closed an idle connection: forget it */
                    for (long k = 0; k < idle_count; k++)
                        if (idle_stack[k] == c) { idle_stack[k] = idle_stack[--idle_count]; break; }
                    close_connection(c);
                } else {
                    on_readable(c);
                }
            }
        }
        /* Connections closed above leave room: waiting requests get new ones. */
        while (backlog_head < backlog_tail && open_count < max_connections) open_connection(backlog[backlog_head++]);
    }

    /* Requests never answered count as errors; latencies of the measured part are sorted. */
    long measured = total - measured_from, ok = 0, lags = 0;
    long long *ok_latency = calloc((size_t)measured + 1, sizeof *ok_latency);
    long long *sent_lag = calloc((size_t)measured + 1, sizeof *sent_lag);
    for (long i = measured_from; i < total; i++) {
        if (latency[i] > 0) ok_latency[ok++] = latency[i];
        if (lag[i] >= 0) sent_lag[lags++] = lag[i];
    }
    qsort(ok_latency, (size_t)ok, sizeof *ok_latency, compare_ll);
    qsort(sent_lag, (size_t)lags, sizeof *sent_lag, compare_ll);
    printf("latency %s: rate=%g requests=%ld ok=%ld p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f "
           "send_lag_p99_ms=%.3f connections=%ld errors=%ld\n",
           label, rate, measured, ok, percentile_ms(ok_latency, ok, 50), percentile_ms(ok_latency, ok, 99),
           percentile_ms(ok_latency, ok, 99.9), ok ? (double)ok_latency[ok - 1] / 1e6 : 0.0 / 0.0,
           percentile_ms(sent_lag, lags, 99), opened_total, measured - ok);
    return 0;
}
