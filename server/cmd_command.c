/* server/cmd_command.c: COMMAND and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS, HELP).
 *
 * Everything here is read from the command table (commands.h): Redis 7.0's 10-element
 * COMMAND INFO records, and COMMAND DOCS whose argument trees are built by parsing each
 * entry's docs-notation syntax string. Knows nothing of the keyspace or of sockets.
 * Start at reply_cmd_info() and docs_parse_seq().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/cmd_command.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/args.h"
#include "server/conn.h"
#include "server/reply.h"
#include "utils/glob.h"
#include "utils/mem.h"

/* ---- looking commands up ------------------------------------------------------------------ */

/* "get" or "client|list" (any case): Redis's COMMAND INFO/DOCS accept both forms. */
static struct cmd *lookup_fullname(const char *p, size_t len)
{
    const char *bar = memchr(p, '|', len);
    if (bar == NULL)
        return cmd_lookup(p, len);
    struct cmd *parent = cmd_lookup(p, (size_t)(bar - p));
    if (parent == NULL || parent->subcmds == NULL)
        return NULL;
    return cmd_lookup_sub(parent, bar + 1, len - (size_t)(bar - p) - 1);
}

/* ---- COMMAND INFO ------------------------------------------------------------------------- */

/* Flag names in the order Redis 7.0 lists them. may_replicate, sentinel, only_sentinel and
 * protected exist but Redis never shows them. */
static const struct {
    uint32_t flag;
    const char *name;
} flag_names[] = {
    {CMD_WRITE, "write"},
    {CMD_READONLY, "readonly"},
    {CMD_DENYOOM, "denyoom"},
    {CMD_ADMIN, "admin"},
    {CMD_PUBSUB, "pubsub"},
    {CMD_NOSCRIPT, "noscript"},
    {CMD_BLOCKING, "blocking"},
    {CMD_LOADING, "loading"},
    {CMD_STALE, "stale"},
    {CMD_SKIP_MONITOR, "skip_monitor"},
    {CMD_SKIP_SLOWLOG, "skip_slowlog"},
    {CMD_FAST, "fast"},
    {CMD_NO_AUTH, "no_auth"},
    {CMD_NO_MANDATORY_KEYS, "no_mandatory_keys"},
    {CMD_NO_MULTI, "no_multi"},
    {CMD_MOVABLE_KEYS, "movablekeys"},
    {CMD_ALLOW_BUSY, "allow_busy"},
};

static void reply_flags(struct conn *c, const struct cmd *cmd)
{
    long long n = 0;
    for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
        if (cmd->flags & flag_names[i].flag)
            n++;
    reply_set(c, n);
    for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
        if (cmd->flags & flag_names[i].flag)
            reply_simple(c, flag_names[i].name);
}

/* Calls fn for each space-separated word of s. */
static long long count_words(const char *s)
{
    long long n = 0;
    for (const char *p = s; p != NULL && *p != '\0';) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        n++;
        while (*p != '\0' && *p != ' ')
            p++;
    }
    return n;
}

static void reply_acl(struct conn *c, const struct cmd *cmd)
{
    reply_set(c, count_words(cmd->acl));
    for (const char *p = cmd->acl; p != NULL && *p != '\0';) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        const char *start = p;
        while (*p != '\0' && *p != ' ')
            p++;
        reply_simple_len(c, start, (size_t)(p - start));
    }
}

static bool cmd_has_keys(const struct cmd *cmd)
{
    return cmd->first_key > 0;
}

/* One key spec derived from the legacy (first, last, step) positions. Redis 7.0 has finer
 * specs per key; the positions are exact, the access flags are approximated from the
 * command's write/readonly flags. */
