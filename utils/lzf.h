/* utils/lzf.h: LZF block compression (the format Redis uses for RDB strings and list nodes).
 *
 * A stream is a sequence of items, each opened by a control byte c:
 *   c < 32:  a literal run, the next c + 1 bytes are copied as they are;
 *   c >= 32: a back reference of length (c >> 5) + 2, or 7 + next byte + 2 when c >> 5 is 7,
 *            to the output ((c & 31) << 8 | following byte) + 1 bytes back.
 * Both functions work on caller buffers only and never allocate.
 */
#ifndef KVD_UTILS_LZF_H
#define KVD_UTILS_LZF_H

#include <stddef.h>

/* Compresses in[0..in_len) into out[0..out_cap). Returns the compressed size, or 0 when the
 * result would not fit in out_cap (or in_len is 0). Never writes past out_cap. O(in_len). */
size_t lzf_compress(const void *in, size_t in_len, void *out, size_t out_cap);

/* Decompresses in[0..in_len) into out[0..out_cap). Returns the decompressed size, or 0 when
 * the input is malformed (truncated item, reference before the start of the output) or its
 * output would exceed out_cap. Safe on arbitrary input: never reads or writes out of bounds. */
size_t lzf_decompress(const void *in, size_t in_len, void *out, size_t out_cap);

#endif
