/* server/pubsub.h: channels, patterns and shard channels; SUBSCRIBE family, PUBLISH, PUBSUB.
 *
 * pubsub.c owns who listens to what (a per-conn record in conn->ext[CONN_EXT_PUBSUB]) and
 * the delivery of messages; conn.c, cmd_conn.c (RESET) and dispatch.c (RESP2 subscribed
 * mode) call in through the functions below.
 */
#ifndef KVD_SERVER_PUBSUB_H
#define KVD_SERVER_PUBSUB_H

#include <stdbool.h>
#include <stddef.h>

struct conn;
struct cmd;
struct cmd_ctx;

#define CONN_EXT_PUBSUB 2

void pubsub_init(void);
void pubsub_deinit(void);

/* Drops every subscription of c without replying (close, RESET) and frees its record. */
void pubsub_conn_reset(struct conn *c);
/* c's subscriptions by kind (CLIENT LIST sub= psub= ssub=). */
void pubsub_conn_counts(const struct conn *c, size_t *channels, size_t *patterns, size_t *shard);
/* True if cmd may run while a RESP2 client is in subscribed mode. */
bool pubsub_allowed_in_context(const struct cmd *cmd);

/* Distinct channels, patterns and shard channels with at least one subscriber (INFO). */
size_t pubsub_channel_count(void);
size_t pubsub_pattern_count(void);
size_t pubsub_shard_channel_count(void);

/* PUBLISH from inside the server (keyspace notifications): delivers msg on channel ch to its
 * subscribers and matching patterns. Both borrowed. Returns the number of receivers. */
long long pubsub_publish_message(const char *ch, size_t chlen, const char *msg, size_t msglen);

void cmd_subscribe(struct cmd_ctx *ctx);
void cmd_unsubscribe(struct cmd_ctx *ctx);
void cmd_psubscribe(struct cmd_ctx *ctx);
void cmd_punsubscribe(struct cmd_ctx *ctx);
void cmd_ssubscribe(struct cmd_ctx *ctx);
void cmd_sunsubscribe(struct cmd_ctx *ctx);
void cmd_publish(struct cmd_ctx *ctx);
void cmd_spublish(struct cmd_ctx *ctx);
void cmd_pubsub_channels(struct cmd_ctx *ctx);
void cmd_pubsub_numsub(struct cmd_ctx *ctx);
void cmd_pubsub_numpat(struct cmd_ctx *ctx);
void cmd_pubsub_shardchannels(struct cmd_ctx *ctx);
void cmd_pubsub_shardnumsub(struct cmd_ctx *ctx);
void cmd_pubsub_help(struct cmd_ctx *ctx);

#endif
