/* server/log.h: Redis-style log lines "pid:M 23 Nov 2026 09:00:00.123 * message". */
#ifndef KVD_SERVER_LOG_H
#define KVD_SERVER_LOG_H

#include "server/server.h"

/* Logs at level if server.loglevel allows it, to server.logfile or stdout. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LL_DEBUG, __VA_ARGS__)
#define log_verbose(...) log_msg(LL_VERBOSE, __VA_ARGS__)
#define log_notice(...) log_msg(LL_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LL_WARNING, __VA_ARGS__)

#endif
