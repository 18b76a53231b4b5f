/* server/notify.h: keyspace notifications (notify-keyspace-events).
 *
 * Command handlers and keyspace hooks report what happened to a key; notify.c turns that
 * into PUBLISHes on __keyspace@<db>__:<key> and __keyevent@<db>__:<event> when the class is
 * enabled. The check is one load and one AND, so handlers call it unconditionally.
 */
#ifndef KVD_SERVER_NOTIFY_H
#define KVD_SERVER_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

struct db;
struct buf;

/* Event classes (the letters of notify-keyspace-events). */
enum {
    NOTIFY_KEYSPACE = 1 << 0, /* K */
    NOTIFY_KEYEVENT = 1 << 1, /* E */
    NOTIFY_GENERIC = 1 << 2,  /* g */
    NOTIFY_STRING = 1 << 3,   /* $ */
    NOTIFY_LIST = 1 << 4,     /* l */
    NOTIFY_SET = 1 << 5,      /* s */
    NOTIFY_HASH = 1 << 6,     /* h */
    NOTIFY_ZSET = 1 << 7,     /* z */
    NOTIFY_EXPIRED = 1 << 8,  /* x */
    NOTIFY_EVICTED = 1 << 9,  /* e */
    NOTIFY_STREAM = 1 << 10,  /* t */
    NOTIFY_MODULE = 1 << 11,  /* d */
    NOTIFY_NEW = 1 << 12,     /* n */
    NOTIFY_KEY_MISS = 1 << 13, /* m */
};

/* The enabled classes; written only by notify_set_config(). */
extern unsigned notify_flags;

/* Publishes event for key unless class is disabled. Both strings are borrowed. */
void notify_publish_event(int class_flag, const char *event, const char *key, size_t klen,
                          int dbid);

/* Reports event on key in db dbid: a no-op unless class_flag is enabled (and K or E). */
static inline void notify_keyspace_event(int class_flag, const char *event, const char *key,
                                         size_t klen, int dbid)
{
    if (notify_flags & (unsigned)class_flag)
        notify_publish_event(class_flag, event, key, klen, dbid);
}

/* Parses a notify-keyspace-events value; false (nothing changed) on a letter Redis rejects. */
bool notify_set_config(const char *text);
/* Appends the value in Redis's canonical form (e.g. "KEA" reads back as "AKE"). */
void notify_get_config(struct buf *out);

/* Keyspace hooks (set in main.c): "new" when a key is created, "keymiss" on a read miss,
 * "expired" when a key's TTL passes. ud is unused. */
void notify_key_new(struct db *db, const char *key, size_t klen, void *ud);
void notify_key_miss(struct db *db, const char *key, size_t klen, void *ud);
void notify_key_expired(struct db *db, const char *key, size_t klen, void *ud);

#endif
