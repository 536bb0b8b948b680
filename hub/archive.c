/*
 * archive.c: every SQL statement of the hub.
 *
 * Schema changelog (PRAGMA user_version):
 *   1  directory (countries, organisations, networks, officers, keys,
 *      memberships), messages, durable subscriptions, audit log.
 *   2  ledger: the hash chain over every message, audit entry and directory
 *      change (append-only, like audit). Existing rows are chained by the
 *      migration in time order, and an "archive.migrate" audit entry says so.
 *
 * Invariants: messages.seq is assigned by the hub, strictly increasing;
 * messages.msg_id is unique; nothing here commits on its own except the
 * offline directory helpers, which wrap themselves in a transaction.
 * Every function that writes a message, an audit row or a directory row
 * appends its ledger record in the same transaction (s_record_begin/end make
 * the pair atomic even inside the hub's group transaction), so callers never
 * see the ledger. Ledger ids are contiguous and each append names its id
 * explicitly: a connection whose cached head is stale (another connection
 * appended) cannot fork the chain, its INSERT fails instead.
 */
#include "archive.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static int s_chain_existing(archive_t *self);

typedef struct {
    const char *sql;
    int (*then)(archive_t *self); /* C part of the migration, or NULL */
} migration_t;

static const migration_t s_migrations[] = {
    /* 1 */
    {"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE countries ("
    "  code TEXT PRIMARY KEY, name_en TEXT NOT NULL, name_es TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('member','observer')));"
    "CREATE TABLE organisations ("
    "  code TEXT PRIMARY KEY, name_en TEXT NOT NULL, name_es TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('observer','civil','secretariat')), since INTEGER);"
    "CREATE TABLE networks (name TEXT PRIMARY KEY, title_en TEXT NOT NULL,"
    "  title_es TEXT NOT NULL);"
    "CREATE TABLE officers ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  country TEXT REFERENCES countries(code),"
    "  org TEXT REFERENCES organisations(code),"
    "  role TEXT NOT NULL CHECK (role IN ('officer','focal','ppt','st','observer','admin')),"
    "  contact TEXT,"
    "  created_ms INTEGER NOT NULL,"
    "  CHECK ((country IS NULL) <> (org IS NULL)));"
    "CREATE TABLE officer_keys ("
    "  ed25519 BLOB PRIMARY KEY CHECK (length(ed25519) = 32),"
    "  curve BLOB NOT NULL UNIQUE CHECK (length(curve) = 32),"
    "  fingerprint TEXT NOT NULL UNIQUE,"
    "  officer_id INTEGER NOT NULL REFERENCES officers(id),"
    "  valid_from_ms INTEGER, valid_until_ms INTEGER, revoked_ms INTEGER);"
    "CREATE TABLE memberships ("
    "  officer_id INTEGER NOT NULL REFERENCES officers(id),"
    "  network TEXT NOT NULL REFERENCES networks(name),"
    "  role TEXT NOT NULL,"
    "  PRIMARY KEY (officer_id, network)) WITHOUT ROWID;"
    "CREATE TABLE messages ("
    "  seq INTEGER PRIMARY KEY,"
    "  msg_id BLOB NOT NULL UNIQUE,"
    "  topic TEXT NOT NULL,"
    "  network TEXT NOT NULL,"
    "  author_id INTEGER NOT NULL,"
    "  tlp INTEGER NOT NULL,"
    "  recipients TEXT NOT NULL DEFAULT '',"
    "  created_ms INTEGER NOT NULL,"
    "  stored_ms INTEGER NOT NULL,"
    "  content BLOB NOT NULL,"
    "  signature BLOB NOT NULL,"
    "  content_hash BLOB NOT NULL);"
    "CREATE INDEX messages_topic ON messages (topic, seq);"
    "CREATE INDEX messages_author ON messages (author_id, seq);"
    "CREATE TABLE subscriptions ("
    "  officer_id INTEGER NOT NULL, pattern TEXT NOT NULL, cursor INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (officer_id, pattern)) WITHOUT ROWID;"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  ts_ms INTEGER NOT NULL,"
    "  officer_id INTEGER NOT NULL DEFAULT 0,"
    "  fingerprint TEXT NOT NULL DEFAULT '',"
    "  action TEXT NOT NULL,"
    "  outcome TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT '');"
    /* The audit log is append-only: the archive itself refuses edits. */
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;", NULL},
    /* 2 */
    {"CREATE TABLE ledger ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  ref INTEGER NOT NULL,"
    "  ts_ms INTEGER NOT NULL,"
    "  content_hash BLOB NOT NULL,"
    "  prev_hash BLOB NOT NULL,"
    "  hash BLOB NOT NULL);"
    "CREATE INDEX ledger_ref ON ledger (kind, ref);"
    "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger"
    "  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"
    "CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger"
    "  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;",
        s_chain_existing},
};
#define MIGRATIONS ((int)(sizeof s_migrations / sizeof s_migrations[0]))

enum {
    ST_MSG_INSERT,
    ST_MSG_FIND,
    ST_MSG_AFTER,
    ST_SUB_GET,
    ST_SUB_PUT,
    ST_SUB_DELETE,
    ST_AUDIT,
    ST_KEY_BY_CURVE,
    ST_MSG_GET,
    ST_AUDIT_GET,
    ST_KEY_OWNER,
    ST_LEDGER_INSERT,
    ST_LEDGER_HEAD,
    ST_LEDGER_LATEST,
    ST_DATA_VERSION,
    ST_SP_BEGIN,
    ST_SP_RELEASE,
    ST_SP_ROLLBACK,
    ST_COUNT
};

static const char *s_sql[ST_COUNT] = {
    [ST_MSG_INSERT] = "INSERT INTO messages (seq, msg_id, topic, network, author_id, tlp,"
                      " recipients, created_ms, stored_ms, content, signature, content_hash)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_MSG_FIND] = "SELECT seq, content_hash FROM messages WHERE msg_id = ?",
    [ST_MSG_AFTER] = "SELECT seq, msg_id, topic, network, author_id, tlp, recipients,"
                     " created_ms, stored_ms, content, signature, content_hash"
                     " FROM messages WHERE seq > ? ORDER BY seq LIMIT ?",
    [ST_SUB_GET] = "SELECT cursor FROM subscriptions WHERE officer_id = ? AND pattern = ?",
    [ST_SUB_PUT] = "INSERT INTO subscriptions (officer_id, pattern, cursor, updated_ms)"
                   " VALUES (?,?,?,?) ON CONFLICT (officer_id, pattern)"
                   " DO UPDATE SET cursor = excluded.cursor, updated_ms = excluded.updated_ms",
    [ST_SUB_DELETE] = "DELETE FROM subscriptions WHERE officer_id = ? AND pattern = ?",
    [ST_AUDIT] = "INSERT INTO audit (ts_ms, officer_id, fingerprint, action, outcome, detail)"
                 " VALUES (?,?,?,?,?,?)",
    [ST_KEY_BY_CURVE] = "SELECT k.fingerprint, k.officer_id FROM officer_keys k"
                        " WHERE k.curve = ? AND k.revoked_ms IS NULL"
                        " AND (k.valid_from_ms IS NULL OR k.valid_from_ms <= ?)"
                        " AND (k.valid_until_ms IS NULL OR k.valid_until_ms > ?)",
    [ST_MSG_GET] = "SELECT seq, msg_id, topic, network, author_id, tlp, recipients,"
                   " created_ms, stored_ms, content, signature, content_hash"
                   " FROM messages WHERE seq = ?",
    [ST_AUDIT_GET] = "SELECT id, ts_ms, officer_id, fingerprint, action, outcome, detail"
                     " FROM audit WHERE id = ?",
    [ST_KEY_OWNER] = "SELECT officer_id FROM officer_keys WHERE ed25519 = ?",
    [ST_LEDGER_INSERT] = "INSERT INTO ledger (id, kind, ref, ts_ms, content_hash, prev_hash, hash)"
                         " VALUES (?,?,?,?,?,?,?)",
    [ST_LEDGER_HEAD] = "SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1",
    [ST_LEDGER_LATEST] = "SELECT content_hash FROM ledger WHERE kind = ? AND ref = ?"
                         " ORDER BY id DESC LIMIT 1",
    [ST_DATA_VERSION] = "PRAGMA data_version",
    [ST_SP_BEGIN] = "SAVEPOINT archive_record",
    [ST_SP_RELEASE] = "RELEASE archive_record",
    [ST_SP_ROLLBACK] = "ROLLBACK TO archive_record",
};

struct archive {
    sqlite3 *db;                  /* the one connection; owned */
    sqlite3_stmt *st[ST_COUNT];   /* prepared once, lazily; owned */
    char error[512];              /* last failure, with sqlite3_errmsg */
    uint64_t last_seq;            /* highest seq stored (committed or in this txn) */
    uint64_t txn_first_seq;       /* last_seq when the open transaction began */
    int in_txn;                   /* 1 while a transaction is open */
    int in_read;                  /* 1 while archive_read_begin's snapshot is open */
    int readonly;                 /* opened with archive_open_readonly */
    /* The ledger head as this connection last wrote or read it. head_dv is
     * the data_version it was read at: a different value means another
     * connection may have appended, so the head is read again. */
    uint8_t head[ARCHIVE_HASH_BYTES];
    int64_t head_id;              /* 0: empty ledger */
    int64_t head_dv;              /* -1: unknown, read before the next append */
    uint8_t txn_head[ARCHIVE_HASH_BYTES]; /* head when the open transaction began */
    int64_t txn_head_id;
    int64_t txn_head_dv;
};

int64_t
archive_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
s_fail(archive_t *self, const char *what)
{
    snprintf(self->error, sizeof self->error, "%s: %s", what, sqlite3_errmsg(self->db));
    return -1;
}

const char *
archive_error(const archive_t *self)
{
    return self->error;
}

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    if (!self->st[which]
        && sqlite3_prepare_v3(self->db, s_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
               &self->st[which], NULL)
            != SQLITE_OK) {
        s_fail(self, "prepare");
        return NULL;
    }
    sqlite3_reset(self->st[which]);
    sqlite3_clear_bindings(self->st[which]);
    return self->st[which];
}

