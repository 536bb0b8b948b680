/*
 * db.c: the archive's connection: open and close, the pragmas, the schema
 * and its migrations, the statement cache, transactions, request savepoints,
 * read snapshots, data_version and the integrity check.
 * Every SQL statement of the hub is in hub/archive/, one concept per file
 * (see archive_int.h).
 *
 * Schema changelog (PRAGMA user_version):
 *   1  directory (countries, organisations, networks, officers, keys,
 *      memberships), messages, durable subscriptions, audit log.
 *   2  the PPT by year (Troika = previous, current, next) and observer
 *      invitations (grantee, network, patterns, access, expiry, revocation).
 *   3  ledger: the hash chain over every message, audit entry and directory
 *      change (officers with their keys and memberships, the PPT,
 *      invitations, the reference data), append-only like audit. Existing
 *      rows are chained by the migration (hub/archive/ledger.c), and an
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
 *   8  messages.batch_size, batch_index, batch_path: a message signed as one
 *      of a batch (common/merkle.h) keeps its place and audit path; the
 *      signature column then holds the batch root's signature. Rows signed
 *      alone have batch_size 0 and hash in the ledger as before.
 *   9  storing a message costs less: messages_topic goes (no statement
 *      seeks by exact topic: patterns are matched row by row), and
 *      message_text becomes contentless (content='': the index alone, not a
 *      second copy of every body; searches only need the rowid) without
 *      per-document sizes (columnsize=0: results are in seq order, never
 *      ranked). The migration re-indexes every text, once.
 *  10  messages.sealed (1: the author sealed the content, PROTOCOL.md 6; a
 *      copy of what the signed content says, like personal and handling,
 *      outside the ledger record, checked against the content by verify)
 *      and messages_sealed, a partial index of the sealed messages (search
 *      counts those it cannot read).
 *  11  the consultation procedure: country_zones and holidays (each
 *      country's calendar for business days; the migration records the
 *      reference data anew in the ledger, now with them), consultations,
 *      consult_versions, consult_targets (deadlines and reminders per
 *      country and stage), consult_answers and consult_events.
 *  12  cluster_state: a cluster node's bookkeeping (the cluster's name, the
 *      index of the last log entry the file holds), written with each
 *      entry's changes, never replicated nor chained (replica.c). Empty on
 *      a hub that runs alone.
 *
 * Invariants: nothing here commits on its own but archive_commit and the
 * offline helpers that wrap themselves in a transaction; a rollback, of the
 * transaction or of a request's savepoint, restores the connection's own
 * state with the rows (last seq, ledger head, texts waiting to be indexed).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive_int.h"
#include "topic.h"

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
     "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
        NULL},
    /* 2 */
    {"CREATE TABLE ppt ("
     "  year INTEGER PRIMARY KEY CHECK (year BETWEEN 1996 AND 2200),"
     "  country TEXT NOT NULL REFERENCES countries(code));"
     "CREATE TABLE invitations ("
     "  id INTEGER PRIMARY KEY,"
     "  grantee TEXT NOT NULL," /* organisation or observer country code */
     "  network TEXT NOT NULL REFERENCES networks(name),"
     "  patterns TEXT NOT NULL," /* comma-separated topic patterns */
     "  access TEXT NOT NULL CHECK (access IN ('read','readwrite')),"
     "  expires_ms INTEGER NOT NULL,"
     "  created_ms INTEGER NOT NULL,"
     "  created_by TEXT NOT NULL DEFAULT '',"
     "  revoked_ms INTEGER);",
        NULL},
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
    {"ALTER TABLE messages ADD COLUMN case_id INTEGER NOT NULL DEFAULT 0;"
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
     "  detail TEXT NOT NULL DEFAULT '');",
        NULL},
    /* 5 */
    {"ALTER TABLE messages ADD COLUMN personal INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE messages ADD COLUMN handling INTEGER NOT NULL DEFAULT 0;"
     "CREATE VIRTUAL TABLE message_text USING fts5(headline, body,"
     "  tokenize = 'unicode61 remove_diacritics 2');"
     "ALTER TABLE cases ADD COLUMN form_seq INTEGER NOT NULL DEFAULT 0;",
        NULL},
    /* 6 */
    {"CREATE TABLE message_labels ("
     "  id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, tlp INTEGER NOT NULL,"
     "  handling INTEGER NOT NULL, officer_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL);"
     "CREATE INDEX message_labels_seq ON message_labels (seq, id);",
        NULL},
    /* 7 */
    {"CREATE INDEX messages_stored ON messages (stored_ms, topic);", NULL},
    /* 8 */
    {"ALTER TABLE messages ADD COLUMN batch_size INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE messages ADD COLUMN batch_index INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE messages ADD COLUMN batch_path BLOB;",
        NULL},
    /* 9 */
    {"DROP INDEX IF EXISTS messages_topic;"
     "CREATE VIRTUAL TABLE message_text_v9 USING fts5(headline, body, content = '',"
     "  columnsize = 0, tokenize = 'unicode61 remove_diacritics 2');"
     "INSERT INTO message_text_v9 (rowid, headline, body)"
     "  SELECT rowid, headline, body FROM message_text;"
     "DROP TABLE message_text;"
     "ALTER TABLE message_text_v9 RENAME TO message_text;",
        NULL},
    /* 10 */
    {"ALTER TABLE messages ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;"
     "CREATE INDEX messages_sealed ON messages (seq) WHERE sealed <> 0;",
        NULL},
    /* 11 */
    {"CREATE TABLE country_zones ("
     "  country TEXT PRIMARY KEY REFERENCES countries(code), zone TEXT NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE holidays ("
     "  country TEXT NOT NULL REFERENCES countries(code), date TEXT NOT NULL,"
     "  name TEXT NOT NULL DEFAULT '', PRIMARY KEY (country, date)) WITHOUT ROWID;"
     /* The seed's zones (contrib/crm-seed.sql), for an archive seeded before
      * they were: only countries it has. */
     "WITH z(code, zone) AS (VALUES ('BZ', 'America/Belize'), ('CA', 'America/Toronto'),"
     "  ('CR', 'America/Costa_Rica'), ('SV', 'America/El_Salvador'),"
     "  ('US', 'America/New_York'), ('GT', 'America/Guatemala'),"
     "  ('HN', 'America/Tegucigalpa'), ('MX', 'America/Mexico_City'),"
     "  ('NI', 'America/Managua'), ('PA', 'America/Panama'), ('DO', 'America/Santo_Domingo'))"
     "  INSERT INTO country_zones (country, zone)"
     "  SELECT z.code, z.zone FROM z JOIN countries c ON c.code = z.code;"
     "CREATE TABLE consultations ("
     "  id INTEGER PRIMARY KEY," /* the seq of the opening message */
     "  title TEXT NOT NULL,"
     "  opened_by INTEGER NOT NULL,"
     "  opened_ms INTEGER NOT NULL,"
     "  ppt TEXT NOT NULL,"
     "  troika TEXT NOT NULL," /* comma-separated, fixed at open */
     "  state TEXT NOT NULL CHECK (state IN ('open','closed')),"
     "  stage INTEGER NOT NULL CHECK (stage BETWEEN 0 AND 2),"
     "  version INTEGER NOT NULL,"
     "  outcome TEXT NOT NULL DEFAULT '',"
     "  reason TEXT NOT NULL DEFAULT '',"
     "  closed_ms INTEGER NOT NULL DEFAULT 0,"
     "  updated_ms INTEGER NOT NULL);"
     "CREATE TABLE consult_versions ("
     "  consultation INTEGER NOT NULL, version INTEGER NOT NULL, stage INTEGER NOT NULL,"
     "  seq INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
     "  PRIMARY KEY (consultation, version)) WITHOUT ROWID;"
     "CREATE TABLE consult_targets ("
     "  consultation INTEGER NOT NULL, stage INTEGER NOT NULL, country TEXT NOT NULL,"
     "  zone TEXT NOT NULL DEFAULT '', opened_ms INTEGER NOT NULL,"
     "  deadline_ms INTEGER NOT NULL DEFAULT 0,"
     "  state TEXT NOT NULL CHECK (state IN ('pending','answered','no-answer','no-objection',"
     "    'closed')),"
     "  step INTEGER NOT NULL DEFAULT 0,"   /* reminders and notices sent so far */
     "  due_ms INTEGER NOT NULL DEFAULT 0," /* when the next one is due (0: none) */
     "  reminder_ms INTEGER NOT NULL DEFAULT 0, last_day_ms INTEGER NOT NULL DEFAULT 0,"
     "  escalate_ms INTEGER NOT NULL DEFAULT 0,"
     "  PRIMARY KEY (consultation, stage, country)) WITHOUT ROWID;"
     "CREATE INDEX consult_targets_due ON consult_targets (due_ms) WHERE due_ms > 0;"
     "CREATE TABLE consult_answers ("
     "  id INTEGER PRIMARY KEY, consultation INTEGER NOT NULL, stage INTEGER NOT NULL,"
     "  country TEXT NOT NULL, answer TEXT NOT NULL, seq INTEGER NOT NULL,"
     "  officer_id INTEGER NOT NULL, version INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
     "  late INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX consult_answers_of ON consult_answers (consultation, stage, country, id);"
     "CREATE TABLE consult_events ("
     "  id INTEGER PRIMARY KEY, consultation INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
     "  event TEXT NOT NULL, stage INTEGER NOT NULL, country TEXT NOT NULL DEFAULT '',"
     "  officer_id INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0,"
     "  detail TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX consult_events_of ON consult_events (consultation, id);",
        archive_int_chain_calendar},
    /* 12 */
    {"CREATE TABLE IF NOT EXISTS cluster_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
     " WITHOUT ROWID;",
        NULL},
};
#define MIGRATIONS ((int)(sizeof s_migrations / sizeof s_migrations[0]))

