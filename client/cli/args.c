/*
 * args.c: reading what the command line points at (files, standard input)
 * and the values it carries (lists, times).
 */
#define _GNU_SOURCE /* timegm */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "number.h"

/* Reads a whole small file ("-": stdin) as text. */
char *
cli_read_file(const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
    if (!f) {
        fprintf(stderr, "enlace: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + used, 1, cap - used, f)) > 0)
        used += n;
    if (f != stdin)
        fclose(f);
    if (buf)
        buf[used] = '\0';
    return buf;
}

/* Reads all of stdin (bounded). */
char *
cli_read_stdin(size_t *len)
{
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (used == cap) {
            if (cap >= CLI_MAX_BODY) {
                free(buf);
                fprintf(stderr, _("enlace: the message is too large\n"));
                return NULL;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return NULL;
            }
            buf = grown;
            cap *= 2;
        }
        size_t n = fread(buf + used, 1, cap - used, stdin);
        used += n;
        if (n == 0)
            break;
    }
    *len = used;
    return buf;
}

/* Splits "MX,GT" into out[] (pointers into buf). */
size_t
cli_split(char *buf, const char **out, size_t cap)
{
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, ",", &save); p && n < cap; p = strtok_r(NULL, ",", &save))
        out[n++] = p;
    return n;
}

/* ISO-8601 UTC or milliseconds since the epoch; -1 if malformed. */
int64_t
cli_parse_time(const char *s)
{
    uint64_t ms;
    if (number_parse_u64(s, 0, INT64_MAX, &ms) == NUMBER_OK)
        return (int64_t)ms;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
            &tm.tm_min, &tm.tm_sec)
        < 3)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000;
}

int
cli_number(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    number_status_t rc = number_parse_u64(s, min, max, out);
    unsigned long long lo = min, hi = max;
    switch (rc) {
    case NUMBER_OK:
        return 0;
    case NUMBER_NEGATIVE:
        fprintf(stderr, _("enlace: %s: '%s' is negative: give a number from %llu to %llu\n"), what,
            s, lo, hi);
        break;
    case NUMBER_TOO_SMALL:
        fprintf(stderr, _("enlace: %s: '%s' is too small: give a number from %llu to %llu\n"), what,
            s, lo, hi);
        break;
    case NUMBER_TOO_LARGE:
        fprintf(stderr, _("enlace: %s: '%s' is too large: give a number from %llu to %llu\n"), what,
            s, lo, hi);
        break;
    default:
        fprintf(stderr, _("enlace: %s: '%s' is not a number\n"), what, s ? s : "");
        break;
    }
    return -1;
}
