/*
 * archive.c: every SQL statement of the hub.
 *
 * Schema changelog (PRAGMA user_version):
 *   1  directory (countries, organisations, networks, officers, keys,
 *      memberships), messages, durable subscriptions, audit log.
 *   2  the PPT by year (Troika = previous, current, next) and observer
 *      invitations (grantee, network, patterns, access, expiry, revocation).
 *   3  ledger: the hash chain over every message, audit entry and directory
 *      change (officers with their keys and memberships, the PPT,
 *      invitations, the reference data), append-only like audit. Existing
 *      rows are chained by the migration (hub/archive_ledger.c), and an
 *      "archive.migrate" audit entry says so.
 *   4  cases (and their open/close events), messages.case_id, alerts with
 *      per-country acknowledgement targets and an event log of every step
 *      (raised, delivered, acknowledged, escalated, cancelled).
 *   5  cases.form_seq (the signed message holding a case's form),
 *      messages.personal and messages.handling (copies of what the signed
 *      content says, for the access rules), and message_text, an FTS5 index
 *      of bodies and alert headlines (unicode61, diacritics removed: a search
 *      for "deportacion" finds "deportación").
 *   6  message_labels: labels widened and handling codes lifted by authors
 *      (the stored message stays as signed; the access rules read the
 *      override).
 *   7  messages_stored (stored_ms, topic): history by time window seeks to
 *      the window instead of reading every row from the start (with the
 *      topic in the index, a window's rows of other topics are skipped
 *      without reading them).
 *
 * Invariants: messages.seq is assigned by the hub, strictly increasing;
 * messages.msg_id is unique; nothing here commits on its own except the
 * offline directory helpers, which wrap themselves in a transaction.
 * Every function that writes a message, an audit row or a directory row
 * appends its ledger record in the same transaction (archive_int_record_begin
 * and _end make the pair atomic even inside the hub's group transaction), so
 * callers never see the ledger. Ledger ids are contiguous and each append
 * names its id explicitly: a connection whose cached head is stale (another
 * connection appended) cannot fork the chain, its INSERT fails instead. The
 * ledger itself, what verify reads and the backup are in archive_ledger.c.
 */
#include "archive.h"
#include "archive_int.h"
#include "topic.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

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
    {"CREATE TABLE ppt ("
    "  year INTEGER PRIMARY KEY CHECK (year BETWEEN 1996 AND 2200),"
    "  country TEXT NOT NULL REFERENCES countries(code));"
    "CREATE TABLE invitations ("
    "  id INTEGER PRIMARY KEY,"
    "  grantee TEXT NOT NULL,"    /* organisation or observer country code */
    "  network TEXT NOT NULL REFERENCES networks(name),"
    "  patterns TEXT NOT NULL,"   /* comma-separated topic patterns */
    "  access TEXT NOT NULL CHECK (access IN ('read','readwrite')),"
    "  expires_ms INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL DEFAULT '',"
    "  revoked_ms INTEGER);", NULL},
    /* 3 */
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
        archive_int_chain_existing},
    /* 4 */
    {    "ALTER TABLE messages ADD COLUMN case_id INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX messages_case ON messages (case_id, seq) WHERE case_id <> 0;"
    "CREATE TABLE cases ("
    "  id INTEGER PRIMARY KEY,"
    "  type TEXT NOT NULL,"
    "  network TEXT NOT NULL REFERENCES networks(name),"
    "  countries TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('open','closed')),"
    "  opened_by INTEGER NOT NULL,"
    "  opened_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL);"
    "CREATE TABLE case_events ("
    "  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
    "  officer_id INTEGER NOT NULL, event TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE alerts ("
    "  seq INTEGER PRIMARY KEY,"
    "  topic TEXT NOT NULL, network TEXT NOT NULL, author_id INTEGER NOT NULL,"
    "  priority INTEGER NOT NULL, category INTEGER NOT NULL, countries TEXT NOT NULL,"
    "  headline TEXT NOT NULL, status INTEGER NOT NULL, msg_type INTEGER NOT NULL,"
    "  refs TEXT NOT NULL DEFAULT '', case_id INTEGER NOT NULL DEFAULT 0,"
    "  needs_ack INTEGER NOT NULL, expires_ms INTEGER NOT NULL DEFAULT 0,"
    "  stored_ms INTEGER NOT NULL, superseded_by INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE alert_targets ("
    "  alert_seq INTEGER NOT NULL, country TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('pending','acknowledged','cancelled','superseded','none')),"
    "  level INTEGER NOT NULL DEFAULT 0, deadline_ms INTEGER NOT NULL DEFAULT 0,"
    "  period_ms INTEGER NOT NULL DEFAULT 0, acked_by INTEGER NOT NULL DEFAULT 0,"
    "  acked_ms INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (alert_seq, country)) WITHOUT ROWID;"
    "CREATE INDEX alert_targets_due ON alert_targets (state, deadline_ms);"
    "CREATE TABLE alert_events ("
    "  id INTEGER PRIMARY KEY, alert_seq INTEGER NOT NULL, country TEXT NOT NULL DEFAULT '',"
    "  ts_ms INTEGER NOT NULL, event TEXT NOT NULL, officer_id INTEGER NOT NULL DEFAULT 0,"
    "  detail TEXT NOT NULL DEFAULT '');", NULL},
    /* 5 */
    {"ALTER TABLE messages ADD COLUMN personal INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN handling INTEGER NOT NULL DEFAULT 0;"
    "CREATE VIRTUAL TABLE message_text USING fts5(headline, body,"
    "  tokenize = 'unicode61 remove_diacritics 2');"
    "ALTER TABLE cases ADD COLUMN form_seq INTEGER NOT NULL DEFAULT 0;", NULL},
    /* 6 */
    {"CREATE TABLE message_labels ("
    "  id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, tlp INTEGER NOT NULL,"
    "  handling INTEGER NOT NULL, officer_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL);"
    "CREATE INDEX message_labels_seq ON message_labels (seq, id);", NULL},
    /* 7 */
    {"CREATE INDEX messages_stored ON messages (stored_ms, topic);", NULL},
};
#define MIGRATIONS ((int)(sizeof s_migrations / sizeof s_migrations[0]))