static const char *const s_sql[ST_COUNT] = {
    [ST_USER_VERSION] = "PRAGMA user_version",
    [ST_LAST_SEQ] = "SELECT COALESCE(MAX(seq), 0) FROM messages",
    [ST_DATA_VERSION] = "PRAGMA data_version",
    [ST_INTEGRITY] = "PRAGMA integrity_check(10)",
    /* Transaction control (archive_int_txn). */
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    /* A read snapshot (archive_read_begin): the SELECT starts the read
     * transaction now, not at the first read. */
    [ST_READ_BEGIN] = "BEGIN",
    [ST_READ_SNAPSHOT] = "SELECT count(*) FROM sqlite_master",
    [ST_REQ_BEGIN] = "SAVEPOINT archive_request",
    [ST_REQ_RELEASE] = "RELEASE archive_request",
    [ST_REQ_ROLLBACK] = "ROLLBACK TO archive_request",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
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
        && sqlite3_prepare_v3(self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &self->st[which], NULL)
            != SQLITE_OK) {
        archive_int_fail(self, "prepare");
        return NULL;
    }
    sqlite3_reset(self->st[which]);
    sqlite3_clear_bindings(self->st[which]);
    return self->st[which];
}

int
archive_int_end(archive_t *self, sqlite3_stmt *st, int rc, const char *what)
{
    int ok = rc == SQLITE_DONE ? 0 : archive_int_fail(self, what);
    sqlite3_reset(st);
    return ok;
}

