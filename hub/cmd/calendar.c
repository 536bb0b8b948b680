/*
 * calendar.c: `enlace-hub holiday ...` and `enlace-hub zone ...`, the
 * consultation's calendar on the server: each member country's public
 * holidays, and the IANA time zone it counts business days in.
 *
 *   holiday add DATA --country CC --date YYYY-MM-DD [--name NAME]
 *   holiday add DATA --file FILE     one "CC YYYY-MM-DD [NAME]" a line
 *   holiday remove DATA --country CC --date YYYY-MM-DD
 *   holiday list DATA [--country CC] [--json]
 *   zone set DATA --country CC --zone ZONE
 *   zone list DATA [--json]
 *
 * Every change is audited as the local operator and recorded in the
 * ledger's reference data (hub/archive/calendar.c); a running hub reads the
 * calendar when a round starts, so a change counts from the next round.
 * Bad input is refused with the reason (a file's FILE:LINE) and changes
 * nothing: a file is checked whole, then added in one transaction.
 */
#include "cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive.h"
#include "cluster.h"
#include "topic.h"
#include "tz.h"

#define HOLIDAY_NAME_MAX 120
#define HOLIDAYS_PER_FILE 2000

static int s_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
s_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "enlace-hub: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static archive_t *
s_open(const char *data)
{
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/" ARCHIVE_FILE, data);
    archive_t *a = archive_open(path, 0, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (!a)
        fprintf(stderr, "enlace-hub: %s\n", err);
    return a;
}

/* A cluster node's calendar changes only through its cluster's log: 1
 * (refused, said why) or 0. */
static int
s_cluster_refuses(const char *data, const char *what)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" ARCHIVE_FILE, data);
    return cluster_refuse_offline(path, what, stderr) != 0;
}

/* One holiday, checked: a member's code, a real date, a name of text. */
typedef struct {
    char country[8];
    char date[11];
    char name[HOLIDAY_NAME_MAX + 1];
} holiday_t;

/* NULL if h is acceptable, else why not. */
static const char *
s_check(archive_t *a, const char *country, const char *date, const char *name, holiday_t *h)
{
    int64_t day;
    const char *status = country ? archive_country_status(a, country) : NULL;
    if (!status || strcmp(status, "member") != 0)
        return "the country is not a member country's code (BZ, CA, CR, ...)";
    if (tz_parse_date(date, &day) != 0)
        return "the date is not a real date written YYYY-MM-DD";
    size_t len = name ? strlen(name) : 0;
    if (len > HOLIDAY_NAME_MAX || (len && !topic_text_valid(name, len)))
        return "the name is text of at most 120 bytes";
    snprintf(h->country, sizeof h->country, "%s", country);
    snprintf(h->date, sizeof h->date, "%s", date);
    snprintf(h->name, sizeof h->name, "%s", name ? name : "");
    return NULL;
}

/* Reads FILE whole into holidays (checked). 0, or 1 after saying which
 * line is wrong. */
static int
s_read_file(archive_t *a, const char *path, holiday_t **out, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return s_fail("cannot read %s: %s", path, strerror(errno));
    holiday_t *list = calloc(HOLIDAYS_PER_FILE, sizeof *list);
    char *line = NULL;
    size_t cap = 0, count = 0;
    int lineno = 0, rc = 0;
    ssize_t len;
    while (list && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *p = line + strspn(line, " \t");
        if (!*p || *p == '#')
            continue;
        char *save = NULL;
        char *cc = strtok_r(p, " \t", &save);
        char *date = strtok_r(NULL, " \t", &save);
        char *name = save ? save + strspn(save, " \t") : NULL;
        const char *why = count == HOLIDAYS_PER_FILE ? "too many holidays in one file"
            : !date                                  ? "a line is: CC YYYY-MM-DD [NAME]"
                                                     : s_check(a, cc, date, name, &list[count]);
        if (why) {
            fprintf(stderr, "enlace-hub: %s:%d: %s\n", path, lineno, why);
            rc = 1;
            break;
        }
        count++;
    }
    free(line);
    if (!list) {
        rc = s_fail("out of memory");
    } else if (rc == 0 && ferror(f)) {
        rc = s_fail("cannot read %s: %s", path, strerror(errno));
    }
    fclose(f);
    if (rc != 0) {
        free(list);
        return rc;
    }
    *out = list;
    *n = count;
    return 0;
}