static int
s_exec(archive_t *self, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(self->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(self->error, sizeof self->error, "%s", msg ? msg : sqlite3_errmsg(self->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
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
 * I(tlp) B(recipients) I(created_ms) I(stored_ms) B(content) B(signature). */
static void
s_hash_message(const archive_msg_t *m, size_t id_len, size_t sig_len, uint8_t out[32])
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
    archive_canon_final(&c, out);
}

/* audit: B("audit") I(id) I(ts_ms) I(officer_id) B(fingerprint) B(action)
 * B(outcome) B(detail). */
static void
s_hash_audit(const archive_audit_row_t *r, uint8_t out[32])
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
static int
s_head_fresh(archive_t *self)
{
    sqlite3_stmt *st = s_stmt(self, ST_DATA_VERSION);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW) {
        s_fail(self, "data_version");
        sqlite3_reset(st);
        return -1;
    }
    int64_t dv = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (dv == self->head_dv)
        return 0;
    if (!(st = s_stmt(self, ST_LEDGER_HEAD)))
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
        s_fail(self, "read ledger head");
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    self->head_dv = dv;
    return 0;
}

/* Appends one chained record. The explicit id makes a stale head fail on
 * the primary key instead of forking the chain. */
static int
s_ledger_insert(archive_t *self, const char *kind, int64_t ref, int64_t ts_ms,
    const uint8_t content_hash[ARCHIVE_HASH_BYTES])
{
    if (s_head_fresh(self) != 0)
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
        s_fail(self, "ledger");
        self->head_dv = -1; /* whatever happened, read the head again next time */
        return -1;
    }
    self->head_id++;
    memcpy(self->head, hash, sizeof hash);
    return 0;
}

/* A record and its ledger entry commit together or not at all, also inside
 * the hub's group transaction, where a failed record must not take the
 * others with it: a savepoint around the pair. */
typedef struct {
    uint8_t head[ARCHIVE_HASH_BYTES];
    int64_t head_id;
    int64_t head_dv;
    int outer; /* the savepoint opened the transaction */
} record_mark_t;

static int
s_step_once(archive_t *self, int which, const char *what)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : s_fail(self, what);
}

