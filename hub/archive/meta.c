/*
 * meta.c: the meta table, small named values kept in the archive itself
 * (e.g. "hub_ed25519", the hub key's hex, so that verify can check the
 * hub's own signed notices, even in a backup). Part of the archive module
 * (the schema changelog is at the top of db.c).
 */

#include <stdio.h>

#include "archive_int.h"

static const char *const s_sql[ST_COUNT] = {
    [ST_META_SET] = "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [ST_META_GET] = "SELECT value FROM meta WHERE key = ?",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

int
archive_meta_set(archive_t *self, const char *key, const char *value)
{
    sqlite3_stmt *st = s_stmt(self, ST_META_SET);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    return archive_int_run(self, st, "meta");
}

int
archive_meta_set_audited(archive_t *self, const char *key, const char *value, const char *action,
    const char *detail)
{
    archive_int_mark_t mark;
    if (archive_int_record_begin(self, &mark) != 0)
        return -1;
    const char *fp = self->actor_fp[0] ? self->actor_fp : NULL;
    int ok = archive_meta_set(self, key, value) == 0
        && archive_audit(self, fp ? self->actor_id : 0, fp, action, "ok", detail) == 0;
    return archive_int_record_end(self, &mark, ok);
}

int
archive_meta_get(archive_t *self, const char *key, char *value, size_t cap)
{
    sqlite3_stmt *st = s_stmt(self, ST_META_GET);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(value, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
        return 1;
    }
    return archive_int_end(self, st, rc, "meta");
}
