/*
 * ledger.c: the archive's hash chain (table `ledger`, migration 3), the
 * canonical encoding of every kind of record, the directory hashes, and the
 * reads `enlace-hub verify` makes of the chain. Part of the archive module:
 * the schema changelog is at the top of db.c, what exactly is hashed (and
 * how to check it by hand) at the top of hub/cmd/ledger.c.
 *
 * Invariants: ledger ids are 1, 2, 3, ... without gaps, each record's
 * prev_hash is the hash of the one before (32 zero bytes for #1), and a
 * record is appended in the transaction (savepoint) that writes the row it
 * covers, so the two commit or vanish together. The in-memory head follows
 * every rollback (archive_int_record_end, archive_rollback).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"

static const char *const s_sql[ST_COUNT] = {
    [ST_LEDGER_INSERT] = "INSERT INTO ledger (id, kind, ref, ts_ms, content_hash, prev_hash, hash)"
                         " VALUES (?,?,?,?,?,?,?)",
    [ST_LEDGER_HEAD] = "SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1",
    [ST_LEDGER_LATEST] = "SELECT content_hash FROM ledger WHERE kind = ? AND ref = ?"
                         " ORDER BY id DESC LIMIT 1",
    [ST_SP_BEGIN] = "SAVEPOINT archive_record",
    [ST_SP_RELEASE] = "RELEASE archive_record",
    [ST_SP_ROLLBACK] = "ROLLBACK TO archive_record",
    [ST_LEDGER_EACH] = "SELECT id, kind, ref, ts_ms, content_hash, prev_hash, hash FROM ledger"
                       " ORDER BY id",
    /* Migration 3 (archive_int_chain_existing). */
    [ST_CHAIN_REFERENCE] = "SELECT (SELECT count(*) FROM countries)"
                           " + (SELECT count(*) FROM organisations)"
                           " + (SELECT count(*) FROM networks)",
    [ST_CHAIN_EXISTING] = "SELECT 1, id, created_ms FROM officers"
                          " UNION ALL SELECT 2, year, NULL FROM ppt"
                          " UNION ALL SELECT 3, id, created_ms FROM invitations"
                          " UNION ALL SELECT 4, id, ts_ms FROM audit"
                          " UNION ALL SELECT 5, seq, stored_ms FROM messages ORDER BY 1, 2",
    /* The rows of each directory entry as it is hashed (s_count_ref, then
     * s_canon_rows), and of the reference tables. */
    [ST_HASH_OFFICER_COUNT] = "SELECT count(*) FROM officers WHERE id = ?",
    [ST_HASH_OFFICER] = "SELECT id, name, country, org, role, contact, created_ms FROM officers"
                        " WHERE id = ?",
    [ST_HASH_KEYS] = "SELECT ed25519, curve, fingerprint, officer_id, valid_from_ms,"
                     " valid_until_ms, revoked_ms FROM officer_keys WHERE officer_id = ?"
                     " ORDER BY ed25519",
    [ST_HASH_MEMBERSHIPS] = "SELECT network, role FROM memberships WHERE officer_id = ?"
                            " ORDER BY network",
    [ST_HASH_PPT_COUNT] = "SELECT count(*) FROM ppt WHERE year = ?",
    [ST_HASH_PPT] = "SELECT year, country FROM ppt WHERE year = ?",
    [ST_HASH_INVITATION_COUNT] = "SELECT count(*) FROM invitations WHERE id = ?",
    [ST_HASH_INVITATION] = "SELECT id, grantee, network, patterns, access, expires_ms,"
                           " created_ms, created_by, revoked_ms FROM invitations WHERE id = ?",
    [ST_HASH_COUNTRIES] = "SELECT code, name_en, name_es, status FROM countries ORDER BY code",
    [ST_HASH_ORGANISATIONS] = "SELECT code, name_en, name_es, kind, since FROM organisations"
                              " ORDER BY code",
    [ST_HASH_NETWORKS] = "SELECT name, title_en, title_es FROM networks ORDER BY name",
    /* The calendar, reference data from migration 11 on. */
    [ST_HAS_CALENDAR] = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                        " AND name = 'country_zones'",
    [ST_HASH_ZONES] = "SELECT country, zone FROM country_zones ORDER BY country",
    [ST_HASH_HOLIDAYS] = "SELECT country, date, name FROM holidays ORDER BY country, date",
    [ST_UNLEDGERED] = "SELECT 'message', seq FROM messages WHERE seq NOT IN"
                      "   (SELECT ref FROM ledger WHERE kind = 'message')"
                      " UNION ALL SELECT 'audit', id FROM audit WHERE id NOT IN"
                      "   (SELECT ref FROM ledger WHERE kind = 'audit')"
                      " UNION ALL SELECT 'officer', id FROM officers WHERE id NOT IN"
                      "   (SELECT ref FROM ledger WHERE kind = 'officer')"
                      " UNION ALL SELECT 'ppt', year FROM ppt WHERE year NOT IN"
                      "   (SELECT ref FROM ledger WHERE kind = 'ppt')"
                      " UNION ALL SELECT 'invitation', id FROM invitations WHERE id NOT IN"
                      "   (SELECT ref FROM ledger WHERE kind = 'invitation')"
                      " ORDER BY 1, 2",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

