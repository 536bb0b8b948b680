/*
 * consult.c: the SQL of consultations: the consultation itself, its texts
 * (consult_versions), each country's deadline and reminders per stage
 * (consult_targets), every answer (consult_answers) and the event log
 * (consult_events). Part of the archive module (the schema changelog,
 * migration 11, is at the top of db.c).
 *
 * Invariants: every change writes an event in the same transaction, and
 * every event is chained in the ledger like alert_events (kind
 * "consult_event": B(kind), then the row's columns in table order); a
 * target's step only grows, in the same request as the notice it stands
 * for, so a restart neither repeats nor loses a reminder; answers are never
 * changed or removed (a later one of the same stage counts, both are kept).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"

#define KIND_CONSULT_EVENT "consult_event"

#define CONSULT_COLUMNS \
    "id, title, opened_by, opened_ms, ppt, troika, state, stage, version, outcome, reason," \
    " closed_ms, updated_ms"

#define TARGET_COLUMNS \
    "consultation, stage, country, zone, opened_ms, deadline_ms, state, step, due_ms," \
    " reminder_ms, last_day_ms, escalate_ms"

static const char *const s_sql[ST_COUNT] = {
    [ST_CONSULT_INSERT] = "INSERT INTO consultations (" CONSULT_COLUMNS ")"
                          " VALUES (?,?,?,?,?,?,'open',0,1,'','',0,?)",
    [ST_CONSULT_GET] = "SELECT " CONSULT_COLUMNS " FROM consultations WHERE id = ?",
    [ST_CONSULTS_ALL] = "SELECT " CONSULT_COLUMNS " FROM consultations ORDER BY id DESC LIMIT ?",
    [ST_CONSULTS_OPEN] = "SELECT " CONSULT_COLUMNS " FROM consultations WHERE state = 'open'"
                         " ORDER BY id DESC LIMIT ?",
    [ST_CONSULT_STAGE] = "UPDATE consultations SET stage = ?, version = ?, updated_ms = ?"
                         " WHERE id = ? AND state = 'open'",
    [ST_CONSULT_CLOSE] = "UPDATE consultations SET state = 'closed', outcome = ?, reason = ?,"
                         " closed_ms = ?, updated_ms = ? WHERE id = ? AND state = 'open'",
    [ST_CONSULT_TOUCH] = "UPDATE consultations SET updated_ms = ? WHERE id = ?",
    [ST_CONSULT_VERSION_ADD] = "INSERT INTO consult_versions (consultation, version, stage, seq,"
                               " ts_ms) VALUES (?,?,?,?,?)",
    [ST_CONSULT_VERSIONS] = "SELECT version, stage, seq, ts_ms FROM consult_versions"
                            " WHERE consultation = ? ORDER BY version",
    [ST_CONSULT_TARGET_ADD] = "INSERT INTO consult_targets (" TARGET_COLUMNS ")"
                              " VALUES (?,?,?,?,?,?,'pending',0,?,?,?,?)",
    [ST_CONSULT_TARGETS] = "SELECT " TARGET_COLUMNS " FROM consult_targets"
                           " WHERE consultation = ? ORDER BY stage, country",
    [ST_CONSULT_TARGET_SET] = "UPDATE consult_targets SET state = ?, step = ?, due_ms = ?"
                              " WHERE consultation = ? AND stage = ? AND country = ?",
    [ST_CONSULT_TARGETS_CLOSE] = "UPDATE consult_targets SET state = 'closed', due_ms = 0"
                                 " WHERE consultation = ? AND state = 'pending'",
    [ST_CONSULT_TARGETS_STOP] = "UPDATE consult_targets SET due_ms = 0 WHERE consultation = ?",
    [ST_CONSULT_DUE] = "SELECT " TARGET_COLUMNS " FROM consult_targets"
                       " WHERE due_ms > 0 AND due_ms <= ? ORDER BY due_ms LIMIT 256",
    [ST_CONSULT_ANSWER_ADD] = "INSERT INTO consult_answers (consultation, stage, country, answer,"
                              " seq, officer_id, version, ts_ms, late) VALUES (?,?,?,?,?,?,?,?,?)",
    [ST_CONSULT_ANSWERS] = "SELECT id, consultation, stage, country, answer, seq, officer_id,"
                           " version, ts_ms, late FROM consult_answers WHERE consultation = ?"
                           " ORDER BY id",
    [ST_CONSULT_EVENT] = "INSERT INTO consult_events (consultation, ts_ms, event, stage, country,"
                         " officer_id, seq, detail) VALUES (?,?,?,?,?,?,?,?)",
    [ST_CONSULT_EVENTS] = "SELECT ts_ms, event, stage, country, officer_id, seq, detail"
                          " FROM consult_events WHERE consultation = ? ORDER BY id",
    /* Statistics: every round's target of consultations opened in [?1, ?2),
     * with the latest answer's time (NULL: none). */
    [ST_STATS_CONSULT_OPENED] = "SELECT 'opened', count(*) FROM consultations"
                                " WHERE opened_ms >= ?1 AND opened_ms < ?2"
                                " UNION ALL SELECT 'closed, ' || outcome, count(*)"
                                " FROM consultations WHERE state = 'closed'"
                                " AND opened_ms >= ?1 AND opened_ms < ?2 GROUP BY outcome",
    [ST_STATS_CONSULT_TARGETS] = "SELECT t.country, t.stage, t.opened_ms, t.deadline_ms,"
                                 " (SELECT min(a.ts_ms) FROM consult_answers a"
                                 "   WHERE a.consultation = t.consultation"
                                 "   AND a.stage = t.stage AND a.country = t.country)"
                                 " FROM consult_targets t JOIN consultations c"
                                 "   ON c.id = t.consultation"
                                 " WHERE c.opened_ms >= ?1 AND c.opened_ms < ?2"
                                 " ORDER BY t.country, t.stage",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

