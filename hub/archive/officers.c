/*
 * officers.c: the directory: officers, their keys and memberships, the PPT
 * by year, observer invitations, and the reference tables (countries,
 * organisations, networks) as lookups. Part of the archive module (the
 * schema changelog is at the top of db.c).
 *
 * Invariant: every change to an officer (with its keys and memberships), a
 * PPT year or an invitation appends the entry's new state to the ledger and
 * an audit record in the same transaction (savepoint), under the actor set
 * with archive_set_actor, or none of it stays.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"

static const char *const s_sql[ST_COUNT] = {
    /* Lookups in the reference tables and the directory (s_exists). */
    [ST_COUNTRY_KNOWN] = "SELECT 1 FROM countries WHERE code = ?",
    [ST_COUNTRY_MEMBER] = "SELECT 1 FROM countries WHERE code = ? AND status = 'member'",
    [ST_COUNTRY_OBSERVER] = "SELECT 1 FROM countries WHERE code = ? AND status = 'observer'",
    [ST_ORG_KNOWN] = "SELECT 1 FROM organisations WHERE code = ?",
    [ST_ORG_OBSERVER] = "SELECT 1 FROM organisations WHERE code = ? AND kind <> 'secretariat'",
    [ST_NETWORK_KNOWN] = "SELECT 1 FROM networks WHERE name = ?",
    [ST_KEY_TAKEN] = "SELECT 1 FROM officer_keys WHERE fingerprint = ?",
    [ST_OFFICER_KNOWN] = "SELECT 1 FROM officers WHERE id = ?",
    [ST_INVITATION_KNOWN] = "SELECT 1 FROM invitations WHERE id = ?",
    [ST_OFFICER_INSERT] = "INSERT INTO officers (name, country, org, role, contact, created_ms)"
                          " VALUES (?,?,?,?,?,?)",
    /* Validity bounds left unbound are NULL: no bound. */
    [ST_KEY_INSERT] = "INSERT INTO officer_keys (ed25519, curve, fingerprint, officer_id,"
                      " valid_from_ms, valid_until_ms) VALUES (?,?,?,?,?,?)",
    [ST_KEY_REVOKE] = "UPDATE officer_keys SET revoked_ms = COALESCE(revoked_ms, ?)"
                      " WHERE ed25519 = ? RETURNING fingerprint, officer_id",
    [ST_KEYS_EACH] = "SELECT o.id, o.name, COALESCE(o.country, ''), COALESCE(o.org, ''), o.role,"
                     " COALESCE((SELECT group_concat(m.network || ':' || m.role, ',')"
                     "   FROM memberships m WHERE m.officer_id = o.id), ''),"
                     " k.ed25519, k.curve, k.fingerprint, COALESCE(k.valid_from_ms, 0),"
                     " COALESCE(k.valid_until_ms, 0), COALESCE(k.revoked_ms, 0)"
                     " FROM officer_keys k JOIN officers o ON o.id = k.officer_id"
                     " ORDER BY o.id, k.fingerprint",
    [ST_KEY_BY_CURVE] = "SELECT k.fingerprint, k.officer_id FROM officer_keys k"
                        " WHERE k.curve = ? AND k.revoked_ms IS NULL"
                        " AND (k.valid_from_ms IS NULL OR k.valid_from_ms <= ?)"
                        " AND (k.valid_until_ms IS NULL OR k.valid_until_ms > ?)",
    [ST_KEY_OWNER] = "SELECT officer_id FROM officer_keys WHERE ed25519 = ?",
    /* A new officer's memberships (archive_officer_add). */
    [ST_MEMBERSHIP_ADD] = "INSERT OR REPLACE INTO memberships (officer_id, network, role)"
                          " VALUES (?,?,?)",
    [ST_MEMBERSHIP_SET] = "INSERT INTO memberships (officer_id, network, role)"
                          " SELECT id, ?2, ?3 FROM officers WHERE id = ?1"
                          " ON CONFLICT (officer_id, network) DO UPDATE SET role = excluded.role",
    [ST_MEMBERSHIP_REMOVE] = "DELETE FROM memberships WHERE officer_id = ? AND network = ?"
                             " RETURNING 1",
    [ST_NETWORKS] = "SELECT COALESCE(group_concat(name, ','), '')"
                    " FROM (SELECT name FROM networks ORDER BY name)",
    [ST_PPT_SET] = "INSERT INTO ppt (year, country) VALUES (?, ?)"
                   " ON CONFLICT (year) DO UPDATE SET country = excluded.country",
    [ST_PPT_GET] = "SELECT country FROM ppt WHERE year = ?",
    [ST_PPT_EACH] = "SELECT year, country FROM ppt ORDER BY year",
    [ST_INVITATION_INSERT] = "INSERT INTO invitations (grantee, network, patterns, access,"
                             " expires_ms, created_ms, created_by) VALUES (?,?,?,?,?,?,?)",
    [ST_INVITATION_REVOKE] = "UPDATE invitations SET revoked_ms = COALESCE(revoked_ms, ?)"
                             " WHERE id = ?",
    [ST_INVITATIONS_EACH] = "SELECT id, grantee, network, patterns, access, expires_ms,"
                            " created_ms, created_by, COALESCE(revoked_ms, 0)"
                            " FROM invitations ORDER BY id",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