static int
s_record_begin(archive_t *self, record_mark_t *mark)
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
static int
s_record_end(archive_t *self, const record_mark_t *mark, int ok)
{
    if (ok && s_step_once(self, ST_SP_RELEASE, "commit record") == 0)
        return 0;
    char keep[512];
    snprintf(keep, sizeof keep, "%s", self->error);
    if (mark->outer) {
        if (!sqlite3_get_autocommit(self->db))
            s_exec(self, "ROLLBACK");
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
        return s_ledger_insert(self, kind, ref, archive_now_ms(), content_hash);
    record_mark_t mark;
    if (s_record_begin(self, &mark) != 0)
        return -1;
    int ok = s_ledger_insert(self, kind, ref, archive_now_ms(), content_hash) == 0;
    return s_record_end(self, &mark, ok);
}

void
archive_ledger_head(const archive_t *self, int64_t *id, uint8_t hash[ARCHIVE_HASH_BYTES])
{
    *id = self->head_id;
    memcpy(hash, self->head, ARCHIVE_HASH_BYTES);
}

/* Appends an officer's directory entry as it is now (inside the caller's
 * transaction). Every change to officers, officer_keys or memberships calls
 * this for the officer concerned. */
static int
s_ledger_officer(archive_t *self, int64_t officer_id)
{
    uint8_t h[ARCHIVE_HASH_BYTES];
    int found = archive_officer_hash(self, officer_id, h);
    if (found == 0)
        snprintf(self->error, sizeof self->error, "officer %lld vanished", (long long)officer_id);
    if (found != 1)
        return -1;
    return s_ledger_insert(self, ARCHIVE_KIND_OFFICER, officer_id, archive_now_ms(), h);
}

/* Appends the reference tables' hash if it differs from the last one
 * recorded (the seed is idempotent and runs again on every init). */
static int
s_ledger_reference(archive_t *self)
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
        return s_fail(self, "read ledger");
    if (same)
        return 0;
    return s_ledger_insert(self, ARCHIVE_KIND_REFERENCE, 0, archive_now_ms(), h);
}

static void
s_release_gets(archive_t *self)
{
    if (self->st[ST_MSG_GET])
        sqlite3_reset(self->st[ST_MSG_GET]);
    if (self->st[ST_AUDIT_GET])
        sqlite3_reset(self->st[ST_AUDIT_GET]);
}

static int64_t
s_count(archive_t *self, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, sql, -1, &st, NULL) != SQLITE_OK)
        return s_fail(self, "count");
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n < 0 ? s_fail(self, "count") : n;
}

/* Migration 2: chains what an archive of schema 1 already holds, table by
 * table in row order (reference data, officers, audit, messages), each
 * record with its own timestamp, then says so in the audit log. */
static int
s_chain_existing(archive_t *self)
{
    self->head_dv = -1;
    int64_t ref_rows = s_count(self,
        "SELECT (SELECT count(*) FROM countries) + (SELECT count(*) FROM organisations)"
        " + (SELECT count(*) FROM networks)");
    if (ref_rows < 0 || (ref_rows > 0 && s_ledger_reference(self) != 0))
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT 1, id, created_ms FROM officers"
            " UNION ALL SELECT 2, id, ts_ms FROM audit"
            " UNION ALL SELECT 3, seq, stored_ms FROM messages ORDER BY 1, 2",
            -1, &st, NULL)
        != SQLITE_OK)
        return s_fail(self, "chain existing rows");
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int table = sqlite3_column_int(st, 0);
        int64_t ref = sqlite3_column_int64(st, 1), ts = sqlite3_column_int64(st, 2);
        uint8_t h[ARCHIVE_HASH_BYTES];
        const char *kind;
        int found;
        if (table == 1) {
            kind = ARCHIVE_KIND_OFFICER;
            found = archive_officer_hash(self, ref, h);
        } else if (table == 2) {
            archive_audit_row_t row;
            kind = ARCHIVE_KIND_AUDIT;
            found = archive_audit_get(self, ref, &row, h);
        } else {
            archive_msg_row_t row;
            kind = ARCHIVE_KIND_MESSAGE;
            found = archive_message_get(self, (uint64_t)ref, &row);
            memcpy(h, row.record_hash, sizeof h);
        }
        if (found != 1 || s_ledger_insert(self, kind, ref, ts, h) != 0) {
            sqlite3_finalize(st);
            s_release_gets(self);
            return -1;
        }
        n++;
    }
    sqlite3_finalize(st);
    s_release_gets(self);
    if (rc != SQLITE_DONE)
        return s_fail(self, "chain existing rows");
    if (n == 0)
        return 0;
    char detail[128];
    snprintf(detail, sizeof detail,
        "schema 2: %lld existing records chained into the ledger at migration", (long long)n);
    return archive_audit(self, 0, NULL, "archive.migrate", "ok", detail);
}

