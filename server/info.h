/* server/info.h: INFO and the text it is built from (server/info.c). */
#ifndef KVD_SERVER_INFO_H
#define KVD_SERVER_INFO_H

#include "server/commands.h"
#include "utils/buf.h"

/* INFO [section ...]: Redis 7.0's sections, field names and formats. */
void cmd_info(struct cmd_ctx *ctx);
/* Appends the named section(s) ("default", "all", "everything", or one section name) to out. */
void info_generate(struct buf *out, const char *section);

#endif
