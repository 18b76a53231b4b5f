/* utils/glob.h: Redis's glob syntax for KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET.
 *
 * '*' any run, '?' one byte, '[abc]' '[a-z]' '[^a]' classes, '\x' escapes x. Binary safe.
 */
#ifndef KVD_UTILS_GLOB_H
#define KVD_UTILS_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* True if str matches pattern. nocase compares ASCII letters case-insensitively.
 * Bounded work: a pattern with many '*' cannot take exponential time. */
bool glob_match(const char *pattern, size_t plen, const char *str, size_t slen, bool nocase);

#endif
