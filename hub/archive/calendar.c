/*
 * calendar.c: the SQL of the consultation's calendar: the IANA zone each
 * member country counts business days in (country_zones) and its public
 * holidays (holidays). Part of the archive module (the schema changelog,
 * migration 11, is at the top of db.c).
 *
 * Both are reference data: every change is audited with the acting key and
 * records the reference tables anew in the ledger (kind "reference"), in
 * the same transaction, so `enlace-hub verify` sees a zone or a holiday
 * changed behind the hub's back.
 */

#include <stdio.h>
#include <string.h>

#include "archive_int.h"

static const char *const s_sql[ST_COUNT] = {
    [ST_ZONE_GET] = "SELECT zone FROM country_zones WHERE country = ?",
    [ST_ZONE_SET] = "INSERT INTO country_zones (country, zone) VALUES (?1, ?2)"
                    " ON CONFLICT (country) DO UPDATE SET zone = ?2",
    [ST_ZONES_EACH] = "SELECT c.code, COALESCE(z.zone, '') FROM countries c"
                      " LEFT JOIN country_zones z ON z.country = c.code"
                      " WHERE c.status = 'member' ORDER BY c.code",
    [ST_HOLIDAY_ADD] = "INSERT OR IGNORE INTO holidays (country, date, name) VALUES (?,?,?)",
    [ST_HOLIDAY_REMOVE] = "DELETE FROM holidays WHERE country = ? AND date = ?",
    [ST_HOLIDAYS_EACH] = "SELECT country, date, name FROM holidays"
                         " WHERE ?1 = '' OR country = ?1 ORDER BY country, date",
    [ST_MEMBER_KNOWN] = "SELECT 1 FROM countries WHERE code = ? AND status = 'member'",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

/* 1 if code is a member country; 0 (with the reason as the error) if not. */
static int
s_member(archive_t *self, const char *code)
{
    sqlite3_stmt *st = s_stmt(self, ST_MEMBER_KNOWN);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, code ? code : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sqlite3_reset(st);
        return 1;
    }
    if (archive_int_end(self, st, rc, "country") != 0)
        return -1;
    snprintf(self->error, sizeof self->error,
        "'%s' is not a member country (the consultation's calendar is the members')",
        code ? code : "");
    return 0;
}

/* Steps st (reset after) in a transaction of its own unless one is open,
 * and in the same savepoint records the reference data and audits the
 * change. Returns the rows changed (0 or more), or -1 with nothing kept. */
static int
s_write(archive_t *self, sqlite3_stmt *st, const char *actor_fp, int64_t actor_id,
    const char *action, const char *detail)
{
    if (!actor_fp && self->actor_fp[0]) {
        actor_fp = self->actor_fp;
        actor_id = self->actor_id;
    }
    int own = !self->in_txn;
    if (own && archive_begin(self) != 0) {
        sqlite3_reset(st);
        return -1;
    }
    archive_int_mark_t mark;
    if (archive_int_record_begin(self, &mark) != 0) {
        sqlite3_reset(st);
        if (own)
            archive_rollback(self);
        return -1;
    }
    int rc = sqlite3_step(st);
    int ok = rc == SQLITE_DONE;
    if (!ok)
        archive_int_fail(self, action);
    sqlite3_reset(st);
    int changed = ok ? sqlite3_changes(self->db) : 0;
    if (ok && changed)
        ok = archive_int_ledger_reference(self) == 0
            && archive_audit(self, actor_id, actor_fp, action, "ok", detail) == 0;
    if (archive_int_record_end(self, &mark, ok) != 0) {
        if (own)
            archive_rollback(self);
        return -1;
    }
    if (own && archive_commit(self) != 0)
        return -1;
    return changed;
}

int
archive_zone_get(archive_t *self, const char *country, char *zone, size_t cap)
{
    sqlite3_stmt *st = s_stmt(self, ST_ZONE_GET);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, country, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(zone, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
        return 1;
    }
    return archive_int_end(self, st, rc, "zone") == 0 ? 0 : -1;
}

int
archive_zone_set(archive_t *self, const char *country, const char *zone, const char *actor_fp,
    int64_t actor_id)
{
    int m = s_member(self, country);
    if (m != 1)
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_ZONE_SET);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, country, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, zone, -1, SQLITE_TRANSIENT);
    char detail[128];
    snprintf(detail, sizeof detail, "%s: %s", country, zone);
    return s_write(self, st, actor_fp, actor_id, "zone.set", detail) < 0 ? -1 : 0;
}

int
archive_zones_each(archive_t *self, archive_zone_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_ZONES_EACH);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                arg)
            != 0) {
            rc = SQLITE_DONE;
            break;
        }
    return archive_int_end(self, st, rc, "zones");
}

int
archive_holiday_add(archive_t *self, const char *country, const char *date, const char *name,
    const char *actor_fp, int64_t actor_id)
{
    int m = s_member(self, country);
    if (m != 1)
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_HOLIDAY_ADD);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, country, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, name ? name : "", -1, SQLITE_TRANSIENT);
    char detail[320];
    snprintf(detail, sizeof detail, "%s %s %s", country, date, name ? name : "");
    int changed = s_write(self, st, actor_fp, actor_id, "holiday.add", detail);
    return changed < 0 ? -1 : changed > 0;
}

int
archive_holiday_remove(archive_t *self, const char *country, const char *date, const char *actor_fp,
    int64_t actor_id)
{
    sqlite3_stmt *st = s_stmt(self, ST_HOLIDAY_REMOVE);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, country, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
    char detail[64];
    snprintf(detail, sizeof detail, "%s %s", country, date);
    int changed = s_write(self, st, actor_fp, actor_id, "holiday.remove", detail);
    return changed < 0 ? -1 : changed > 0;
}

int
archive_holidays_each(archive_t *self, const char *country, archive_holiday_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_HOLIDAYS_EACH);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, country ? country : "", -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                (const char *)sqlite3_column_text(st, 2), arg)
            != 0) {
            rc = SQLITE_DONE;
            break;
        }
    return archive_int_end(self, st, rc, "holidays");
}