void
archive_set_actor(archive_t *self, const char *fingerprint, int64_t officer_id)
{
    snprintf(self->actor_fp, sizeof self->actor_fp, "%s", fingerprint ? fingerprint : "");
    self->actor_id = officer_id;
}

/* 1 if the lookup st (its parameter bound) returns a row, 0 if not, -1 on
 * error. */
static int
s_found(archive_t *self, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sqlite3_reset(st);
        return 1;
    }
    return archive_int_end(self, st, rc, "lookup");
}

/* The lookup of slot which for a text (code, name, fingerprint). */
static int
s_exists(archive_t *self, int which, const char *value)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    return s_found(self, st);
}

/* The lookup of slot which for a row id. */
static int
s_exists_id(archive_t *self, int which, int64_t id)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return s_found(self, st);
}

static int
s_valid_role(const char *role)
{
    static const char *roles[] = {"officer", "focal", "ppt", "st", "observer", "admin"};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(role, roles[i]))
            return 1;
    return 0;
}

/* Steps st (and resets it) in a transaction of its own unless one is
 * open, then, in the same savepoint, appends the ledger record of the
 * directory row it changed (kind and ref as for archive_int_ledger_row; kind
 * NULL: none; ref -1: the row it inserted) and writes the audit record. On
 * failure nothing of it stays, also inside an open transaction. */
static int
s_write_audited(archive_t *self, sqlite3_stmt *st, const char *kind, int64_t ref,
    const char *actor_fp, int64_t actor_id, const char *action, const char *detail, int64_t *rowid)
{
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
    int ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok)
        archive_int_fail(self, action);
    sqlite3_reset(st);
    int64_t id = sqlite3_last_insert_rowid(self->db);
    if (ok && kind)
        ok = archive_int_ledger_row(self, kind, ref < 0 ? id : ref) == 0;
    if (ok)
        ok = archive_audit(self, actor_id, actor_fp, action, "ok", detail) == 0;
    if (archive_int_record_end(self, &mark, ok) != 0) {
        if (own)
            archive_rollback(self); /* keeps the error message */
        return -1;
    }
    if (own && archive_commit(self) != 0)
        return -1;
    if (rowid)
        *rowid = id;
    return 0;
}

/* ---------------------------------------------------------- officers and keys */