static void
s_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

/* ---------------------------------------------------------- the event log */

int
archive_consult_event(archive_t *self, uint64_t id, const char *event, int stage,
    const char *country, int64_t officer_id, uint64_t seq, const char *detail)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_EVENT);
    if (!st)
        return -1;
    int64_t now = archive_now_ms();
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    sqlite3_bind_int64(st, 2, now);
    s_text(st, 3, event);
    sqlite3_bind_int(st, 4, stage);
    s_text(st, 5, country);
    sqlite3_bind_int64(st, 6, officer_id);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)seq);
    s_text(st, 8, detail);
    if (archive_int_run(self, st, "consultation event") != 0)
        return -1;
    int64_t row = sqlite3_last_insert_rowid(self->db);
    archive_canon_t c;
    uint8_t h[ARCHIVE_HASH_BYTES];
    archive_canon_init(&c, KIND_CONSULT_EVENT);
    archive_canon_int(&c, row);
    archive_canon_int(&c, (int64_t)id);
    archive_canon_int(&c, now);
    archive_canon_text(&c, event);
    archive_canon_int(&c, stage);
    archive_canon_text(&c, country ? country : "");
    archive_canon_int(&c, officer_id);
    archive_canon_int(&c, (int64_t)seq);
    archive_canon_text(&c, detail ? detail : "");
    archive_canon_final(&c, h);
    return archive_ledger_append(self, KIND_CONSULT_EVENT, row, h);
}

int
archive_consult_events(archive_t *self, uint64_t id, archive_consult_event_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_EVENTS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_consult_event_t e = {
            .ts_ms = sqlite3_column_int64(st, 0),
            .event = (const char *)sqlite3_column_text(st, 1),
            .stage = sqlite3_column_int(st, 2),
            .country = (const char *)sqlite3_column_text(st, 3),
            .officer_id = sqlite3_column_int64(st, 4),
            .seq = (uint64_t)sqlite3_column_int64(st, 5),
            .detail = (const char *)sqlite3_column_text(st, 6),
        };
        if (fn(&e, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "consultation events");
}

/* ---------------------------------------------------------- consultations */

static int
s_consult_rows(archive_t *self, sqlite3_stmt *st, archive_consult_fn fn, void *arg)
{
    int rc, found = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_consult_t c = {
            .id = (uint64_t)sqlite3_column_int64(st, 0),
            .title = (const char *)sqlite3_column_text(st, 1),
            .opened_by = sqlite3_column_int64(st, 2),
            .opened_ms = sqlite3_column_int64(st, 3),
            .ppt = (const char *)sqlite3_column_text(st, 4),
            .troika = (const char *)sqlite3_column_text(st, 5),
            .state = (const char *)sqlite3_column_text(st, 6),
            .stage = sqlite3_column_int(st, 7),
            .version = sqlite3_column_int(st, 8),
            .outcome = (const char *)sqlite3_column_text(st, 9),
            .reason = (const char *)sqlite3_column_text(st, 10),
            .closed_ms = sqlite3_column_int64(st, 11),
            .updated_ms = sqlite3_column_int64(st, 12),
        };
        found = 1;
        if (fn(&c, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "read consultations") == 0 ? found : -1;
}

int
archive_consult_get(archive_t *self, uint64_t id, archive_consult_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_GET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    return s_consult_rows(self, st, fn, arg);
}

int
archive_consults_each(archive_t *self, int open_only, int limit, archive_consult_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, open_only ? ST_CONSULTS_OPEN : ST_CONSULTS_ALL);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, limit);
    return s_consult_rows(self, st, fn, arg) < 0 ? -1 : 0;
}