static void reply_key_specs(struct conn *c, const struct cmd *cmd)
{
    if (!cmd_has_keys(cmd)) {
        reply_set(c, 0);
        return;
    }
    reply_set(c, 1);
    reply_map(c, 3);
    reply_bulk_cstr(c, "flags");
    if (cmd->flags & CMD_WRITE) {
        reply_set(c, 3);
        reply_simple(c, "RW");
        reply_simple(c, "access");
        reply_simple(c, "update");
    } else {
        reply_set(c, 2);
        reply_simple(c, "RO");
        reply_simple(c, "access");
    }
    reply_bulk_cstr(c, "begin_search");
    reply_map(c, 2);
    reply_bulk_cstr(c, "type");
    reply_bulk_cstr(c, "index");
    reply_bulk_cstr(c, "spec");
    reply_map(c, 1);
    reply_bulk_cstr(c, "index");
    reply_int(c, cmd->first_key);
    reply_bulk_cstr(c, "find_keys");
    reply_map(c, 2);
    reply_bulk_cstr(c, "type");
    reply_bulk_cstr(c, "range");
    reply_bulk_cstr(c, "spec");
    reply_map(c, 3);
    reply_bulk_cstr(c, "lastkey");
    reply_int(c, cmd->last_key < 0 ? cmd->last_key : cmd->last_key - cmd->first_key);
    reply_bulk_cstr(c, "keystep");
    reply_int(c, cmd->key_step);
    reply_bulk_cstr(c, "limit");
    reply_int(c, 0);
}

static long long count_subcmds(const struct cmd *cmd)
{
    long long n = 0;
    for (const struct cmd *s = cmd->subcmds; s != NULL && s->name != NULL; s++)
        n++;
    return n;
}

/* The 10-element COMMAND INFO record: name, arity, flags, first, last, step, ACL categories,
 * tips (none), key specs, subcommands. */
static void reply_cmd_info(struct conn *c, const struct cmd *cmd)
{
    reply_array(c, 10);
    reply_bulk_cstr(c, cmd->fullname[0] != '\0' ? cmd->fullname : cmd->name);
    reply_int(c, cmd->arity);
    reply_flags(c, cmd);
    reply_int(c, cmd->first_key);
    reply_int(c, cmd->last_key);
    reply_int(c, cmd->key_step);
    reply_acl(c, cmd);
    reply_set(c, 0);
    reply_key_specs(c, cmd);
    reply_set(c, count_subcmds(cmd));
    for (const struct cmd *s = cmd->subcmds; s != NULL && s->name != NULL; s++)
        reply_cmd_info(c, s);
}

static void reply_all_info(struct conn *c)
{
    size_t n;
    struct cmd *all = commands_all(&n);
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++)
        reply_cmd_info(c, &all[i]);
}

/* COMMAND with no subcommand: every command's INFO record. */
void cmd_command(struct cmd_ctx *ctx)
{
    reply_all_info(ctx->c);
}

void cmd_command_info(struct cmd_ctx *ctx)
{
    if (ctx->argc == 2) {
        reply_all_info(ctx->c);
        return;
    }
    reply_array(ctx->c, ctx->argc - 2);
    for (int i = 2; i < ctx->argc; i++) {
        const struct cmd *cmd = lookup_fullname(ctx->argv[i].p, ctx->argv[i].len);
        if (cmd == NULL)
            reply_null(ctx->c);
        else
            reply_cmd_info(ctx->c, cmd);
    }
}

void cmd_command_count(struct cmd_ctx *ctx)
{
    size_t n;
    commands_all(&n);
    reply_int(ctx->c, (long long)n);
}

/* ---- COMMAND LIST ------------------------------------------------------------------------- */

enum list_filter { LIST_ALL, LIST_MODULE, LIST_ACLCAT, LIST_PATTERN };

static bool list_matches(const struct cmd *cmd, enum list_filter f, const struct slice *arg)
{
    switch (f) {
    case LIST_ALL:
        return true;
    case LIST_MODULE:
        return false; /* kvd has no modules */
    case LIST_ACLCAT:
        for (const char *p = cmd->acl; p != NULL && *p != '\0';) {
            while (*p == ' ')
                p++;
            const char *start = p;
            while (*p != '\0' && *p != ' ')
                p++;
            /* Categories are compared without their '@', ignoring case, as Redis does. */
            if (p - start > 1 && start[0] == '@' && (size_t)(p - start - 1) == arg->len &&
                strncasecmp(start + 1, arg->p, arg->len) == 0)
                return true;
        }
        return false;
    case LIST_PATTERN:
        return glob_match(arg->p, arg->len, cmd->fullname, strlen(cmd->fullname), true);
    }
    return false;
}

/* COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN pattern]: names, each top-level
 * command followed by its subcommands ("client|list"). */