/* ---------------------------------------------------------- canonical encoding */

static void
s_canon_start(archive_canon_t *c)
{
    crypto_generichash_init(&c->state, NULL, 0, ARCHIVE_HASH_BYTES);
}

void
archive_canon_init(archive_canon_t *c, const char *kind)
{
    s_canon_start(c);
    archive_canon_text(c, kind);
}

void
archive_canon_int(archive_canon_t *c, int64_t v)
{
    uint8_t b[9] = {'i'};
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        b[1 + i] = (uint8_t)(u >> (56 - 8 * i));
    crypto_generichash_update(&c->state, b, sizeof b);
}

void
archive_canon_bytes(archive_canon_t *c, const void *p, size_t len)
{
    uint32_t n = (uint32_t)len; /* SQLite values are under 2 GiB */
    uint8_t b[5] = {'b', (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    crypto_generichash_update(&c->state, b, sizeof b);
    if (len)
        crypto_generichash_update(&c->state, p, len);
}

void
archive_canon_null(archive_canon_t *c)
{
    uint8_t b = 'n';
    crypto_generichash_update(&c->state, &b, 1);
}

void
archive_canon_text(archive_canon_t *c, const char *s)
{
    if (s)
        archive_canon_bytes(c, s, strlen(s));
    else
        archive_canon_null(c);
}

void
archive_canon_final(archive_canon_t *c, uint8_t out[ARCHIVE_HASH_BYTES])
{
    crypto_generichash_final(&c->state, out, ARCHIVE_HASH_BYTES);
}

void
archive_chain_hash(const uint8_t prev[ARCHIVE_HASH_BYTES], const char *kind, int64_t ref,
    int64_t ts_ms, const uint8_t content_hash[ARCHIVE_HASH_BYTES], uint8_t out[ARCHIVE_HASH_BYTES])
{
    archive_canon_t c;
    s_canon_start(&c);
    archive_canon_bytes(&c, prev, ARCHIVE_HASH_BYTES);
    archive_canon_text(&c, kind);
    archive_canon_int(&c, ref);
    archive_canon_int(&c, ts_ms);
    archive_canon_bytes(&c, content_hash, ARCHIVE_HASH_BYTES);
    archive_canon_final(&c, out);
}

/* A column by its storage class: directory rows are hashed as SQLite holds
 * them, so a NULL and an empty string differ. */
static void
s_canon_column(archive_canon_t *c, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        archive_canon_null(c);
        break;
    case SQLITE_INTEGER:
        archive_canon_int(c, sqlite3_column_int64(st, i));
        break;
    case SQLITE_BLOB:
        archive_canon_bytes(c, sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i));
        break;
    default: /* TEXT, and REAL as SQLite prints it */
        archive_canon_bytes(c, sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
        break;
    }
}

/* message: B("message") I(seq) B(msg_id) B(topic) B(network) I(author_id)
 * I(tlp) B(recipients) I(created_ms) I(stored_ms) B(content) B(signature),
 * and for a message signed as one of a batch (batch_size > 0) also
 * I(batch_size) I(batch_index) B(batch_path): rows signed alone hash as
 * before batches existed, and a batched row's proof is chained with it. */
void
archive_int_hash_message(const archive_msg_t *m, size_t id_len, size_t sig_len, uint8_t out[32])
{
    archive_canon_t c;
    archive_canon_init(&c, ARCHIVE_KIND_MESSAGE);
    archive_canon_int(&c, (int64_t)m->seq);
    archive_canon_bytes(&c, m->msg_id, id_len);
    archive_canon_text(&c, m->topic);
    archive_canon_text(&c, m->network);
    archive_canon_int(&c, m->author_id);
    archive_canon_int(&c, m->tlp);
    archive_canon_text(&c, m->recipients);
    archive_canon_int(&c, m->created_ms);
    archive_canon_int(&c, m->stored_ms);
    archive_canon_bytes(&c, m->content, m->content_len);
    archive_canon_bytes(&c, m->signature, sig_len);
    if (m->batch_size > 0) {
        archive_canon_int(&c, m->batch_size);
        archive_canon_int(&c, m->batch_index);
        archive_canon_bytes(&c, m->batch_path, m->batch_path_len);
    }
    archive_canon_final(&c, out);
}

/* audit: B("audit") I(id) I(ts_ms) I(officer_id) B(fingerprint) B(action)
 * B(outcome) B(detail). */
void
archive_int_hash_audit(const archive_audit_row_t *r, uint8_t out[32])
{
    archive_canon_t c;
    archive_canon_init(&c, ARCHIVE_KIND_AUDIT);
    archive_canon_int(&c, r->id);
    archive_canon_int(&c, r->ts_ms);
    archive_canon_int(&c, r->officer_id);
    archive_canon_text(&c, r->fingerprint);
    archive_canon_text(&c, r->action);
    archive_canon_text(&c, r->outcome);
    archive_canon_text(&c, r->detail);
    archive_canon_final(&c, out);
}

/* ---------------------------------------------------------- ledger core */

/* Re-reads the head if another connection may have appended since. */
int
archive_int_head_fresh(archive_t *self)
{
    int64_t dv;
    if (archive_data_version(self, &dv) != 0)
        return -1;
    if (dv == self->head_dv)
        return 0;
    sqlite3_stmt *st = s_stmt(self, ST_LEDGER_HEAD);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 1) != ARCHIVE_HASH_BYTES) {
            snprintf(self->error, sizeof self->error,
                "the last ledger record (#%lld) is damaged; run 'enlace-hub verify'",
                (long long)sqlite3_column_int64(st, 0));
            sqlite3_reset(st);
            return -1;
        }
        self->head_id = sqlite3_column_int64(st, 0);
        memcpy(self->head, sqlite3_column_blob(st, 1), ARCHIVE_HASH_BYTES);
    } else if (rc == SQLITE_DONE) {
        self->head_id = 0;
        memset(self->head, 0, sizeof self->head);
    } else {
        archive_int_fail(self, "read ledger head");
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    self->head_dv = dv;
    return 0;
}

