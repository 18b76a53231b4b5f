/* storage/rdb.h: Redis RDB files (version 10, as Redis 7.0 writes them) and DUMP payloads.
 *
 * Three uses share one encoder/decoder:
 *   - snapshots: rdb_save() walks the whole keyspace (16 dbs, TTLs) and writes an RDB stream
 *     through a caller sink (rdb_save_fd() for a file descriptor); rdb_load_fd() / rdb_load_mem()
 *     read any RDB a Redis up to 7.0 writes (versions 1..10, every encoding of strings, lists,
 *     sets, sorted sets, hashes and streams) into an empty keyspace;
 *   - DUMP / RESTORE: rdb_dump() serialises one value with the 2-byte RDB version and CRC64
 *     trailer; rdb_restore() checks them and decodes with full structural validation;
 *   - the AOF rewrite's RDB preamble: rdb_save() with a sink that writes to the AOF base file.
 *
 * Values are written in the encodings Redis 7.0 writes (string int/LZF forms, quicklist of
 * Redis-format listpacks, listpack or plain hash/zset, intset or plain set, streams as type 19
 * with each node re-encoded as the listpack Redis would hold), chosen from the kvd encoding of
 * each value, which follows the same thresholds. Streams load from types 15 (Redis 5-6.2; the
 * 7.0 bookkeeping is derived as 7.0 derives it) and 19, every node fully validated; a stream
 * with consumer groups is refused (kvd has none) rather than loaded without them, and empty
 * streams are values (never skipped like empty collections). Loaded values get kvd's own
 * encodings by the current thresholds (hash_max_listpack_*, zset_max_listpack_*,
 * set_max_intset_entries, list_max_listpack_size).
 *
 * Saving only reads: no refcount, LRU or dict-iterator writes, so a forked child copies no page
 * it does not have to. Loading allocates normally and fires no keyspace hooks.
 * Errors are reported as a status plus a struct rdb_error with a message naming the byte
 * offset; a corrupt or truncated input never crashes and never leaks (everything built so far
 * for the value in progress is freed; keys already loaded stay in the keyspace, so the caller
 * decides: the server refuses to start, DEBUG RELOAD flushes).
 *
 * Depends on storage/ (obj, db, data types), utils/ (crc64, lzf, buf, mem, num) only.
 */
#ifndef KVD_STORAGE_RDB_H
#define KVD_STORAGE_RDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"
#include "storage/obj.h"
#include "utils/buf.h"

#define RDB_VERSION 10 /* what kvd writes, and the highest it loads (Redis 7.0) */

enum rdb_status {
    RDB_OK = 0,
    RDB_ERR_IO,          /* the sink or read failed; rdb_error.sys_errno has errno */
    RDB_ERR_FORMAT,      /* corrupt, truncated or inconsistent data (message says what/where) */
    RDB_ERR_VERSION,     /* bad magic or an RDB version above RDB_VERSION; DUMP: bad version */
    RDB_ERR_CHECKSUM,    /* CRC64 mismatch (file with checksum verification on; DUMP payload) */
    RDB_ERR_UNSUPPORTED, /* valid Redis data kvd cannot hold: stream consumer groups, modules,
                          * functions */
    RDB_ERR_DUPLICATE,   /* a key appears twice in one db */
    RDB_ERR_ABORTED,     /* a progress callback asked to stop */
};

/* Details of a failure. msg reads like "Short read or corrupt data at offset 1234: ...". */
struct rdb_error {
    enum rdb_status st;
    uint64_t offset; /* byte offset in the file/payload where the problem was found */
    int sys_errno;   /* RDB_ERR_IO: errno of the failing call; else 0 */
    char msg[256];   /* NUL-terminated, for the log */
};

/* Short fixed text for a status ("checksum mismatch", ...). Static storage. */
const char *rdb_status_name(enum rdb_status st);

/* ---- saving ----------------------------------------------------------------------------- */

/* Where rdb_save() sends bytes: writes p[0..n) completely or returns false with errno set.
 * Called with chunks of up to a few hundred KB (the writer buffers). */
typedef bool rdb_write_fn(void *ud, const void *p, size_t n);