/* A message row as s_msg_row reads it, with the label and handling code as
 * they are now: the author may have widened them since (message_labels). */
#define MSG_COLS                                                                            \
    "seq, msg_id, topic, network, author_id,"                                               \
    " COALESCE((SELECT l.tlp FROM message_labels l WHERE l.seq = m.seq"                     \
    "   ORDER BY l.id DESC LIMIT 1), tlp), recipients, created_ms, stored_ms,"              \
    " content, signature, content_hash, case_id, personal,"                                 \
    " COALESCE((SELECT l.handling FROM message_labels l WHERE l.seq = m.seq"                \
    "   ORDER BY l.id DESC LIMIT 1), handling)"

/* History (archive_messages_query). Parameters: ?1 after_seq, ?2 upto_seq,
 * ?3 from_ms, ?4 to_ms (full range when unbounded), ?5 pattern (NULL: any),
 * ?6 author_id, ?7 case_id (0: any), ?8 limit, ?9 probe cap. Each statement
 * is driven by one index, named in it; the other filters are written so that
 * SQLite cannot pick another index for them ("+col", "?n = 0 OR ..."), and
 * each keeps seq order without sorting the rows, except the time window,
 * whose (at most ?9) index entries are sorted, seqs only, before any row is
 * read. */
#define HIST_TOPIC " AND (?5 IS NULL OR enlace_topic_match(?5, topic))"
#define HIST_TIME " AND +stored_ms >= ?3 AND +stored_ms < ?4"

static const char *const s_sql[ST_COUNT] = {
    [ST_MSG_INSERT] = "INSERT INTO messages (seq, msg_id, topic, network, author_id, tlp,"
                      " recipients, created_ms, stored_ms, content, signature, content_hash,"
                      " case_id, personal, handling) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_MSG_FIND] = "SELECT seq, content_hash, stored_ms FROM messages WHERE msg_id = ?",
    /* The label and handling code as they are now: the author may have
     * widened them since (message_labels). */
    [ST_MSG_AFTER] = "SELECT seq, msg_id, topic, network, author_id,"
                     " COALESCE((SELECT l.tlp FROM message_labels l WHERE l.seq = m.seq"
                     "   ORDER BY l.id DESC LIMIT 1), tlp), recipients,"
                     " created_ms, stored_ms, content, signature, content_hash, case_id, personal,"
                     " COALESCE((SELECT l.handling FROM message_labels l WHERE l.seq = m.seq"
                     "   ORDER BY l.id DESC LIMIT 1), handling)"
                     " FROM messages m WHERE seq > ? ORDER BY seq LIMIT ?",
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
    [ST_MSG_READ] = "SELECT " MSG_COLS " FROM messages m WHERE seq = ?1",
    [ST_TEXT_INSERT] = "INSERT INTO message_text (rowid, headline, body) VALUES (?, ?, ?)",
    [ST_HIST_SCAN] = "SELECT " MSG_COLS " FROM messages m"
                     " WHERE seq > ?1 AND seq <= ?2" HIST_TIME HIST_TOPIC
                     " AND (?6 = 0 OR author_id = ?6) AND (?7 = 0 OR case_id = ?7)"
                     " ORDER BY seq LIMIT ?8",
    [ST_HIST_AUTHOR] = "SELECT " MSG_COLS " FROM messages m INDEXED BY messages_author"
                       " WHERE author_id = ?6 AND seq > ?1 AND seq <= ?2" HIST_TIME HIST_TOPIC
                       " AND (?7 = 0 OR case_id = ?7) ORDER BY seq LIMIT ?8",
    [ST_HIST_CASE] = "SELECT " MSG_COLS " FROM messages m INDEXED BY messages_case"
                     " WHERE case_id = ?7 AND case_id <> 0 AND seq > ?1 AND seq <= ?2"
                     HIST_TIME HIST_TOPIC " AND (?6 = 0 OR +author_id = ?6)"
                     " ORDER BY seq LIMIT ?8",
    [ST_HIST_TIME] = "SELECT " MSG_COLS " FROM messages m WHERE seq IN ("
                     " SELECT seq FROM messages INDEXED BY messages_stored"
                     "  WHERE stored_ms >= ?3 AND stored_ms < ?4 AND seq > ?1 AND seq <= ?2"
                     HIST_TOPIC " AND (?6 = 0 OR author_id = ?6) AND (?7 = 0 OR case_id = ?7)"
                     "  ORDER BY seq LIMIT ?8) ORDER BY seq",
    /* How many rows each index would have the query read (at most ?9,
     * reading only the index) and, for those in seq order, the seq of the
     * last of them. */
    [ST_PROBE_TIME] = "SELECT count(*), 0 FROM (SELECT 1 FROM messages INDEXED BY messages_stored"
                      " WHERE stored_ms >= ?3 AND stored_ms < ?4 AND seq > ?1 AND seq <= ?2"
                      " LIMIT ?9)",
    [ST_PROBE_AUTHOR] = "SELECT count(*), max(seq) FROM (SELECT seq FROM messages"
                        " INDEXED BY messages_author WHERE author_id = ?6 AND seq > ?1"
                        " AND seq <= ?2 ORDER BY seq LIMIT ?9)",
    [ST_PROBE_CASE] = "SELECT count(*), max(seq) FROM (SELECT seq FROM messages"
                      " INDEXED BY messages_case WHERE case_id = ?7 AND case_id <> 0"
                      " AND seq > ?1 AND seq <= ?2 ORDER BY seq LIMIT ?9)",
    [ST_REQ_BEGIN] = "SAVEPOINT archive_request",
    [ST_REQ_RELEASE] = "RELEASE archive_request",
    [ST_REQ_ROLLBACK] = "ROLLBACK TO archive_request",
    [ST_TEXT_SEARCH] = "SELECT rowid FROM message_text WHERE message_text MATCH ?1"
                       " AND rowid > ?2 AND rowid <= ?3 ORDER BY rowid LIMIT ?4",
    /* The first and last sequence of a time window: the stored-time index
     * finds the window's first (last) instant, then its lowest (highest)
     * seq among the few rows stored in that same millisecond. */
    [ST_TIME_FIRST] = "SELECT min(seq) FROM messages INDEXED BY messages_stored"
                      " WHERE stored_ms = (SELECT min(stored_ms) FROM messages"
                      "  WHERE stored_ms >= ?1)",
    [ST_TIME_LAST] = "SELECT max(seq) FROM messages INDEXED BY messages_stored"
                     " WHERE stored_ms = (SELECT max(stored_ms) FROM messages"
                     "  WHERE stored_ms < ?1)",
};

