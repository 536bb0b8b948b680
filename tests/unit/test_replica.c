/*
 * test_replica.c: the archive as a cluster replica (hub/archive/replica.c).
 * A "leader" archive replicates every transaction into changesets the test
 * keeps; a "follower" archive, a copy of the leader's file before it
 * started, applies them: both end with the same rows, the same ledger head,
 * the same full-text index; the leader refuses commits that bypass the
 * replicator; a follower whose file differs stops at the first conflict.
 */
#include "archive_fixture.h"

#include "archive.h"

/* A text an entry carries. */
typedef struct {
    uint64_t seq;
    char headline[64];
    char body[64];
} text_t;

/* What the test's replicator records. */
typedef struct {
    uint8_t *log[64];
    size_t len[64];
    text_t texts[64][4];
    size_t ntexts[64];
    int n;
    int refuse;     /* answer non-zero: the cluster did not take it */
    int committed;  /* committed(ok=1) calls */
    uint64_t index; /* the index written with each entry */
} log_t;

static int
s_replicate(void *arg, archive_t *a, const void *changes, size_t len,
    const archive_text_view_t *texts, size_t ntexts)
{
    log_t *l = arg;
    if (l->refuse)
        return -1;
    if (len == 0 && ntexts == 0)
        return 0;
    if (l->n == 64 || ntexts > 4)
        return -1;
    l->log[l->n] = malloc(len ? len : 1);
    if (len)
        memcpy(l->log[l->n], changes, len);
    l->len[l->n] = len;
    for (size_t i = 0; i < ntexts; i++) {
        text_t *t = &l->texts[l->n][i];
        t->seq = texts[i].seq;
        snprintf(t->headline, sizeof t->headline, "%s", texts[i].headline);
        snprintf(t->body, sizeof t->body, "%.*s", (int)texts[i].body_len, texts[i].body);
    }
    l->ntexts[l->n] = ntexts;
    l->n++;
    return archive_replica_set_applied(a, ++l->index);
}

static void
s_committed(void *arg, int ok)
{
    log_t *l = arg;
    if (ok)
        l->committed++;
}

static void
s_log_free(log_t *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->log[i]);
    l->n = 0;
}

/* A message with searchable text, stored as the hub stores one. */
static int
s_store(archive_t *a, uint64_t seq, const char *body)
{
    uint8_t id[16], sig[64], hash[32];
    memset(id, (int)seq, sizeof id);
    memset(sig, 0x5a, sizeof sig);
    memset(hash, (int)seq, sizeof hash);
    archive_msg_t m = {.seq = seq,
        .msg_id = id,
        .topic = "consular/death/MX",
        .network = "consular",
        .author_id = 0,
        .tlp = 3,
        .recipients = "",
        .created_ms = 1000 + (int64_t)seq,
        .stored_ms = 2000 + (int64_t)seq,
        .content = (const uint8_t *)body,
        .content_len = strlen(body),
        .signature = sig,
        .content_hash = hash};
    if (archive_message_insert(a, &m) != 0)
        return -1;
    return archive_text_index(a, seq, "", body, strlen(body));
}

static void
s_copy(const char *from, const char *to)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \".backup '%s'\"", from, to);
    CHECK(system(cmd) == 0);
}