static int
s_version_add(archive_t *self, uint64_t id, int version, int stage, uint64_t seq, int64_t ts)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_VERSION_ADD);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int(st, 3, stage);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)seq);
    sqlite3_bind_int64(st, 5, ts);
    return archive_int_run(self, st, "consultation text");
}

static int
s_target_add(archive_t *self, const archive_consult_target_t *t)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_TARGET_ADD);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)t->consultation);
    sqlite3_bind_int(st, 2, t->stage);
    s_text(st, 3, t->country);
    s_text(st, 4, t->zone);
    sqlite3_bind_int64(st, 5, t->opened_ms);
    sqlite3_bind_int64(st, 6, t->deadline_ms);
    sqlite3_bind_int64(st, 7, t->due_ms);
    sqlite3_bind_int64(st, 8, t->reminder_ms);
    sqlite3_bind_int64(st, 9, t->last_day_ms);
    sqlite3_bind_int64(st, 10, t->escalate_ms);
    if (archive_int_run(self, st, "consultation target") != 0)
        return -1;
    char detail[160];
    snprintf(detail, sizeof detail, "%s deadline %lld", t->zone ? t->zone : "",
        (long long)t->deadline_ms);
    return archive_consult_event(self, t->consultation, "addressed", t->stage, t->country, 0, 0,
        detail);
}

int
archive_consult_open(archive_t *self, const archive_consult_t *c, uint64_t seq,
    const archive_consult_target_t *targets, size_t ntargets)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)c->id);
    s_text(st, 2, c->title);
    sqlite3_bind_int64(st, 3, c->opened_by);
    sqlite3_bind_int64(st, 4, c->opened_ms);
    s_text(st, 5, c->ppt);
    s_text(st, 6, c->troika);
    sqlite3_bind_int64(st, 7, c->opened_ms);
    if (archive_int_run(self, st, "open consultation") != 0
        || s_version_add(self, c->id, 1, 0, seq, c->opened_ms) != 0
        || archive_consult_event(self, c->id, "opened", 0, "", c->opened_by, seq, c->title) != 0)
        return -1;
    for (size_t i = 0; i < ntargets; i++)
        if (s_target_add(self, &targets[i]) != 0)
            return -1;
    return 0;
}

int
archive_consult_stage(archive_t *self, uint64_t id, int stage, int version, uint64_t seq,
    int64_t officer_id, int64_t now_ms, const archive_consult_target_t *targets, size_t ntargets)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_STAGE);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, stage);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int64(st, 3, now_ms);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)id);
    /* The previous stage's reminders stop: its answers are in. */
    sqlite3_stmt *stop;
    if (archive_int_run(self, st, "consultation stage") != 0
        || !(stop = s_stmt(self, ST_CONSULT_TARGETS_STOP)))
        return -1;
    sqlite3_bind_int64(stop, 1, (sqlite3_int64)id);
    char detail[48];
    snprintf(detail, sizeof detail, "version %d", version);
    if (archive_int_run(self, stop, "consultation stage") != 0
        || s_version_add(self, id, version, stage, seq, now_ms) != 0
        || archive_consult_event(self, id, stage == 1 ? "advanced" : "revised", stage, "",
               officer_id, seq, detail)
            != 0)
        return -1;
    for (size_t i = 0; i < ntargets; i++)
        if (s_target_add(self, &targets[i]) != 0)
            return -1;
    return 0;
}

int
archive_consult_close(archive_t *self, uint64_t id, int stage, const char *outcome,
    const char *reason, uint64_t seq, int64_t officer_id, int64_t now_ms)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_CLOSE);
    if (!st)
        return -1;
    s_text(st, 1, outcome);
    s_text(st, 2, reason);
    sqlite3_bind_int64(st, 3, now_ms);
    sqlite3_bind_int64(st, 4, now_ms);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)id);
    sqlite3_stmt *targets;
    if (archive_int_run(self, st, "close consultation") != 0
        || !(targets = s_stmt(self, ST_CONSULT_TARGETS_CLOSE)))
        return -1;
    sqlite3_bind_int64(targets, 1, (sqlite3_int64)id);
    if (archive_int_run(self, targets, "close consultation") != 0
        || !(st = s_stmt(self, ST_CONSULT_TARGETS_STOP)))
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    char detail[600];
    snprintf(detail, sizeof detail, "%s%s%s", outcome, reason && *reason ? ": " : "",
        reason ? reason : "");
    if (archive_int_run(self, st, "close consultation") != 0)
        return -1;
    return archive_consult_event(self, id, "closed", stage, "", officer_id, seq, detail);
}