void cmd_command_list(struct cmd_ctx *ctx)
{
    enum list_filter f = LIST_ALL;
    const struct slice *arg = NULL;
    if (ctx->argc == 5 && arg_is(&ctx->argv[2], "filterby")) {
        arg = &ctx->argv[4];
        if (arg_is(&ctx->argv[3], "module"))
            f = LIST_MODULE;
        else if (arg_is(&ctx->argv[3], "aclcat"))
            f = LIST_ACLCAT;
        else if (arg_is(&ctx->argv[3], "pattern"))
            f = LIST_PATTERN;
        else {
            reply_error(ctx->c, ERR_SYNTAX);
            return;
        }
    } else if (ctx->argc != 2) {
        reply_error(ctx->c, ERR_SYNTAX);
        return;
    }
    size_t n;
    struct cmd *all = commands_all(&n);
    void *hdr = reply_defer(ctx->c);
    long long count = 0;
    for (size_t i = 0; i < n; i++) {
        if (list_matches(&all[i], f, arg)) {
            reply_bulk_cstr(ctx->c, all[i].fullname);
            count++;
        }
        for (const struct cmd *s = all[i].subcmds; s != NULL && s->name != NULL; s++)
            if (list_matches(s, f, arg)) {
                reply_bulk_cstr(ctx->c, s->fullname);
                count++;
            }
    }
    reply_defer_set_array(ctx->c, hdr, count);
}

/* ---- COMMAND GETKEYS ---------------------------------------------------------------------- */

/* Redis reads numkeys with atoi: leading spaces and a sign pass, digits are read up to the
 * first other byte, junk is 0, and the long result is cut to int. */
static int atoi_like(const struct slice *a)
{
    char tmp[32];
    size_t n = a->len < sizeof(tmp) - 1 ? a->len : sizeof(tmp) - 1;
    memcpy(tmp, a->p, n);
    tmp[n] = '\0';
    return (int)strtol(tmp, NULL, 10);
}

/* Keys named by the numkeys at argv[nk], starting at nk + 1, plus the key at store (> 0). */
static int keys_numkeys(const struct slice *argv, int argc, int store, int nk, int *out,
                        int max)
{
    if (nk >= argc)
        return 0;
    int num = atoi_like(&argv[nk]);
    if (num < 1 || num > argc - nk - 1)
        return 0;
    int n = 0;
    if (store > 0 && n < max)
        out[n++] = store;
    for (int i = 0; i < num && n < max; i++)
        out[n++] = nk + 1 + i;
    return n;
}

int cmd_command_keys_numkeys1(const struct slice *argv, int argc, int *out, int max)
{
    return keys_numkeys(argv, argc, 0, 1, out, max);
}

int cmd_command_keys_numkeys2(const struct slice *argv, int argc, int *out, int max)
{
    return keys_numkeys(argv, argc, 0, 2, out, max);
}

int cmd_command_keys_store_numkeys(const struct slice *argv, int argc, int *out, int max)
{
    return keys_numkeys(argv, argc, 1, 2, out, max);
}

/* A movable-keys command's keys, from its finder. */
static void reply_found_keys(struct conn *c, const struct cmd *cmd, const struct slice *argv,
                             int argc)
{
    int *pos = mem_alloc((size_t)argc * sizeof(*pos));
    int n = cmd->getkeys(argv, argc, pos, argc);
    if (n == 0) {
        if (cmd->flags & CMD_NO_MANDATORY_KEYS)
            reply_empty_array(c);
        else
            reply_error(c, ERR_GETKEYS_NO_KEYS_FOUND);
    } else {
        reply_array(c, n);
        for (int i = 0; i < n; i++)
            reply_bulk(c, argv[pos[i]].p, argv[pos[i]].len);
    }
    mem_free(pos);
}

/* COMMAND GETKEYS cmd arg...: the key arguments, found by the command's key finder or from
 * its legacy key positions. */
