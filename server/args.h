/* server/args.h: reading command arguments (slices of the query buffer).
 *
 * Small inline helpers every handler uses, so option parsing reads the same everywhere.
 * Parsing rules are Redis's (strict integers, strtod-style floats).
 */
#ifndef KVD_SERVER_ARGS_H
#define KVD_SERVER_ARGS_H

#include <stdbool.h>

#include "utils/num.h"
#include "utils/slice.h"

/* True if a equals word ignoring ASCII case ("nx", "withscores"). */
static inline bool arg_is(const struct slice *a, const char *word) { return slice_is(*a, word); }

/* Strict long long (Redis's string2ll). */
static inline bool arg_to_ll(const struct slice *a, long long *out)
{
    return num_str2ll(a->p, a->len, out);
}

/* Double as Redis parses arguments (no NaN; "inf" accepted). */
static inline bool arg_to_double(const struct slice *a, double *out)
{
    return num_str2d(a->p, a->len, out);
}

/* Long double (INCRBYFLOAT). */
static inline bool arg_to_ld(const struct slice *a, long double *out)
{
    return num_str2ld(a->p, a->len, out);
}

/* A SCAN-family cursor as Redis reads it (strtoul over the whole argument): a leading space,
 * trailing junk and overflow are refused; "", "+5", "007" and "-1" (wrapping to 2^64-1) are
 * accepted. */
bool arg_to_cursor(const struct slice *a, unsigned long long *out);

#endif
