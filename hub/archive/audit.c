/*
 * audit.c: the audit log, append-only (triggers refuse edits) and chained
 * in the ledger like messages. Part of the archive module (the schema
 * changelog is at the top of db.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"

static const char *const s_sql[ST_COUNT] = {
    [ST_AUDIT] = "INSERT INTO audit (ts_ms, officer_id, fingerprint, action, outcome, detail)"
                 " VALUES (?,?,?,?,?,?)",
    [ST_AUDIT_EACH] = "SELECT id, ts_ms, officer_id, fingerprint, action, outcome, detail"
                      " FROM audit ORDER BY id",
    [ST_AUDIT_GET] = "SELECT id, ts_ms, officer_id, fingerprint, action, outcome, detail"
                     " FROM audit WHERE id = ?",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

int
archive_audit(archive_t *self, int64_t officer_id, const char *fingerprint, const char *action,
    const char *outcome, const char *detail)
{
    archive_int_mark_t mark;
    if (archive_int_record_begin(self, &mark) != 0)
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_AUDIT);
    if (!st)
        return archive_int_record_end(self, &mark, 0);
    archive_audit_row_t row = {.ts_ms = archive_now_ms(),
        .officer_id = officer_id,
        .fingerprint = fingerprint ? fingerprint : "",
        .action = action,
        .outcome = outcome,
        .detail = detail ? detail : ""};
    sqlite3_bind_int64(st, 1, row.ts_ms);
    sqlite3_bind_int64(st, 2, row.officer_id);
    sqlite3_bind_text(st, 3, row.fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, row.action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, row.outcome, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, row.detail, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        archive_int_fail(self, "audit");
        return archive_int_record_end(self, &mark, 0);
    }
    row.id = sqlite3_last_insert_rowid(self->db);
    uint8_t h[ARCHIVE_HASH_BYTES];
    archive_int_hash_audit(&row, h);
    int ok = archive_int_ledger_insert(self, ARCHIVE_KIND_AUDIT, row.id, row.ts_ms, h) == 0;
    return archive_int_record_end(self, &mark, ok);
}

int
archive_audit_each(archive_t *self, archive_audit_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_AUDIT_EACH);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_audit_row_t row = {
            .id = sqlite3_column_int64(st, 0),
            .ts_ms = sqlite3_column_int64(st, 1),
            .officer_id = sqlite3_column_int64(st, 2),
            .fingerprint = (const char *)sqlite3_column_text(st, 3),
            .action = (const char *)sqlite3_column_text(st, 4),
            .outcome = (const char *)sqlite3_column_text(st, 5),
            .detail = (const char *)sqlite3_column_text(st, 6),
        };
        if (fn(&row, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "read audit");
}

int
archive_audit_get(archive_t *self, int64_t id, archive_audit_row_t *out, uint8_t record_hash[32])
{
    sqlite3_stmt *st = s_stmt(self, ST_AUDIT_GET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return archive_int_fail(self, "read audit");
    }
    *out = (archive_audit_row_t){
        .id = sqlite3_column_int64(st, 0),
        .ts_ms = sqlite3_column_int64(st, 1),
        .officer_id = sqlite3_column_int64(st, 2),
        .fingerprint = (const char *)sqlite3_column_text(st, 3),
        .action = (const char *)sqlite3_column_text(st, 4),
        .outcome = (const char *)sqlite3_column_text(st, 5),
        .detail = (const char *)sqlite3_column_text(st, 6),
    };
    archive_int_hash_audit(out, record_hash);
    return 1;
}