static void
follower_ends_equal_to_leader(void)
{
    char lpath[256], fpath[256];
    archive_t *l = s_open("leader.db", lpath);
    if (!l)
        return;
    CHECK(archive_replica_join(l, "test") == 0);
    archive_destroy(&l);
    snprintf(fpath, sizeof fpath, "%s/follower.db", s_dir);
    s_copy(lpath, fpath);
    char err[512];
    l = archive_open(lpath, 0, ARCHIVE_SYNC_OFF, err, sizeof err);
    archive_t *f = archive_open(fpath, 0, ARCHIVE_SYNC_OFF, err, sizeof err);
    CHECK(l && f);
    if (!l || !f)
        return;
    log_t log = {0};
    archive_replicator_t r = {.replicate = s_replicate, .committed = s_committed, .arg = &log};
    CHECK(archive_replicate(l, &r) == 0);

    /* Two batches, each a transaction with savepoints, one undone. */
    for (int b = 0; b < 2; b++) {
        CHECK(archive_begin(l) == 0);
        archive_savepoint_t sp;
        CHECK(archive_savepoint(l, &sp) == 0);
        CHECK(
            s_store(l, (uint64_t)(b * 2 + 1), b ? "deportación en Tapachula" : "hola mundo") == 0);
        CHECK(archive_audit(l, 1, "FP", "publish", "ok", "") == 0);
        CHECK(archive_savepoint_release(l, &sp) == 0);
        CHECK(archive_savepoint(l, &sp) == 0);
        CHECK(s_store(l, 99, "undone") == 0);
        CHECK(archive_savepoint_rollback(l, &sp) == 0);
        CHECK(archive_savepoint(l, &sp) == 0);
        CHECK(s_store(l, (uint64_t)(b * 2 + 2), "segundo mensaje") == 0);
        CHECK(archive_sub_put(l, 7, "consular/#", (uint64_t)(b * 2 + 2)) == 0);
        CHECK(archive_savepoint_release(l, &sp) == 0);
        CHECK(archive_commit(l) == 0);
    }
    CHECK(log.n == 2);
    CHECK(log.committed == 2);
    /* A transaction that changes nothing is not an entry. */
    CHECK(archive_begin(l) == 0);
    CHECK(archive_commit(l) == 0);
    CHECK(log.n == 2);

    /* The full-text index is not in the changesets: each replica indexes
     * the texts the entry carries. */
    CHECK(log.ntexts[0] == 2 && log.ntexts[1] == 2);
    CHECK(log.ntexts[0] == 2 && !strcmp(log.texts[0][0].body, "hola mundo"));
    for (int i = 0; i < log.n; i++) {
        CHECK(archive_begin(f) == 0);
        CHECK(archive_replica_apply(f, log.log[i], log.len[i]) == 0);
        for (size_t k = 0; k < log.ntexts[i]; k++)
            CHECK(archive_text_index(f, log.texts[i][k].seq, log.texts[i][k].headline,
                      log.texts[i][k].body, strlen(log.texts[i][k].body))
                == 0);
        CHECK(archive_replica_set_applied(f, (uint64_t)i + 1) == 0);
        CHECK(archive_commit(f) == 0);
    }
    int64_t lid, fid;
    uint8_t lh[32], fh[32];
    CHECK(archive_replica_head(l, &lid, lh) == 0);
    CHECK(archive_replica_head(f, &fid, fh) == 0);
    CHECK(lid == fid && lid > 0);
    CHECK(memcmp(lh, fh, 32) == 0);
    char name[64];
    uint64_t la, fa;
    CHECK(archive_replica_state(l, name, sizeof name, &la) == 1);
    CHECK(archive_replica_state(f, name, sizeof name, &fa) == 1);
    CHECK(la == 2 && fa == 2);
    CHECK_STREQ(name, "test");
    archive_destroy(&f);
    /* Reopened, the follower's full-text index finds what the leader's does. */
    f = archive_open(fpath, 0, ARCHIVE_SYNC_OFF, err, sizeof err);
    uint64_t seqs[8];
    int n = 0;
    CHECK(archive_text_search(f, "deportacion", 0, 100, 8, seqs, &n) == 0);
    CHECK(n == 1 && seqs[0] == 3);
    CHECK(archive_text_search(f, "undone", 0, 100, 8, seqs, &n) == 0);
    CHECK(n == 0);
    CHECK(archive_message_count(f) == 4);

    /* Applying an entry twice conflicts: nothing is fixed up. */
    CHECK(archive_begin(f) == 0);
    CHECK(archive_replica_apply(f, log.log[0], log.len[0]) != 0);
    CHECK(strstr(archive_error(f), "diverged") != NULL);
    archive_rollback(f);
    CHECK(archive_message_count(f) == 4);
    archive_destroy(&f);
    archive_destroy(&l);
    s_log_free(&log);
}

static void
leader_rolls_back_what_the_log_refuses(void)
{
    char path[256];
    archive_t *l = s_open("refuse.db", path);
    if (!l)
        return;
    log_t log = {.refuse = 1};
    archive_replicator_t r = {.replicate = s_replicate, .committed = s_committed, .arg = &log};
    CHECK(archive_replicate(l, &r) == 0);
    CHECK(archive_begin(l) == 0);
    CHECK(s_store(l, 1, "never stored") == 0);
    CHECK(archive_commit(l) != 0);
    CHECK(archive_last_seq(l) == 0);
    CHECK(archive_message_count(l) == 0);
    /* A write outside a transaction would commit by itself: refused. */
    log.refuse = 0;
    CHECK(archive_meta_set(l, "x", "y") != 0);
    char v[8];
    CHECK(archive_meta_get(l, "x", v, sizeof v) == 0);
    CHECK(archive_audit(l, 0, NULL, "test", "ok", "") != 0);
    CHECK(log.n == 0);
    archive_destroy(&l);
    s_log_free(&log);
}

static void
join_refuses_another_cluster(void)
{
    char path[256];
    archive_t *a = s_open("join.db", path);
    if (!a)
        return;
    char name[64];
    uint64_t applied = 9;
    CHECK(archive_replica_state(a, name, sizeof name, &applied) == 0);
    CHECK(archive_replica_join(a, "crm") == 0);
    CHECK(archive_replica_join(a, "crm") == 0);
    CHECK(archive_replica_join(a, "other") != 0);
    CHECK(archive_replica_state(a, name, sizeof name, &applied) == 1);
    CHECK_STREQ(name, "crm");
    CHECK(applied == 0);
    CHECK(archive_schema_version(a) >= 12);
    archive_destroy(&a);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(s_count_rows(db, "SELECT count(*) FROM cluster_state") == 2);
    sqlite3_close(db);
}

int
main(void)
{
    if (check_tempdir(s_dir, sizeof s_dir, "replica") != 0)
        return CHECK_DONE();
    RUN(follower_ends_equal_to_leader);
    RUN(leader_rolls_back_what_the_log_refuses);
    RUN(join_refuses_another_cluster);
    check_tempdir_remove(s_dir);
    return CHECK_DONE();
}
