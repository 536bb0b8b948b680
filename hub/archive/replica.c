/*
 * replica.c: the archive as one replica of a cluster (hub/cluster/).
 *
 * On the leader every write transaction is recorded, from its BEGIN, by an
 * SQLite session (the session extension, which Debian's libsqlite3 is built
 * with) attached to every table but cluster_state and the full-text index's
 * (message_text and its shadow tables: derived data, and FTS5's merges
 * rewrite old segments, so their share of a changeset has no bound: a
 * first version that replicated them made 2 MiB entries of 1 KiB
 * messages); archive_commit hands the transaction's changeset and the texts
 * it indexes to the replicator before COMMIT, and commits only if the
 * replicator says the cluster has them. Each replica indexes the texts
 * itself. A commit hook refuses every other commit on that
 * connection (an autocommit write, a savepoint that opened its own
 * transaction): nothing reaches the file of a cluster node without going
 * through the log first.
 *
 * On a follower the changesets are applied in log order, each in one
 * transaction with the log index it came from. A conflict (a row that is
 * not as the leader found it) aborts the entry: the file has diverged and
 * must be restored from a peer's backup; nothing is ever "fixed up".
 *
 * cluster_state (migration 12) is each node's bookkeeping, the same on every
 * node at the same index: "cluster" (the cluster's name, written when a
 * node first runs in it) and "applied" (the index of the last log entry the
 * file holds, written in that entry's transaction). Neither replicated nor
 * chained: the log itself says what every index holds.
 */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"

