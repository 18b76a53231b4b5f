/* utils/slice.h: a borrowed run of bytes (pointer + length), the currency of arguments.
 *
 * A slice never owns its bytes; whoever hands one out says how long it stays valid.
 */
#ifndef KVD_UTILS_SLICE_H
#define KVD_UTILS_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct slice {
    const char *p;
    size_t len;
};

/* True if s equals the NUL-terminated word, ignoring ASCII case (for option names). */
static inline bool slice_is(struct slice s, const char *word)
{
    size_t n = strlen(word);
    return s.len == n && strncasecmp(s.p, word, n) == 0;
}

static inline bool slice_eq(struct slice a, struct slice b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

#endif
