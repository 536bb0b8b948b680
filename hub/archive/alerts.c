/*
 * alerts.c: the SQL of alerts, their per-country acknowledgement targets
 * and their event log. Part of the archive module (the schema changelog,
 * migration 4, is at the top of db.c).
 *
 * Invariant: a target leaves 'pending' exactly once (acknowledged, cancelled
 * or superseded); escalation only raises `level` of a pending target, in the
 * same transaction as the escalation message, so a restart neither repeats
 * nor loses a step.
 */

#include <stdio.h>
#include <string.h>

#include "archive_int.h"

#define ALERT_COLUMNS \
    "seq, topic, network, author_id, priority, category, countries, headline, status," \
    " msg_type, refs, case_id, needs_ack, expires_ms, stored_ms, superseded_by"

#define TARGET_COLUMNS \
    "alert_seq, country, state, level, deadline_ms, period_ms, acked_by, acked_ms, note"

static const char *const s_sql[ST_COUNT] = {
    [ST_ALERT_EVENT] = "INSERT INTO alert_events (alert_seq, country, ts_ms, event, officer_id,"
                       " detail) VALUES (?,?,?,?,?,?)",
    [ST_ALERT_INSERT] = "INSERT INTO alerts (seq, topic, network, author_id, priority, category,"
                        " countries, headline, status, msg_type, refs, case_id, needs_ack,"
                        " expires_ms, stored_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_ALERT_TARGET_INSERT] = "INSERT OR IGNORE INTO alert_targets (alert_seq, country, state,"
                               " deadline_ms, period_ms) VALUES (?,?,?,?,?)",
    [ST_ALERT_GET] = "SELECT " ALERT_COLUMNS " FROM alerts WHERE seq = ?",
    [ST_ALERTS_OPEN] = "SELECT " ALERT_COLUMNS " FROM alerts a WHERE EXISTS (SELECT 1 FROM"
                       " alert_targets t WHERE t.alert_seq = a.seq AND t.state = 'pending')"
                       " ORDER BY seq DESC LIMIT ?",
    [ST_ALERTS_ALL] = "SELECT " ALERT_COLUMNS " FROM alerts ORDER BY seq DESC LIMIT ?",
    [ST_ALERT_TARGETS] = "SELECT " TARGET_COLUMNS " FROM alert_targets WHERE alert_seq = ?"
                         " ORDER BY country",
    [ST_ALERT_DUE] = "SELECT " TARGET_COLUMNS " FROM alert_targets WHERE state = 'pending'"
                     " AND deadline_ms > 0 AND deadline_ms <= ? ORDER BY deadline_ms LIMIT 256",
    [ST_ALERT_ACK] = "UPDATE alert_targets SET state = 'acknowledged', acked_by = ?, acked_ms = ?,"
                     " note = ? WHERE alert_seq = ? AND country = ?"
                     " AND state IN ('pending', 'none') RETURNING 1",
    [ST_ALERT_ESCALATE] = "UPDATE alert_targets SET level = ?, deadline_ms = ?"
                          " WHERE alert_seq = ? AND country = ? AND state = 'pending'",
    [ST_ALERT_CLOSE_TARGETS] = "UPDATE alert_targets SET state = ?"
                               " WHERE alert_seq = ? AND state IN ('pending','none')",
    [ST_ALERT_SUPERSEDE] =
        "UPDATE alerts SET superseded_by = ? WHERE seq = ? AND superseded_by = 0",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

/* Every acknowledgement, escalation and closure is chained like messages
 * (canonical encoding: B(kind), then the row's columns in table order). */
#define KIND_ALERT_EVENT "alert_event"

int
archive_alert_event(archive_t *self, uint64_t seq, const char *country, const char *event,
    int64_t officer_id, const char *detail)
{
    sqlite3_stmt *st = s_stmt(self, ST_ALERT_EVENT);
    if (!st)
        return -1;
    int64_t now = archive_now_ms();
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    sqlite3_bind_text(st, 2, country ? country : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, event, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, officer_id);
    sqlite3_bind_text(st, 6, detail ? detail : "", -1, SQLITE_TRANSIENT);
    if (archive_int_run(self, st, "alert event") != 0)
        return -1;
    int64_t id = sqlite3_last_insert_rowid(self->db);
    archive_canon_t c;
    uint8_t h[ARCHIVE_HASH_BYTES];
    archive_canon_init(&c, KIND_ALERT_EVENT);
    archive_canon_int(&c, id);
    archive_canon_int(&c, (int64_t)seq);
    archive_canon_text(&c, country ? country : "");
    archive_canon_int(&c, now);
    archive_canon_text(&c, event);
    archive_canon_int(&c, officer_id);
    archive_canon_text(&c, detail ? detail : "");
    archive_canon_final(&c, h);
    return archive_ledger_append(self, KIND_ALERT_EVENT, id, h);
}

int
archive_alert_insert(archive_t *self, const archive_alert_t *a, int64_t period_ms)
{
    sqlite3_stmt *st = s_stmt(self, ST_ALERT_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)a->seq);
    sqlite3_bind_text(st, 2, a->topic, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, a->network, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, a->author_id);
    sqlite3_bind_int(st, 5, a->priority);
    sqlite3_bind_int(st, 6, a->category);
    sqlite3_bind_text(st, 7, a->countries, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, a->headline, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 9, a->status);
    sqlite3_bind_int(st, 10, a->msg_type);
    sqlite3_bind_text(st, 11, a->refs ? a->refs : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 12, (sqlite3_int64)a->case_id);
    sqlite3_bind_int(st, 13, a->needs_ack);
    sqlite3_bind_int64(st, 14, a->expires_ms);
    sqlite3_bind_int64(st, 15, a->stored_ms);
    if (archive_int_run(self, st, "store alert") != 0)
        return -1;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", a->countries);
    char *save = NULL;
    for (char *cc = strtok_r(buf, ",", &save); cc; cc = strtok_r(NULL, ",", &save)) {
        st = s_stmt(self, ST_ALERT_TARGET_INSERT);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)a->seq);
        sqlite3_bind_text(st, 2, cc, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, a->needs_ack ? "pending" : "none", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, a->needs_ack ? a->stored_ms + period_ms : 0);
        sqlite3_bind_int64(st, 5, a->needs_ack ? period_ms : 0);
        if (archive_int_run(self, st, "alert target") != 0)
            return -1;
    }
    return archive_alert_event(self, a->seq, NULL, "raised", a->author_id, a->headline);
}

