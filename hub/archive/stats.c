/*
 * stats.c: the ST's statistics over a period (the figures it reports
 * to the GRCM twice a year). Part of the archive module (the schema
 * changelog is at the top of db.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"

#define PRIORITY_NAME \
    "CASE priority WHEN 0 THEN 'routine' WHEN 1 THEN 'priority'" \
    " WHEN 2 THEN 'urgent' ELSE 'flash' END"

/* Every statement but ST_STATS_ACK is a two-column (text, integer)
 * aggregate over [?1, ?2). */
static const char *const s_sql[ST_COUNT] = {
    [ST_STATS_CASES_NETWORK] = "SELECT network, count(*) FROM cases"
                               " WHERE opened_ms >= ?1 AND opened_ms < ?2"
                               " GROUP BY network ORDER BY network",
    [ST_STATS_CASES_TYPE] = "SELECT type, count(*) FROM cases"
                            " WHERE opened_ms >= ?1 AND opened_ms < ?2"
                            " GROUP BY type ORDER BY type",
    /* One row per country involved (countries is "MX,GT"). */
    [ST_STATS_CASES_COUNTRY] = "WITH RECURSIVE split(id, rest, cc) AS ("
                               "  SELECT id, countries || ',', '' FROM cases"
                               "   WHERE opened_ms >= ?1 AND opened_ms < ?2"
                               "  UNION ALL SELECT id, substr(rest, instr(rest, ',') + 1),"
                               "    substr(rest, 1, instr(rest, ',') - 1) FROM split"
                               "   WHERE rest <> '')"
                               " SELECT cc, count(*) FROM split WHERE cc <> ''"
                               " GROUP BY cc ORDER BY cc",
    [ST_STATS_CASES_CLOSED] = "SELECT c.network, count(*) FROM case_events e"
                              " JOIN cases c ON c.id = e.case_id"
                              " WHERE e.event = 'closed' AND e.ts_ms >= ?1 AND e.ts_ms < ?2"
                              " GROUP BY c.network ORDER BY c.network",
    [ST_STATS_MESSAGES] = "SELECT network, count(*) FROM messages"
                          " WHERE stored_ms >= ?1 AND stored_ms < ?2"
                          " AND author_id <> 0 GROUP BY network ORDER BY network",
    [ST_STATS_ALERTS] = "SELECT " PRIORITY_NAME ", count(*) FROM alerts"
                        " WHERE stored_ms >= ?1 AND stored_ms < ?2 AND status <> 1"
                        " GROUP BY priority ORDER BY priority",
    [ST_STATS_DRILLS] = "SELECT " PRIORITY_NAME ", count(*) FROM alerts"
                        " WHERE stored_ms >= ?1 AND stored_ms < ?2 AND status = 1"
                        " GROUP BY priority ORDER BY priority",
    [ST_STATS_REFUSED] = "SELECT outcome, count(*) FROM audit WHERE ts_ms >= ?1 AND ts_ms < ?2"
                         " AND outcome LIKE 'refused:%' GROUP BY outcome ORDER BY outcome",
    /* Per country: the urgent and flash alerts (not drills) that needed
     * its acknowledgement, with how long it took. */
    [ST_STATS_ACK] = "SELECT t.country, t.state, t.acked_ms - a.stored_ms, t.period_ms"
                     " FROM alert_targets t JOIN alerts a ON a.seq = t.alert_seq"
                     " WHERE a.needs_ack = 1 AND a.status = 0 AND a.stored_ms >= ?1"
                     " AND a.stored_ms < ?2 AND t.state IN ('pending', 'acknowledged')"
                     " ORDER BY t.country",
};

/* The sections of the two-column aggregates, in the order reported. */
static const struct {
    int which;
    const char *section;
} s_sections[] = {
    {ST_STATS_CASES_NETWORK, "cases opened by network"},
    {ST_STATS_CASES_TYPE, "cases opened by type"},
    {ST_STATS_CASES_COUNTRY, "cases opened by country"},
    {ST_STATS_CASES_CLOSED, "cases closed by network"},
    {ST_STATS_MESSAGES, "messages by network"},
    {ST_STATS_ALERTS, "alerts by priority"},
    {ST_STATS_DRILLS, "drills by priority (counted apart)"},
    {ST_STATS_REFUSED, "refused accesses"},
};