int
archive_officer_add(archive_t *self, const archive_officer_spec_t *spec, int64_t *id_out)
{
    if (!spec->name || !*spec->name || strlen(spec->name) > 200) {
        snprintf(self->error, sizeof self->error, "a name of 1 to 200 bytes is required");
        return -1;
    }
    if (!spec->role || !s_valid_role(spec->role)) {
        snprintf(self->error, sizeof self->error,
            "unknown role '%s' (officer, focal, ppt, st, observer, admin)",
            spec->role ? spec->role : "");
        return -1;
    }
    if ((!strcmp(spec->role, "observer") || !strcmp(spec->role, "st")) && spec->networks
        && *spec->networks) {
        snprintf(self->error, sizeof self->error, "role %s takes no --network: %s", spec->role,
            !strcmp(spec->role, "st") ? "the ST reads every network; give it an officer "
                                        "membership with 'officer join' to let it post"
                                      : "observers get access through invitations");
        return -1;
    }
    if ((spec->country && *spec->country) == (spec->org && *spec->org)) {
        snprintf(self->error, sizeof self->error, "give exactly one of --country or --org");
        return -1;
    }
    if (archive_begin(self) != 0)
        return -1;
    sqlite3_stmt *st;
    if (spec->country && *spec->country) {
        int e = s_exists(self, ST_COUNTRY_KNOWN, spec->country);
        if (e == 0)
            snprintf(self->error, sizeof self->error,
                "unknown country '%s' (use an ISO code of the CRM directory, e.g. MX)",
                spec->country);
        if (e != 1)
            goto out;
    } else {
        int e = s_exists(self, ST_ORG_KNOWN, spec->org);
        if (e == 0)
            snprintf(self->error, sizeof self->error, "unknown organisation '%s'", spec->org);
        if (e != 1)
            goto out;
    }
    int e = s_exists(self, ST_KEY_TAKEN, spec->fingerprint);
    if (e == 1)
        snprintf(self->error, sizeof self->error,
            "key %s is already registered; each key belongs to one officer", spec->fingerprint);
    if (e != 0)
        goto out;

    int64_t now = archive_now_ms();
    if (!(st = s_stmt(self, ST_OFFICER_INSERT)))
        goto out;
    sqlite3_bind_text(st, 1, spec->name, -1, SQLITE_STATIC);
    if (spec->country && *spec->country)
        sqlite3_bind_text(st, 2, spec->country, -1, SQLITE_STATIC);
    if (spec->org && *spec->org)
        sqlite3_bind_text(st, 3, spec->org, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, spec->role, -1, SQLITE_STATIC);
    if (spec->contact)
        sqlite3_bind_text(st, 5, spec->contact, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    if (archive_int_run(self, st, "add officer") != 0)
        goto out;
    int64_t id = sqlite3_last_insert_rowid(self->db);

    if (!(st = s_stmt(self, ST_KEY_INSERT)))
        goto out;
    sqlite3_bind_blob(st, 1, spec->pk, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, spec->curve, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, spec->fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    if (archive_int_run(self, st, "add key") != 0)
        goto out;

    if (spec->networks && *spec->networks) {
        char nets[512];
        snprintf(nets, sizeof nets, "%s", spec->networks);
        char *save = NULL;
        for (char *n = strtok_r(nets, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
            int known = s_exists(self, ST_NETWORK_KNOWN, n);
            if (known == 0)
                snprintf(self->error, sizeof self->error,
                    "unknown network '%s' (consular, trafficking, child, crm)", n);
            if (known != 1)
                goto out;
            if (!(st = s_stmt(self, ST_MEMBERSHIP_ADD)))
                goto out;
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, n, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, spec->role, -1, SQLITE_STATIC);
            if (archive_int_run(self, st, "add membership") != 0)
                goto out;
        }
    }
    if (archive_int_ledger_row(self, ARCHIVE_KIND_OFFICER, id) != 0)
        goto out;
    char detail[600];
    snprintf(detail, sizeof detail, "officer %lld '%s' %s%s role %s networks %s key %s",
        (long long)id, spec->name, spec->country && *spec->country ? "country " : "org ",
        spec->country && *spec->country ? spec->country : spec->org, spec->role,
        spec->networks && *spec->networks ? spec->networks : "-", spec->fingerprint);
    if (archive_audit(self, self->actor_id, self->actor_fp, "officer.add", "ok", detail) != 0)
        goto out;
    if (archive_commit(self) != 0)
        goto out;
    *id_out = id;
    return 0;
out:
    archive_rollback(self); /* keeps the error message */
    return -1;
}

int
archive_key_revoke(archive_t *self, const uint8_t pk[32], int64_t now_ms)
{
    if (archive_begin(self) != 0)
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_KEY_REVOKE);
    if (!st) {
        archive_rollback(self);
        return -1;
    }
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_blob(st, 2, pk, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    char fp[64] = "";
    int64_t officer = 0;
    if (rc == SQLITE_ROW) {
        snprintf(fp, sizeof fp, "%s", (const char *)sqlite3_column_text(st, 0));
        officer = sqlite3_column_int64(st, 1);
        rc = sqlite3_step(st);
    }
    if (archive_int_end(self, st, rc, "revoke") != 0) {
        archive_rollback(self);
        return -1;
    }
    if (!*fp) {
        archive_rollback(self);
        return 0;
    }
    char detail[128];
    snprintf(detail, sizeof detail, "key %s of officer %lld revoked", fp, (long long)officer);
    if (archive_int_ledger_row(self, ARCHIVE_KIND_OFFICER, officer) != 0
        || archive_audit(self, self->actor_id, self->actor_fp, "key.revoke", "ok", detail) != 0
        || archive_commit(self) != 0) {
        archive_rollback(self);
        return -1;
    }
    return 1;
}

int
archive_key_add(archive_t *self, int64_t officer_id, const uint8_t pk[32], const uint8_t curve[32],
    const char *fingerprint, int64_t valid_from_ms, int64_t valid_until_ms)
{
    if (valid_from_ms && valid_until_ms && valid_until_ms <= valid_from_ms) {
        snprintf(self->error, sizeof self->error, "the key's validity ends before it begins");
        return -1;
    }
    if (archive_begin(self) != 0)
        return -1;
    int exists = s_exists_id(self, ST_OFFICER_KNOWN, officer_id);
    int taken = s_exists(self, ST_KEY_TAKEN, fingerprint);
    if (exists != 1 || taken != 0) {
        if (exists == 0)
            snprintf(self->error, sizeof self->error, "no officer %lld", (long long)officer_id);
        else if (taken == 1)
            snprintf(self->error, sizeof self->error,
                "key %s is already registered; each key belongs to one officer", fingerprint);
        archive_rollback(self);
        return -1;
    }
    sqlite3_stmt *st = s_stmt(self, ST_KEY_INSERT);
    if (!st) {
        archive_rollback(self);
        return -1;
    }
    sqlite3_bind_blob(st, 1, pk, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, curve, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, officer_id);
    if (valid_from_ms)
        sqlite3_bind_int64(st, 5, valid_from_ms);
    if (valid_until_ms)
        sqlite3_bind_int64(st, 6, valid_until_ms);
    if (archive_int_run(self, st, "add key") != 0) {
        archive_rollback(self);
        return -1;
    }
    char detail[200];
    snprintf(detail, sizeof detail, "key %s added to officer %lld, valid %lld..%lld ms",
        fingerprint, (long long)officer_id, (long long)valid_from_ms, (long long)valid_until_ms);
    if (archive_int_ledger_row(self, ARCHIVE_KIND_OFFICER, officer_id) != 0
        || archive_audit(self, self->actor_id, self->actor_fp, "key.add", "ok", detail) != 0
        || archive_commit(self) != 0) {
        archive_rollback(self);
        return -1;
    }
    return 0;
}

int
archive_keys_each(archive_t *self, archive_key_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_KEYS_EACH);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_key_row_t row = {
            .officer_id = sqlite3_column_int64(st, 0),
            .name = (const char *)sqlite3_column_text(st, 1),
            .country = (const char *)sqlite3_column_text(st, 2),
            .org = (const char *)sqlite3_column_text(st, 3),
            .role = (const char *)sqlite3_column_text(st, 4),
            .networks = (const char *)sqlite3_column_text(st, 5),
            .pk = sqlite3_column_blob(st, 6),
            .curve = sqlite3_column_blob(st, 7),
            .fingerprint = (const char *)sqlite3_column_text(st, 8),
            .valid_from_ms = sqlite3_column_int64(st, 9),
            .valid_until_ms = sqlite3_column_int64(st, 10),
            .revoked_ms = sqlite3_column_int64(st, 11),
        };
        if (fn(&row, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "list keys");
}

int
archive_key_by_curve(archive_t *self, const uint8_t curve[32], int64_t now_ms, char *fingerprint,
    size_t cap, int64_t *officer_id)
{
    sqlite3_stmt *st = s_stmt(self, ST_KEY_BY_CURVE);
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, curve, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int64(st, 3, now_ms);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(fingerprint, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        *officer_id = sqlite3_column_int64(st, 1);
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "key lookup");
}

int
archive_key_owner(archive_t *self, const uint8_t pk[32], int64_t *officer_id)
{
    sqlite3_stmt *st = s_stmt(self, ST_KEY_OWNER);
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, pk, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *officer_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "key lookup");
}

/* ---------------------------------------------------------- memberships */

int
archive_membership_set(archive_t *self, int64_t officer_id, const char *network, const char *role)
{
    if (!s_valid_role(role) || !strcmp(role, "observer") || !strcmp(role, "st")) {
        snprintf(self->error, sizeof self->error,
            "a membership role is officer, focal, ppt or admin");
        return -1;
    }
    int known = s_exists(self, ST_NETWORK_KNOWN, network);
    if (known != 1) {
        if (known == 0)
            snprintf(self->error, sizeof self->error, "unknown network '%s'", network);
        return -1;
    }
    int exists = s_exists_id(self, ST_OFFICER_KNOWN, officer_id);
    if (exists != 1) {
        if (exists == 0)
            snprintf(self->error, sizeof self->error, "no officer %lld", (long long)officer_id);
        return -1;
    }
    sqlite3_stmt *st = s_stmt(self, ST_MEMBERSHIP_SET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_text(st, 2, network, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_TRANSIENT);
    char detail[128];
    snprintf(detail, sizeof detail, "officer %lld joins %s as %s", (long long)officer_id, network,
        role);
    /* Memberships are part of the officer's directory entry in the ledger. */
    return s_write_audited(self, st, ARCHIVE_KIND_OFFICER, officer_id, self->actor_fp,
        self->actor_id, "membership.set", detail, NULL);
}

int
archive_membership_remove(archive_t *self, int64_t officer_id, const char *network)
{
    sqlite3_stmt *st = s_stmt(self, ST_MEMBERSHIP_REMOVE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_text(st, 2, network, -1, SQLITE_TRANSIENT);
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
    int removed = rc == SQLITE_ROW;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    char detail[128];
    snprintf(detail, sizeof detail, "officer %lld leaves %s", (long long)officer_id, network);
    int ok = archive_int_end(self, st, rc, "membership") == 0;
    if (ok && removed)
        ok = archive_int_ledger_row(self, ARCHIVE_KIND_OFFICER, officer_id) == 0
            && archive_audit(self, self->actor_id, self->actor_fp, "membership.remove", "ok",
                   detail)
                == 0;
    if (archive_int_record_end(self, &mark, ok) != 0) {
        if (own)
            archive_rollback(self);
        return -1;
    }
    if (own && archive_commit(self) != 0)
        return -1;
    return removed;
}

/* ---------------------------------------------------------- reference lookups, PPT */

const char *
archive_country_status(archive_t *self, const char *code)
{
    if (s_exists(self, ST_COUNTRY_MEMBER, code) == 1)
        return "member";
    if (s_exists(self, ST_COUNTRY_OBSERVER, code) == 1)
        return "observer";
    return NULL;
}

int
archive_networks(archive_t *self, char *out, size_t cap)
{
    sqlite3_stmt *st = s_stmt(self, ST_NETWORKS);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
        return 0;
    }
    archive_int_fail(self, "networks");
    sqlite3_reset(st);
    return -1;
}

int
archive_ppt_set(archive_t *self, int year, const char *country, const char *actor_fp,
    int64_t actor_id)
{
    if (!actor_fp && self->actor_fp[0]) {
        /* Over the wire: the officer the hub set as the actor. */
        actor_fp = self->actor_fp;
        actor_id = self->actor_id;
    }
    int e = s_exists(self, ST_COUNTRY_MEMBER, country);
    if (e != 1) {
        if (e == 0)
            snprintf(self->error, sizeof self->error,
                "'%s' is not a member country: the PPT rotates among members", country);
        return -1;
    }
    sqlite3_stmt *st = s_stmt(self, ST_PPT_SET);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, country, -1, SQLITE_TRANSIENT);
    char detail[64];
    snprintf(detail, sizeof detail, "PPT %d: %s", year, country);
    return s_write_audited(self, st, ARCHIVE_KIND_PPT, year, actor_fp, actor_id, "ppt.set", detail,
        NULL);
}

int
archive_ppt_get(archive_t *self, int year, char *country, size_t cap)
{
    sqlite3_stmt *st = s_stmt(self, ST_PPT_GET);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, year);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(country, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
        return 1;
    }
    return archive_int_end(self, st, rc, "ppt");
}

