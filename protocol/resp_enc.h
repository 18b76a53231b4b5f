/* protocol/resp_enc.h: reply encoding for RESP2 and RESP3.
 *
 * Encoders write into caller-provided memory of a stated maximum size and return the bytes
 * written, so server/ can write straight into its output blocks with no allocation per reply.
 */
#ifndef KVD_PROTOCOL_RESP_ENC_H
#define KVD_PROTOCOL_RESP_ENC_H

#include <stdbool.h>
#include <stddef.h>

enum resp_proto { RESP2 = 2, RESP3 = 3 };

/* Longest header: one type byte, 20 digits and a sign, CRLF. */
#define RESP_HDR_MAX 32
/* Longest double reply (RESP2 "$<n>\r\n<digits>\r\n" or RESP3 ",<digits>\r\n"). */
#define RESP_DOUBLE_MAX 160

/* "<type><n>\r\n": type is one of * $ : % ~ > = ( | .  Returns the length (<= RESP_HDR_MAX). */
size_t resp_enc_hdr(char *dst, char type, long long n);

/* Aggregate headers that differ by protocol. RESP2 maps are flat arrays of 2n elements,
 * RESP2 sets are arrays, RESP2 pushes are arrays. Returns the length (<= RESP_HDR_MAX). */
size_t resp_enc_array_len(char *dst, long long n);
size_t resp_enc_map_len(char *dst, long long n, enum resp_proto proto);
size_t resp_enc_set_len(char *dst, long long n, enum resp_proto proto);
size_t resp_enc_push_len(char *dst, long long n, enum resp_proto proto);

/* Null bulk ($-1 / _), null array (*-1 / _), empty-or-null as const text. */
const char *resp_null_bulk(enum resp_proto proto, size_t *len);
const char *resp_null_array(enum resp_proto proto, size_t *len);

/* ",<d>\r\n" in RESP3, a bulk string in RESP2, with Redis 7.0's formatting (num_d2str). */
size_t resp_enc_double(char *dst, double d, enum resp_proto proto);
/* "#t\r\n"/"#f\r\n" in RESP3, ":1\r\n"/":0\r\n" in RESP2. */
size_t resp_enc_bool(char *dst, bool v, enum resp_proto proto);

/* The header part of a verbatim string: RESP3 "=<len+4>\r\n<fmt>:" (fmt is 3 bytes such as
 * "txt"), RESP2 "$<len>\r\n". The body and CRLF follow. Returns the length (<= RESP_HDR_MAX). */
size_t resp_enc_verbatim_hdr(char *dst, size_t len, const char *fmt, enum resp_proto proto);

#endif