void cmd_command_getkeys(struct cmd_ctx *ctx)
{
    const struct slice *argv = ctx->argv + 2;
    int argc = ctx->argc - 2;
    const struct cmd *cmd = cmd_lookup(argv[0].p, argv[0].len);
    if (cmd != NULL && cmd->subcmds != NULL) {
        cmd = argc >= 2 ? cmd_lookup_sub(cmd, argv[1].p, argv[1].len) : NULL;
    }
    if (cmd == NULL) {
        reply_error(ctx->c, ERR_GETKEYS_INVALID_CMD);
        return;
    }
    if (!cmd_has_keys(cmd) && cmd->getkeys == NULL) {
        reply_error(ctx->c, ERR_GETKEYS_NO_KEYS);
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
        reply_error(ctx->c, ERR_GETKEYS_BAD_ARGC);
        return;
    }
    if (cmd->getkeys != NULL) {
        reply_found_keys(ctx->c, cmd, argv, argc);
        return;
    }
    int last = cmd->last_key < 0 ? argc + cmd->last_key : cmd->last_key;
    if (last >= argc)
        last = argc - 1;
    int step = cmd->key_step > 0 ? cmd->key_step : 1;
    long long n = 0;
    for (int i = cmd->first_key; i <= last; i += step)
        n++;
    if (n == 0) {
        if (cmd->flags & CMD_NO_MANDATORY_KEYS)
            reply_empty_array(ctx->c);
        else
            reply_error(ctx->c, ERR_GETKEYS_NO_KEYS_FOUND);
        return;
    }
    reply_array(ctx->c, n);
    for (int i = cmd->first_key; i <= last; i += step)
        reply_bulk(ctx->c, argv[i].p, argv[i].len);
}

/* ---- COMMAND DOCS: argument trees from syntax strings ------------------------------------- */

/* One node of a COMMAND DOCS argument tree. */
struct docarg {
    char name[64];
    const char *type;    /* "key", "string", "integer", "double", "pattern", "unix-time",
                            "pure-token", "oneof", "block" */
    char token[64];      /* "" when the argument has no token */
    bool optional, multiple;
    struct docarg *kids; /* oneof / block members (owned) */
    int nkids;
};

struct arglist {
    struct docarg *v;
    int n, cap;
};

struct docparser {
    const char *p;
    const struct cmd *cmd;
};

static void arglist_push(struct arglist *l, const struct docarg *a)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = mem_realloc(l->v, (size_t)l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = *a;
}

static void docarg_free_kids(struct docarg *a)
{
    for (int i = 0; i < a->nkids; i++)
        docarg_free_kids(&a->kids[i]);
    mem_free(a->kids);
    a->kids = NULL;
    a->nkids = 0;
}

/* The type Redis's docs give an argument, judged by its name. */
static const char *docs_type_for(const struct cmd *cmd, const char *name)
{
    static const char *const keys[] = {"key", "newkey", "source", "destination", NULL};
    static const char *const ints[] = {"seconds", "milliseconds", "count", "offset", "start",
                                       "end", "index", "db", "destination-db", "numkeys",
                                       "increment", "decrement", "cursor", "client-id", "len",
                                       "length", "value-int", "index1", "index2", NULL};
    for (int i = 0; keys[i] != NULL; i++)
        if (strcmp(name, keys[i]) == 0)
            return "key";
    if (strncmp(name, "key", 3) == 0 && isdigit((unsigned char)name[3]))
        return "key";
    if (strncmp(name, "unix-time", 9) == 0)
        return "unix-time";
    if (strcmp(name, "pattern") == 0)
        return "pattern";
    if (strcmp(name, "increment") == 0 && strcmp(cmd->fullname, "incrbyfloat") == 0)
        return "double";
    if (strcmp(name, "timeout") == 0)
        return "double";
    for (int i = 0; ints[i] != NULL; i++)
        if (strcmp(name, ints[i]) == 0)
            return "integer";
    return "string";
}

static void skip_spaces(struct docparser *ps)
{
    while (*ps->p == ' ')
        ps->p++;
}

/* Copies the next word (up to a space or one of []<>|) into out; returns its length. */
static size_t next_word(struct docparser *ps, char *out, size_t cap)
{
    size_t n = 0;
    while (*ps->p != '\0' && strchr(" []<>|", *ps->p) == NULL) {
        if (n + 1 < cap)
            out[n++] = *ps->p;
        ps->p++;
    }
    out[n] = '\0';
    return n;
}

static bool word_is_token(const char *w)
{
    bool upper = false;
    for (const char *p = w; *p != '\0'; p++) {
        if (islower((unsigned char)*p))
            return false;
        if (isupper((unsigned char)*p))
            upper = true;
    }
    return upper;
}