/* ---------------------------------------------------------- texts */

int
archive_consult_versions(archive_t *self, uint64_t id, archive_consult_version_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_VERSIONS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
                (uint64_t)sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3), arg)
            != 0) {
            rc = SQLITE_DONE;
            break;
        }
    return archive_int_end(self, st, rc, "consultation texts");
}

/* ---------------------------------------------------------- targets */

static int
s_target_rows(archive_t *self, sqlite3_stmt *st, archive_consult_target_fn fn, void *arg)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_consult_target_t t = {
            .consultation = (uint64_t)sqlite3_column_int64(st, 0),
            .stage = sqlite3_column_int(st, 1),
            .country = (const char *)sqlite3_column_text(st, 2),
            .zone = (const char *)sqlite3_column_text(st, 3),
            .opened_ms = sqlite3_column_int64(st, 4),
            .deadline_ms = sqlite3_column_int64(st, 5),
            .state = (const char *)sqlite3_column_text(st, 6),
            .step = sqlite3_column_int(st, 7),
            .due_ms = sqlite3_column_int64(st, 8),
            .reminder_ms = sqlite3_column_int64(st, 9),
            .last_day_ms = sqlite3_column_int64(st, 10),
            .escalate_ms = sqlite3_column_int64(st, 11),
        };
        if (fn(&t, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "consultation targets");
}

int
archive_consult_targets(archive_t *self, uint64_t id, archive_consult_target_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_TARGETS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    return s_target_rows(self, st, fn, arg);
}

int
archive_consult_due(archive_t *self, int64_t now_ms, archive_consult_target_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_DUE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    return s_target_rows(self, st, fn, arg);
}

int
archive_consult_target_step(archive_t *self, uint64_t id, int stage, const char *country,
    const char *state, int step, int64_t due_ms, const char *event, uint64_t seq,
    const char *detail)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_TARGET_SET);
    if (!st)
        return -1;
    s_text(st, 1, state);
    sqlite3_bind_int(st, 2, step);
    sqlite3_bind_int64(st, 3, due_ms);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)id);
    sqlite3_bind_int(st, 5, stage);
    s_text(st, 6, country);
    if (archive_int_run(self, st, "consultation target") != 0)
        return -1;
    if (sqlite3_changes(self->db) != 1) {
        snprintf(self->error, sizeof self->error, "consultation %llu has no %s in stage %d",
            (unsigned long long)id, country, stage);
        return -1;
    }
    return archive_consult_event(self, id, event, stage, country, 0, seq, detail);
}

/* ---------------------------------------------------------- answers */

int
archive_consult_answer(archive_t *self, const archive_consult_answer_t *a, int step, int64_t due_ms)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_ANSWER_ADD);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)a->consultation);
    sqlite3_bind_int(st, 2, a->stage);
    s_text(st, 3, a->country);
    s_text(st, 4, a->answer);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)a->seq);
    sqlite3_bind_int64(st, 6, a->officer_id);
    sqlite3_bind_int(st, 7, a->version);
    sqlite3_bind_int64(st, 8, a->ts_ms);
    sqlite3_bind_int(st, 9, a->late);
    if (archive_int_run(self, st, "consultation answer") != 0)
        return -1;
    /* The target: answered, nothing more due. */
    if (!(st = s_stmt(self, ST_CONSULT_TARGET_SET)))
        return -1;
    s_text(st, 1, "answered");
    sqlite3_bind_int(st, 2, step);
    sqlite3_bind_int64(st, 3, due_ms);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)a->consultation);
    sqlite3_bind_int(st, 5, a->stage);
    s_text(st, 6, a->country);
    char detail[64];
    snprintf(detail, sizeof detail, "%s%s", a->answer, a->late ? " (late)" : "");
    sqlite3_stmt *touch;
    if (archive_int_run(self, st, "consultation answer") != 0
        || !(touch = s_stmt(self, ST_CONSULT_TOUCH)))
        return -1;
    sqlite3_bind_int64(touch, 1, a->ts_ms);
    sqlite3_bind_int64(touch, 2, (sqlite3_int64)a->consultation);
    if (archive_int_run(self, touch, "consultation answer") != 0)
        return -1;
    return archive_consult_event(self, a->consultation, "answered", a->stage, a->country,
        a->officer_id, a->seq, detail);
}

