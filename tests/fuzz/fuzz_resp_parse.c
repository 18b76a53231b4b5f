/* tests/fuzz/fuzz_resp_parse.c: libFuzzer target for the RESP request parser.
 *
 * Checks properties, not just "no crash": the input is parsed as a stream of requests three
 * ways (all at once, split at a data-derived offset, and in data-derived steps) and every
 * way must give the same requests and final status; every argument must lie inside the
 * bytes its request consumed; the parser's argv must stay proportional to the arguments
 * really received. A violation aborts. Layout of an input: one control byte (limits and how
 * to split), then the request bytes. Seeds live in tests/fuzz/corpus/.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/resp.h"
#include "utils/buf.h"
#include "utils/mem.h"

#define FUZZ_MAX_BULK (1024 * 1024)

static void require(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_resp_parse: violated: %s\n", what);
        abort();
    }
}

struct plan {
    bool unauthenticated;
    long long max_inline_len;
};

/* Parses in[0..len) revealing `first` bytes, then `step` more per call, consuming each
 * request as server/ does. Appends a transcript of (status, args) to out. */
static void run(const struct plan *pl, const uint8_t *in, size_t len, size_t first, size_t step,
                struct buf *out)
{
    struct resp_parser p;
    resp_parser_init(&p);
    p.max_bulk_len = FUZZ_MAX_BULK;
    p.max_inline_len = pl->max_inline_len;
    p.unauthenticated = pl->unauthenticated;

    /* A private copy: quoted inline arguments are unescaped in place. */
    char *buf = mem_alloc(len ? len : 1);
    memcpy(buf, in, len);
    size_t start = 0, avail = first < len ? first : len;
    for (;;) {
        struct resp_req req;
        size_t used = 0;
        size_t have = avail - start;
        enum resp_status st = resp_parse(&p, buf + start, have, &req, &used);
        require(st == RESP_OK || st == RESP_INCOMPLETE || st == RESP_EPROTO, "known status");
        if (st == RESP_OK) {
            require(used > 0 && used <= have, "OK consumes 1..available bytes");
            require(req.argc >= 0, "argc >= 0");
            long long cap_bound = req.argc * 2LL > 1024 ? req.argc * 2LL : 1024;
            require(p.argv_cap <= cap_bound, "argv bounded by arguments received");
            require(req.argc == 0 || mem_usable(req.argv) >= (size_t)req.argc * sizeof(*req.argv),
                    "argv holds argc slices");
            buf_append(out, "K", 1);
            buf_append(out, &req.argc, sizeof(req.argc));
            buf_append(out, &req.is_inline, sizeof(req.is_inline));
            for (int i = 0; i < req.argc; i++) {
                struct resp_arg a = req.argv[i];
                require(a.off <= used && a.len <= used - a.off, "argument inside its request");
                buf_append(out, &a.len, sizeof(a.len));
                buf_append(out, buf + start + a.off, a.len);
            }
            start += used;
            continue;
        }
        require(used == 0, "nothing consumed unless OK");
        require(p.pos <= have, "scan position inside the buffer");
        long long cap_bound = p.argc * 2LL > 1024 ? p.argc * 2LL : 1024;
        require(p.argv_cap <= cap_bound, "argv bounded while incomplete");
        if (st == RESP_EPROTO) {
            char text[128];
            resp_err_text(&p, text, sizeof(text));
            require(strlen(text) > 0 && strchr(text, '\r') == NULL && strchr(text, '\n') == NULL,
                    "error text is one non-empty line");
            buf_append(out, "E", 1);
            buf_append_str(out, text);
            break;
        }
        if (avail == len) {
            buf_append(out, start < len ? "I" : "D", 1);
            break;
        }
        avail = len - avail < step ? len : avail + step;
    }
    resp_parser_deinit(&p);
    mem_free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t ctl = data[0];
    const uint8_t *in = data + 1;
    size_t len = size - 1;

    struct plan pl;
    pl.unauthenticated = (ctl & 1) != 0;
    /* A small inline/count-line limit reaches the "too big" paths with small inputs. */
    pl.max_inline_len = (ctl & 2) ? 16 + (ctl >> 4) : 64 * 1024;
    size_t split = 0, step = 1 + ((ctl >> 2) & 3) * 5;
    for (size_t i = 0; i < len && i < 8; i++)
        split = split * 31 + in[i];
    split = len ? split % (len + 1) : 0;

    struct buf whole, halves, steps;
    buf_init(&whole);
    buf_init(&halves);
    buf_init(&steps);
    run(&pl, in, len, len, 0, &whole);
    run(&pl, in, len, split, len, &halves);
    run(&pl, in, len, 0, step, &steps);
    require(buf_used(&whole) == buf_used(&halves) &&
                memcmp(buf_head(&whole), buf_head(&halves), buf_used(&whole)) == 0,
            "split feeding gives the same requests");
    require(buf_used(&whole) == buf_used(&steps) &&
                memcmp(buf_head(&whole), buf_head(&steps), buf_used(&whole)) == 0,
            "stepwise feeding gives the same requests");
    buf_deinit(&whole);
    buf_deinit(&halves);
    buf_deinit(&steps);
    return 0;
}