/* Appends one chained record. The explicit id makes a stale head fail on
 * the primary key instead of forking the chain. */
int
archive_int_ledger_insert(archive_t *self, const char *kind, int64_t ref, int64_t ts_ms,
    const uint8_t content_hash[ARCHIVE_HASH_BYTES])
{
    if (archive_int_head_fresh(self) != 0)
        return -1;
    uint8_t hash[ARCHIVE_HASH_BYTES];
    archive_chain_hash(self->head, kind, ref, ts_ms, content_hash, hash);
    sqlite3_stmt *st = s_stmt(self, ST_LEDGER_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, self->head_id + 1);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ref);
    sqlite3_bind_int64(st, 4, ts_ms);
    sqlite3_bind_blob(st, 5, content_hash, ARCHIVE_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(st, 6, self->head, ARCHIVE_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, hash, ARCHIVE_HASH_BYTES, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        archive_int_fail(self, "ledger");
        self->head_dv = -1; /* whatever happened, read the head again next time */
        return -1;
    }
    self->head_id++;
    memcpy(self->head, hash, sizeof hash);
    return 0;
}

static int
s_step_once(archive_t *self, int which, const char *what)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, what);
}

int
archive_int_record_begin(archive_t *self, archive_int_mark_t *mark)
{
    memcpy(mark->head, self->head, sizeof mark->head);
    mark->head_id = self->head_id;
    mark->head_dv = self->head_dv;
    mark->outer = sqlite3_get_autocommit(self->db);
    return s_step_once(self, ST_SP_BEGIN, "savepoint");
}