int
archive_consult_answers(archive_t *self, uint64_t id, archive_consult_answer_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CONSULT_ANSWERS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_consult_answer_t a = {
            .id = sqlite3_column_int64(st, 0),
            .consultation = (uint64_t)sqlite3_column_int64(st, 1),
            .stage = sqlite3_column_int(st, 2),
            .country = (const char *)sqlite3_column_text(st, 3),
            .answer = (const char *)sqlite3_column_text(st, 4),
            .seq = (uint64_t)sqlite3_column_int64(st, 5),
            .officer_id = sqlite3_column_int64(st, 6),
            .version = sqlite3_column_int(st, 7),
            .ts_ms = sqlite3_column_int64(st, 8),
            .late = sqlite3_column_int(st, 9),
        };
        if (fn(&a, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "consultation answers");
}

/* ---------------------------------------------------------- statistics */

static int
s_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One country and stage's figures, gathered from its targets. */
typedef struct {
    char key[24]; /* "GT round 1", "HN troika" */
    int64_t addressed, answered, in_time;
    int64_t *times; /* answer times (ms); owned */
    int64_t ntimes;
} row_t;

int
archive_consult_stats(archive_t *self, int64_t from, int64_t to, archive_stat_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_STATS_CONSULT_OPENED);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn("consultations", (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
            arg);
    if (archive_int_end(self, st, rc, "statistics") != 0
        || !(st = s_stmt(self, ST_STATS_CONSULT_TARGETS)))
        return -1;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    row_t *rows = NULL;
    size_t nrows = 0, cap = 0;
    int failed = 0;
    while (!failed && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char key[24];
        int stage = sqlite3_column_int(st, 1);
        snprintf(key, sizeof key, "%.3s %s", (const char *)sqlite3_column_text(st, 0),
            stage == 0       ? "troika"
                : stage == 1 ? "round 1"
                             : "round 2");
        if (nrows == 0 || strcmp(rows[nrows - 1].key, key) != 0) {
            if (nrows == cap) {
                cap = cap ? cap * 2 : 32;
                row_t *grown = realloc(rows, cap * sizeof *grown);
                if (!grown) {
                    failed = 1;
                    break;
                }
                rows = grown;
            }
            rows[nrows] = (row_t){.times = NULL};
            snprintf(rows[nrows].key, sizeof rows[nrows].key, "%s", key);
            nrows++;
        }
        row_t *r = &rows[nrows - 1];
        r->addressed++;
        if (sqlite3_column_type(st, 4) == SQLITE_NULL)
            continue;
        int64_t opened = sqlite3_column_int64(st, 2), deadline = sqlite3_column_int64(st, 3);
        int64_t answered = sqlite3_column_int64(st, 4);
        r->answered++;
        r->in_time += deadline == 0 || answered <= deadline;
        int64_t *grown = realloc(r->times, (size_t)(r->ntimes + 1) * sizeof *grown);
        if (!grown) {
            failed = 1;
            break;
        }
        r->times = grown;
        r->times[r->ntimes++] = answered - opened;
    }
    if (failed) {
        sqlite3_reset(st);
        snprintf(self->error, sizeof self->error, "out of memory");
    } else if (archive_int_end(self, st, rc, "statistics") != 0) {
        failed = 1;
    }
    for (size_t i = 0; !failed && i < nrows; i++)
        fn("consultations: countries addressed, by country and round", rows[i].key,
            rows[i].addressed, arg);
    for (size_t i = 0; !failed && i < nrows; i++)
        fn("consultations: answered, % by country and round", rows[i].key,
            (rows[i].answered * 100 + rows[i].addressed / 2) / rows[i].addressed, arg);
    for (size_t i = 0; !failed && i < nrows; i++)
        fn("consultations: answered by the deadline, % by country and round", rows[i].key,
            (rows[i].in_time * 100 + rows[i].addressed / 2) / rows[i].addressed, arg);
    for (size_t i = 0; !failed && i < nrows; i++) {
        if (!rows[i].ntimes)
            continue;
        qsort(rows[i].times, (size_t)rows[i].ntimes, sizeof *rows[i].times, s_cmp);
        fn("consultations: median time to answer, seconds, by country and round", rows[i].key,
            rows[i].times[rows[i].ntimes / 2] / 1000, arg);
    }
    for (size_t i = 0; i < nrows; i++)
        free(rows[i].times);
    free(rows);
    return failed ? -1 : 0;
}