static int
s_list_row(const char *country, const char *date, const char *name, void *arg)
{
    json_t *arr = arg;
    if (arr)
        json_array_append_new(arr,
            json_pack("{s:s, s:s, s:s}", "country", country, "date", date, "name", name));
    else
        printf("%-4s %s  %s\n", country, date, name);
    return 0;
}

static int
s_print_json(json_t *j)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
    json_decref(j);
    if (!text)
        return s_fail("cannot write JSON (text that is not UTF-8?)");
    printf("%s\n", text);
    free(text);
    return 0;
}

int
cmd_holiday(int argc, char **argv)
{
    const char *usage =
        "usage: enlace-hub holiday add DATA --country CC --date YYYY-MM-DD [--name NAME]\n"
        "       enlace-hub holiday add DATA --file FILE   (lines: CC YYYY-MM-DD [NAME])\n"
        "       enlace-hub holiday remove DATA --country CC --date YYYY-MM-DD\n"
        "       enlace-hub holiday list DATA [--country CC] [--json]\n";
    if (argc < 2 || argv[1][0] == '-') {
        fputs(usage, stderr);
        return 2;
    }
    const char *sub = argv[0], *data = argv[1];
    const char *country = NULL, *date = NULL, *name = NULL, *file = NULL;
    int json = 0;
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--json")) {
            json = 1;
            continue;
        }
        if (!v
            || (strcmp(o, "--country") && strcmp(o, "--date") && strcmp(o, "--name")
                && strcmp(o, "--file"))) {
            fprintf(stderr, "enlace-hub: unknown or incomplete option %s\n%s", o, usage);
            return 2;
        }
        i++;
        if (!strcmp(o, "--country"))
            country = v;
        else if (!strcmp(o, "--date"))
            date = v;
        else if (!strcmp(o, "--name"))
            name = v;
        else
            file = v;
    }
    int add = !strcmp(sub, "add"), remove = !strcmp(sub, "remove"), list = !strcmp(sub, "list");
    if (!add && !remove && !list) {
        fprintf(stderr, "enlace-hub: unknown holiday command '%s' (add, remove, list)\n", sub);
        return 2;
    }
    if ((add && !file && (!country || !date)) || (add && file && (country || date || name))
        || (remove && (!country || !date || file || name)) || (list && (date || name || file))) {
        fputs(usage, stderr);
        return 2;
    }
    if (!list && s_cluster_refuses(data, "holiday"))
        return 1;
    archive_t *a = s_open(data);
    if (!a)
        return 1;
    int rc = 0;
    if (list) {
        json_t *arr = json ? json_array() : NULL;
        if (archive_holidays_each(a, country, s_list_row, arr) != 0)
            rc = s_fail("%s", archive_error(a));
        else if (json)
            rc = s_print_json(arr), arr = NULL;
        json_decref(arr);
    } else if (remove) {
        int removed = archive_holiday_remove(a, country, date, NULL, 0);
        if (removed < 0)
            rc = s_fail("%s", archive_error(a));
        else if (removed == 0)
            rc = s_fail("%s has no holiday on %s", country, date);
        else
            printf("removed the holiday of %s on %s\n", country, date);
    } else {
        holiday_t one, *many = NULL;
        size_t n = 1;
        const char *why = file ? NULL : s_check(a, country, date, name, &one);
        if (why) {
            rc = s_fail("%s", why);
        } else if (file && s_read_file(a, file, &many, &n) != 0) {
            rc = 1;
        } else if (archive_begin(a) != 0) {
            rc = s_fail("%s", archive_error(a));
        } else {
            const holiday_t *h = many ? many : &one;
            size_t added = 0;
            for (size_t i = 0; rc == 0 && i < n; i++) {
                int r = archive_holiday_add(a, h[i].country, h[i].date, h[i].name, NULL, 0);
                if (r < 0)
                    rc = 1;
                added += r == 1;
                if (r >= 0 && !many)
                    printf(r ? "added the holiday of %s on %s\n"
                             : "%s already has a holiday on %s (unchanged)\n",
                        h[i].country, h[i].date);
            }
            if (rc != 0 || archive_commit(a) != 0) {
                char why_failed[512];
                snprintf(why_failed, sizeof why_failed, "%s", archive_error(a));
                archive_rollback(a);
                rc = s_fail("%s; nothing was added", why_failed);
            } else if (many) {
                printf("added %zu holiday(s) from %s (%zu already there)\n", added, file,
                    n - added);
            }
        }
        free(many);
    }
    archive_destroy(&a);
    return rc;
}