static bool docarg_same(const struct docarg *a, const struct docarg *b)
{
    if (strcmp(a->name, b->name) != 0 || strcmp(a->token, b->token) != 0 ||
        a->nkids != b->nkids)
        return false;
    for (int i = 0; i < a->nkids; i++)
        if (!docarg_same(&a->kids[i], &b->kids[i]))
            return false;
    return true;
}

/* Joins the members' names with '_' (Redis names blocks like "key_value" this way). */
static void name_from_kids(struct docarg *a)
{
    size_t used = 0;
    a->name[0] = '\0';
    for (int i = 0; i < a->nkids; i++) {
        int w = snprintf(a->name + used, sizeof(a->name) - used, "%s%s", i ? "_" : "",
                         a->kids[i].name);
        if (w < 0 || (size_t)w >= sizeof(a->name) - used)
            break;
        used += (size_t)w;
    }
}

/* Moves l's members into a block argument. */
static struct docarg make_block(struct arglist *l)
{
    struct docarg b;
    memset(&b, 0, sizeof(b));
    b.type = "block";
    b.kids = l->v;
    b.nkids = l->n;
    name_from_kids(&b);
    l->v = NULL;
    l->n = l->cap = 0;
    return b;
}

static void docs_parse_seq(struct docparser *ps, struct arglist *out, bool *repeat_all);

/* One alternative of a group as a single argument: a lone argument stays itself; "TOKEN a b"
 * becomes a block carrying the token; anything else a block. */
static struct docarg seq_to_arg(struct arglist *l)
{
    if (l->n == 1) {
        struct docarg a = l->v[0];
        mem_free(l->v);
        l->v = NULL;
        l->n = l->cap = 0;
        return a;
    }
    if (l->n > 2 && strcmp(l->v[0].type, "pure-token") == 0) {
        char token[64];
        snprintf(token, sizeof(token), "%s", l->v[0].token);
        memmove(&l->v[0], &l->v[1], (size_t)(l->n - 1) * sizeof(l->v[0]));
        l->n--;
        struct docarg b = make_block(l);
        snprintf(b.token, sizeof(b.token), "%s", token);
        return b;
    }
    return make_block(l);
}

/* A bracketed group after its opening bracket, up to and including the closing one. */
static struct docarg docs_parse_group(struct docparser *ps, char close)
{
    struct arglist alts = {0};
    for (;;) {
        struct arglist seq = {0};
        bool repeat_all = false;
        docs_parse_seq(ps, &seq, &repeat_all);
        if (seq.n > 0) {
            struct docarg a = seq_to_arg(&seq);
            if (repeat_all)
                a.multiple = true;
            arglist_push(&alts, &a);
        }
        skip_spaces(ps);
        if (*ps->p == '|') {
            ps->p++;
            continue;
        }
        if (*ps->p == close)
            ps->p++;
        break;
    }
    if (alts.n == 1) {
        struct docarg a = alts.v[0];
        mem_free(alts.v);
        return a;
    }
    struct docarg o = make_block(&alts);
    o.type = "oneof";
    /* Name a choice between tokens after the tokens ("ex_px_keepttl"): shorter than the
     * joined value names. */
    char joined[64] = "";
    size_t used = 0;
    for (int i = 0; i < o.nkids; i++) {
        const char *part = o.kids[i].token[0] != '\0' ? o.kids[i].token : o.kids[i].name;
        for (size_t j = 0; part[j] != '\0' && used + 2 < sizeof(joined); j++) {
            if (j == 0 && i > 0)
                joined[used++] = '_';
            joined[used++] = (char)tolower((unsigned char)part[j]);
        }
    }
    joined[used] = '\0';
    snprintf(o.name, sizeof(o.name), "%s", joined);
    return o;
}

/* Parses arguments up to ']', '>', '|' or the end. A trailing "..." repeats the whole
 * sequence (reported through repeat_all); elsewhere it repeats the argument before it. */
