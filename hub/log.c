/*
 * log.c: one line per event on stderr, written with a single write() so that
 * lines from the ZAP thread and the main thread never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int s_level = LOG_INFO; /* set once at start-up, before threads */

void
log_set_level(int level)
{
    s_level = level;
}

void
log_msg(int level, const char *fmt, ...)
{
    static const char *names[] = {"emerg", "alert", "crit", "error", "warning", "notice", "info",
        "debug"};
    if (level > s_level)
        return;
    char line[1024];
    int n;
    if (getenv("JOURNAL_STREAM")) {
        n = snprintf(line, sizeof line, "<%d>", level);
    } else {
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
        n += snprintf(line + n, sizeof line - (size_t)n, "%s: ", names[level & 7]);
    }
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    /* Control characters from peers must not forge log lines. */
    for (size_t i = (size_t)n; i < len; i++)
        if ((unsigned char)line[i] < 0x20)
            line[i] = '?';
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
