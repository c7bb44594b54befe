/*
 * LD_PRELOAD allocation counter for bench/compare.
 *
 * Counts calls to the malloc family (malloc, calloc, realloc, reallocarray, posix_memalign,
 * aligned_alloc, memalign, valloc, pvalloc) and to free, and forwards each to glibc's own
 * entry points (__libc_malloc & co.), so no dlsym() is needed: dlsym may itself allocate, which
 * would recurse into us before the real malloc is known.
 *
 * Design, and why:
 * - The counters live in a file named by ALLOC_COUNTER_FILE, mapped MAP_SHARED. The benchmark
 *   reads the file whenever it likes (before and after a load run); there is no signal handler
 *   (nginx and gather both install their own, and nginx uses SIGUSR2 itself) and no reporter
 *   thread (threads do not survive nginx's fork of its worker).
 * - fork() keeps the shared mapping, so a parent and its forked children (nginx's master and its
 *   worker) add to one set of counters: the count is the gateway's whole process tree, which is
 *   what the benchmark wants. An exec'd program (taskset exec'ing the gateway) maps the same
 *   file again without truncating it; the benchmark only ever uses differences.
 * - Increments are relaxed atomics: one locked add per call, far below the cost of malloc itself.
 *   Allocations made before the constructor ran (inside the dynamic loader) go to a private
 *   fallback counter and are not reported.
 *
 * Layout of the file (little-endian uint64): [0] allocations, [1] frees, [2] bytes requested.
 * Read it with: od -An -t u8 -N24 FILE
 *
 * Caveat stated in the benchmark's output: programs with their own allocator are only counted
 * where they call malloc (LuaJIT's GC objects come from its own mmap-backed arena; nginx's
 * request pools are a few malloc'd blocks per request).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static _Atomic uint64_t fallback[3];
static _Atomic uint64_t *counters = fallback;

__attribute__((constructor)) static void alloc_counter_init(void) {
    const char *path = getenv("ALLOC_COUNTER_FILE");
    if (path == NULL || *path == '\0') return;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    if (ftruncate(fd, 4096) == 0) {   /* never shrinks: same size every time, contents kept */
        void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (page != MAP_FAILED) counters = (_Atomic uint64_t *)page;
    }
    close(fd);
}

static inline void counted(size_t bytes) {
    atomic_fetch_add_explicit(&counters[0], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&counters[2], bytes, memory_order_relaxed);
}

void *malloc(size_t size) { counted(size); return __libc_malloc(size); }

void *calloc(size_t count, size_t size) { counted(count * size); return __libc_calloc(count, size); }

void *realloc(void *pointer, size_t size) { counted(size); return __libc_realloc(pointer, size); }

void *reallocarray(void *pointer, size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) { errno = ENOMEM; return NULL; }
    counted(bytes);
    return __libc_realloc(pointer, bytes);
}

void free(void *pointer) {
    if (pointer != NULL) atomic_fetch_add_explicit(&counters[1], 1, memory_order_relaxed);
    __libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) { counted(size); return __libc_memalign(alignment, size); }

void *aligned_alloc(size_t alignment, size_t size) { counted(size); return __libc_memalign(alignment, size); }

int posix_memalign(void **out, size_t alignment, size_t size) {
    /* POSIX: a power of two and a multiple of sizeof(void *), else EINVAL (glibc does the same). */
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) return EINVAL;
    counted(size);
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *out = pointer;
    return 0;
}

void *valloc(size_t size) { counted(size); return __libc_valloc(size); }

void *pvalloc(size_t size) { counted(size); return __libc_pvalloc(size); }
