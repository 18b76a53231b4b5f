/* server/notify.c: keyspace notifications.
 *
 * Owns the enabled event classes and the naming of notification channels; delivery is
 * pubsub.c's ordinary PUBLISH path, so RESP2/RESP3 subscribers and patterns behave exactly as
 * for a PUBLISH command. Knows nothing of which command emits which event: handlers and the
 * keyspace hooks below say so. Start at notify_publish_event().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/notify.h"

#include <stdio.h>
#include <string.h>

#include "server/pubsub.h"
#include "storage/db.h"
#include "utils/buf.h"
#include "utils/mem.h"

unsigned notify_flags;

/* Redis 7.0's "A": every type class, but neither n (new) nor m (keymiss), nor K/E. */
#define NOTIFY_ALL                                                                            \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | \
     NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE)

static const struct {
    char letter;
    unsigned flag;
} notify_letters[] = {
    {'g', NOTIFY_GENERIC}, {'$', NOTIFY_STRING},  {'l', NOTIFY_LIST},    {'s', NOTIFY_SET},
    {'h', NOTIFY_HASH},    {'z', NOTIFY_ZSET},    {'x', NOTIFY_EXPIRED}, {'e', NOTIFY_EVICTED},
    {'t', NOTIFY_STREAM},  {'d', NOTIFY_MODULE},  {'n', NOTIFY_NEW},     {'K', NOTIFY_KEYSPACE},
    {'E', NOTIFY_KEYEVENT}, {'m', NOTIFY_KEY_MISS},
};
#define NOTIFY_NLETTERS (sizeof(notify_letters) / sizeof(notify_letters[0]))

bool notify_set_config(const char *text)
{
    unsigned flags = 0;
    for (const char *p = text; *p; p++) {
        if (*p == 'A') {
            flags |= NOTIFY_ALL;
            continue;
        }
        size_t i = 0;
        while (i < NOTIFY_NLETTERS && notify_letters[i].letter != *p)
            i++;
        if (i == NOTIFY_NLETTERS)
            return false;
        flags |= notify_letters[i].flag;
    }
    notify_flags = flags;
    return true;
}

void notify_get_config(struct buf *out)
{
    /* Redis prints "A" in place of the type classes it covers and then skips the whole type
     * group, so an enabled n does not show after an A: reproduced for byte equality. */
    bool all = (notify_flags & NOTIFY_ALL) == NOTIFY_ALL;
    if (all)
        buf_append(out, "A", 1);
    for (size_t i = 0; i < NOTIFY_NLETTERS; i++) {
        unsigned f = notify_letters[i].flag;
        bool type_group = !(f & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT | NOTIFY_KEY_MISS));
        if (all && type_group)
            continue;
        if (notify_flags & f)
            buf_append(out, &notify_letters[i].letter, 1);
    }
}

/* "__<kind>@<db>__:" followed by tail, in stack space when it fits. */
static void notify_publish_on(const char *kind, int dbid, const char *tail, size_t tlen,
                              const char *msg, size_t mlen)
{
    char small[256];
    char prefix[48];
    int plen = snprintf(prefix, sizeof(prefix), "__%s@%d__:", kind, dbid);
    size_t len = (size_t)plen + tlen;
    char *ch = len <= sizeof(small) ? small : mem_alloc(len);
    memcpy(ch, prefix, (size_t)plen);
    memcpy(ch + plen, tail, tlen);
    pubsub_publish_message(ch, len, msg, mlen);
    if (ch != small)
        mem_free(ch);
}

void notify_publish_event(int class_flag, const char *event, const char *key, size_t klen,
                          int dbid)
{
    size_t elen = strlen(event);
    if (notify_flags & NOTIFY_KEYSPACE)
        notify_publish_on("keyspace", dbid, key, klen, event, elen);
    if (notify_flags & NOTIFY_KEYEVENT)
        notify_publish_on("keyevent", dbid, event, elen, key, klen);
}

void notify_key_new(struct db *db, const char *key, size_t klen, void *ud)
{
    notify_keyspace_event(NOTIFY_NEW, "new", key, klen, db->id);
}

void notify_key_miss(struct db *db, const char *key, size_t klen, void *ud)
{
    notify_keyspace_event(NOTIFY_KEY_MISS, "keymiss", key, klen, db->id);
}

void notify_key_expired(struct db *db, const char *key, size_t klen, void *ud)
{
    notify_keyspace_event(NOTIFY_EXPIRED, "expired", key, klen, db->id);
}
