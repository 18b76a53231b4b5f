/* utils/mem.h: allocation that never returns NULL.
 *
 * The release build links jemalloc, which replaces malloc for the whole process; the sanitizer
 * and fuzz builds use libc's malloc. Either way callers go through these wrappers, which abort
 * with a message on failure: limping on after OOM is worse than stopping.
 */
#ifndef KVD_UTILS_MEM_H
#define KVD_UTILS_MEM_H

#include <stddef.h>

/* malloc/calloc/realloc that abort on failure. mem_realloc(NULL, n) allocates. */
void *mem_alloc(size_t size);
void *mem_calloc(size_t n, size_t size);
void *mem_realloc(void *p, size_t size);
/* free(); NULL is fine. */
void mem_free(void *p);
/* New copy of p[0..len) with a NUL appended. Caller frees. */
char *mem_strndup(const char *p, size_t len);
/* Bytes the allocator really reserved for p (>= the size asked). */
size_t mem_usable(const void *p);
/* Bytes currently allocated by the process (jemalloc stats.allocated, or mallinfo2 on libc). */
size_t mem_used(void);
/* Resident set size of the process in bytes, read from /proc/self/statm; 0 if unknown. */
size_t mem_rss(void);
/* "jemalloc-5.3.0" or "libc". */
const char *mem_allocator_name(void);

#endif
