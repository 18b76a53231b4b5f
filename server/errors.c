/* server/errors.c: the table of error reply texts (errors.def), indexed by enum err.
 *
 * Keeping every text in one place lets the differential suite guard them byte for byte.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/errors.h"

static const char *const texts[ERR__COUNT] = {
#define ERRDEF(name, text) [name] = text,
#include "server/errors.def"
#undef ERRDEF
};

const char *err_format(enum err e)
{
    return texts[e];
}
