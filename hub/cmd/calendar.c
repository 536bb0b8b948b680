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

#include "admin.h"
#include "admin_print.h"
#include "arena.h"
#include "archive.h"
#include "cluster.h"
#include "topic.h"
#include "tz.h"

#define HOLIDAY_NAME_MAX ADMIN_HOLIDAY_NAME_MAX
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

/* NULL if h is acceptable (the rules of the wire's holiday add too),
 * else why not. */
static const char *
s_check(archive_t *a, const char *country, const char *date, const char *name, holiday_t *h)
{
    const char *why = admin_holiday_check(a, country, date, name);
    if (why)
        return why;
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

/* Rows read from the archive, held for the shared renderer (admin_print,
 * which prints `enlace admin holiday|zone list` too). */
typedef struct {
    arena_t arena;
    const void **items;
    size_t n, cap;
    int64_t now_ms;
    int oom;
} rows_t;

static int
s_rows_add(rows_t *r, const void *item)
{
    if (item && r->n == r->cap) {
        size_t want = r->cap ? 2 * r->cap : 64;
        const void **bigger = realloc(r->items, want * sizeof *bigger);
        if (bigger) {
            r->items = bigger;
            r->cap = want;
        }
    }
    if (!item || r->n == r->cap) {
        r->oom = 1;
        return 1;
    }
    r->items[r->n++] = item;
    return 0;
}

static void
s_rows_free(rows_t *r)
{
    arena_free(&r->arena);
    free(r->items);
}

static int
s_list_row(const char *country, const char *date, const char *name, void *arg)
{
    rows_t *r = arg;
    enlace_holiday_t *h = arena_alloc(&r->arena, sizeof *h);
    if (h) {
        h->country = arena_strdup(&r->arena, country);
        h->date = arena_strdup(&r->arena, date);
        h->name = arena_strdup(&r->arena, name);
        if (!h->country || !h->date || !h->name)
            h = NULL;
    }
    return s_rows_add(r, h);
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
        rows_t rows = {0};
        if (archive_holidays_each(a, country, s_list_row, &rows) != 0)
            rc = s_fail("%s", archive_error(a));
        else if (rows.oom)
            rc = s_fail("out of memory");
        else
            admin_print_holidays(stdout, (const enlace_holiday_t *const *)rows.items, rows.n, json);
        s_rows_free(&rows);
    } else if (remove) {
        int removed = archive_holiday_remove(a, country, date, NULL, 0);
        if (removed < 0)
            rc = s_fail("%s", archive_error(a));
        else if (removed == 0)
            rc = s_fail("%s has no holiday on %s", country, date);
        else
            admin_print_holiday_change(stdout, 0, country, date, 1);
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
                    admin_print_holiday_change(stdout, 1, h[i].country, h[i].date, r);
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

static int
s_zone_row(const char *country, const char *zone, void *arg)
{
    rows_t *r = arg;
    enlace_zone_t *z = arena_alloc(&r->arena, sizeof *z);
    char offset[16];
    tz_offset_text(zone, r->now_ms / 1000, offset, sizeof offset);
    if (z) {
        z->country = arena_strdup(&r->arena, country);
        z->zone = arena_strdup(&r->arena, zone);
        z->offset_now = arena_strdup(&r->arena, offset);
        if (!z->country || !z->zone || !z->offset_now)
            z = NULL;
    }
    return s_rows_add(r, z);
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
            admin_print_zone_set(stdout, country, zone);
    } else {
        rows_t rows = {.now_ms = archive_now_ms()};
        if (archive_zones_each(a, s_zone_row, &rows) != 0)
            rc = s_fail("%s", archive_error(a));
        else if (rows.oom)
            rc = s_fail("out of memory");
        else
            admin_print_zones(stdout, (const enlace_zone_t *const *)rows.items, rows.n, json);
        s_rows_free(&rows);
    }
    archive_destroy(&a);
    return rc;
}