int
archive_ppt_each(archive_t *self, archive_ppt_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_PPT_EACH);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(sqlite3_column_int(st, 0), (const char *)sqlite3_column_text(st, 1), arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    return archive_int_end(self, st, rc, "ppt");
}

/* ---------------------------------------------------------- invitations */

int
archive_invitation_grant(archive_t *self, const archive_invitation_t *inv, const char *actor_fp,
    int64_t actor_id, int64_t *id_out)
{
    if (!actor_fp && self->actor_fp[0]) {
        /* Over the wire: the officer the hub set as the actor. */
        actor_fp = self->actor_fp;
        actor_id = self->actor_id;
    }
    int org = s_exists(self, ST_ORG_OBSERVER, inv->grantee);
    int country = s_exists(self, ST_COUNTRY_OBSERVER, inv->grantee);
    if (org < 0 || country < 0)
        return -1;
    if (!org && !country) {
        snprintf(self->error, sizeof self->error,
            "'%s' is not an observer organisation or observer country (members need no invitation)",
            inv->grantee);
        return -1;
    }
    int net = s_exists(self, ST_NETWORK_KNOWN, inv->network);
    if (net != 1) {
        if (net == 0)
            snprintf(self->error, sizeof self->error, "unknown network '%s'", inv->network);
        return -1;
    }
    if (strcmp(inv->access, "read") != 0 && strcmp(inv->access, "readwrite") != 0) {
        snprintf(self->error, sizeof self->error, "access is 'read' or 'readwrite'");
        return -1;
    }
    sqlite3_stmt *st = s_stmt(self, ST_INVITATION_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, inv->grantee, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, inv->network, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, inv->patterns, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, inv->access, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, inv->expires_ms);
    sqlite3_bind_int64(st, 6, archive_now_ms());
    sqlite3_bind_text(st, 7, actor_fp ? actor_fp : "", -1, SQLITE_TRANSIENT);
    char detail[600];
    snprintf(detail, sizeof detail, "%s invited to %s, topics %s, %s, until %lld ms", inv->grantee,
        inv->network, inv->patterns, inv->access, (long long)inv->expires_ms);
    return s_write_audited(self, st, ARCHIVE_KIND_INVITATION, -1, actor_fp, actor_id,
        "invite.grant", detail, id_out);
}