void
archive_set_actor(archive_t *self, const char *fingerprint, int64_t officer_id)
{
    snprintf(self->actor_fp, sizeof self->actor_fp, "%s", fingerprint ? fingerprint : "");
    self->actor_id = officer_id;
}

int64_t
archive_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
archive_int_fail(archive_t *self, const char *what)
{
    snprintf(self->error, sizeof self->error, "%s: %s", what, sqlite3_errmsg(self->db));
    return -1;
}

const char *
archive_error(const archive_t *self)
{
    return self->error;
}

sqlite3_stmt *
archive_int_stmt(archive_t *self, int which, const char *sql)
{
    if (!self->st[which]
        && sqlite3_prepare_v3(self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &self->st[which],
               NULL)
            != SQLITE_OK) {
        archive_int_fail(self, "prepare");
        return NULL;
    }
    sqlite3_reset(self->st[which]);
    sqlite3_clear_bindings(self->st[which]);
    return self->st[which];
}

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

int
archive_int_exec(archive_t *self, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(self->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(self->error, sizeof self->error, "%s", msg ? msg : sqlite3_errmsg(self->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------- open, transactions */

static int
s_user_version(archive_t *self)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return archive_int_fail(self, "read schema version");
    int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return version < 0 ? archive_int_fail(self, "read schema version") : version;
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
        if (archive_int_exec(self, "BEGIN IMMEDIATE") != 0)
            return -1;
        /* Another connection (the hub, an offline command) may have
         * migrated between our first look and the write lock. */
        int now = s_user_version(self);
        if (now < 0 || now > v) {
            char keep[512];
            snprintf(keep, sizeof keep, "%s", self->error);
            archive_int_exec(self, "ROLLBACK");
            snprintf(self->error, sizeof self->error, "%s", keep);
            if (now < 0)
                return -1;
            v = now - 1;
            continue;
        }
        if (archive_int_exec(self, s_migrations[v].sql) != 0
            || (s_migrations[v].then && s_migrations[v].then(self) != 0)
            || archive_int_exec(self, bump) != 0) {
            char keep[512];
            snprintf(keep, sizeof keep, "migration %d: %s", v + 1, self->error);
            archive_int_exec(self, "ROLLBACK");
            snprintf(self->error, sizeof self->error, "%s", keep);
            return -1;
        }
        if (archive_int_exec(self, "COMMIT") != 0)
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
        return archive_int_fail(self, "read last sequence");
    }
    self->last_seq = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    self->head_dv = -1;
    return archive_int_head_fresh(self);
}

/* enlace_topic_match(pattern, topic): topic_match in SQL; NULL if either
 * is NULL. */
static void
s_sql_topic_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *pattern = (const char *)sqlite3_value_text(argv[0]);
    const char *topic = (const char *)sqlite3_value_text(argv[1]);
    if (!pattern || !topic)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int(ctx, topic_match(pattern, topic));
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
    /* History filters topics in SQL, with the hub's own matcher. */
    if (sqlite3_create_function(self->db, "enlace_topic_match", 2,
            SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, s_sql_topic_match, NULL, NULL)
        != SQLITE_OK) {
        snprintf(err, errlen, "archive %s: %s", path, sqlite3_errmsg(self->db));
        archive_destroy(&self);
        return NULL;
    }
    /* Offline commands and the ZAP thread share the file with the hub. */
    sqlite3_busy_timeout(self->db, 5000);
    for (const char *const *p = pragmas; p && *p; p++)
        if (archive_int_exec(self, *p) != 0) {
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

static void s_texts_clear(archive_t *self);

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
    s_texts_clear(self);
    free(self->texts);
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
    if (archive_int_exec(self, sql) != 0 || archive_int_ledger_reference(self) != 0) {
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
    if (archive_int_exec(self, "BEGIN IMMEDIATE") != 0)
        return -1;
    self->in_txn = 1;
    self->txn_first_seq = self->last_seq;
    memcpy(self->txn_head, self->head, sizeof self->txn_head);
    self->txn_head_id = self->head_id;
    self->txn_head_dv = self->head_dv;
    return 0;
}

/* Drops the texts waiting for the commit. */
static void
s_texts_clear(archive_t *self)
{
    for (size_t i = 0; i < self->ntexts; i++) {
        free(self->texts[i].headline);
        free(self->texts[i].body);
    }
    self->ntexts = 0;
}

static int
s_text_insert(archive_t *self, uint64_t seq, const char *headline, const char *body,
    size_t body_len)
{
    sqlite3_stmt *st = s_stmt(self, ST_TEXT_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    sqlite3_bind_text(st, 2, headline ? headline : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body ? body : "", (int)body_len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "index text");
}

/* Indexes the transaction's texts, all at once, just before its commit. */
static int
s_texts_flush(archive_t *self)
{
    int rc = 0;
    for (size_t i = 0; i < self->ntexts && rc == 0; i++)
        rc = s_text_insert(self, self->texts[i].seq, self->texts[i].headline,
            self->texts[i].body, self->texts[i].body_len);
    s_texts_clear(self);
    return rc;
}

static void s_request_undo(archive_t *self);

int
archive_commit(archive_t *self)
{
    if (!self->in_txn || self->in_request)
        return 0; /* a request's writes are kept by its release */
    if (s_texts_flush(self) != 0) {
        archive_rollback(self); /* keeps the error message */
        return -1;
    }
    if (archive_int_exec(self, "COMMIT") != 0) {
        archive_rollback(self);
        return -1;
    }
    self->in_txn = 0;
    return 0;
}

void
archive_rollback(archive_t *self)
{
    if (self->in_request) {
        s_request_undo(self);
        return;
    }
    s_texts_clear(self);
    if (!self->in_txn)
        return;
    char keep[512];
    snprintf(keep, sizeof keep, "%s", self->error);
    archive_int_exec(self, "ROLLBACK");
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

/* One request's part of the open transaction (see archive.h). */
static int
s_request_step(archive_t *self, int which, const char *what)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, what);
}

int
archive_savepoint(archive_t *self, archive_savepoint_t *sp)
{
    if (self->in_request) {
        snprintf(self->error, sizeof self->error, "a request's savepoint is already open");
        return -1;
    }
    if (archive_begin(self) != 0)
        return -1;
    sp->last_seq = self->last_seq;
    memcpy(sp->head, self->head, sizeof sp->head);
    sp->head_id = self->head_id;
    sp->head_dv = self->head_dv;
    sp->ntexts = self->ntexts;
    if (s_request_step(self, ST_REQ_BEGIN, "savepoint") != 0)
        return -1;
    self->request = *sp;
    self->in_request = 1;
    return 0;
}

int
archive_savepoint_release(archive_t *self, const archive_savepoint_t *sp)
{
    (void)sp;
    if (!self->in_request)
        return 0;
    self->in_request = 0;
    return s_request_step(self, ST_REQ_RELEASE, "release savepoint");
}

/* Undoes what was written since the request's savepoint, which stays open;
 * the connection's own state goes back too. */
static void
s_request_undo(archive_t *self)
{
    char keep[512];
    snprintf(keep, sizeof keep, "%s", self->error);
    if (s_request_step(self, ST_REQ_ROLLBACK, "roll back savepoint") == 0)
        snprintf(self->error, sizeof self->error, "%s", keep);
    const archive_savepoint_t *sp = &self->request;
    self->last_seq = sp->last_seq;
    memcpy(self->head, sp->head, sizeof self->head);
    self->head_id = sp->head_id;
    self->head_dv = sp->head_dv;
    while (self->ntexts > sp->ntexts) {
        self->ntexts--;
        free(self->texts[self->ntexts].headline);
        free(self->texts[self->ntexts].body);
    }
}

int
archive_savepoint_rollback(archive_t *self, const archive_savepoint_t *sp)
{
    (void)sp;
    if (!self->in_request)
        return -1;
    s_request_undo(self);
    self->in_request = 0;
    return s_request_step(self, ST_REQ_RELEASE, "release savepoint");
}

int
archive_read_begin(archive_t *self)
{
    if (self->in_txn || self->in_read) {
        snprintf(self->error, sizeof self->error, "a transaction is already open");
        return -1;
    }
    /* The SELECT starts the read transaction now, not at the first read. */
    if (archive_int_exec(self, "BEGIN; SELECT count(*) FROM sqlite_master") != 0) {
        if (!sqlite3_get_autocommit(self->db))
            archive_int_exec(self, "ROLLBACK");
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
    archive_int_release_gets(self);
    archive_int_exec(self, "COMMIT");
    self->in_read = 0;
}

int
archive_data_version(archive_t *self, int64_t *version)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
        return archive_int_fail(self, "data_version");
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    if (rc == 0)
        *version = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == 0 ? 0 : archive_int_fail(self, "data_version");
}

/* ---------------------------------------------------------- directory */

int
archive_int_exists(archive_t *self, const char *sql, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, sql, -1, &st, NULL) != SQLITE_OK)
        return archive_int_fail(self, "lookup");
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return archive_int_fail(self, "lookup");
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
    if ((!strcmp(spec->role, "observer") || !strcmp(spec->role, "st")) && spec->networks
        && *spec->networks) {
        snprintf(self->error, sizeof self->error,
            "role %s takes no --network: %s", spec->role,
            !strcmp(spec->role, "st") ? "the ST reads every network; give it an officer "
                                        "membership with 'officer join' to let it post"
                                      : "observers get access through invitations");
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
        int e = archive_int_exists(self, "SELECT 1 FROM countries WHERE code = ?", spec->country);
        if (e == 0)
            snprintf(self->error, sizeof self->error,
                "unknown country '%s' (use an ISO code of the CRM directory, e.g. MX)",
                spec->country);
        if (e != 1)
            goto out;
    } else {
        int e = archive_int_exists(self, "SELECT 1 FROM organisations WHERE code = ?", spec->org);
        if (e == 0)
            snprintf(self->error, sizeof self->error, "unknown organisation '%s'", spec->org);
        if (e != 1)
            goto out;
    }
    int e = archive_int_exists(self, "SELECT 1 FROM officer_keys WHERE fingerprint = ?",
        spec->fingerprint);
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
        archive_int_fail(self, "add officer");
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
        archive_int_fail(self, "add officer");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    int64_t id = sqlite3_last_insert_rowid(self->db);

    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO officer_keys (ed25519, curve, fingerprint, officer_id) VALUES (?,?,?,?)",
            -1, &st, NULL)
        != SQLITE_OK) {
        archive_int_fail(self, "add key");
        goto out;
    }
    sqlite3_bind_blob(st, 1, spec->pk, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, spec->curve, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, spec->fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        archive_int_fail(self, "add key");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;

    if (spec->networks && *spec->networks) {
        char nets[512];
        snprintf(nets, sizeof nets, "%s", spec->networks);
        char *save = NULL;
        for (char *n = strtok_r(nets, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
            int known = archive_int_exists(self, "SELECT 1 FROM networks WHERE name = ?", n);
            if (known == 0)
                snprintf(self->error, sizeof self->error,
                    "unknown network '%s' (consular, trafficking, child, crm)", n);
            if (known != 1)
                goto out;
            if (sqlite3_prepare_v2(self->db,
                    "INSERT OR REPLACE INTO memberships (officer_id, network, role) VALUES (?,?,?)",
                    -1, &st, NULL)
                != SQLITE_OK) {
                archive_int_fail(self, "add membership");
                goto out;
            }
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, n, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, spec->role, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE) {
                archive_int_fail(self, "add membership");
                goto out;
            }
            sqlite3_finalize(st);
            st = NULL;
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
        archive_int_fail(self, "revoke");
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
        archive_int_fail(self, "revoke");
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
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", (long long)officer_id);
    int exists = archive_int_exists(self, "SELECT 1 FROM officers WHERE id = CAST(? AS INTEGER)",
        idtext);
    int taken = archive_int_exists(self, "SELECT 1 FROM officer_keys WHERE fingerprint = ?",
        fingerprint);
    if (exists != 1 || taken != 0) {
        if (exists == 0)
            snprintf(self->error, sizeof self->error, "no officer %lld", (long long)officer_id);
        else if (taken == 1)
            snprintf(self->error, sizeof self->error,
                "key %s is already registered; each key belongs to one officer", fingerprint);
        archive_rollback(self);
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO officer_keys (ed25519, curve, fingerprint, officer_id, valid_from_ms,"
            " valid_until_ms) VALUES (?,?,?,?,?,?)",
            -1, &st, NULL)
        != SQLITE_OK) {
        archive_int_fail(self, "add key");
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
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        archive_int_fail(self, "add key");
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
        return archive_int_fail(self, "list keys");
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
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "list keys");
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
archive_meta_set(archive_t *self, const char *key, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "meta");
}

int
archive_meta_get(archive_t *self, const char *key, char *value, size_t cap)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(value, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "meta");
}

const char *
archive_country_status(archive_t *self, const char *code)
{
    if (archive_int_exists(self, "SELECT 1 FROM countries WHERE code = ? AND status = 'member'",
            code)
        == 1)
        return "member";
    if (archive_int_exists(self,
            "SELECT 1 FROM countries WHERE code = ? AND status = 'observer'", code)
        == 1)
        return "observer";
    return NULL;
}

int
archive_networks(archive_t *self, char *out, size_t cap)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT COALESCE(group_concat(name, ','), '') FROM (SELECT name FROM networks ORDER BY name)",
            -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "networks");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : archive_int_fail(self, "networks");
}