static const char *const s_sql[ST_COUNT] = {
    [ST_REPLICA_GET] = "SELECT value FROM cluster_state WHERE key = ?",
    [ST_REPLICA_SET] = "INSERT INTO cluster_state (key, value) VALUES (?, ?)"
                       " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [ST_REPLICA_HEAD] = "SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

/* ---------------------------------------------------------- capture (leader) */

/* Every table but the node's own bookkeeping and the full-text index. */
static int
s_table_filter(void *arg, const char *table)
{
    (void)arg;
    return strcmp(table, "cluster_state") != 0 && strncmp(table, "message_text", 12) != 0;
}

/* SQLite's commit hook: non-zero turns the COMMIT into a rollback. Only the
 * COMMIT archive_commit runs after the replicator agreed may pass. */
static int
s_commit_guard(void *arg)
{
    archive_t *self = arg;
    return !self->replica_commit_ok;
}

int
archive_replicate(archive_t *self, const archive_replicator_t *r)
{
    if (self->in_txn) {
        snprintf(self->error, sizeof self->error, "replication starts outside a transaction");
        return -1;
    }
    self->replicator = *r;
    self->replicating = 1;
    sqlite3_commit_hook(self->db, s_commit_guard, self);
    return 0;
}

void
archive_int_replica_begin(archive_t *self)
{
    if (!self->replicating)
        return;
    archive_int_replica_end(self);
    sqlite3_session *s = NULL;
    if (sqlite3session_create(self->db, "main", &s) != SQLITE_OK) {
        /* Without a session nothing could be replicated: the commit
         * refuses (s_capture sees no session). */
        archive_int_fail(self, "start recording changes");
        return;
    }
    int on = 1;
    sqlite3session_object_config(s, SQLITE_SESSION_OBJCONFIG_SIZE, &on);
    sqlite3session_table_filter(s, s_table_filter, NULL);
    if (sqlite3session_attach(s, NULL) != SQLITE_OK) {
        archive_int_fail(self, "start recording changes");
        sqlite3session_delete(s);
        return;
    }
    self->session = s;
}

void
archive_int_replica_end(archive_t *self)
{
    if (self->session) {
        sqlite3session_delete(self->session);
        self->session = NULL;
    }
}

int
archive_int_replica_commit(archive_t *self)
{
    if (!self->replicating)
        return 0;
    if (!self->session) {
        snprintf(self->error, sizeof self->error,
            "the transaction's changes were not recorded; nothing was stored");
        return -1;
    }
    int n = 0;
    void *changes = NULL;
    if (!sqlite3session_isempty(self->session)
        && sqlite3session_changeset(self->session, &n, &changes) != SQLITE_OK)
        return archive_int_fail(self, "record the transaction's changes");
    archive_text_view_t *views = NULL;
    if (self->ntexts && !(views = calloc(self->ntexts, sizeof *views))) {
        sqlite3_free(changes);
        snprintf(self->error, sizeof self->error, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < self->ntexts; i++)
        views[i] = (archive_text_view_t){.seq = self->texts[i].seq,
            .headline = self->texts[i].headline,
            .body = self->texts[i].body,
            .body_len = self->texts[i].body_len};
    int rc = self->replicator.replicate(self->replicator.arg, self, changes,
        (size_t)(n > 0 ? n : 0), views, self->ntexts);
    free(views);
    sqlite3_free(changes);
    if (rc != 0) {
        snprintf(self->error, sizeof self->error,
            "the cluster's log did not take the batch; nothing was stored");
        return -1;
    }
    return 0;
}

void
archive_int_replica_committed(archive_t *self, int ok)
{
    if (self->replicating && self->replicator.committed)
        self->replicator.committed(self->replicator.arg, ok);
}

int64_t
archive_replica_pending(archive_t *self)
{
    if (!self->session)
        return 0;
    int64_t n = (int64_t)sqlite3session_changeset_size(self->session);
    for (size_t i = 0; i < self->ntexts; i++)
        n += 16 + (int64_t)self->texts[i].body_len
            + (int64_t)(self->texts[i].headline ? strlen(self->texts[i].headline) : 0);
    return n;
}

/* ---------------------------------------------------------- apply (follower) */

typedef struct {
    archive_t *self;
    int conflicts;
} apply_t;

static const char *
s_conflict_name(int kind)
{
    switch (kind) {
    case SQLITE_CHANGESET_DATA:
        return "a row differs from the leader's";
    case SQLITE_CHANGESET_NOTFOUND:
        return "a row the leader changed is missing";
    case SQLITE_CHANGESET_CONFLICT:
        return "a row the leader inserted already exists";
    case SQLITE_CHANGESET_CONSTRAINT:
        return "a constraint fails";
    case SQLITE_CHANGESET_FOREIGN_KEY:
        return "a foreign key fails";
    default:
        return "conflict";
    }
}

/* Any conflict means this file is not the leader's: stop, and say where. */
static int
s_conflict(void *arg, int kind, sqlite3_changeset_iter *it)
{
    apply_t *a = arg;
    const char *table = "";
    int ncol = 0, op = 0, indirect = 0;
    if (kind != SQLITE_CHANGESET_FOREIGN_KEY)
        sqlite3changeset_op(it, &table, &ncol, &op, &indirect);
    if (!a->conflicts++)
        snprintf(a->self->error, sizeof a->self->error,
            "the archive has diverged from the cluster's log: %s%s%s", s_conflict_name(kind),
            table[0] ? " in table " : "", table);
    return SQLITE_CHANGESET_ABORT;
}

int
archive_replica_apply(archive_t *self, const void *changes, size_t len)
{
    if (!self->in_txn) {
        snprintf(self->error, sizeof self->error, "a log entry is applied in a transaction");
        return -1;
    }
    if (len == 0)
        return 0;
    if (len > INT32_MAX) {
        snprintf(self->error, sizeof self->error, "a log entry is too large");
        return -1;
    }
    apply_t a = {.self = self};
    self->error[0] = '\0';
    int rc = sqlite3changeset_apply(self->db, (int)len, (void *)changes, NULL, s_conflict, &a);
    if (rc == SQLITE_OK && !a.conflicts)
        return 0;
    if (!a.conflicts)
        snprintf(self->error, sizeof self->error, "applying a log entry: %s%s", sqlite3_errstr(rc),
            rc == SQLITE_CORRUPT ? " (the entry's changes do not decode)" : "");
    return -1;
}

/* ---------------------------------------------------------- cluster_state */

static int
s_get(archive_t *self, const char *key, char *out, size_t cap)
{
    sqlite3_stmt *st = s_stmt(self, ST_REPLICA_GET);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        snprintf(out, cap, "%s", v ? v : "");
        sqlite3_reset(st);
        return 1;
    }
    return archive_int_end(self, st, rc, "cluster state");
}

static int
s_set(archive_t *self, const char *key, const char *value)
{
    sqlite3_stmt *st = s_stmt(self, ST_REPLICA_SET);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    return archive_int_run(self, st, "cluster state");
}

int
archive_replica_state(archive_t *self, char *cluster, size_t cap, uint64_t *applied)
{
    char v[64];
    *applied = 0;
    if (cap)
        cluster[0] = '\0';
    int have = s_get(self, "cluster", cluster, cap);
    if (have <= 0)
        return have;
    int got = s_get(self, "applied", v, sizeof v);
    if (got < 0)
        return -1;
    if (got == 1) {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (*end || end == v) {
            snprintf(self->error, sizeof self->error, "cluster_state: applied is not a number");
            return -1;
        }
        *applied = n;
    }
    return 1;
}

int
archive_replica_join(archive_t *self, const char *cluster)
{
    char old[128];
    uint64_t applied;
    int have = archive_replica_state(self, old, sizeof old, &applied);
    if (have < 0)
        return -1;
    if (have == 1) {
        if (strcmp(old, cluster) == 0)
            return 0;
        snprintf(self->error, sizeof self->error, "this archive belongs to cluster '%s', not '%s'",
            old, cluster);
        return -1;
    }
    /* Its own small transaction: a node joins before it replicates. */
    if (archive_int_txn(self, ST_BEGIN) != 0)
        return -1;
    if (s_set(self, "cluster", cluster) != 0 || s_set(self, "applied", "0") != 0) {
        char keep[512];
        snprintf(keep, sizeof keep, "%s", self->error);
        archive_int_txn(self, ST_ROLLBACK);
        snprintf(self->error, sizeof self->error, "%s", keep);
        return -1;
    }
    return archive_int_txn(self, ST_COMMIT);
}

int
archive_replica_set_applied(archive_t *self, uint64_t index)
{
    if (!self->in_txn) {
        snprintf(self->error, sizeof self->error, "the applied index is set in a transaction");
        return -1;
    }
    char v[32];
    snprintf(v, sizeof v, "%llu", (unsigned long long)index);
    return s_set(self, "applied", v);
}

int
archive_replica_head(archive_t *self, int64_t *id, uint8_t hash[ARCHIVE_HASH_BYTES])
{
    sqlite3_stmt *st = s_stmt(self, ST_REPLICA_HEAD);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    *id = 0;
    memset(hash, 0, ARCHIVE_HASH_BYTES);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 1) != ARCHIVE_HASH_BYTES) {
            snprintf(self->error, sizeof self->error,
                "the last ledger record is damaged; run 'enlace-hub verify'");
            sqlite3_reset(st);
            return -1;
        }
        *id = sqlite3_column_int64(st, 0);
        memcpy(hash, sqlite3_column_blob(st, 1), ARCHIVE_HASH_BYTES);
        sqlite3_reset(st);
        return 0;
    }
    return archive_int_end(self, st, rc, "read ledger head");
}
