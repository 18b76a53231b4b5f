/* storage/str.h: the string value type.
 *
 * Creating strings with Redis 7.0's encoding choice, reading their bytes whatever the
 * encoding, and the in-place edits behind APPEND, SETRANGE, INCR*.
 */
#ifndef KVD_STORAGE_STR_H
#define KVD_STORAGE_STR_H

#include <stdbool.h>
#include <stddef.h>

#include "storage/obj.h"
#include "storage/status.h"
#include "utils/num.h"

/* A string value as SET stores it (Redis's tryObjectEncoding): an integer-looking value of at
 * most 20 bytes becomes int (the shared object for 0..9999 when allow_shared), else embstr
 * up to 44 bytes, else raw. New reference. */
struct obj *str_new_encoded(const char *p, size_t len, bool allow_shared);
/* embstr if len <= 44 else raw, never int (as Redis's createStringObject). New reference. */
struct obj *str_new(const char *p, size_t len);
/* Raw encoding always (results of APPEND, SETRANGE, GETSET's value...). New reference. */
struct obj *str_new_raw(const char *p, size_t len);
/* Int encoding (shared when 0..9999 and allow_shared). New reference. */
struct obj *str_new_int(long long v, bool allow_shared);

/* The bytes of a string object. For the int encoding they are formatted into tmp (which must
 * have NUM_LL_MAXLEN bytes). Borrowed: valid while o lives unchanged and tmp is in scope. */
const char *str_bytes(const struct obj *o, char *tmp, size_t *len);
/* Length in bytes (STRLEN). */
size_t str_len(const struct obj *o);

/* The value as a long long, strictly (INCR's rules). False if it is not one. */
bool str_to_ll(const struct obj *o, long long *out);

/* Makes o safe to modify in place: if it is shared (refcount > 1) or not raw, returns a new
 * raw copy (the caller stores it in the keyspace); otherwise returns o. New reference
 * semantics: returns an object the caller owns one reference to; o's reference is taken. */
struct obj *str_unshare_take(struct obj *o);
/* Appends to a raw, unshared string (see str_unshare_take). Grows with headroom. */
void str_append(struct obj *o, const char *p, size_t len);
/* Writes p at offset, zero-padding; o raw and unshared. */
void str_setrange(struct obj *o, size_t offset, const char *p, size_t len);

#endif