int
archive_int_write_audited(archive_t *self, sqlite3_stmt *st, const char *kind, int64_t ref,
    const char *actor_fp, int64_t actor_id, const char *action, const char *detail,
    int64_t *rowid)
{
    int own = !self->in_txn;
    if (own && archive_begin(self) != 0) {
        sqlite3_finalize(st);
        return -1;
    }
    archive_int_mark_t mark;
    if (archive_int_record_begin(self, &mark) != 0) {
        sqlite3_finalize(st);
        if (own)
            archive_rollback(self);
        return -1;
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    int ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok)
        archive_int_fail(self, action);
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

int
archive_membership_set(archive_t *self, int64_t officer_id, const char *network, const char *role)
{
    if (!s_valid_role(role) || !strcmp(role, "observer") || !strcmp(role, "st")) {
        snprintf(self->error, sizeof self->error,
            "a membership role is officer, focal, ppt or admin");
        return -1;
    }
    int known = archive_int_exists(self, "SELECT 1 FROM networks WHERE name = ?", network);
    if (known != 1) {
        if (known == 0)
            snprintf(self->error, sizeof self->error, "unknown network '%s'", network);
        return -1;
    }
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", (long long)officer_id);
    int exists = archive_int_exists(self, "SELECT 1 FROM officers WHERE id = CAST(? AS INTEGER)",
        idtext);
    if (exists != 1) {
        if (exists == 0)
            snprintf(self->error, sizeof self->error, "no officer %lld", (long long)officer_id);
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO memberships (officer_id, network, role) SELECT id, ?2, ?3 FROM officers"
            " WHERE id = ?1 ON CONFLICT (officer_id, network) DO UPDATE SET role = excluded.role",
            -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "membership");
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_text(st, 2, network, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_TRANSIENT);
    char detail[128];
    snprintf(detail, sizeof detail, "officer %lld joins %s as %s", (long long)officer_id, network,
        role);
    /* Memberships are part of the officer's directory entry in the ledger. */
    return archive_int_write_audited(self, st, ARCHIVE_KIND_OFFICER, officer_id, self->actor_fp,
        self->actor_id, "membership.set", detail, NULL);
}

int
archive_membership_remove(archive_t *self, int64_t officer_id, const char *network)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "DELETE FROM memberships WHERE officer_id = ? AND network = ? RETURNING 1", -1, &st,
            NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "membership");
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_text(st, 2, network, -1, SQLITE_TRANSIENT);
    int own = !self->in_txn;
    if (own && archive_begin(self) != 0) {
        sqlite3_finalize(st);
        return -1;
    }
    archive_int_mark_t mark;
    if (archive_int_record_begin(self, &mark) != 0) {
        sqlite3_finalize(st);
        if (own)
            archive_rollback(self);
        return -1;
    }
    int rc = sqlite3_step(st);
    int removed = rc == SQLITE_ROW;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    char detail[128];
    snprintf(detail, sizeof detail, "officer %lld leaves %s", (long long)officer_id, network);
    int ok = rc == SQLITE_DONE;
    if (!ok)
        archive_int_fail(self, "membership");
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

