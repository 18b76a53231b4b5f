/* protocol/resp_enc.c: reply encoding for RESP2 and RESP3.
 *
 * Owns the wire spelling of reply headers, nulls, doubles and booleans in both protocol
 * versions. Knows nothing of connections or output queues: it writes into memory the caller
 * sized with RESP_HDR_MAX / RESP_DOUBLE_MAX.
 * Start at resp_enc_hdr(); everything else is a protocol-dependent spelling of it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "protocol/resp_enc.h"

#include <string.h>

#include "utils/num.h"

size_t resp_enc_hdr(char *dst, char type, long long n)
{
    dst[0] = type;
    size_t len = 1 + num_ll2str(dst + 1, n);
    dst[len++] = '\r';
    dst[len++] = '\n';
    return len;
}

size_t resp_enc_array_len(char *dst, long long n)
{
    return resp_enc_hdr(dst, '*', n);
}

size_t resp_enc_map_len(char *dst, long long n, enum resp_proto proto)
{
    /* RESP2 has no map type: Redis sends the pairs flattened. */
    return proto == RESP3 ? resp_enc_hdr(dst, '%', n) : resp_enc_hdr(dst, '*', n * 2);
}

size_t resp_enc_set_len(char *dst, long long n, enum resp_proto proto)
{
    return resp_enc_hdr(dst, proto == RESP3 ? '~' : '*', n);
}

size_t resp_enc_push_len(char *dst, long long n, enum resp_proto proto)
{
    return resp_enc_hdr(dst, proto == RESP3 ? '>' : '*', n);
}

const char *resp_null_bulk(enum resp_proto proto, size_t *len)
{
    if (proto == RESP3) {
        *len = 3;
        return "_\r\n";
    }
    *len = 5;
    return "$-1\r\n";
}

const char *resp_null_array(enum resp_proto proto, size_t *len)
{
    if (proto == RESP3) {
        *len = 3;
        return "_\r\n";
    }
    *len = 5;
    return "*-1\r\n";
}

size_t resp_enc_double(char *dst, double d, enum resp_proto proto)
{
    char text[NUM_D_MAXLEN];
    size_t n = num_d2str(text, d);
    size_t len;
    if (proto == RESP3) {
        dst[0] = ',';
        len = 1;
    } else {
        len = resp_enc_hdr(dst, '$', (long long)n);
    }
    memcpy(dst + len, text, n);
    len += n;
    dst[len++] = '\r';
    dst[len++] = '\n';
    return len;
}

size_t resp_enc_bool(char *dst, bool v, enum resp_proto proto)
{
    if (proto == RESP3)
        memcpy(dst, v ? "#t\r\n" : "#f\r\n", 4);
    else
        memcpy(dst, v ? ":1\r\n" : ":0\r\n", 4);
    return 4;
}

size_t resp_enc_verbatim_hdr(char *dst, size_t len, const char *fmt, enum resp_proto proto)
{
    if (proto != RESP3)
        return resp_enc_hdr(dst, '$', (long long)len);
    /* The announced length covers the "txt:" prefix too. */
    size_t n = resp_enc_hdr(dst, '=', (long long)len + 4);
    memcpy(dst + n, fmt, 3);
    dst[n + 3] = ':';
    return n + 4;
}