/* Save progress: keys written so far and bytes handed to the sink. Return false to abort
 * (rdb_save then returns RDB_ERR_ABORTED). Called about every progress_keys keys. */
typedef bool rdb_save_progress_fn(void *ud, uint64_t keys, uint64_t bytes);

/* One AUX field (0xFA). Values that read as integers are stored int-encoded, as Redis's. */
struct rdb_aux {
    const char *key; /* NUL-terminated, borrowed */
    const char *val; /* borrowed */
    size_t vlen;
};

/* Which eviction field Redis 7.0 writes before each key: it depends on the maxmemory-policy
 * kind, which only the server knows. */
enum rdb_evict_field {
    RDB_EVICT_NONE = 0, /* no LRU/LFU policy: nothing is written */
    RDB_EVICT_IDLE,     /* an LRU policy: IDLE (248) + idle seconds as a length */
    RDB_EVICT_FREQ,     /* an LFU policy: FREQ (249) + the decayed counter as one byte */
};

struct rdb_save_opts {
    bool compress;  /* rdbcompression: LZF for strings longer than 20 bytes when it saves space */
    bool checksum;  /* rdbchecksum: false writes eight zero bytes after EOF (Redis: "no check") */
    const struct rdb_aux *aux; /* written in order right after the header (borrowed) */
    size_t naux;
    rdb_save_progress_fn *progress; /* may be NULL */
    void *progress_ud;
    uint64_t progress_keys; /* 0 means 1024 */
    enum rdb_evict_field evict; /* RDB_EVICT_NONE unless the server sets it */
    uint32_t lru_clock;      /* IDLE: the seconds clock obj lru fields compare to (wraps at
                              * OBJ_LRU_MAX) */
    uint32_t lfu_minutes;    /* FREQ: minutes since the epoch, mod 65536 (the LFU stamp's clock) */
    unsigned lfu_decay_time; /* FREQ: minutes per counter decrement; 0 never decays */
};

/* Zeroed options with compress and checksum on (Redis's defaults). */
void rdb_save_opts_init(struct rdb_save_opts *o);

/* Writes the whole keyspace as an RDB v10 stream: header, aux fields, then for each non-empty
 * db SELECTDB, RESIZEDB and its keys (EXPIRETIME_MS before keys with a TTL; expired keys are
 * still written, as Redis does; then IDLE or FREQ per o->evict), EOF and the checksum. Read-only walk of ks (safe in a fork
 * child). *bytes_out (may be NULL) receives the total bytes written. Does not fsync.
 * Returns RDB_OK, RDB_ERR_IO (sink failed; errno in err) or RDB_ERR_ABORTED. O(data). */
enum rdb_status rdb_save(const struct keyspace *ks, const struct rdb_save_opts *o,
                         rdb_write_fn *write, void *write_ud, uint64_t *bytes_out,
                         struct rdb_error *err);
/* rdb_save() to a file descriptor (write(2) with EINTR retried). The caller opens, fsyncs,
 * closes and renames. */
enum rdb_status rdb_save_fd(const struct keyspace *ks, const struct rdb_save_opts *o, int fd,
                            uint64_t *bytes_out, struct rdb_error *err);

/* ---- loading ---------------------------------------------------------------------------- */

/* Load progress: bytes consumed of total (total 0 when unknown, e.g. a pipe). Return false
 * to abort (RDB_ERR_ABORTED). Called about every progress_bytes bytes and at the end. */
typedef bool rdb_load_progress_fn(void *ud, uint64_t done, uint64_t total);

/* Each AUX field found while loading (key and val borrowed for the call). May be NULL. */
typedef void rdb_aux_fn(void *ud, const char *key, size_t klen, const char *val, size_t vlen);

/* A FUNCTION2 record (a Redis 7.0 function library's code) found while loading (borrowed for
 * the call). Return false to refuse the file. */
typedef bool rdb_function_fn(void *ud, const char *code, size_t len);

/* The value just added to the keyspace was preceded by IDLE and/or FREQ records: idle is the
 * idle time in seconds or -1, freq the LFU counter (0..255) or -1. val is borrowed (the
 * keyspace holds it); the callee may set val->lru. Not called for values without either. */