int
archive_ppt_set(archive_t *self, int year, const char *country, const char *actor_fp,
    int64_t actor_id)
{
    if (!actor_fp && self->actor_fp[0]) {
        /* Over the wire: the officer the hub set as the actor. */
        actor_fp = self->actor_fp;
        actor_id = self->actor_id;
    }
    int e = archive_int_exists(self, "SELECT 1 FROM countries WHERE code = ? AND status = 'member'",
        country);
    if (e != 1) {
        if (e == 0)
            snprintf(self->error, sizeof self->error,
                "'%s' is not a member country: the PPT rotates among members", country);
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO ppt (year, country) VALUES (?, ?)"
            " ON CONFLICT (year) DO UPDATE SET country = excluded.country",
            -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "ppt");
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, country, -1, SQLITE_TRANSIENT);
    char detail[64];
    snprintf(detail, sizeof detail, "PPT %d: %s", year, country);
    return archive_int_write_audited(self, st, ARCHIVE_KIND_PPT, year, actor_fp, actor_id,
        "ppt.set", detail, NULL);
}

int
archive_ppt_get(archive_t *self, int year, char *country, size_t cap)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "SELECT country FROM ppt WHERE year = ?", -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "ppt");
    sqlite3_bind_int(st, 1, year);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(country, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "ppt");
}