/* ---------------------------------------------------------- open, transactions */

static int
s_user_version(archive_t *self)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return s_fail(self, "read schema version");
    int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return version < 0 ? s_fail(self, "read schema version") : version;
}

static int
s_migrate(archive_t *self)
{
    int version = s_user_version(self);
    if (version < 0)
        return -1;
    if (version > MIGRATIONS) {
        snprintf(self->error, sizeof self->error,
            "archive schema version %d is newer than this enlace-hub understands (%d)", version,
            MIGRATIONS);
        return -1;
    }
    if (self->readonly) {
        if (version == MIGRATIONS)
            return 0;
        snprintf(self->error, sizeof self->error,
            "archive schema version %d is older than this enlace-hub's (%d); upgrade it first by"
            " running any read-write command on it, e.g. 'enlace-hub audit DATA'",
            version, MIGRATIONS);
        return -1;
    }
    for (int v = version; v < MIGRATIONS; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (s_exec(self, "BEGIN IMMEDIATE") != 0)
            return -1;
        /* Another connection (the hub, an offline command) may have
         * migrated between our first look and the write lock. */
        int now = s_user_version(self);
        if (now < 0 || now > v) {
            char keep[512];
            snprintf(keep, sizeof keep, "%s", self->error);
            s_exec(self, "ROLLBACK");
            snprintf(self->error, sizeof self->error, "%s", keep);
            if (now < 0)
                return -1;
            v = now - 1;
            continue;
        }
        if (s_exec(self, s_migrations[v].sql) != 0
            || (s_migrations[v].then && s_migrations[v].then(self) != 0)
            || s_exec(self, bump) != 0) {
            char keep[512];
            snprintf(keep, sizeof keep, "migration %d: %s", v + 1, self->error);
            s_exec(self, "ROLLBACK");
            snprintf(self->error, sizeof self->error, "%s", keep);
            return -1;
        }
        if (s_exec(self, "COMMIT") != 0)
            return -1;
    }
    return 0;
}

/* Reads the highest seq and the ledger head. */
static int
s_load_state(archive_t *self)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "SELECT COALESCE(MAX(seq), 0) FROM messages", -1, &st, NULL)
            != SQLITE_OK
        || sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return s_fail(self, "read last sequence");
    }
    self->last_seq = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    self->head_dv = -1;
    return s_head_fresh(self);
}

static archive_t *
s_open(const char *path, int flags, int readonly, const char *const *pragmas, char *err,
    size_t errlen)
{
    archive_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->readonly = readonly;
    self->head_dv = -1;
    if (sqlite3_open_v2(path, &self->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open archive %s: %s", path,
            self->db ? sqlite3_errmsg(self->db) : "out of memory");
        archive_destroy(&self);
        return NULL;
    }
    sqlite3_extended_result_codes(self->db, 1);
    /* Offline commands and the ZAP thread share the file with the hub. */
    sqlite3_busy_timeout(self->db, 5000);
    for (const char *const *p = pragmas; p && *p; p++)
        if (s_exec(self, *p) != 0) {
            snprintf(err, errlen, "archive %s: %s", path, self->error);
            archive_destroy(&self);
            return NULL;
        }
    if (s_migrate(self) != 0 || s_load_state(self) != 0) {
        snprintf(err, errlen, "archive %s: %s", path, self->error);
        archive_destroy(&self);
        return NULL;
    }
    return self;
}

archive_t *
archive_open(const char *path, int create, archive_sync_t sync, char *err, size_t errlen)
{
    static const char *sync_sql[] = {"PRAGMA synchronous = OFF", "PRAGMA synchronous = NORMAL",
        "PRAGMA synchronous = FULL"};
    const char *pragmas[] = {"PRAGMA journal_mode = WAL", sync_sql[sync],
        "PRAGMA foreign_keys = ON", NULL};
    return s_open(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), 0, pragmas,
        err, errlen);
}

archive_t *
archive_open_readonly(const char *path, char *err, size_t errlen)
{
    return s_open(path, SQLITE_OPEN_READONLY, 1, NULL, err, errlen);
}

void
archive_destroy(archive_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    archive_t *self = *self_p;
    if (self->in_txn)
        archive_rollback(self);
    if (self->in_read)
        archive_read_end(self);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(self->st[i]);
    if (self->db)
        sqlite3_close(self->db);
    free(self);
    *self_p = NULL;
}

int
archive_seed(archive_t *self, const char *sql)
{
    if (archive_begin(self) != 0)
        return -1;
    if (s_exec(self, sql) != 0 || s_ledger_reference(self) != 0) {
        char keep[512];
        snprintf(keep, sizeof keep, "directory seed: %s", self->error);
        archive_rollback(self);
        snprintf(self->error, sizeof self->error, "%s", keep);
        return -1;
    }
    return archive_commit(self);
}

int
archive_begin(archive_t *self)
{
    if (self->in_txn)
        return 0;
    if (s_exec(self, "BEGIN IMMEDIATE") != 0)
        return -1;
    self->in_txn = 1;
    self->txn_first_seq = self->last_seq;
    memcpy(self->txn_head, self->head, sizeof self->txn_head);
    self->txn_head_id = self->head_id;
    self->txn_head_dv = self->head_dv;
    return 0;
}