typedef struct {
    json_t *arr;
    int64_t now;
} zone_list_t;

static int
s_zone_row(const char *country, const char *zone, void *arg)
{
    zone_list_t *l = arg;
    tz_t *tz = NULL;
    char err[256], offset[16] = "?";
    if (*zone && tz_load(NULL, zone, &tz, err, sizeof err) == 0) {
        int32_t off = tz_offset(tz, l->now / 1000);
        snprintf(offset, sizeof offset, "UTC%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 3600,
            abs(off) % 3600 / 60);
    }
    tz_destroy(&tz);
    if (l->arr)
        json_array_append_new(l->arr,
            json_pack("{s:s, s:s, s:s}", "country", country, "zone", zone, "offset_now", offset));
    else
        printf("%-4s %-24s %s now\n", country, *zone ? zone : "(none)", offset);
    return 0;
}

int
cmd_zone(int argc, char **argv)
{
    const char *usage = "usage: enlace-hub zone set DATA --country CC --zone ZONE\n"
                        "       enlace-hub zone list DATA [--json]\n";
    if (argc < 2 || argv[1][0] == '-') {
        fputs(usage, stderr);
        return 2;
    }
    const char *sub = argv[0], *data = argv[1], *country = NULL, *zone = NULL;
    int json = 0;
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--json"))
            json = 1;
        else if (!strcmp(o, "--country") && v)
            country = argv[++i];
        else if (!strcmp(o, "--zone") && v)
            zone = argv[++i];
        else {
            fprintf(stderr, "enlace-hub: unknown or incomplete option %s\n%s", o, usage);
            return 2;
        }
    }
    int set = !strcmp(sub, "set"), list = !strcmp(sub, "list");
    if ((!set && !list) || (set && (!country || !zone || json)) || (list && (country || zone))) {
        fputs(usage, stderr);
        return 2;
    }
    if (set) {
        /* The zone must be one this machine's database has, now. */
        tz_t *tz = NULL;
        char err[512];
        if (tz_load(NULL, zone, &tz, err, sizeof err) != 0)
            return s_fail("%s", err);
        tz_destroy(&tz);
    }
    if (set && s_cluster_refuses(data, "zone"))
        return 1;
    archive_t *a = s_open(data);
    if (!a)
        return 1;
    int rc = 0;
    if (set) {
        if (archive_zone_set(a, country, zone, NULL, 0) != 0)
            rc = s_fail("%s", archive_error(a));
        else
            printf("%s counts business days in %s from the next round on\n", country, zone);
    } else {
        zone_list_t l = {.arr = json ? json_array() : NULL, .now = archive_now_ms()};
        if (archive_zones_each(a, s_zone_row, &l) != 0)
            rc = s_fail("%s", archive_error(a));
        else if (json)
            rc = s_print_json(l.arr), l.arr = NULL;
        json_decref(l.arr);
    }
    archive_destroy(&a);
    return rc;
}