int
archive_ppt_each(archive_t *self, archive_ppt_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "SELECT year, country FROM ppt ORDER BY year", -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "ppt");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(sqlite3_column_int(st, 0), (const char *)sqlite3_column_text(st, 1), arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "ppt");
}

int
archive_invitation_grant(archive_t *self, const archive_invitation_t *inv, const char *actor_fp,
    int64_t actor_id, int64_t *id_out)
{
    if (!actor_fp && self->actor_fp[0]) {
        /* Over the wire: the officer the hub set as the actor. */
        actor_fp = self->actor_fp;
        actor_id = self->actor_id;
    }
    int org = archive_int_exists(self,
        "SELECT 1 FROM organisations WHERE code = ? AND kind <> 'secretariat'", inv->grantee);
    int country = archive_int_exists(self,
        "SELECT 1 FROM countries WHERE code = ? AND status = 'observer'", inv->grantee);
    if (org < 0 || country < 0)
        return -1;
    if (!org && !country) {
        snprintf(self->error, sizeof self->error,
            "'%s' is not an observer organisation or observer country (members need no invitation)",
            inv->grantee);
        return -1;
    }
    int net = archive_int_exists(self, "SELECT 1 FROM networks WHERE name = ?", inv->network);
    if (net != 1) {
        if (net == 0)
            snprintf(self->error, sizeof self->error, "unknown network '%s'", inv->network);
        return -1;
    }
    if (strcmp(inv->access, "read") != 0 && strcmp(inv->access, "readwrite") != 0) {
        snprintf(self->error, sizeof self->error, "access is 'read' or 'readwrite'");
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO invitations (grantee, network, patterns, access, expires_ms, created_ms,"
            " created_by) VALUES (?,?,?,?,?,?,?)",
            -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "invitation");
    sqlite3_bind_text(st, 1, inv->grantee, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, inv->network, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, inv->patterns, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, inv->access, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, inv->expires_ms);
    sqlite3_bind_int64(st, 6, archive_now_ms());
    sqlite3_bind_text(st, 7, actor_fp ? actor_fp : "", -1, SQLITE_TRANSIENT);
    char detail[600];
    snprintf(detail, sizeof detail, "%s invited to %s, topics %s, %s, until %lld ms",
        inv->grantee, inv->network, inv->patterns, inv->access, (long long)inv->expires_ms);
    return archive_int_write_audited(self, st, ARCHIVE_KIND_INVITATION, -1, actor_fp, actor_id,
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
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    int e = archive_int_exists(self, "SELECT 1 FROM invitations WHERE id = CAST(? AS INTEGER)",
        key);
    if (e != 1) {
        if (e == 0)
            snprintf(self->error, sizeof self->error, "no invitation %lld", (long long)id);
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "UPDATE invitations SET revoked_ms = COALESCE(revoked_ms, ?) WHERE id = ?", -1, &st,
            NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "invitation");
    sqlite3_bind_int64(st, 1, archive_now_ms());
    sqlite3_bind_int64(st, 2, id);
    char detail[64];
    snprintf(detail, sizeof detail, "invitation %lld revoked", (long long)id);
    return archive_int_write_audited(self, st, ARCHIVE_KIND_INVITATION, id, actor_fp, actor_id,
        "invite.revoke", detail, NULL);
}

int
archive_invitations_each(archive_t *self, archive_invitation_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT id, grantee, network, patterns, access, expires_ms, created_ms, created_by,"
            " COALESCE(revoked_ms, 0) FROM invitations ORDER BY id",
            -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "invitations");
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
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "invitations");
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
    archive_int_mark_t mark;
    if (archive_int_record_begin(self, &mark) != 0)
        return -1;
    sqlite3_stmt *st = s_stmt(self, ST_MSG_INSERT);
    if (!st)
        return archive_int_record_end(self, &mark, 0);
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
    sqlite3_bind_int64(st, 13, (sqlite3_int64)row.case_id);
    sqlite3_bind_int(st, 14, row.personal);
    sqlite3_bind_int(st, 15, row.handling);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        archive_int_fail(self, "store message");
        return archive_int_record_end(self, &mark, 0);
    }
    uint8_t h[ARCHIVE_HASH_BYTES];
    archive_int_hash_message(&row, 16, 64, h);
    int ok = archive_int_ledger_insert(self, ARCHIVE_KIND_MESSAGE, (int64_t)row.seq, row.stored_ms, h) == 0;
    if (archive_int_record_end(self, &mark, ok) != 0)
        return -1;
    self->last_seq = m->seq;
    return 0;
}

int
archive_message_find(archive_t *self, const uint8_t msg_id[16], uint64_t *seq, uint8_t hash[32],
    int64_t *stored_ms)
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
        if (stored_ms)
            *stored_ms = sqlite3_column_int64(st, 2);
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "find message");
}

int64_t
archive_message_count(archive_t *self)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, "SELECT count(*) FROM messages", -1, &st, NULL) != SQLITE_OK)
        return archive_int_fail(self, "count");
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

int
archive_message_counts(archive_t *self, archive_count_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT network, count(*) FROM messages GROUP BY network ORDER BY network", -1, &st,
            NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "count by network");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "count by network");
}