int
archive_int_run(archive_t *self, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    return archive_int_end(self, st, rc, what);
}

int
archive_int_txn(archive_t *self, int which)
{
    sqlite3_stmt *st = s_stmt(self, which);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        snprintf(self->error, sizeof self->error, "%s", sqlite3_errmsg(self->db));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* For what runs once per file or per open, never with bound values: the
 * pragmas of open, the migrations (PRAGMA user_version takes no parameter)
 * and the directory seed, a script of statements. Everything else goes
 * through the statement cache. */
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

/* ---------------------------------------------------------- open, migrations */

static int
s_user_version(archive_t *self)
{
    /* The first statement on a file: say what failed ("file is not a
     * database") the way the rest of open does. */
    sqlite3_stmt *st = s_stmt(self, ST_USER_VERSION);
    if (!st)
        return archive_int_fail(self, "read schema version");
    int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    if (version < 0)
        archive_int_fail(self, "read schema version");
    sqlite3_reset(st);
    return version;
}

int
archive_schema_version(archive_t *self)
{
    return s_user_version(self);
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
        if (archive_int_txn(self, ST_BEGIN) != 0)
            return -1;
        /* Another connection (the hub, an offline command) may have
         * migrated between our first look and the write lock. */
        int now = s_user_version(self);
        if (now < 0 || now > v) {
            char keep[512];
            snprintf(keep, sizeof keep, "%s", self->error);
            archive_int_txn(self, ST_ROLLBACK);
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
            archive_int_txn(self, ST_ROLLBACK);
            snprintf(self->error, sizeof self->error, "%s", keep);
            return -1;
        }
        if (archive_int_txn(self, ST_COMMIT) != 0)
            return -1;
    }
    return 0;
}