/* ok: keep the pair (RELEASE, which commits if the savepoint opened the
 * transaction). Not ok, or the release failed: undo both, restore the head.
 * Returns 0 if the pair was kept. The first error message is kept. */
int
archive_int_record_end(archive_t *self, const archive_int_mark_t *mark, int ok)
{
    if (ok && s_step_once(self, ST_SP_RELEASE, "commit record") == 0)
        return 0;
    char keep[512];
    snprintf(keep, sizeof keep, "%s", self->error);
    if (mark->outer) {
        if (!sqlite3_get_autocommit(self->db))
            archive_int_txn(self, ST_ROLLBACK);
    } else if (s_step_once(self, ST_SP_ROLLBACK, "rollback record") == 0) {
        s_step_once(self, ST_SP_RELEASE, "release record");
    }
    snprintf(self->error, sizeof self->error, "%s", keep);
    memcpy(self->head, mark->head, sizeof self->head);
    self->head_id = mark->head_id;
    self->head_dv = mark->head_dv;
    return -1;
}

int
archive_ledger_append(archive_t *self, const char *kind, int64_t ref,
    const uint8_t content_hash[ARCHIVE_HASH_BYTES])
{
    if (!sqlite3_get_autocommit(self->db))
        return archive_int_ledger_insert(self, kind, ref, archive_now_ms(), content_hash);
    archive_int_mark_t mark;
    if (archive_int_record_begin(self, &mark) != 0)
        return -1;
    int ok = archive_int_ledger_insert(self, kind, ref, archive_now_ms(), content_hash) == 0;
    return archive_int_record_end(self, &mark, ok);
}

void
archive_ledger_head(const archive_t *self, int64_t *id, uint8_t hash[ARCHIVE_HASH_BYTES])
{
    *id = self->head_id;
    memcpy(hash, self->head, ARCHIVE_HASH_BYTES);
}

int
archive_int_ledger_row(archive_t *self, const char *kind, int64_t ref)
{
    uint8_t h[ARCHIVE_HASH_BYTES];
    int found = archive_directory_hash(self, kind, ref, h);
    if (found == 0)
        snprintf(self->error, sizeof self->error, "%s %lld vanished", kind, (long long)ref);
    if (found != 1)
        return -1;
    return archive_int_ledger_insert(self, kind, ref, archive_now_ms(), h);
}

int
archive_int_ledger_reference(archive_t *self)
{
    uint8_t h[ARCHIVE_HASH_BYTES];
    if (archive_reference_hash(self, h) != 0)
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_LEDGER_LATEST);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, ARCHIVE_KIND_REFERENCE, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, 0);
    int rc = sqlite3_step(st);
    int same = rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == ARCHIVE_HASH_BYTES
        && memcmp(sqlite3_column_blob(st, 0), h, sizeof h) == 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return archive_int_fail(self, "read ledger");
    if (same)
        return 0;
    return archive_int_ledger_insert(self, ARCHIVE_KIND_REFERENCE, 0, archive_now_ms(), h);
}

void
archive_int_release_gets(archive_t *self)
{
    if (self->st[ST_MSG_GET])
        sqlite3_reset(self->st[ST_MSG_GET]);
    if (self->st[ST_MSG_GET_PRE8])
        sqlite3_reset(self->st[ST_MSG_GET_PRE8]);
    if (self->st[ST_AUDIT_GET])
        sqlite3_reset(self->st[ST_AUDIT_GET]);
}

/* count(*) of the statement of slot which, its parameter (if any) ref; -1
 * on error. */
static int64_t
s_count_ref(archive_t *self, int which, int64_t ref, const char *what)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, ref);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (n < 0)
        archive_int_fail(self, what);
    sqlite3_reset(st);
    return n;
}

/* Migration 11: the reference record now covers the calendar (the zones
 * the migration filled in): recorded anew, unless the archive has no
 * reference data yet (a new one: the seed records it). */
int
archive_int_chain_calendar(archive_t *self)
{
    self->head_dv = -1;
    int64_t ref_rows = s_count_ref(self, ST_CHAIN_REFERENCE, 0, "count");
    if (ref_rows < 0)
        return -1;
    return ref_rows > 0 ? archive_int_ledger_reference(self) : 0;
}