/* A message row (seq, msg_id, topic, network, author_id, tlp, recipients,
 * created_ms, stored_ms, content, signature, content_hash, case_id, personal,
 * handling: the order of every SELECT of messages here) as archive_msg_t;
 * pointers stay valid until the statement steps again. */
static void
s_msg_row(sqlite3_stmt *st, archive_msg_t *m)
{
    *m = (archive_msg_t){
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
        .case_id = (uint64_t)sqlite3_column_int64(st, 12),
        .personal = sqlite3_column_int(st, 13),
        .handling = sqlite3_column_int(st, 14),
    };
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
        archive_msg_t m;
        s_msg_row(st, &m);
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
        archive_int_fail(self, "read messages");
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

static int
s_messages_where(archive_t *self, const char *where, uint64_t value, archive_msg_fn fn, void *arg)
{
    char sql[512];
    snprintf(sql, sizeof sql,
        "SELECT seq, msg_id, topic, network, author_id,"
        " COALESCE((SELECT l.tlp FROM message_labels l WHERE l.seq = m.seq"
        "   ORDER BY l.id DESC LIMIT 1), tlp), recipients, created_ms, stored_ms,"
        " content, signature, content_hash, case_id, personal,"
        " COALESCE((SELECT l.handling FROM message_labels l WHERE l.seq = m.seq"
        "   ORDER BY l.id DESC LIMIT 1), handling) FROM messages m"
        " WHERE %s ORDER BY seq",
        where);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db, sql, -1, &st, NULL) != SQLITE_OK)
        return archive_int_fail(self, "read messages");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)value);
    int rc, found = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 10) != 64 || sqlite3_column_bytes(st, 1) != 16)
            continue; /* damaged: verify reports it */
        archive_msg_t m;
        s_msg_row(st, &m);
        found = 1;
        if (fn(&m, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return archive_int_fail(self, "read messages");
    return found;
}

int
archive_relabel(archive_t *self, uint64_t seq, int tlp, int handling, int64_t officer_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "INSERT INTO message_labels (seq, tlp, handling, officer_id, ts_ms)"
            " VALUES (?,?,?,?,?)",
            -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "relabel");
    int64_t now = archive_now_ms();
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    sqlite3_bind_int(st, 2, tlp);
    sqlite3_bind_int(st, 3, handling);
    sqlite3_bind_int64(st, 4, officer_id);
    sqlite3_bind_int64(st, 5, now);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return archive_int_fail(self, "relabel");
    int64_t id = sqlite3_last_insert_rowid(self->db);
    archive_canon_t c;
    uint8_t h[ARCHIVE_HASH_BYTES];
    archive_canon_init(&c, "relabel");
    archive_canon_int(&c, id);
    archive_canon_int(&c, (int64_t)seq);
    archive_canon_int(&c, tlp);
    archive_canon_int(&c, handling);
    archive_canon_int(&c, officer_id);
    archive_canon_int(&c, now);
    archive_canon_final(&c, h);
    return archive_ledger_append(self, "relabel", id, h);
}

void
archive_wal_autocheckpoint(archive_t *self, int pages)
{
    sqlite3_wal_autocheckpoint(self->db, pages);
}

int
archive_text_index(archive_t *self, uint64_t seq, const char *headline, const char *body,
    size_t body_len)
{
    if (!self->in_txn)
        return s_text_insert(self, seq, headline, body, body_len);
    /* Held until the commit. FTS5 writes out what it holds in memory at
     * every SAVEPOINT, and each stored message opens one (its ledger
     * record): indexed as it came, every message became a tiny index
     * segment of its own, most of the cost of storing it. */
    if (self->ntexts == self->texts_cap) {
        size_t cap = self->texts_cap ? 2 * self->texts_cap : 64;
        archive_text_t *t = realloc(self->texts, cap * sizeof *t);
        if (!t)
            return archive_int_fail(self, "index text (out of memory)");
        self->texts = t;
        self->texts_cap = cap;
    }
    archive_text_t *t = &self->texts[self->ntexts];
    t->seq = seq;
    t->headline = strdup(headline ? headline : "");
    t->body = malloc(body_len + 1);
    if (!t->headline || !t->body) {
        free(t->headline);
        free(t->body);
        return archive_int_fail(self, "index text (out of memory)");
    }
    if (body_len)
        memcpy(t->body, body, body_len);
    t->body[body_len] = '\0';
    t->body_len = body_len;
    self->ntexts++;
    return 0;
}

int
archive_text_search(archive_t *self, const char *query, uint64_t after_seq, uint64_t upto_seq,
    int limit, uint64_t *seqs, int *n)
{
    /* Every word of the query as a quoted FTS5 term (implicit AND), so
     * that nothing the user types is taken as FTS5 syntax. */
    char fts[1024];
    size_t o = 0;
    for (const char *p = query; *p && o < sizeof fts - 8;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        fts[o++] = '"';
        while (*p && *p != ' ' && *p != '\t' && o < sizeof fts - 4) {
            if (*p == '"')
                fts[o++] = '"';
            fts[o++] = *p++;
        }
        fts[o++] = '"';
        fts[o++] = ' ';
    }
    fts[o] = '\0';
    *n = 0;
    if (upto_seq > INT64_MAX)
        upto_seq = INT64_MAX;
    if (o == 0 || upto_seq <= after_seq)
        return 0;
    sqlite3_stmt *st = s_stmt(self, ST_TEXT_SEARCH);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, fts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)after_seq);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)upto_seq);
    sqlite3_bind_int(st, 4, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
        seqs[(*n)++] = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : archive_int_fail(self, "search");
}

/* One value of a one-row, one-column statement: 1 found (not NULL), 0 NULL. */
static int
s_seq_of(archive_t *self, int which, int64_t ms, uint64_t *out)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, ms);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *out = (uint64_t)sqlite3_column_int64(st, 0);
        found = 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? found : archive_int_fail(self, "time range");
}

