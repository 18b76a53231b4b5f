/* utils/mem.c: aborting allocation wrappers and memory statistics.
 *
 * Knows nothing above libc. With -DUSE_JEMALLOC the statistics come from jemalloc's mallctl.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/mem.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
/* jemalloc reads this at startup. Returning freed pages to the kernel (purging) is done by
 * its background thread instead of inline in whichever allocation happens to trigger it, so
 * freeing a large table (the old half of a rehash) never stalls a command. */
const char *malloc_conf = "background_thread:true";
#endif

#if defined(__SANITIZE_ADDRESS__)
#define KVD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KVD_ASAN 1
#endif
#endif
#ifdef KVD_ASAN
/* Declared here: gcc ships the function in libasan but not always its header. */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

static void oom(size_t size)
{
    fprintf(stderr, "kvd: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

void *mem_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        oom(size);
    return p;
}

void *mem_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom(n * size);
    return p;
}

void *mem_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (q == NULL)
        oom(size);
    return q;
}

void mem_free(void *p)
{
    free(p);
}

char *mem_strndup(const char *p, size_t len)
{
    char *s = mem_alloc(len + 1);
    if (len)
        memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

size_t mem_usable(const void *p)
{
    return p ? malloc_usable_size((void *)p) : 0;
}

size_t mem_used(void)
{
#ifdef USE_JEMALLOC
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    mallctl("epoch", &epoch, &sz, &epoch, sz);
    size_t allocated = 0;
    sz = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &sz, NULL, 0) == 0)
        return allocated;
    return 0;
#elif defined(KVD_ASAN)
    /* ASan owns malloc: glibc's mallinfo2 would report nothing. */
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#endif
}

size_t mem_rss(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return 0;
    unsigned long size = 0, resident = 0;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    if (n != 2)
        return 0;
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

const char *mem_allocator_name(void)
{
#ifdef USE_JEMALLOC
    return "jemalloc-5.3.0";
#else
    return "libc";
#endif
}
