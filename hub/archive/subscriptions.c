/*
 * subscriptions.c: durable subscription cursors, one per officer and topic
 * pattern: where a subscriber resumes. Part of the archive module (the
 * schema changelog is at the top of db.c).
 */

#include "archive_int.h"

static const char *const s_sql[ST_COUNT] = {
    [ST_SUB_GET] = "SELECT cursor FROM subscriptions WHERE officer_id = ? AND pattern = ?",
    [ST_SUB_PUT] = "INSERT INTO subscriptions (officer_id, pattern, cursor, updated_ms)"
                   " VALUES (?,?,?,?) ON CONFLICT (officer_id, pattern)"
                   " DO UPDATE SET cursor = excluded.cursor, updated_ms = excluded.updated_ms",
    [ST_SUB_DELETE] = "DELETE FROM subscriptions WHERE officer_id = ? AND pattern = ?",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

int
archive_sub_get(archive_t *self, int64_t officer_id, const char *pattern, uint64_t *cursor)
{
    sqlite3_stmt *st = s_stmt(self, ST_SUB_GET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_text(st, 2, pattern, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *cursor = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "read subscription");
}

int
archive_sub_put(archive_t *self, int64_t officer_id, const char *pattern, uint64_t cursor)
{
    sqlite3_stmt *st = s_stmt(self, ST_SUB_PUT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_text(st, 2, pattern, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)cursor);
    sqlite3_bind_int64(st, 4, archive_now_ms());
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "save subscription");
}

int
archive_sub_delete(archive_t *self, int64_t officer_id, const char *pattern)
{
    sqlite3_stmt *st = s_stmt(self, ST_SUB_DELETE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_text(st, 2, pattern, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "delete subscription");
}