int
archive_time_range(archive_t *self, int64_t from_ms, int64_t to_ms, uint64_t *after,
    uint64_t *upto)
{
    uint64_t seq = 0;
    if (from_ms) {
        int found = s_seq_of(self, ST_TIME_FIRST, from_ms, &seq);
        if (found < 0)
            return -1;
        /* Nothing stored at or after from_ms: the range is empty. */
        uint64_t lo = found ? seq - 1 : archive_last_seq(self);
        if (lo > *after)
            *after = lo;
    }
    if (to_ms) {
        int found = s_seq_of(self, ST_TIME_LAST, to_ms, &seq);
        if (found < 0)
            return -1;
        uint64_t hi = found ? seq : 0;
        if (hi < *upto)
            *upto = hi;
    }
    return 0;
}

int
archive_message_read(archive_t *self, uint64_t seq, archive_msg_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_MSG_READ);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    int rc = sqlite3_step(st), found = 0;
    /* As s_messages_where: a damaged row is skipped (verify reports it). */
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 10) == 64
        && sqlite3_column_bytes(st, 1) == 16) {
        archive_msg_t m;
        s_msg_row(st, &m);
        found = 1;
        fn(&m, arg);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return archive_int_fail(self, "read messages");
    return found;
}

/* Past this many rows in (after_seq, upto_seq] (or max_read, if lower),
 * the stored-time index is not used: its entries come in time order and
 * must all be read and sorted by seq before the first row, while seq order
 * (or the author's or case's index) finds the first rows of a wide window
 * at once. */
#define QUERY_PROBE_CAP 50000

/* Binds q (see the parameters above s_sql) to st. */
static void
s_query_bind(sqlite3_stmt *st, const archive_query_t *q, uint64_t upto, int limit, int64_t cap)
{
    sqlite3_bind_int64(st, 1, (sqlite3_int64)q->after_seq);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)upto);
    sqlite3_bind_int64(st, 3, q->from_ms ? q->from_ms : INT64_MIN);
    sqlite3_bind_int64(st, 4, q->to_ms ? q->to_ms : INT64_MAX);
    if (q->pattern)
        sqlite3_bind_text(st, 5, q->pattern, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 6, q->author_id);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)q->case_id);
    sqlite3_bind_int(st, 8, limit);
    sqlite3_bind_int64(st, 9, cap);
}

/* Rows the probe statement `which` counts for q (at most cap) into *n, and
 * the seq of the last of them into *last (0 for the time index). */
static int
s_query_probe(archive_t *self, int which, const archive_query_t *q, int64_t cap, int64_t *n,
    uint64_t *last)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    s_query_bind(st, q, q->upto_seq, 0, cap);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *n = sqlite3_column_int64(st, 0);
        *last = (uint64_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : archive_int_fail(self, "plan history");
}

int
archive_messages_query(archive_t *self, const archive_query_t *q, archive_msg_fn fn,
    void *arg, uint64_t *examined, int64_t *read)
{
    *examined = q->after_seq;
    *read = 0;
    if (q->upto_seq <= q->after_seq || q->limit <= 0)
        return 0;
    /* The index that bounds the rows to read best: each probe reads at most
     * cap index entries, and the smallest count wins. The time index only
     * under the cap; the author's or the case's index also at it, then up
     * to the seq of its cap-th entry; else seq order, up to max_read rows.
     * So no call reads more than about cap rows. */
    int64_t cap = q->max_read > 0 && q->max_read < QUERY_PROBE_CAP ? q->max_read
                                                                     : QUERY_PROBE_CAP;
    int which = ST_HIST_SCAN;
    int64_t best = cap;
    uint64_t upto = q->upto_seq, bound = 0;
    struct {
        int use, probe, hist;
    } cand[] = {
        {q->from_ms || q->to_ms, ST_PROBE_TIME, ST_HIST_TIME},
        {q->author_id != 0, ST_PROBE_AUTHOR, ST_HIST_AUTHOR},
        {q->case_id != 0, ST_PROBE_CASE, ST_HIST_CASE},
    };
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        int64_t n = 0;
        uint64_t last = 0;
        if (!cand[i].use)
            continue;
        if (s_query_probe(self, cand[i].probe, q, cap, &n, &last) != 0)
            return -1;
        if (n < best || (n == cap && which == ST_HIST_SCAN && cand[i].hist != ST_HIST_TIME)) {
            best = n;
            which = cand[i].hist;
            bound = n == cap ? last : 0;
        }
    }
    if (bound)
        upto = bound;
    else if (which == ST_HIST_SCAN && upto - q->after_seq > (uint64_t)cap)
        upto = q->after_seq + (uint64_t)cap;
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    s_query_bind(st, q, upto, q->limit, cap);
    int rc, n = 0, stopped = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        archive_msg_t m;
        s_msg_row(st, &m);
        if (sqlite3_column_bytes(st, 10) != 64 || sqlite3_column_bytes(st, 1) != 16) {
            snprintf(self->error, sizeof self->error, "message %llu is damaged in the archive",
                (unsigned long long)m.seq);
            sqlite3_reset(st);
            return -1;
        }
        n++;
        *examined = m.seq;
        if (fn(&m, arg) != 0) {
            stopped = 1;
            break;
        }
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        archive_int_fail(self, "read messages");
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    if (!stopped && n < q->limit)
        *examined = upto; /* nothing more matches in (after_seq, upto] */
    /* Seq order reads every row of its range; an index, at most the rows
     * its probe counted. */
    *read = which == ST_HIST_SCAN ? (int64_t)(*examined - q->after_seq) : best;
    return 0;
}

int
archive_messages_by_case(archive_t *self, uint64_t case_id, archive_msg_fn fn, void *arg)
{
    return s_messages_where(self, "case_id = ?1", case_id, fn, arg) < 0 ? -1 : 0;
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

/* ---------------------------------------------------------- audit */

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
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(self->db,
            "SELECT id, ts_ms, officer_id, fingerprint, action, outcome, detail FROM audit ORDER BY id",
            -1, &st, NULL)
        != SQLITE_OK)
        return archive_int_fail(self, "read audit");
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
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "read audit");
}
