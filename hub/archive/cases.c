/*
 * cases.c: the SQL of cases and their event log (opened, closed, reopened,
 * and what the hub records against them). Part of the archive module (the
 * schema changelog, migrations 4 and 5, is at the top of db.c).
 *
 * Invariant: a case's row and the event that changed it commit together,
 * and every event is chained in the ledger.
 */

#include <stdio.h>

#include "archive_int.h"

#define CASE_COLUMNS \
    "id, type, network, countries, title, state, opened_by, opened_ms, updated_ms, form_seq"

static const char *const s_sql[ST_COUNT] = {
    [ST_CASE_EVENT] = "INSERT INTO case_events (case_id, ts_ms, officer_id, event, note)"
                      " VALUES (?,?,?,?,?)",
    [ST_CASE_INSERT] = "INSERT INTO cases (type, network, countries, title, state, opened_by,"
                       " opened_ms, updated_ms, form_seq) VALUES (?,?,?,?,'open',?,?,?,?)",
    [ST_CASE_GET] = "SELECT " CASE_COLUMNS " FROM cases WHERE id = ?",
    [ST_CASES_EACH] = "SELECT " CASE_COLUMNS " FROM cases WHERE (?1 = '' OR type = ?1)"
                      " AND (?2 = '' OR instr(',' || countries || ',', ',' || ?2 || ',') > 0)"
                      " AND (?3 = '' OR state = ?3) ORDER BY id DESC LIMIT 500",
    [ST_CASE_STATE] = "UPDATE cases SET state = ?, updated_ms = ? WHERE id = ? AND state <> ?"
                      " RETURNING 1",
    [ST_CASE_EVENTS] = "SELECT ts_ms, officer_id, event, note FROM case_events WHERE case_id = ?"
                       " ORDER BY id",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

/* Every case event is chained like messages (canonical encoding: B(kind),
 * then the row's columns in table order). */
#define KIND_CASE_EVENT "case_event"

static int
s_case_event(archive_t *self, uint64_t case_id, int64_t now, int64_t officer_id, const char *event,
    const char *note)
{
    sqlite3_stmt *st = s_stmt(self, ST_CASE_EVENT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)case_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, officer_id);
    sqlite3_bind_text(st, 4, event, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_TRANSIENT);
    if (archive_int_run(self, st, "case event") != 0)
        return -1;
    int64_t id = sqlite3_last_insert_rowid(self->db);
    archive_canon_t c;
    uint8_t h[ARCHIVE_HASH_BYTES];
    archive_canon_init(&c, KIND_CASE_EVENT);
    archive_canon_int(&c, id);
    archive_canon_int(&c, (int64_t)case_id);
    archive_canon_int(&c, now);
    archive_canon_int(&c, officer_id);
    archive_canon_text(&c, event);
    archive_canon_text(&c, note ? note : "");
    archive_canon_final(&c, h);
    return archive_ledger_append(self, KIND_CASE_EVENT, id, h);
}

int
archive_case_event(archive_t *self, uint64_t case_id, int64_t officer_id, const char *event,
    const char *note)
{
    return s_case_event(self, case_id, archive_now_ms(), officer_id, event, note);
}

int
archive_case_open(archive_t *self, const archive_case_t *c, uint64_t *id_out)
{
    int own = !self->in_txn;
    if (own && archive_int_txn(self, ST_BEGIN) != 0)
        return -1;
    int64_t now = archive_now_ms();
    sqlite3_stmt *st = s_stmt(self, ST_CASE_INSERT);
    if (!st)
        goto fail;
    sqlite3_bind_text(st, 1, c->type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, c->network, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, c->countries, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, c->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, c->opened_by);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)c->form_seq);
    if (archive_int_run(self, st, "open case") != 0)
        goto fail;
    *id_out = (uint64_t)sqlite3_last_insert_rowid(self->db);
    char detail[300];
    snprintf(detail, sizeof detail, "%s [%s] %s: %s", c->type, c->network, c->countries, c->title);
    if (s_case_event(self, *id_out, now, c->opened_by, "opened", detail) != 0)
        goto fail;
    if (own && archive_int_txn(self, ST_COMMIT) != 0)
        goto fail;
    return 0;
fail:
    if (own)
        archive_int_txn(self, ST_ROLLBACK);
    return -1;
}

static int
s_case_rows(archive_t *self, sqlite3_stmt *st, archive_case_fn fn, void *arg)
{
    int rc, found = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_case_t c = {
            .id = (uint64_t)sqlite3_column_int64(st, 0),
            .type = (const char *)sqlite3_column_text(st, 1),
            .network = (const char *)sqlite3_column_text(st, 2),
            .countries = (const char *)sqlite3_column_text(st, 3),
            .title = (const char *)sqlite3_column_text(st, 4),
            .state = (const char *)sqlite3_column_text(st, 5),
            .opened_by = sqlite3_column_int64(st, 6),
            .opened_ms = sqlite3_column_int64(st, 7),
            .updated_ms = sqlite3_column_int64(st, 8),
            .form_seq = (uint64_t)sqlite3_column_int64(st, 9),
        };
        found = 1;
        if (fn(&c, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "read cases") == 0 ? found : -1;
}

int
archive_case_get(archive_t *self, uint64_t id, archive_case_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CASE_GET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    return s_case_rows(self, st, fn, arg);
}

int
archive_cases_each(archive_t *self, const char *type, const char *country, const char *state,
    archive_case_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CASES_EACH);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, type ? type : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, country ? country : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, state ? state : "", -1, SQLITE_TRANSIENT);
    return s_case_rows(self, st, fn, arg) < 0 ? -1 : 0;
}

int
archive_case_set_state(archive_t *self, uint64_t id, int open, int64_t officer_id, const char *note)
{
    int own = !self->in_txn;
    if (own && archive_int_txn(self, ST_BEGIN) != 0)
        return -1;
    int64_t now = archive_now_ms();
    sqlite3_stmt *st = s_stmt(self, ST_CASE_STATE);
    if (!st)
        goto fail;
    const char *state = open ? "open" : "closed";
    sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)id);
    sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int changed = rc == SQLITE_ROW;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    if (archive_int_end(self, st, rc, "case state") != 0)
        goto fail;
    if (changed && s_case_event(self, id, now, officer_id, open ? "reopened" : "closed", note) != 0)
        goto fail;
    if (own && archive_int_txn(self, ST_COMMIT) != 0)
        goto fail;
    return changed;
fail:
    if (own)
        archive_int_txn(self, ST_ROLLBACK);
    return -1;
}

int
archive_case_events(archive_t *self, uint64_t id, archive_case_event_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_CASE_EVENTS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                arg)
            != 0) {
            rc = SQLITE_DONE;
            break;
        }
    return archive_int_end(self, st, rc, "case events");
}
