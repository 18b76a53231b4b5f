/* server/errors.h: the error replies, one enum value per text in errors.def. */
#ifndef KVD_SERVER_ERRORS_H
#define KVD_SERVER_ERRORS_H

enum err {
#define ERRDEF(name, text) name,
#include "server/errors.def"
#undef ERRDEF
    ERR__COUNT
};

/* The printf format for e (no leading '-', no CRLF). */
const char *err_format(enum err e);

#endif