/* The statement of slot which, with [from, to) bound; NULL on error. */
static sqlite3_stmt *
s_period(archive_t *self, int which, int64_t from, int64_t to)
{
    sqlite3_stmt *st = archive_int_stmt(self, which, s_sql[which]);
    if (st) {
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_int64(st, 2, to);
    }
    return st;
}

/* Runs a two-column (text, integer) aggregate over [from, to). */
static int
s_pairs(archive_t *self, int which, int64_t from, int64_t to, archive_stat_fn fn,
    const char *section, void *arg)
{
    sqlite3_stmt *st = s_period(self, which, from, to);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(section, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), arg);
    return archive_int_end(self, st, rc, "statistics");
}

static int
s_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int
archive_stats(archive_t *self, int64_t from, int64_t to, archive_stat_fn fn, void *arg)
{
    for (size_t i = 0; i < sizeof s_sections / sizeof s_sections[0]; i++)
        if (s_pairs(self, s_sections[i].which, from, to, fn, s_sections[i].section, arg) != 0)
            return -1;
    /* Per country: urgent and flash alerts (not drills) that needed its
     * acknowledgement; the share acknowledged within the deadline; the median
     * time to acknowledge. */
    sqlite3_stmt *st = s_period(self, ST_STATS_ACK, from, to);
    if (!st)
        return -1;
    struct {
        char cc[8];
        int64_t total, within, median_s, has_median;
    } rows[64];
    int nrows = 0;
    char country[8] = "";
    int64_t total = 0, within = 0, nacked = 0, cap = 0;
    int64_t *times = NULL;
    int rc;
    for (;;) {
        rc = sqlite3_step(st);
        const char *cc = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "";
        if (country[0] && strcmp(cc, country) != 0 && nrows < 64) {
            snprintf(rows[nrows].cc, sizeof rows[0].cc, "%s", country);
            rows[nrows].total = total;
            rows[nrows].within = within;
            rows[nrows].has_median = nacked > 0;
            if (nacked) {
                qsort(times, (size_t)nacked, sizeof *times, s_cmp);
                rows[nrows].median_s = times[nacked / 2] / 1000;
            }
            nrows++;
            total = within = nacked = 0;
        }
        if (rc != SQLITE_ROW)
            break;
        snprintf(country, sizeof country, "%s", cc);
        total++;
        if (!strcmp((const char *)sqlite3_column_text(st, 1), "acknowledged")) {
            int64_t took = sqlite3_column_int64(st, 2), period = sqlite3_column_int64(st, 3);
            if (took <= period)
                within++;
            if (nacked == cap) {
                cap = cap ? cap * 2 : 64;
                int64_t *grown = realloc(times, (size_t)cap * sizeof *grown);
                if (!grown) {
                    free(times);
                    sqlite3_reset(st);
                    snprintf(self->error, sizeof self->error, "out of memory");
                    return -1;
                }
                times = grown;
            }
            times[nacked++] = took;
        }
    }
    for (int i = 0; i < nrows; i++)
        fn("urgent/flash alerts to acknowledge, by country", rows[i].cc, rows[i].total, arg);
    for (int i = 0; i < nrows; i++)
        fn("acknowledged within the deadline, % by country", rows[i].cc,
            rows[i].total ? (rows[i].within * 100 + rows[i].total / 2) / rows[i].total : 0, arg);
    for (int i = 0; i < nrows; i++)
        if (rows[i].has_median)
            fn("median time to acknowledge, seconds, by country", rows[i].cc, rows[i].median_s,
                arg);
    free(times);
    if (archive_int_end(self, st, rc, "statistics") != 0)
        return -1;
    return archive_consult_stats(self, from, to, fn, arg);
}