int
archive_commit(archive_t *self)
{
    if (!self->in_txn)
        return 0;
    if (s_exec(self, "COMMIT") != 0) {
        archive_rollback(self);
        return -1;
    }
    self->in_txn = 0;
    return 0;
}

void
archive_rollback(archive_t *self)
{
    if (!self->in_txn)
        return;
    char keep[512];
    snprintf(keep, sizeof keep, "%s", self->error);
    s_exec(self, "ROLLBACK");
    snprintf(self->error, sizeof self->error, "%s", keep);
    self->in_txn = 0;
    self->last_seq = self->txn_first_seq;
    memcpy(self->head, self->txn_head, sizeof self->head);
    self->head_id = self->txn_head_id;
    self->head_dv = self->txn_head_dv;
}

int
archive_in_transaction(const archive_t *self)
{
    return self->in_txn;
}

int
archive_read_begin(archive_t *self)
{
    if (self->in_txn || self->in_read) {
        snprintf(self->error, sizeof self->error, "a transaction is already open");
        return -1;
    }
    /* The SELECT starts the read transaction now, not at the first read. */
    if (s_exec(self, "BEGIN; SELECT count(*) FROM sqlite_master") != 0) {
        if (!sqlite3_get_autocommit(self->db))
            s_exec(self, "ROLLBACK");
        return -1;
    }
    self->in_read = 1;
    return 0;
}

void
archive_read_end(archive_t *self)
{
    if (!self->in_read)
        return;
    s_release_gets(self);
    s_exec(self, "COMMIT");
    self->in_read = 0;
}

int
archive_data_version(archive_t *self, int64_t *version)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
        return s_fail(self, "data_version");
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    if (rc == 0)
        *version = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == 0 ? 0 : s_fail(self, "data_version");
}

/* ---------------------------------------------------------- directory */

static int
s_exists(archive_t *self, const char *sql, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, sql, -1, &st, NULL) != SQLITE_OK)
        return s_fail(self, "lookup");
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return s_fail(self, "lookup");
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
    if ((spec->country && *spec->country) == (spec->org && *spec->org)) {
        snprintf(self->error, sizeof self->error,
            "give exactly one of --country or --org");
        return -1;
    }
    if (archive_begin(self) != 0)
        return -1;
    int rc = -1;
    sqlite3_stmt *st = NULL;
    if (spec->country && *spec->country) {
        int e = s_exists(self, "SELECT 1 FROM countries WHERE code = ?", spec->country);
        if (e == 0)
            snprintf(self->error, sizeof self->error,
                "unknown country '%s' (use an ISO code of the CRM directory, e.g. MX)",
                spec->country);
        if (e != 1)
            goto out;
    } else {
        int e = s_exists(self, "SELECT 1 FROM organisations WHERE code = ?", spec->org);
        if (e == 0)
            snprintf(self->error, sizeof self->error, "unknown organisation '%s'", spec->org);
        if (e != 1)
            goto out;
    }
    int e = s_exists(self, "SELECT 1 FROM officer_keys WHERE fingerprint = ?", spec->fingerprint);
    if (e == 1)
        snprintf(self->error, sizeof self->error,
            "key %s is already registered; each key belongs to one officer", spec->fingerprint);
    if (e != 0)
        goto out;

    int64_t now = archive_now_ms();
    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO officers (name, country, org, role, contact, created_ms)"
            " VALUES (?,?,?,?,?,?)",
            -1, &st, NULL)
        != SQLITE_OK) {
        s_fail(self, "add officer");
        goto out;
    }
    sqlite3_bind_text(st, 1, spec->name, -1, SQLITE_STATIC);
    if (spec->country && *spec->country)
        sqlite3_bind_text(st, 2, spec->country, -1, SQLITE_STATIC);
    if (spec->org && *spec->org)
        sqlite3_bind_text(st, 3, spec->org, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, spec->role, -1, SQLITE_STATIC);
    if (spec->contact)
        sqlite3_bind_text(st, 5, spec->contact, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        s_fail(self, "add officer");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    int64_t id = sqlite3_last_insert_rowid(self->db);

    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO officer_keys (ed25519, curve, fingerprint, officer_id) VALUES (?,?,?,?)",
            -1, &st, NULL)
        != SQLITE_OK) {
        s_fail(self, "add key");
        goto out;
    }
    sqlite3_bind_blob(st, 1, spec->pk, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, spec->curve, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, spec->fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        s_fail(self, "add key");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;

    if (spec->networks && *spec->networks) {
        char nets[512];
        snprintf(nets, sizeof nets, "%s", spec->networks);
        char *save = NULL;
        for (char *n = strtok_r(nets, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
            int known = s_exists(self, "SELECT 1 FROM networks WHERE name = ?", n);
            if (known == 0)
                snprintf(self->error, sizeof self->error,
                    "unknown network '%s' (consular, trafficking, child, crm)", n);
            if (known != 1)
                goto out;
            if (sqlite3_prepare_v2(self->db,
                    "INSERT OR REPLACE INTO memberships (officer_id, network, role) VALUES (?,?,?)",
                    -1, &st, NULL)
                != SQLITE_OK) {
                s_fail(self, "add membership");
                goto out;
            }
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, n, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, spec->role, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE) {
                s_fail(self, "add membership");
                goto out;
            }
            sqlite3_finalize(st);
            st = NULL;
        }
    }
    if (s_ledger_officer(self, id) != 0)
        goto out;
    char detail[600];
    snprintf(detail, sizeof detail, "officer %lld '%s' %s%s role %s networks %s key %s",
        (long long)id, spec->name, spec->country && *spec->country ? "country " : "org ",
        spec->country && *spec->country ? spec->country : spec->org, spec->role,
        spec->networks && *spec->networks ? spec->networks : "-", spec->fingerprint);
    if (archive_audit(self, 0, NULL, "officer.add", "ok", detail) != 0)
        goto out;
    if (archive_commit(self) != 0)
        goto out;
    *id_out = id;
    return 0;
out:
    sqlite3_finalize(st);
    archive_rollback(self); /* keeps the error message */
    return rc;
}

