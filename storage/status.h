/* storage/status.h: what storage operations report instead of reply text. */
#ifndef KVD_STORAGE_STATUS_H
#define KVD_STORAGE_STATUS_H

enum st_status {
    ST_OK = 0,
    ST_NOKEY,        /* the key does not exist (where that is an error) */
    ST_WRONGTYPE,    /* the key holds another type */
    ST_NOT_INTEGER,  /* value is not an integer or out of range */
    ST_NOT_FLOAT,    /* value is not a valid float */
    ST_OVERFLOW,     /* increment or decrement would overflow */
    ST_NAN_INF,      /* increment would produce NaN or Infinity */
    ST_TOO_BIG,      /* string exceeds the maximum allowed size (proto-max-bulk-len) */
    ST_EXISTS,       /* target exists (RENAMENX, COPY without REPLACE, MOVE) */
    ST_SAME_OBJECT,  /* source and destination are the same */
};

#endif
