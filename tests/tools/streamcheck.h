/* tests/tools/streamcheck.h: works a decoded stream the way commands would, for the RDB tests.
 *
 * streamcheck_exercise() walks the stream both ways (the counts must agree with its length),
 * deletes its first entry, adds one and trims to one: a value that passed the loader's
 * validation must never trip the stream code's own assertions. Test helper only: a static
 * function, included by one .c file each (tests/c/test_rdb.c, tests/fuzz/fuzz_rdb_load.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef KVD_TESTS_STREAMCHECK_H
#define KVD_TESTS_STREAMCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/stream.h"

/* False when the walks disagree with stream_len() or the first entry cannot be deleted. */
static bool streamcheck_exercise(struct obj *o)
{
    struct stream_iter it;
    struct stream_id lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX}, id, first = {0, 0};
    uint64_t nf, fwd = 0, rev = 0;
    const char *f, *v;
    size_t fl, vl;
    stream_iter_init(&it, o, &lo, &hi, false);
    while (stream_iter_next(&it, &id, &nf)) {
        if (fwd++ == 0)
            first = id;
        while (stream_iter_field(&it, &f, &fl, &v, &vl))
            ;
    }
    stream_iter_init(&it, o, &lo, &hi, true);
    while (stream_iter_next(&it, &id, &nf))
        rev++;
    if (fwd != rev || fwd != stream_len(o))
        return false;
    if (fwd > 0 && !stream_delete(o, &first))
        return false;
    struct slice fv[2] = {{"f", 1}, {"v", 1}};
    struct stream_id added;
    stream_add(o, fv, 1, NULL, true, 1, &added);
    struct stream_trim t = {.strategy = STREAM_TRIM_MAXLEN, .maxlen = 1};
    stream_trim(o, &t);
    return true;
}

#endif