int
archive_key_revoke(archive_t *self, const uint8_t pk[32], int64_t now_ms)
{
    if (archive_begin(self) != 0)
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "UPDATE officer_keys SET revoked_ms = COALESCE(revoked_ms, ?) WHERE ed25519 = ?"
            " RETURNING fingerprint, officer_id",
            -1, &st, NULL)
        != SQLITE_OK) {
        s_fail(self, "revoke");
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
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        s_fail(self, "revoke");
        archive_rollback(self);
        return -1;
    }
    if (!*fp) {
        archive_rollback(self);
        return 0;
    }
    char detail[128];
    snprintf(detail, sizeof detail, "key %s of officer %lld revoked", fp, (long long)officer);
    if (s_ledger_officer(self, officer) != 0
        || archive_audit(self, 0, NULL, "key.revoke", "ok", detail) != 0
        || archive_commit(self) != 0) {
        archive_rollback(self);
        return -1;
    }
    return 1;
}

int
archive_keys_each(archive_t *self, archive_key_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT o.id, o.name, COALESCE(o.country, ''), COALESCE(o.org, ''), o.role,"
            " COALESCE((SELECT group_concat(m.network || ':' || m.role, ',') FROM memberships m"
            "   WHERE m.officer_id = o.id), ''),"
            " k.ed25519, k.curve, k.fingerprint, COALESCE(k.valid_from_ms, 0),"
            " COALESCE(k.valid_until_ms, 0), COALESCE(k.revoked_ms, 0)"
            " FROM officer_keys k JOIN officers o ON o.id = k.officer_id ORDER BY o.id, k.fingerprint",
            -1, &st, NULL)
        != SQLITE_OK)
        return s_fail(self, "list keys");
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
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : s_fail(self, "list keys");
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
    return rc == SQLITE_DONE ? 0 : s_fail(self, "key lookup");
}

int
archive_networks(archive_t *self, char *out, size_t cap)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT COALESCE(group_concat(name, ','), '') FROM (SELECT name FROM networks ORDER BY name)",
            -1, &st, NULL)
        != SQLITE_OK)
        return s_fail(self, "networks");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : s_fail(self, "networks");
}

/* ---------------------------------------------------------- messages */

uint64_t
archive_last_seq(archive_t *self)
{
    return self->last_seq;
}

int
archive_message_insert(archive_t *self, const archive_msg_t *m)
{
    if (m->seq <= self->last_seq) {
        snprintf(self->error, sizeof self->error, "sequence %llu is not above %llu",
            (unsigned long long)m->seq, (unsigned long long)self->last_seq);
        return -1;
    }
    record_mark_t mark;
    if (s_record_begin(self, &mark) != 0)
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_MSG_INSERT);
    if (!st)
        return s_record_end(self, &mark, 0);
    archive_msg_t row = *m;
    if (!row.recipients)
        row.recipients = "";
    sqlite3_bind_int64(st, 1, (sqlite3_int64)row.seq);
    sqlite3_bind_blob(st, 2, row.msg_id, 16, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, row.topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, row.network, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, row.author_id);
    sqlite3_bind_int(st, 6, row.tlp);
    sqlite3_bind_text(st, 7, row.recipients, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, row.created_ms);
    sqlite3_bind_int64(st, 9, row.stored_ms);
    sqlite3_bind_blob(st, 10, row.content, (int)row.content_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 11, row.signature, 64, SQLITE_STATIC);
    sqlite3_bind_blob(st, 12, row.content_hash, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        s_fail(self, "store message");
        return s_record_end(self, &mark, 0);
    }
    uint8_t h[ARCHIVE_HASH_BYTES];
    s_hash_message(&row, 16, 64, h);
    int ok = s_ledger_insert(self, ARCHIVE_KIND_MESSAGE, (int64_t)row.seq, row.stored_ms, h) == 0;
    if (s_record_end(self, &mark, ok) != 0)
        return -1;
    self->last_seq = m->seq;
    return 0;
}

int
archive_message_find(archive_t *self, const uint8_t msg_id[16], uint64_t *seq, uint8_t hash[32])
{
    sqlite3_stmt *st = s_stmt(self, ST_MSG_FIND);
    if (!st)
        return -1;
    sqlite3_bind_blob(st, 1, msg_id, 16, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *seq = (uint64_t)sqlite3_column_int64(st, 0);
        const void *h = sqlite3_column_blob(st, 1);
        if (h && sqlite3_column_bytes(st, 1) == 32)
            memcpy(hash, h, 32);
        else
            memset(hash, 0, 32);
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : s_fail(self, "find message");
}

int64_t
archive_message_count(archive_t *self)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "SELECT count(*) FROM messages", -1, &st, NULL) != SQLITE_OK)
        return s_fail(self, "count");
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