typedef void rdb_evict_fn(void *ud, struct obj *val, long long idle, int freq);

struct rdb_load_opts {
    bool verify_checksum;      /* rdbchecksum: check the trailer (a zero trailer always passes) */
    long long drop_expired_ms; /* > 0: skip keys whose expire time is below this (Redis as a
                                * master drops keys already expired); 0 keeps everything */
    rdb_load_progress_fn *progress; /* may be NULL */
    void *progress_ud;
    uint64_t progress_bytes; /* 0 means 2 MB (Redis's loading-process-events-interval-bytes) */
    rdb_aux_fn *on_aux;      /* may be NULL */
    void *aux_ud;
    rdb_function_fn *on_function; /* NULL: files holding functions are RDB_ERR_UNSUPPORTED */
    void *function_ud;
    rdb_evict_fn *on_evict; /* NULL: IDLE and FREQ are read and dropped */
    void *evict_ud;
};

void rdb_load_opts_init(struct rdb_load_opts *o);

/* What a successful (or partial) load saw. */
struct rdb_load_info {
    int version;            /* RDB version of the file */
    uint64_t keys_loaded;
    uint64_t keys_expired;  /* skipped because of drop_expired_ms */
    uint64_t bytes;         /* bytes consumed including the checksum */
    bool checksum_checked;  /* a non-zero trailer was present and verified */
};

/* Loads an RDB stream from fd (read from its current position to EOF of the RDB, which must
 * be followed by nothing or anything: the AOF preamble use reads just the RDB part; the fd's
 * position afterwards is unspecified) into ks, whose dbs should be empty: a key already present
 * is RDB_ERR_DUPLICATE. SELECTDB beyond ks->ndb is RDB_ERR_FORMAT. On any error the value in
 * progress is freed and keys loaded so far remain (caller flushes). info may be NULL.
 * O(file); memory: one value at a time beyond the keyspace itself. */
enum rdb_status rdb_load_fd(struct keyspace *ks, int fd, const struct rdb_load_opts *o,
                            struct rdb_load_info *info, struct rdb_error *err);
/* The same from memory p[0..len) (tests, fuzzing). *used (may be NULL) receives the bytes the
 * RDB occupied including its checksum. */
enum rdb_status rdb_load_mem(struct keyspace *ks, const void *p, size_t len,
                             const struct rdb_load_opts *o, struct rdb_load_info *info,
                             size_t *used, struct rdb_error *err);

/* ---- single values (DUMP/RESTORE, AOF, tests) --------------------------------------------- */

/* Appends o's RDB type byte and encoded value to out (what follows a key in a file).
 * Read-only on o. */
void rdb_encode_value(const struct obj *o, bool compress, struct buf *out);
/* Decodes one type byte + value from p[0..len): *out is a new reference in kvd's encodings,
 * *used the bytes consumed. RDB_ERR_FORMAT (with offset relative to p) or RDB_ERR_UNSUPPORTED
 * on failure; never leaks. rdbver: the version of the enclosing file (10 for DUMP). */
enum rdb_status rdb_decode_value(const void *p, size_t len, int rdbver, struct obj **out,
                                 size_t *used, struct rdb_error *err);

/* DUMP: appends the payload of o to out: type byte, value, RDB version as 2 bytes LE
 * (RDB_VERSION), CRC64 of all that as 8 bytes LE. */
void rdb_dump(const struct obj *o, bool compress, struct buf *out);
/* RESTORE: checks payload p[0..len) (version <= RDB_VERSION and CRC64; a payload too short to
 * carry the trailer counts as bad) and decodes it. RDB_ERR_VERSION / RDB_ERR_CHECKSUM -> the
 * server replies "ERR DUMP payload version or checksum are wrong"; RDB_ERR_FORMAT or
 * RDB_ERR_UNSUPPORTED (an empty collection too, but not an empty stream) -> "ERR Bad data
 * format". Bytes between the
 * value and the trailer are ignored, as Redis 7.0 ignores them.
 * On RDB_OK *out is a new reference. Never leaks or crashes on any input. */
enum rdb_status rdb_restore(const void *p, size_t len, struct obj **out, struct rdb_error *err);

#endif
