/* server/log.c: Redis-style log lines.
 *
 * "pid:M 23 Nov 2026 09:00:00.123 * message", with '.' debug, '-' verbose, '*' notice and
 * '#' warning, so tools and people used to Redis logs read ours unchanged. Writes to stdout
 * or to server.logfile (opened per line, as Redis does, so log rotation needs no signal).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char level_chars[] = {'.', '-', '*', '#'};

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level < server.loglevel || level >= LL_NOTHING)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char stamp[64];
    size_t n = strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(stamp + n, sizeof(stamp) - n, "%03d", (int)(tv.tv_usec / 1000));

    /* A forked child logs with role 'C' (persistence, later); the parent is a master. */
    char role = getpid() == server.pid || server.pid == 0 ? 'M' : 'C';
    bool to_stdout = server.logfile == NULL || server.logfile[0] == '\0';
    FILE *fp = to_stdout ? stdout : fopen(server.logfile, "a");
    if (fp == NULL)
        return;
    fprintf(fp, "%d:%c %s %c %s\n", (int)getpid(), role, stamp, level_chars[level], msg);
    fflush(fp);
    if (!to_stdout)
        fclose(fp);
}
