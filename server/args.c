/* server/args.c: the argument readers of args.h too big to be inline.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/args.h"

#include <errno.h>
#include <stdlib.h>

#include "utils/mem.h"

bool arg_to_cursor(const struct slice *a, unsigned long long *out)
{
    if (a->len > 0 && (a->p[0] == ' ' || (a->p[0] >= '\t' && a->p[0] <= '\r')))
        return false;
    char *s = mem_strndup(a->p, a->len);
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    /* strndup stops nothing at an embedded NUL: junk after one is still junk. */
    bool ok = *end == '\0' && (size_t)(end - s) == a->len && errno != ERANGE;
    mem_free(s);
    return ok;
}