/* Migration 3: chains what an archive of schema 2 already holds, table by
 * table in row order (reference data, officers, PPT, invitations, audit,
 * messages), each record with its own timestamp (officers and invitations
 * their created_ms, the PPT, which has none, the time of the migration),
 * then says so in the audit log. */
int
archive_int_chain_existing(archive_t *self)
{
    self->head_dv = -1;
    int64_t ref_rows = s_count_ref(self, ST_CHAIN_REFERENCE, 0, "count");
    if (ref_rows < 0 || (ref_rows > 0 && archive_int_ledger_reference(self) != 0))
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_CHAIN_EXISTING);
    if (!st)
        return -1;
    static const char *const kinds[] = {NULL, ARCHIVE_KIND_OFFICER, ARCHIVE_KIND_PPT,
        ARCHIVE_KIND_INVITATION, ARCHIVE_KIND_AUDIT, ARCHIVE_KIND_MESSAGE};
    int64_t n = 0, now = archive_now_ms();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int table = sqlite3_column_int(st, 0);
        int64_t ref = sqlite3_column_int64(st, 1);
        int64_t ts = sqlite3_column_type(st, 2) == SQLITE_NULL ? now : sqlite3_column_int64(st, 2);
        const char *kind = kinds[table];
        uint8_t h[ARCHIVE_HASH_BYTES];
        int found;
        if (table == 4) {
            archive_audit_row_t row;
            found = archive_audit_get(self, ref, &row, h);
        } else if (table == 5) {
            archive_msg_row_t row;
            found = archive_int_message_get(self, (uint64_t)ref, &row, 1);
            if (found == 1)
                memcpy(h, row.record_hash, sizeof h);
        } else {
            found = archive_directory_hash(self, kind, ref, h);
        }
        if (found != 1 || archive_int_ledger_insert(self, kind, ref, ts, h) != 0) {
            if (found == 0)
                snprintf(self->error, sizeof self->error, "%s %lld vanished", kind, (long long)ref);
            sqlite3_reset(st);
            archive_int_release_gets(self);
            return -1;
        }
        n++;
    }
    int ended = archive_int_end(self, st, rc, "chain existing rows");
    archive_int_release_gets(self);
    if (ended != 0)
        return -1;
    if (n == 0)
        return 0;
    char detail[128];
    snprintf(detail, sizeof detail,
        "schema 3: %lld existing records chained into the ledger at migration", (long long)n);
    return archive_audit(self, 0, NULL, "archive.migrate", "ok", detail);
}

/* ---------------------------------------------------------- verification reads */

int
archive_ledger_each(archive_t *self, archive_ledger_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_LEDGER_EACH);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_ledger_row_t row = {
            .id = sqlite3_column_int64(st, 0),
            .kind = (const char *)sqlite3_column_text(st, 1),
            .ref = sqlite3_column_int64(st, 2),
            .ts_ms = sqlite3_column_int64(st, 3),
            .content_hash = sqlite3_column_blob(st, 4),
        };
        row.content_hash_len = (size_t)sqlite3_column_bytes(st, 4);
        row.prev_hash = sqlite3_column_blob(st, 5);
        row.prev_hash_len = (size_t)sqlite3_column_bytes(st, 5);
        row.hash = sqlite3_column_blob(st, 6);
        row.hash_len = (size_t)sqlite3_column_bytes(st, 6);
        if (!row.kind)
            row.kind = "";
        if (fn(&row, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "read ledger");
}

/* Feeds every row of the statement of slot which (its parameter, if any,
 * bind) into c, each preceded by B(marker); returns -1 on failure. */
static int
s_canon_rows(archive_t *self, archive_canon_t *c, const char *marker, int which, int64_t bind)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, bind);
    int rc, n = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_canon_text(c, marker);
        for (int i = 0; i < n; i++)
            s_canon_column(c, st, i);
    }
    return archive_int_end(self, st, rc, "read directory");
}

/* officer: B("officer"), then B("officer") and the officers row (id, name,
 * country, org, role, contact, created_ms), then for each key by ed25519
 * B("key") (ed25519, curve, fingerprint, officer_id, valid_from_ms,
 * valid_until_ms, revoked_ms), then for each membership by network
 * B("membership") (network, role). Columns as stored: NULL is N. */