int
archive_messages_after(archive_t *self, uint64_t after, int limit, archive_msg_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_MSG_AFTER);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)after);
    sqlite3_bind_int(st, 2, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_msg_t m = {
            .seq = (uint64_t)sqlite3_column_int64(st, 0),
            .msg_id = sqlite3_column_blob(st, 1),
            .topic = (const char *)sqlite3_column_text(st, 2),
            .network = (const char *)sqlite3_column_text(st, 3),
            .author_id = sqlite3_column_int64(st, 4),
            .tlp = sqlite3_column_int(st, 5),
            .recipients = (const char *)sqlite3_column_text(st, 6),
            .created_ms = sqlite3_column_int64(st, 7),
            .stored_ms = sqlite3_column_int64(st, 8),
            .content = sqlite3_column_blob(st, 9),
            .content_len = (size_t)sqlite3_column_bytes(st, 9),
            .signature = sqlite3_column_blob(st, 10),
            .content_hash = sqlite3_column_blob(st, 11),
        };
        if (sqlite3_column_bytes(st, 10) != 64 || sqlite3_column_bytes(st, 1) != 16) {
            snprintf(self->error, sizeof self->error, "message %llu is damaged in the archive",
                (unsigned long long)m.seq);
            sqlite3_reset(st);
            return -1;
        }
        if (fn(&m, arg) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        s_fail(self, "read messages");
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

/* ---------------------------------------------------------- subscriptions */

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
    return rc == SQLITE_DONE ? 0 : s_fail(self, "read subscription");
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
    return rc == SQLITE_DONE ? 0 : s_fail(self, "save subscription");
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
    return rc == SQLITE_DONE ? 0 : s_fail(self, "delete subscription");
}

/* ---------------------------------------------------------- audit */

int
archive_audit(archive_t *self, int64_t officer_id, const char *fingerprint, const char *action,
    const char *outcome, const char *detail)
{
    record_mark_t mark;
    if (s_record_begin(self, &mark) != 0)
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_AUDIT);
    if (!st)
        return s_record_end(self, &mark, 0);
    archive_audit_row_t row = {.ts_ms = archive_now_ms(), .officer_id = officer_id,
        .fingerprint = fingerprint ? fingerprint : "", .action = action, .outcome = outcome,
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
        s_fail(self, "audit");
        return s_record_end(self, &mark, 0);
    }
    row.id = sqlite3_last_insert_rowid(self->db);
    uint8_t h[ARCHIVE_HASH_BYTES];
    s_hash_audit(&row, h);
    int ok = s_ledger_insert(self, ARCHIVE_KIND_AUDIT, row.id, row.ts_ms, h) == 0;
    return s_record_end(self, &mark, ok);
}

int
archive_audit_each(archive_t *self, archive_audit_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT id, ts_ms, officer_id, fingerprint, action, outcome, detail FROM audit ORDER BY id",
            -1, &st, NULL)
        != SQLITE_OK)
        return s_fail(self, "read audit");
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
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : s_fail(self, "read audit");
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
        return s_fail(self, "read audit");
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
    s_hash_audit(out, record_hash);
    return 1;
}

/* ---------------------------------------------------------- verification reads */

int
archive_message_get(archive_t *self, uint64_t seq, archive_msg_row_t *out)
{
    sqlite3_stmt *st = s_stmt(self, ST_MSG_GET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return s_fail(self, "read message");
    }
    memset(out, 0, sizeof *out);
    /* Pointers first, then sizes: sqlite3_column_bytes after the pointer
     * call, as the SQLite documentation asks. */
    archive_msg_t *m = &out->msg;
    m->seq = (uint64_t)sqlite3_column_int64(st, 0);
    m->msg_id = sqlite3_column_blob(st, 1);
    out->msg_id_len = (size_t)sqlite3_column_bytes(st, 1);
    m->topic = (const char *)sqlite3_column_text(st, 2);
    m->network = (const char *)sqlite3_column_text(st, 3);
    m->author_id = sqlite3_column_int64(st, 4);
    m->tlp = sqlite3_column_int(st, 5);
    m->recipients = (const char *)sqlite3_column_text(st, 6);
    m->created_ms = sqlite3_column_int64(st, 7);
    m->stored_ms = sqlite3_column_int64(st, 8);
    m->content = sqlite3_column_blob(st, 9);
    m->content_len = (size_t)sqlite3_column_bytes(st, 9);
    m->signature = sqlite3_column_blob(st, 10);
    out->signature_len = (size_t)sqlite3_column_bytes(st, 10);
    m->content_hash = sqlite3_column_blob(st, 11);
    out->content_hash_len = (size_t)sqlite3_column_bytes(st, 11);
    s_hash_message(m, out->msg_id_len, out->signature_len, out->record_hash);
    return 1;
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
    return rc == SQLITE_DONE ? 0 : s_fail(self, "key lookup");
}

int
archive_ledger_each(archive_t *self, archive_ledger_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT id, kind, ref, ts_ms, content_hash, prev_hash, hash FROM ledger ORDER BY id",
            -1, &st, NULL)
        != SQLITE_OK)
        return s_fail(self, "read ledger");
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
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : s_fail(self, "read ledger");
}

/* Feeds every row of a query into c, each preceded by B(marker); returns
 * -1 on failure. */
static int
s_canon_rows(archive_t *self, archive_canon_t *c, const char *marker, const char *sql,
    int64_t bind)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, sql, -1, &st, NULL) != SQLITE_OK)
        return s_fail(self, "read directory");
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, bind);
    int rc, n = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_canon_text(c, marker);
        for (int i = 0; i < n; i++)
            s_canon_column(c, st, i);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : s_fail(self, "read directory");
}

/* officer: B("officer"), then B("officer") and the officers row (id, name,
 * country, org, role, contact, created_ms), then for each key by ed25519
 * B("key") (ed25519, curve, fingerprint, officer_id, valid_from_ms,
 * valid_until_ms, revoked_ms), then for each membership by network
 * B("membership") (network, role). Columns as stored: NULL is N. */
