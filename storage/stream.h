/* storage/stream.h: the stream value type (append-only log of ID -> field/value entries).
 *
 * A stream is an array of nodes sorted by ID. Each node is one storage/listpack laid out as
 * Redis 7.0 lays out its stream listpacks, so node sizes, node splits (and so what the
 * approximate `~` trimming removes) and the RDB payload agree with Redis:
 *
 *   master entry: count | deleted | num-fields | field_1 .. field_N | 0
 *   each entry:   flags | ms-delta | seq-delta | [num-fields | f_1 v_1 .. f_N v_N] | lp-count
 *                 (with STREAM_FLAG_SAMEFIELDS only the values v_1 .. v_N are stored)
 *
 * IDs are stored as deltas against the node's master ID (the first ID ever added to the node).
 * lp-count is the number of elements of the entry before it, so entries can be walked
 * backwards. XDEL only sets STREAM_FLAG_DELETED; a node goes away when no live entry is left.
 * There is no per-entry allocation: one block per node plus the node array.
 * Consumer groups are not implemented (XGROUP and friends are unknown commands).
 */
#ifndef KVD_STORAGE_STREAM_H
#define KVD_STORAGE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/listpack.h"
#include "storage/obj.h"
#include "utils/slice.h"

/* CONFIG stream-node-max-bytes / stream-node-max-entries (0 = no limit), Redis's defaults. */
extern long long stream_node_max_bytes;
extern long long stream_node_max_entries;

/* Entry flags, as Redis stores them. */
enum { STREAM_FLAG_DELETED = 1, STREAM_FLAG_SAMEFIELDS = 2 };

/* "18446744073709551615-18446744073709551615" plus NUL. */
#define STREAM_ID_MAXLEN 42

struct stream_id {
    uint64_t ms;
    uint64_t seq;
};

struct stream_node {
    struct stream_id master; /* ID of the node's first entry: the base of the deltas */
    unsigned char *lp;       /* owned */
};

struct stream {
    struct stream_node *nodes; /* sorted by master ID; owned */
    size_t nnodes, cap;
    uint64_t length;                /* live entries */
    struct stream_id last_id;       /* highest ID ever added (survives XDEL/XTRIM) */
    struct stream_id first_id;      /* first live entry; 0-0 after XDEL empties the stream */
    struct stream_id max_deleted_id; /* highest ID removed by XDEL */
    uint64_t entries_added;         /* every entry ever added */
};

/* ---- IDs ------------------------------------------------------------------------------- */

int stream_id_cmp(const struct stream_id *a, const struct stream_id *b);
/* Next / previous ID in order; false (id unchanged) past the maximum / below 0-0. */
bool stream_id_incr(struct stream_id *id);
bool stream_id_decr(struct stream_id *id);
/* "ms-seq" into buf (STREAM_ID_MAXLEN bytes), NUL-terminated; returns the length. */
size_t stream_id_format(const struct stream_id *id, char *buf);

/* Parses an ID argument as Redis 7.0 does: "ms-seq" or "ms" (seq = missing_seq); ms and seq
 * go through Redis's lenient unsigned parser. Unless strict, "-" is 0-0 and "+" the maximum.
 * If seq_given is not NULL, "ms-*" is accepted and sets *seq_given false (XADD). False on
 * anything else. */
bool stream_id_parse(const char *p, size_t len, bool strict, uint64_t missing_seq,
                     struct stream_id *out, bool *seq_given);

/* ---- the value --------------------------------------------------------------------------- */

/* An empty stream. New reference. */
struct obj *stream_new(void);
/* Frees the payload (obj_release's OBJ_STREAM case). */
void stream_free(void *ptr);
/* Deep copy (COPY). New reference. */
struct obj *stream_dup(const struct obj *o);
/* MEMORY USAGE estimate; samples > 0 estimates the nodes from that many of them. */
size_t stream_memory_usage(const struct obj *o, size_t samples);
/* Live entries. O(1). */
uint64_t stream_len(const struct obj *o);
/* The stream's bookkeeping and nodes (RDB). Borrowed until o next changes. */
struct stream *stream_of(const struct obj *o);

enum stream_add_status {
    STREAM_ADD_OK = 0,
    STREAM_ADD_EXHAUSTED, /* last ID is the maximum: nothing can follow it */
    STREAM_ADD_NOT_GREATER, /* the ID is not above the last ID */
    STREAM_ADD_TOO_LARGE, /* fields too large, or "ms-*" with the sequence exhausted (Redis
                           * 7.0 answers that one with the same error) */
};

/* Appends an entry of nfields field/value pairs (fv[0..2*nfields), copied). The ID is
 * use_id when given (with seq_given false only its ms counts: seq follows the last ID or
 * starts at 0), else generated from now_ms (reusing the last ms, sequence bumped, when the
 * clock is not ahead of it). On STREAM_ADD_OK *added is the new ID. */
enum stream_add_status stream_add(struct obj *o, const struct slice *fv, size_t nfields,
                                  const struct stream_id *use_id, bool seq_given,
                                  uint64_t now_ms, struct stream_id *added);

/* Marks the entry id deleted (XDEL); updates first_id and max_deleted_id. True if a live
 * entry had that ID. O(node) after a binary search over the nodes. */
bool stream_delete(struct obj *o, const struct stream_id *id);

enum stream_trim_strategy { STREAM_TRIM_NONE = 0, STREAM_TRIM_MAXLEN, STREAM_TRIM_MINID };

struct stream_trim {
    enum stream_trim_strategy strategy;
    bool approx;         /* '~': remove whole nodes only */
    long long limit;     /* at most this many entries removed (0 = no limit) */
    uint64_t maxlen;     /* MAXLEN */
    struct stream_id minid; /* MINID */
};

/* Trims as Redis 7.0 does: whole nodes from the head while the strategy allows, then (exact
 * mode only) single entries of the next node. Returns how many entries were removed. */
uint64_t stream_trim(struct obj *o, const struct stream_trim *t);

/* ---- reading ------------------------------------------------------------------------------ */

/* Walks live entries with start <= ID <= end, ascending or (rev) descending. The stream must
 * not change during the walk. */
struct stream_iter {
    struct stream *s;
    struct stream_id start, end;
    bool rev;
    bool done;
    size_t node;          /* index of the current node */
    unsigned char *next;  /* forward: next entry's flags; reverse: previous entry's lp-count */
    unsigned char *mfield; /* master entry's first field */
    uint64_t mnfields;
    /* the entry last returned */
    bool same;            /* values only: fields come from the master entry */
    uint64_t left;        /* pairs not yet returned by stream_iter_field */
    unsigned char *fp, *vp;
    char fbuf[LISTPACK_INTBUF], vbuf[LISTPACK_INTBUF];
};
void stream_iter_init(struct stream_iter *it, struct obj *o, const struct stream_id *start,
                      const struct stream_id *end, bool rev);
/* Next entry: its ID and number of field/value pairs; false at the end. */
bool stream_iter_next(struct stream_iter *it, struct stream_id *id, uint64_t *nfields);
/* Next pair of the current entry (borrowed until the next call); false after the last. */
bool stream_iter_field(struct stream_iter *it, const char **f, size_t *flen, const char **v,
                       size_t *vlen);

#endif