static void docs_parse_seq(struct docparser *ps, struct arglist *out, bool *repeat_all)
{
    for (;;) {
        skip_spaces(ps);
        char ch = *ps->p;
        if (ch == '\0' || ch == ']' || ch == '>' || ch == '|')
            return;
        if (ch == '[' || ch == '<') {
            ps->p++;
            struct docarg g = docs_parse_group(ps, ch == '[' ? ']' : '>');
            g.optional = ch == '[';
            /* "x [x ...]": the optional repeat folds into x itself. */
            if (g.optional && g.multiple) {
                struct docarg probe = g;
                probe.optional = probe.multiple = false;
                if (out->n > 0 && docarg_same(&out->v[out->n - 1], &probe)) {
                    docarg_free_kids(&g);
                    out->v[out->n - 1].multiple = true;
                    continue;
                }
                if (strcmp(g.type, "block") == 0 && out->n >= g.nkids && g.nkids > 0) {
                    bool same = true;
                    for (int i = 0; i < g.nkids; i++)
                        same = same && docarg_same(&out->v[out->n - g.nkids + i], &g.kids[i]);
                    if (same) {
                        for (int i = 0; i < g.nkids; i++)
                            docarg_free_kids(&out->v[out->n - g.nkids + i]);
                        out->n -= g.nkids;
                        g.optional = false;
                    }
                }
            }
            /* "TOKEN [group]" or "TOKEN <a|b>": the token introduces the group. */
            if (out->n > 0 && strcmp(out->v[out->n - 1].type, "pure-token") == 0 &&
                !out->v[out->n - 1].optional && g.token[0] == '\0' && !g.optional) {
                snprintf(g.token, sizeof(g.token), "%s", out->v[out->n - 1].token);
                snprintf(g.name, sizeof(g.name), "%s", out->v[out->n - 1].name);
                out->n--;
            }
            arglist_push(out, &g);
            continue;
        }
        char word[64];
        next_word(ps, word, sizeof(word));
        if (strcmp(word, "...") == 0) {
            skip_spaces(ps);
            char nx = *ps->p;
            if ((nx == ']' || nx == '>' || nx == '|' || nx == '\0') && out->n > 1)
                *repeat_all = true;
            else if (out->n > 0)
                out->v[out->n - 1].multiple = true;
            continue;
        }
        struct docarg a;
        memset(&a, 0, sizeof(a));
        if (word_is_token(word)) {
            snprintf(a.token, sizeof(a.token), "%s", word);
            for (size_t i = 0; word[i] != '\0' && i < sizeof(a.name) - 1; i++)
                a.name[i] = (char)tolower((unsigned char)word[i]);
            a.type = "pure-token";
            arglist_push(out, &a);
            continue;
        }
        snprintf(a.name, sizeof(a.name), "%s", word);
        a.type = docs_type_for(ps->cmd, word);
        /* "TOKEN value": one argument with a token, unless more values follow the token in
         * this group (then seq_to_arg makes a block). */
        /* An optional token ("[INCR] score") is an argument of its own, not score's token. */
        if (out->n > 0 && strcmp(out->v[out->n - 1].type, "pure-token") == 0 &&
            !out->v[out->n - 1].optional) {
            const char *q = ps->p;
            while (*q == ' ')
                q++;
            bool more = *q != '\0' && strchr("]>|", *q) == NULL && *q != '[' && *q != '<' &&
                        !(q[0] == '.' && q[1] == '.');
            if (!(more && out->n == 1)) {
                snprintf(a.token, sizeof(a.token), "%s", out->v[out->n - 1].token);
                out->n--;
            }
        }
        arglist_push(out, &a);
    }
}

static void reply_docarg(struct conn *c, const struct docarg *a, bool has_keyspec)
{
    bool is_key = strcmp(a->type, "key") == 0 && has_keyspec;
    bool has_token = a->token[0] != '\0';
    bool has_flags = a->optional || a->multiple;
    bool has_kids = a->nkids > 0;
    reply_map(c, 2 + is_key + has_token + has_flags + has_kids);
    reply_bulk_cstr(c, "name");
    reply_bulk_cstr(c, a->name);
    reply_bulk_cstr(c, "type");
    reply_bulk_cstr(c, a->type);
    if (is_key) {
        reply_bulk_cstr(c, "key_spec_index");
        reply_int(c, 0);
    }
    if (has_token) {
        reply_bulk_cstr(c, "token");
        reply_bulk_cstr(c, a->token);
    }
    if (has_flags) {
        reply_bulk_cstr(c, "flags");
        reply_set(c, a->optional + a->multiple);
        if (a->optional)
            reply_simple(c, "optional");
        if (a->multiple)
            reply_simple(c, "multiple");
    }
    if (has_kids) {
        reply_bulk_cstr(c, "arguments");
        reply_array(c, a->nkids);
        for (int i = 0; i < a->nkids; i++)
            reply_docarg(c, &a->kids[i], has_keyspec);
    }
}