int
archive_officer_hash(archive_t *self, int64_t officer_id, uint8_t out[ARCHIVE_HASH_BYTES])
{
    archive_canon_t c;
    archive_canon_init(&c, ARCHIVE_KIND_OFFICER);
    int64_t n = -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "SELECT count(*) FROM officers WHERE id = ?", -1, &st, NULL)
        == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, officer_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (n < 0)
        return s_fail(self, "read directory");
    if (n == 0)
        return 0;
    if (s_canon_rows(self, &c, "officer",
            "SELECT id, name, country, org, role, contact, created_ms FROM officers WHERE id = ?",
            officer_id)
            != 0
        || s_canon_rows(self, &c, "key",
               "SELECT ed25519, curve, fingerprint, officer_id, valid_from_ms, valid_until_ms,"
               " revoked_ms FROM officer_keys WHERE officer_id = ? ORDER BY ed25519",
               officer_id)
            != 0
        || s_canon_rows(self, &c, "membership",
               "SELECT network, role FROM memberships WHERE officer_id = ? ORDER BY network",
               officer_id)
            != 0)
        return -1;
    archive_canon_final(&c, out);
    return 1;
}

/* reference: B("reference"), then B("country") (code, name_en, name_es,
 * status) for each country by code, B("organisation") (code, name_en,
 * name_es, kind, since) by code, B("network") (name, title_en, title_es)
 * by name. */
int
archive_reference_hash(archive_t *self, uint8_t out[ARCHIVE_HASH_BYTES])
{
    archive_canon_t c;
    archive_canon_init(&c, ARCHIVE_KIND_REFERENCE);
    if (s_canon_rows(self, &c, "country",
            "SELECT code, name_en, name_es, status FROM countries ORDER BY code", 0)
            != 0
        || s_canon_rows(self, &c, "organisation",
               "SELECT code, name_en, name_es, kind, since FROM organisations ORDER BY code", 0)
            != 0
        || s_canon_rows(self, &c, "network",
               "SELECT name, title_en, title_es FROM networks ORDER BY name", 0)
            != 0)
        return -1;
    archive_canon_final(&c, out);
    return 0;
}

int
archive_unledgered_each(archive_t *self, archive_unledgered_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT 'message', seq FROM messages WHERE seq NOT IN"
            "   (SELECT ref FROM ledger WHERE kind = 'message')"
            " UNION ALL SELECT 'audit', id FROM audit WHERE id NOT IN"
            "   (SELECT ref FROM ledger WHERE kind = 'audit')"
            " UNION ALL SELECT 'officer', id FROM officers WHERE id NOT IN"
            "   (SELECT ref FROM ledger WHERE kind = 'officer')"
            " ORDER BY 1, 2",
            -1, &st, NULL)
        != SQLITE_OK)
        return s_fail(self, "read ledger");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : s_fail(self, "read ledger");
}

/* ---------------------------------------------------------- backup */

int
archive_backup(archive_t *self, const char *dest_path, int pages, int sleep_ms)
{
    sqlite3 *dest = NULL;
    if (sqlite3_open_v2(dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
        != SQLITE_OK) {
        snprintf(self->error, sizeof self->error, "cannot open %s: %s", dest_path,
            dest ? sqlite3_errmsg(dest) : "out of memory");
        sqlite3_close(dest);
        return -1;
    }
    /* Holding one read transaction for the whole copy keeps the snapshot
     * fixed: without it, every commit by the hub would restart the backup,
     * which under steady traffic would never finish. */
    if (archive_read_begin(self) != 0) {
        sqlite3_close(dest);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(dest, "main", self->db, "main");
    if (!b) {
        snprintf(self->error, sizeof self->error, "backup: %s", sqlite3_errmsg(dest));
        archive_read_end(self);
        sqlite3_close(dest);
        return -1;
    }
    int rc, busy = 0;
    for (;;) {
        rc = sqlite3_backup_step(b, pages) & 0xff;
        if (rc == SQLITE_OK) {
            sqlite3_sleep(sleep_ms);
        } else if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && busy++ < 200) {
            sqlite3_sleep(50);
        } else {
            break;
        }
    }
    sqlite3_backup_finish(b);
    archive_read_end(self);
    if (rc != SQLITE_DONE) {
        snprintf(self->error, sizeof self->error, "backup: %s", sqlite3_errstr(rc));
        sqlite3_close(dest);
        return -1;
    }
    /* One self-contained file: no -wal beside it to lose. */
    char *msg = NULL;
    if (sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(self->error, sizeof self->error, "backup: %s",
            msg ? msg : sqlite3_errmsg(dest));
        sqlite3_free(msg);
        sqlite3_close(dest);
        return -1;
    }
    if (sqlite3_close(dest) != SQLITE_OK) {
        snprintf(self->error, sizeof self->error, "backup: closing %s failed", dest_path);
        return -1;
    }
    return 0;
}

int
archive_integrity_check(archive_t *self, char *out, size_t cap)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "PRAGMA integrity_check(10)", -1, &st, NULL) != SQLITE_OK)
        return s_fail(self, "integrity_check");
    int rc, ok = 0, rows = 0;
    size_t used = 0;
    out[0] = '\0';
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (!line)
            line = "";
        if (rows++ == 0 && !strcmp(line, "ok"))
            ok = 1;
        else
            ok = 0;
        int w = snprintf(out + used, cap - used, "%s%s", used ? "; " : "", line);
        if (w > 0)
            used += (size_t)w < cap - used ? (size_t)w : cap - used - 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return s_fail(self, "integrity_check");
    return ok;
}
