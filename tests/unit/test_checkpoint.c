/*
 * test_checkpoint: hub/checkpoint.c. With the writer's automatic checkpoint
 * off, committed pages stay in the write-ahead log; the checkpointer thread
 * copies them into the database file on its own, without the writer doing
 * anything, and everything committed reads back through a new connection.
 */
#include <sys/stat.h>

#include <sqlite3.h>

#include "archive.h"
#include "check.h"
#include "checkpoint.h"

static char dir[128];

static long long
s_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static int
s_insert(archive_t *a, uint64_t seq)
{
    uint8_t id[16], sig[64], hash[32], content[900];
    memset(id, 0, sizeof id);
    memcpy(id, &seq, sizeof seq);
    memset(sig, 0x5a, sizeof sig);
    memset(hash, (int)(seq & 0xff), sizeof hash);
    memset(content, 'c', sizeof content);
    archive_msg_t m = {.seq = seq,
        .msg_id = id,
        .topic = "consular/ckpt",
        .network = "consular",
        .author_id = 1,
        .tlp = 3,
        .recipients = "",
        .created_ms = 1000,
        .stored_ms = 2000,
        .content = content,
        .content_len = sizeof content,
        .signature = sig,
        .content_hash = hash};
    return archive_message_insert(a, &m);
}

static void
copies_the_log_into_the_database_on_its_own(void)
{
    char path[256], wal[264], err[512];
    snprintf(path, sizeof path, "%s/archive.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    archive_t *a = archive_open(path, 1, ARCHIVE_SYNC_NORMAL, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    archive_wal_autocheckpoint(a, 0);
    long long db_before = s_size(path);
    CHECK(archive_begin(a) == 0);
    for (uint64_t seq = 1; seq <= 2000; seq++)
        CHECK(s_insert(a, seq) == 0);
    CHECK(archive_commit(a) == 0);
    /* Committed, but only in the log. */
    CHECK(s_size(wal) > 1000000);
    CHECK(s_size(path) == db_before);

    checkpointer_t *c = checkpointer_start(path, 20, ARCHIVE_SYNC_NORMAL, err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        archive_destroy(&a);
        return;
    }
    /* The file grows while the checkpoint copies; the run is counted when
     * it returns: wait for both. */
    for (int i = 0; i < 250 && (s_size(path) < 1000000 || checkpointer_runs(c) < 1); i++)
        usleep(20000);
    CHECK(s_size(path) > 1000000);
    CHECK(checkpointer_runs(c) >= 1);
    /* The writer goes on meanwhile: commits are not blocked. */
    for (uint64_t seq = 2001; seq <= 2100; seq++) {
        CHECK(archive_begin(a) == 0);
        CHECK(s_insert(a, seq) == 0);
        CHECK(archive_commit(a) == 0);
    }
    checkpointer_stop(&c);
    CHECK(c == NULL);
    checkpointer_stop(&c); /* accepts NULL */
    archive_destroy(&a);
    /* Everything committed is there for a new reader. */
    sqlite3 *db;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    int n = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM messages", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK(n == 2100);
}

static void
refuses_a_missing_archive(void)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/absent/archive.db", dir);
    checkpointer_t *c = checkpointer_start(path, 20, ARCHIVE_SYNC_NORMAL, err, sizeof err);
    CHECK(c == NULL);
    CHECK(strstr(err, "absent") != NULL);
}

int
main(void)
{
    if (check_tempdir(dir, sizeof dir, "checkpoint") != 0)
        return EXIT_FAILURE;
    RUN(copies_the_log_into_the_database_on_its_own);
    RUN(refuses_a_missing_archive);
    check_tempdir_remove(dir);
    return CHECK_DONE();
}