static int
s_alert_rows(archive_t *self, sqlite3_stmt *st, archive_alert_fn fn, void *arg)
{
    int rc, found = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_alert_t a = {
            .seq = (uint64_t)sqlite3_column_int64(st, 0),
            .topic = (const char *)sqlite3_column_text(st, 1),
            .network = (const char *)sqlite3_column_text(st, 2),
            .author_id = sqlite3_column_int64(st, 3),
            .priority = sqlite3_column_int(st, 4),
            .category = sqlite3_column_int(st, 5),
            .countries = (const char *)sqlite3_column_text(st, 6),
            .headline = (const char *)sqlite3_column_text(st, 7),
            .status = sqlite3_column_int(st, 8),
            .msg_type = sqlite3_column_int(st, 9),
            .refs = (const char *)sqlite3_column_text(st, 10),
            .case_id = (uint64_t)sqlite3_column_int64(st, 11),
            .needs_ack = sqlite3_column_int(st, 12),
            .expires_ms = sqlite3_column_int64(st, 13),
            .stored_ms = sqlite3_column_int64(st, 14),
            .superseded_by = (uint64_t)sqlite3_column_int64(st, 15),
        };
        found = 1;
        if (fn(&a, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "read alerts") == 0 ? found : -1;
}

int
archive_alert_get(archive_t *self, uint64_t seq, archive_alert_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_ALERT_GET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    return s_alert_rows(self, st, fn, arg);
}

int
archive_alerts_each(archive_t *self, int open_only, int limit, archive_alert_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, open_only ? ST_ALERTS_OPEN : ST_ALERTS_ALL);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, limit);
    return s_alert_rows(self, st, fn, arg) < 0 ? -1 : 0;
}

static int
s_target_rows(archive_t *self, sqlite3_stmt *st, archive_target_fn fn, void *arg)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_target_t t = {
            .alert_seq = (uint64_t)sqlite3_column_int64(st, 0),
            .country = (const char *)sqlite3_column_text(st, 1),
            .state = (const char *)sqlite3_column_text(st, 2),
            .level = sqlite3_column_int(st, 3),
            .deadline_ms = sqlite3_column_int64(st, 4),
            .period_ms = sqlite3_column_int64(st, 5),
            .acked_by = sqlite3_column_int64(st, 6),
            .acked_ms = sqlite3_column_int64(st, 7),
            .note = (const char *)sqlite3_column_text(st, 8),
        };
        if (fn(&t, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "read alert targets");
}

int
archive_alert_targets(archive_t *self, uint64_t seq, archive_target_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_ALERT_TARGETS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    return s_target_rows(self, st, fn, arg);
}

int
archive_alert_due(archive_t *self, int64_t now_ms, archive_target_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_ALERT_DUE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    return s_target_rows(self, st, fn, arg);
}

int
archive_alert_ack(archive_t *self, uint64_t seq, const char *country, int64_t officer_id,
    const char *note, int64_t now_ms)
{
    sqlite3_stmt *st = s_stmt(self, ST_ALERT_ACK);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_text(st, 3, note ? note : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)seq);
    sqlite3_bind_text(st, 5, country, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    int changed = rc == SQLITE_ROW;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    if (archive_int_end(self, st, rc, "acknowledge") != 0)
        return -1;
    if (changed && archive_alert_event(self, seq, country, "acknowledged", officer_id, note) != 0)
        return -1;
    return changed;
}

int
archive_alert_escalated(archive_t *self, uint64_t seq, const char *country, int level,
    int64_t next_deadline_ms)
{
    sqlite3_stmt *st = s_stmt(self, ST_ALERT_ESCALATE);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, level);
    sqlite3_bind_int64(st, 2, next_deadline_ms);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
    sqlite3_bind_text(st, 4, country, -1, SQLITE_TRANSIENT);
    if (archive_int_run(self, st, "escalate") != 0)
        return -1;
    char detail[32];
    snprintf(detail, sizeof detail, "level %d", level);
    return archive_alert_event(self, seq, country, "escalated", 0, detail);
}

int
archive_alert_close(archive_t *self, uint64_t seq, const char *state, uint64_t by_seq)
{
    sqlite3_stmt *st = s_stmt(self, ST_ALERT_CLOSE_TARGETS);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    if (archive_int_run(self, st, "close alert") != 0)
        return -1;
    st = s_stmt(self, ST_ALERT_SUPERSEDE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)by_seq);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    if (archive_int_run(self, st, "close alert") != 0)
        return -1;
    char detail[48];
    snprintf(detail, sizeof detail, "by alert %llu", (unsigned long long)by_seq);
    return archive_alert_event(self, seq, NULL, state, 0, detail);
}