/* Reads the highest seq and the ledger head. */
static int
s_load_state(archive_t *self)
{
    sqlite3_stmt *st = s_stmt(self, ST_LAST_SEQ);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW) {
        archive_int_fail(self, "read last sequence");
        sqlite3_reset(st);
        return -1;
    }
    self->last_seq = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
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
    return s_open(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), 0, pragmas, err,
        errlen);
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
    archive_int_texts_drop(self, 0);
    free(self->texts);
    archive_int_replica_end(self);
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

/* ---------------------------------------------------------- transactions */

int
archive_begin(archive_t *self)
{
    if (self->in_txn)
        return 0;
    if (archive_int_txn(self, ST_BEGIN) != 0)
        return -1;
    self->in_txn = 1;
    archive_int_replica_begin(self);
    self->txn_first_seq = self->last_seq;
    memcpy(self->txn_head, self->head, sizeof self->txn_head);
    self->txn_head_id = self->head_id;
    self->txn_head_dv = self->head_dv;
    return 0;
}

static void s_request_undo(archive_t *self);

int
archive_commit(archive_t *self)
{
    if (!self->in_txn || self->in_request)
        return 0; /* a request's writes are kept by its release */
    /* Replicated first, with the texts the flush indexes (and drops). */
    if (archive_int_replica_commit(self) != 0) {
        archive_rollback(self); /* keeps the error message */
        return -1;
    }
    if (archive_int_texts_flush(self) != 0) {
        archive_rollback(self);
        archive_int_replica_committed(self, 0);
        return -1;
    }
    self->replica_commit_ok = 1;
    int rc = archive_int_txn(self, ST_COMMIT);
    self->replica_commit_ok = 0;
    if (rc != 0) {
        archive_rollback(self);
        archive_int_replica_committed(self, 0);
        return -1;
    }
    self->in_txn = 0;
    archive_int_replica_end(self);
    archive_int_replica_committed(self, 1);
    return 0;
}

void
archive_rollback(archive_t *self)
{
    if (self->in_request) {
        s_request_undo(self);
        return;
    }
    archive_int_texts_drop(self, 0);
    if (!self->in_txn)
        return;
    char keep[512];
    snprintf(keep, sizeof keep, "%s", self->error);
    archive_int_txn(self, ST_ROLLBACK);
    snprintf(self->error, sizeof self->error, "%s", keep);
    self->in_txn = 0;
    archive_int_replica_end(self);
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
    archive_int_texts_drop(self, sp->ntexts);
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
    if (archive_int_txn(self, ST_READ_BEGIN) != 0)
        return -1;
    if (archive_int_txn(self, ST_READ_SNAPSHOT) != 0) {
        if (!sqlite3_get_autocommit(self->db))
            archive_int_txn(self, ST_ROLLBACK);
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
    archive_int_txn(self, ST_COMMIT);
    self->in_read = 0;
}

int
archive_data_version(archive_t *self, int64_t *version)
{
    sqlite3_stmt *st = s_stmt(self, ST_DATA_VERSION);
    if (!st)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW) {
        archive_int_fail(self, "data_version");
        sqlite3_reset(st);
        return -1;
    }
    *version = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

/* ---------------------------------------------------------- maintenance */

void
archive_wal_autocheckpoint(archive_t *self, int pages)
{
    sqlite3_wal_autocheckpoint(self->db, pages);
}

int
archive_integrity_check(archive_t *self, char *out, size_t cap)
{
    sqlite3_stmt *st = s_stmt(self, ST_INTEGRITY);
    if (!st)
        return -1;
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
    if (archive_int_end(self, st, rc, "integrity_check") != 0)
        return -1;
    return ok;
}