int
archive_invitation_revoke(archive_t *self, int64_t id, const char *actor_fp, int64_t actor_id)
{
    if (!actor_fp && self->actor_fp[0]) {
        /* Over the wire: the officer the hub set as the actor. */
        actor_fp = self->actor_fp;
        actor_id = self->actor_id;
    }
    int e = s_exists_id(self, ST_INVITATION_KNOWN, id);
    if (e != 1) {
        if (e == 0)
            snprintf(self->error, sizeof self->error, "no invitation %lld", (long long)id);
        return -1;
    }
    sqlite3_stmt *st = s_stmt(self, ST_INVITATION_REVOKE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, archive_now_ms());
    sqlite3_bind_int64(st, 2, id);
    char detail[64];
    snprintf(detail, sizeof detail, "invitation %lld revoked", (long long)id);
    return s_write_audited(self, st, ARCHIVE_KIND_INVITATION, id, actor_fp, actor_id,
        "invite.revoke", detail, NULL);
}

int
archive_invitations_each(archive_t *self, archive_invitation_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_INVITATIONS_EACH);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_invitation_t inv = {
            .id = sqlite3_column_int64(st, 0),
            .grantee = (const char *)sqlite3_column_text(st, 1),
            .network = (const char *)sqlite3_column_text(st, 2),
            .patterns = (const char *)sqlite3_column_text(st, 3),
            .access = (const char *)sqlite3_column_text(st, 4),
            .expires_ms = sqlite3_column_int64(st, 5),
            .created_ms = sqlite3_column_int64(st, 6),
            .created_by = (const char *)sqlite3_column_text(st, 7),
            .revoked_ms = sqlite3_column_int64(st, 8),
        };
        if (fn(&inv, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "invitations");
}