int
archive_officer_hash(archive_t *self, int64_t officer_id, uint8_t out[ARCHIVE_HASH_BYTES])
{
    int64_t n = s_count_ref(self, ST_HASH_OFFICER_COUNT, officer_id, "read directory");
    if (n <= 0)
        return (int)n;
    archive_canon_t c;
    archive_canon_init(&c, ARCHIVE_KIND_OFFICER);
    if (s_canon_rows(self, &c, "officer", ST_HASH_OFFICER, officer_id) != 0
        || s_canon_rows(self, &c, "key", ST_HASH_KEYS, officer_id) != 0
        || s_canon_rows(self, &c, "membership", ST_HASH_MEMBERSHIPS, officer_id) != 0)
        return -1;
    archive_canon_final(&c, out);
    return 1;
}

/* ppt: B("ppt"), then B("ppt") (year, country) for the year's row. */
int
archive_ppt_hash(archive_t *self, int64_t year, uint8_t out[ARCHIVE_HASH_BYTES])
{
    int64_t n = s_count_ref(self, ST_HASH_PPT_COUNT, year, "read directory");
    if (n <= 0)
        return (int)n;
    archive_canon_t c;
    archive_canon_init(&c, ARCHIVE_KIND_PPT);
    if (s_canon_rows(self, &c, "ppt", ST_HASH_PPT, year) != 0)
        return -1;
    archive_canon_final(&c, out);
    return 1;
}

/* invitation: B("invitation"), then B("invitation") (id, grantee, network,
 * patterns, access, expires_ms, created_ms, created_by, revoked_ms) for the
 * invitation's row, after its grant and after its revocation. */
int
archive_invitation_hash(archive_t *self, int64_t id, uint8_t out[ARCHIVE_HASH_BYTES])
{
    int64_t n = s_count_ref(self, ST_HASH_INVITATION_COUNT, id, "read directory");
    if (n <= 0)
        return (int)n;
    archive_canon_t c;
    archive_canon_init(&c, ARCHIVE_KIND_INVITATION);
    if (s_canon_rows(self, &c, "invitation", ST_HASH_INVITATION, id) != 0)
        return -1;
    archive_canon_final(&c, out);
    return 1;
}

int
archive_directory_hash(archive_t *self, const char *kind, int64_t ref,
    uint8_t out[ARCHIVE_HASH_BYTES])
{
    if (!strcmp(kind, ARCHIVE_KIND_OFFICER))
        return archive_officer_hash(self, ref, out);
    if (!strcmp(kind, ARCHIVE_KIND_PPT))
        return archive_ppt_hash(self, ref, out);
    if (!strcmp(kind, ARCHIVE_KIND_INVITATION))
        return archive_invitation_hash(self, ref, out);
    snprintf(self->error, sizeof self->error, "'%s' is not a kind of directory entry", kind);
    return -1;
}

/* reference: B("reference"), then B("country") (code, name_en, name_es,
 * status) for each country by code, B("organisation") (code, name_en,
 * name_es, kind, since) by code, B("network") (name, title_en, title_es)
 * by name; from schema 11 on, B("zone") (country, zone) by country and
 * B("holiday") (country, date, name) by country and date. */
int
archive_reference_hash(archive_t *self, uint8_t out[ARCHIVE_HASH_BYTES])
{
    archive_canon_t c;
    archive_canon_init(&c, ARCHIVE_KIND_REFERENCE);
    if (s_canon_rows(self, &c, "country", ST_HASH_COUNTRIES, 0) != 0
        || s_canon_rows(self, &c, "organisation", ST_HASH_ORGANISATIONS, 0) != 0
        || s_canon_rows(self, &c, "network", ST_HASH_NETWORKS, 0) != 0)
        return -1;
    /* Migration 3 hashes an archive that has no calendar yet. */
    int64_t calendar = s_count_ref(self, ST_HAS_CALENDAR, 0, "read directory");
    if (calendar < 0
        || (calendar > 0
            && (s_canon_rows(self, &c, "zone", ST_HASH_ZONES, 0) != 0
                || s_canon_rows(self, &c, "holiday", ST_HASH_HOLIDAYS, 0) != 0)))
        return -1;
    archive_canon_final(&c, out);
    return 0;
}

int
archive_unledgered_each(archive_t *self, archive_unledgered_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_UNLEDGERED);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    return archive_int_end(self, st, rc, "read ledger");
}