static void reply_cmd_docs(struct conn *c, const struct cmd *cmd)
{
    struct arglist args = {0};
    if (cmd->syntax != NULL && cmd->syntax[0] != '\0') {
        struct docparser ps = {.p = cmd->syntax, .cmd = cmd};
        bool repeat_all = false;
        while (*ps.p != '\0') {
            docs_parse_seq(&ps, &args, &repeat_all);
            if (*ps.p != '\0')
                ps.p++; /* a stray closer: skip it rather than loop */
        }
    }
    long long nsub = count_subcmds(cmd);
    bool has_summary = cmd->summary != NULL && cmd->summary[0] != '\0';
    bool has_complexity = cmd->complexity != NULL && cmd->complexity[0] != '\0';
    reply_map(c, 2 + has_summary + has_complexity + (args.n > 0) + (nsub > 0));
    if (has_summary) {
        reply_bulk_cstr(c, "summary");
        reply_bulk_cstr(c, cmd->summary);
    }
    reply_bulk_cstr(c, "since");
    reply_bulk_cstr(c, cmd->since != NULL ? cmd->since : "");
    reply_bulk_cstr(c, "group");
    reply_bulk_cstr(c, cmd->group != NULL ? cmd->group : "");
    if (has_complexity) {
        reply_bulk_cstr(c, "complexity");
        reply_bulk_cstr(c, cmd->complexity);
    }
    if (args.n > 0) {
        reply_bulk_cstr(c, "arguments");
        reply_array(c, args.n);
        for (int i = 0; i < args.n; i++) {
            reply_docarg(c, &args.v[i], cmd_has_keys(cmd));
            docarg_free_kids(&args.v[i]);
        }
    }
    mem_free(args.v);
    if (nsub > 0) {
        reply_bulk_cstr(c, "subcommands");
        reply_map(c, nsub);
        for (const struct cmd *s = cmd->subcmds; s != NULL && s->name != NULL; s++) {
            reply_bulk_cstr(c, s->fullname);
            reply_cmd_docs(c, s);
        }
    }
}

/* COMMAND DOCS [name ...]: a map of name -> docs; unknown names are left out. */
void cmd_command_docs(struct cmd_ctx *ctx)
{
    if (ctx->argc == 2) {
        size_t n;
        struct cmd *all = commands_all(&n);
        reply_map(ctx->c, (long long)n);
        for (size_t i = 0; i < n; i++) {
            reply_bulk_cstr(ctx->c, all[i].fullname);
            reply_cmd_docs(ctx->c, &all[i]);
        }
        return;
    }
    void *hdr = reply_defer(ctx->c);
    long long found = 0;
    for (int i = 2; i < ctx->argc; i++) {
        const struct cmd *cmd = lookup_fullname(ctx->argv[i].p, ctx->argv[i].len);
        if (cmd == NULL)
            continue;
        reply_bulk_cstr(ctx->c, cmd->fullname);
        reply_cmd_docs(ctx->c, cmd);
        found++;
    }
    reply_defer_set_map(ctx->c, hdr, found);
}

void cmd_command_help(struct cmd_ctx *ctx)
{
    static const char *const lines[] = {
        "(no subcommand)",
        "    Details of every command.",
        "COUNT",
        "    How many commands the server has.",
        "LIST [FILTERBY <MODULE <name>|ACLCAT <category>|PATTERN <pattern>>]",
        "    Names of the commands, optionally only those matching the filter.",
        "INFO [<command-name> ...]",
        "    Details of the named commands (all of them when none is named).",
        "DOCS [<command-name> ...]",
        "    Documentation of the named commands (all of them when none is named).",
        "GETKEYS <full-command>",
        "    The key arguments of a complete command line.",
        NULL,
    };
    reply_help_titled(ctx->c, "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                      lines);
}
