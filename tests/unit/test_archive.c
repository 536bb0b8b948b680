/*
 * test_archive.c: the hub's SQLite file (hub/archive/): open and migrations,
 * transactions and savepoints (db.c), messages and history (messages.c),
 * the full-text index (text.c), subscriptions and the audit log. The
 * directory has its own test program, test_archive_officers.c.
 *
 * Each test opens its own archive file in one private directory under /tmp
 * (archive_fixture.h).
 * Where the archive must defend itself against other writers (the audit
 * log), the test opens a second connection with the sqlite3 API directly.
 */
#include "archive_fixture.h"
#include "keys.h"
#include "topic.h"

/* A message whose every field derives from seq; buffers are caller-owned. */
typedef struct {
    uint8_t id[16], sig[64], hash[32], content[8];
    char topic[32];
    archive_msg_t msg;
} fixture_msg_t;

static const archive_msg_t *
s_msg(fixture_msg_t *f, uint64_t seq, uint8_t id_tag)
{
    memset(f->id, id_tag, sizeof f->id);
    memset(f->sig, 0x5a, sizeof f->sig);
    memset(f->hash, (int)(seq & 0xff), sizeof f->hash);
    memset(f->content, 'c', sizeof f->content);
    snprintf(f->topic, sizeof f->topic, "consular/m%llu", (unsigned long long)seq);
    f->msg = (archive_msg_t){
        .seq = seq,
        .msg_id = f->id,
        .topic = f->topic,
        .network = "consular",
        .author_id = 1,
        .tlp = 3,
        .recipients = "",
        .created_ms = 1000 + (int64_t)seq,
        .stored_ms = 2000 + (int64_t)seq,
        .content = f->content,
        .content_len = sizeof f->content,
        .signature = f->sig,
        .content_hash = f->hash,
    };
    return &f->msg;
}

static int
s_insert(archive_t *a, uint64_t seq, uint8_t id_tag)
{
    fixture_msg_t f;
    return archive_message_insert(a, s_msg(&f, seq, id_tag));
}

/* ------------------------------------------------------------------ open */

static void
creates_schema_on_open(void)
{
    char path[256];
    archive_t *a = s_open("schema.db", path);
    if (!a)
        return;
    CHECK(archive_last_seq(a) == 0);
    CHECK(archive_message_count(a) == 0);
    char nets[64] = "x";
    CHECK(archive_networks(a, nets, sizeof nets) == 0);
    CHECK_STREQ(nets, "");
    archive_destroy(&a);
    CHECK(a == NULL);
    archive_destroy(&a); /* NULL is accepted */

    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(s_count_rows(db, "PRAGMA user_version") >= 1);
    CHECK(s_count_rows(db,
              "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
              " ('countries','organisations','networks','officers','officer_keys',"
              "  'memberships','messages','subscriptions','audit')")
        == 9);
    sqlite3_close(db);
}

static void
refuses_missing_file_without_create(void)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/absent.db", s_dir);
    CHECK(archive_open(path, 0, ARCHIVE_SYNC_OFF, err, sizeof err) == NULL);
    CHECK(*err != '\0');
    CHECK(access(path, F_OK) != 0);
}

static void
refuses_archive_from_a_newer_hub(void)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/future.db", s_dir);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    archive_t *a = archive_open(path, 0, ARCHIVE_SYNC_OFF, err, sizeof err);
    CHECK(a == NULL);
    CHECK(strstr(err, "newer") != NULL);
    archive_destroy(&a);
}

static void
reopening_keeps_messages_and_last_seq(void)
{
    char path[256], err[512] = "";
    archive_t *a = s_open("reopen.db", path);
    if (!a)
        return;
    CHECK(s_insert(a, 1, 0x11) == 0);
    CHECK(s_insert(a, 4, 0x14) == 0);
    archive_destroy(&a);
    a = archive_open(path, 0, ARCHIVE_SYNC_OFF, err, sizeof err);
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK(archive_last_seq(a) == 4);
    CHECK(archive_message_count(a) == 2);
    uint8_t id[16], hash[32];
    uint64_t seq = 0;
    memset(id, 0x14, sizeof id);
    CHECK(archive_message_find(a, id, &seq, hash, NULL) == 1);
    CHECK(seq == 4);
    /* And it goes on from there. */
    CHECK(s_insert(a, 4, 0x15) != 0);
    CHECK(s_insert(a, 5, 0x15) == 0);
    archive_destroy(&a);
}

/* --------------------------------------------------------------- messages */

static void
finds_inserted_message_by_id(void)
{
    char path[256];
    archive_t *a = s_open("find.db", path);
    if (!a)
        return;
    fixture_msg_t f;
    CHECK(archive_message_insert(a, s_msg(&f, 42, 0xab)) == 0);
    CHECK(archive_last_seq(a) == 42);
    uint64_t seq = 0;
    uint8_t hash[32] = {0};
    CHECK(archive_message_find(a, f.id, &seq, hash, NULL) == 1);
    CHECK(seq == 42);
    CHECK(memcmp(hash, f.hash, sizeof hash) == 0);
    uint8_t unknown[16];
    memset(unknown, 0xcd, sizeof unknown);
    CHECK(archive_message_find(a, unknown, &seq, hash, NULL) == 0);
    archive_destroy(&a);
}

static void
refuses_seq_not_above_last(void)
{
    char path[256];
    archive_t *a = s_open("seq.db", path);
    if (!a)
        return;
    CHECK(s_insert(a, 5, 0x01) == 0);
    CHECK(s_insert(a, 5, 0x02) != 0);
    CHECK(strstr(archive_error(a), "sequence") != NULL);
    CHECK(s_insert(a, 3, 0x03) != 0);
    CHECK(s_insert(a, 0, 0x04) != 0);
    CHECK(archive_last_seq(a) == 5);
    CHECK(archive_message_count(a) == 1);
    CHECK(s_insert(a, 6, 0x05) == 0);
    archive_destroy(&a);
}

static void
refuses_duplicate_message_id(void)
{
    char path[256];
    archive_t *a = s_open("dup.db", path);
    if (!a)
        return;
    CHECK(s_insert(a, 1, 0x77) == 0);
    CHECK(s_insert(a, 2, 0x77) != 0);
    CHECK(*archive_error(a) != '\0');
    CHECK(archive_last_seq(a) == 1); /* a failed insert does not use up the seq */
    CHECK(archive_message_count(a) == 1);
    CHECK(s_insert(a, 2, 0x78) == 0);
    archive_destroy(&a);
}

/* Seqs a search finds, as a count; the first in *first. */
static int
s_search(archive_t *a, const char *query, uint64_t *first)
{
    uint64_t seqs[16];
    int n = -1;
    if (archive_text_search(a, query, 0, INT64_MAX, 16, seqs, &n) != 0)
        return -1;
    *first = n > 0 ? seqs[0] : 0;
    return n;
}

static void
indexes_text_at_the_commit_and_drops_it_on_rollback(void)
{
    char path[256];
    archive_t *a = s_open("text.db", path);
    if (!a)
        return;
    uint64_t first;
    /* Outside a transaction: indexed at once. */
    CHECK(s_insert(a, 1, 0x01) == 0);
    CHECK(archive_text_index(a, 1, "", "menor no acompañado", strlen("menor no acompañado")) == 0);
    CHECK(s_search(a, "acompanado", &first) == 1 && first == 1);
    /* In a transaction: not searchable before the commit, then found. */
    CHECK(archive_begin(a) == 0);
    CHECK(s_insert(a, 2, 0x02) == 0);
    CHECK(archive_text_index(a, 2, "Alerta", "ruta de trata en Tapachula", 26) == 0);
    CHECK(s_insert(a, 3, 0x03) == 0);
    CHECK(archive_text_index(a, 3, "", "traslado a albergue", 19) == 0);
    CHECK(s_search(a, "tapachula", &first) == 0);
    CHECK(archive_commit(a) == 0);
    CHECK(s_search(a, "tapachula", &first) == 1 && first == 2);
    CHECK(s_search(a, "alerta", &first) == 1 && first == 2);
    CHECK(s_search(a, "albergue", &first) == 1 && first == 3);
    /* Rolled back: neither the message nor its text. */
    CHECK(archive_begin(a) == 0);
    CHECK(s_insert(a, 4, 0x04) == 0);
    CHECK(archive_text_index(a, 4, "", "deportación de menores", strlen("deportación de menores"))
        == 0);
    archive_rollback(a);
    CHECK(s_search(a, "deportacion", &first) == 0);
    /* The same seq stored again carries its new text only. */
    CHECK(archive_begin(a) == 0);
    CHECK(s_insert(a, 4, 0x05) == 0);
    CHECK(archive_text_index(a, 4, "", "repatriación", strlen("repatriación")) == 0);
    CHECK(archive_commit(a) == 0);
    CHECK(s_search(a, "deportacion", &first) == 0);
    CHECK(s_search(a, "repatriacion", &first) == 1 && first == 4);
    archive_destroy(&a);
}

/* Migration 9 turns the full-text index contentless: what an archive of
 * schema 8 had indexed is still found, and new texts too. */
static void
search_is_the_same_after_the_index_loses_its_copy(void)
{
    char path[256];
    archive_t *a = s_open("text-old.db", path);
    if (!a)
        return;
    CHECK(s_insert(a, 1, 0x01) == 0);
    CHECK(s_insert(a, 2, 0x02) == 0);
    archive_destroy(&a);
    /* Back to schema 8: the index with its own copy of every text (as
     * migration 5 made it), and messages_topic (and no sealed column, 10, nor calendar, 11). */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
              "DROP TABLE country_zones; DROP TABLE holidays; DROP TABLE consultations;"
              " DROP TABLE consult_versions; DROP TABLE consult_targets;"
              " DROP TABLE consult_answers; DROP TABLE consult_events;"
              " DROP INDEX messages_sealed; ALTER TABLE messages DROP COLUMN sealed;"
              " DROP TABLE message_text;"
              " CREATE VIRTUAL TABLE message_text USING fts5(headline, body,"
              "  tokenize = 'unicode61 remove_diacritics 2');"
              " INSERT INTO message_text (rowid, headline, body) VALUES"
              "  (1, 'Alerta', 'menor no acompañado en Tapachula'),"
              "  (2, '', 'traslado a albergue');"
              " CREATE INDEX messages_topic ON messages (topic, seq);"
              " PRAGMA user_version = 8",
              NULL, NULL, NULL)
        == SQLITE_OK);
    sqlite3_close(db);
    char err[512];
    CHECK((a = archive_open(path, 0, ARCHIVE_SYNC_OFF, err, sizeof err)) != NULL);
    if (!a)
        return;
    uint64_t first;
    CHECK(s_search(a, "acompanado", &first) == 1 && first == 1);
    CHECK(s_search(a, "alerta", &first) == 1 && first == 1); /* a headline */
    CHECK(s_search(a, "\"traslado a albergue\"", &first) == 1 && first == 2);
    CHECK(s_insert(a, 3, 0x03) == 0);
    CHECK(archive_text_index(a, 3, "", "ruta de trata", 13) == 0);
    CHECK(s_search(a, "trata", &first) == 1 && first == 3);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(s_count_rows(db, "PRAGMA user_version") == 12);
    /* the index holds no copy of the texts, and messages_topic is gone */
    CHECK(s_count_rows(db, "SELECT count(*) FROM sqlite_master WHERE name = 'message_text_content'")
        == 0);
    CHECK(
        s_count_rows(db, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_topic'") == 0);
    sqlite3_close(db);
    archive_destroy(&a);
}

static void
rollback_restores_last_seq(void)
{
    char path[256];
    archive_t *a = s_open("txn.db", path);
    if (!a)
        return;
    CHECK(s_insert(a, 1, 0x01) == 0);
    CHECK(archive_begin(a) == 0);
    CHECK(archive_in_transaction(a) == 1);
    CHECK(s_insert(a, 2, 0x02) == 0);
    CHECK(s_insert(a, 3, 0x03) == 0);
    CHECK(archive_last_seq(a) == 3);
    archive_rollback(a);
    CHECK(archive_in_transaction(a) == 0);
    CHECK(archive_last_seq(a) == 1);
    CHECK(archive_message_count(a) == 1);
    uint8_t id[16], hash[32];
    uint64_t seq;
    memset(id, 0x02, sizeof id);
    CHECK(archive_message_find(a, id, &seq, hash, NULL) == 0);
    /* The seqs given back are used again, and a commit keeps them. */
    CHECK(archive_begin(a) == 0);
    CHECK(s_insert(a, 2, 0x02) == 0);
    CHECK(archive_commit(a) == 0);
    CHECK(archive_in_transaction(a) == 0);
    CHECK(archive_last_seq(a) == 2);
    CHECK(archive_message_find(a, id, &seq, hash, NULL) == 1 && seq == 2);
    archive_destroy(&a);
}

/* A request's savepoint inside the group transaction: rolling one request
 * back keeps the others, and the connection's seq, ledger head and pending
 * texts go back with it. */
static void
savepoint_rolls_back_one_request_and_keeps_the_others(void)
{
    char path[256];
    archive_t *a = s_open("savepoint.db", path);
    if (!a)
        return;
    CHECK(s_insert(a, 1, 0x01) == 0);
    int64_t head_id0;
    uint8_t head0[32];
    archive_savepoint_t sp1, sp2, sp3;
    CHECK(archive_savepoint(a, &sp1) == 0);
    CHECK(archive_in_transaction(a) == 1);
    CHECK(s_insert(a, 2, 0x02) == 0);
    CHECK(archive_text_index(a, 2, "", "primero guardado", 16) == 0);
    CHECK(archive_savepoint_release(a, &sp1) == 0);
    archive_ledger_head(a, &head_id0, head0);
    CHECK(archive_savepoint(a, &sp2) == 0);
    CHECK(s_insert(a, 3, 0x03) == 0);
    CHECK(archive_text_index(a, 3, "", "segundo deshecho", 16) == 0);
    CHECK(archive_last_seq(a) == 3);
    CHECK(archive_savepoint_rollback(a, &sp2) == 0);
    CHECK(archive_in_transaction(a) == 1);
    CHECK(archive_last_seq(a) == 2);
    int64_t head_id;
    uint8_t head[32];
    archive_ledger_head(a, &head_id, head);
    CHECK(head_id == head_id0 && memcmp(head, head0, 32) == 0);
    /* The next request takes seq 3 again, and commits with the first. */
    CHECK(archive_savepoint(a, &sp3) == 0);
    CHECK(s_insert(a, 3, 0x04) == 0);
    CHECK(archive_savepoint_release(a, &sp3) == 0);
    CHECK(archive_commit(a) == 0);
    CHECK(archive_message_count(a) == 3);
    uint8_t id[16], hash[32];
    uint64_t seq = 0;
    memset(id, 0x03, sizeof id);
    CHECK(archive_message_find(a, id, &seq, hash, NULL) == 0);
    memset(id, 0x04, sizeof id);
    CHECK(archive_message_find(a, id, &seq, hash, NULL) == 1 && seq == 3);
    uint64_t first;
    CHECK(s_search(a, "guardado", &first) == 1 && first == 2);
    CHECK(s_search(a, "deshecho", &first) == 0);
    archive_destroy(&a);
    /* The chain is whole: what was rolled back left no ledger record. */
    char cmd[512];
    snprintf(cmd, sizeof cmd,
        "test \"$(sqlite3 %s 'SELECT count(*) FROM ledger WHERE kind = \"message\"')\" = 3", path);
    CHECK(system(cmd) == 0);
}

typedef struct {
    uint64_t seqs[16];
    int n;
    int stop_after; /* 0: never */
    int valid;      /* every message had its fields intact */
} collected_t;

static int
s_collect(const archive_msg_t *m, void *arg)
{
    collected_t *c = arg;
    if (c->n < 16)
        c->seqs[c->n] = m->seq;
    c->n++;
    char topic[32];
    snprintf(topic, sizeof topic, "consular/m%llu", (unsigned long long)m->seq);
    if (strcmp(m->topic, topic) != 0 || strcmp(m->network, "consular") != 0 || m->content_len != 8
        || m->created_ms != 1000 + (int64_t)m->seq || m->content_hash[0] != (m->seq & 0xff))
        c->valid = 0;
    return c->stop_after && c->n >= c->stop_after;
}

static void
lists_messages_after_in_order_with_limit(void)
{
    char path[256];
    archive_t *a = s_open("after.db", path);
    if (!a)
        return;
    static const uint64_t seqs[] = {2, 3, 7, 8, 20};
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
        CHECK(s_insert(a, seqs[i], (uint8_t)(0x40 + i)) == 0);

    collected_t all = {.valid = 1};
    CHECK(archive_messages_after(a, 0, 100, s_collect, &all) == 0);
    CHECK(all.n == 5);
    CHECK(all.valid);
    for (int i = 0; i < 5 && i < all.n; i++)
        CHECK(all.seqs[i] == seqs[i]);

    collected_t some = {.valid = 1};
    CHECK(archive_messages_after(a, 3, 2, s_collect, &some) == 0);
    CHECK(some.n == 2);
    CHECK(some.n >= 2 && some.seqs[0] == 7 && some.seqs[1] == 8);

    collected_t between = {.valid = 1};
    CHECK(archive_messages_after(a, 5, 100, s_collect, &between) == 0);
    CHECK(between.n == 3 && between.seqs[0] == 7);

    collected_t none = {.valid = 1};
    CHECK(archive_messages_after(a, 20, 100, s_collect, &none) == 0);
    CHECK(none.n == 0);

    collected_t stopped = {.valid = 1, .stop_after = 1};
    CHECK(archive_messages_after(a, 0, 100, s_collect, &stopped) == 0);
    CHECK(stopped.n == 1);
    archive_destroy(&a);
}

/* ------------------------------------------------------- history queries */

/* The archive of the history-query tests: 3000 messages over three topics,
 * a busy author (1), a second (2) and a sparse one (3, one in 97), two
 * cases, stored times that mostly rise but jump back twice (a clock set
 * back: the stored-time index is not in seq order) and repeat, a few
 * relabelled messages, and a gap in the seqs. */
#define HQ_N 3000

static uint64_t
s_hq_seq(int i)
{
    return (uint64_t)i + 1 + (i >= 1500 ? 40 : 0); /* seqs 1501..1540 never used */
}

static int
s_hq_fill(archive_t *a)
{
    static const char *topics[] = {"consular/a/MX", "consular/b/GT", "child/x"};
    uint8_t sig[64], hash[32], content[8];
    memset(sig, 0x5a, sizeof sig);
    memset(hash, 0x11, sizeof hash);
    memset(content, 'c', sizeof content);
    if (archive_begin(a) != 0)
        return -1;
    for (int i = 0; i < HQ_N; i++) {
        uint8_t id[16] = {0};
        memcpy(id, &i, sizeof i);
        int64_t t = 100000 + (int64_t)i * 10;
        if (i >= 1000 && i < 1400)
            t -= 6000; /* the clock went back 10 minutes' worth of rows */
        if (i >= 2500)
            t = 100000 + 2500 * 10 - 3 * (int64_t)(i - 2500) / 4; /* runs backwards */
        archive_msg_t m = {.seq = s_hq_seq(i),
            .msg_id = id,
            .topic = topics[i % 3],
            .network = i % 3 == 2 ? "child" : "consular",
            .author_id = i % 97 == 5 ? 3 : (i % 4 == 1 ? 2 : 1),
            .tlp = 3 + i % 2,
            .recipients = "",
            .created_ms = t,
            .stored_ms = t,
            .content = content,
            .content_len = sizeof content,
            .signature = sig,
            .content_hash = hash,
            .case_id = i % 11 == 0 ? 7 : (i % 13 == 0 ? 9 : 0)};
        if (archive_message_insert(a, &m) != 0)
            return -1;
    }
    for (int i = 0; i < HQ_N; i += 151)
        if (archive_relabel(a, s_hq_seq(i), 1, 0, 1) != 0)
            return -1;
    return archive_commit(a);
}

typedef struct {
    uint64_t seq[HQ_N];
    int tlp[HQ_N];
    int n;
    const archive_query_t *q; /* reference filter; NULL: take all */
    int limit;                /* stop after this many (0: never) */
} hq_rows_t;

static int
s_hq_take(const archive_msg_t *m, void *arg)
{
    hq_rows_t *r = arg;
    const archive_query_t *q = r->q;
    if (q
        && (m->seq <= q->after_seq || m->seq > q->upto_seq
            || (q->from_ms && m->stored_ms < q->from_ms) || (q->to_ms && m->stored_ms >= q->to_ms)
            || (q->pattern && !topic_match(q->pattern, m->topic))
            || (q->author_id && m->author_id != q->author_id)
            || (q->case_id && m->case_id != q->case_id)))
        return 0;
    if (r->n < HQ_N) {
        r->seq[r->n] = m->seq;
        r->tlp[r->n] = m->tlp;
    }
    r->n++;
    return r->limit && r->n % r->limit == 0;
}

/* Every row of q in (after_seq, upto_seq], page by page as the hub asks:
 * from where the last call said it had examined. Checks each call's
 * promises (order, bounds, progress, rows read). */
static int
s_hq_pages(archive_t *a, archive_query_t q, int page, hq_rows_t *out)
{
    out->n = 0;
    out->q = NULL;
    int calls = 0;
    while (q.after_seq < q.upto_seq && calls++ < 10000) {
        hq_rows_t got = {.limit = page};
        uint64_t examined;
        int64_t read;
        if (archive_messages_query(a, &q, s_hq_take, &got, &examined, &read) != 0)
            return -1;
        CHECK(examined > q.after_seq && examined <= q.upto_seq);
        CHECK(got.n <= q.limit);
        CHECK(q.max_read <= 0 || read <= q.max_read);
        for (int i = 0; i < got.n; i++) {
            CHECK(got.seq[i] > q.after_seq && got.seq[i] <= examined);
            CHECK(i == 0 || got.seq[i] > got.seq[i - 1]);
            if (out->n < HQ_N) {
                out->seq[out->n] = got.seq[i];
                out->tlp[out->n] = got.tlp[i];
            }
            out->n++;
        }
        if (examined <= q.after_seq)
            return -1;
        q.after_seq = examined;
    }
    return 0;
}

/* Checks that paged archive_messages_query returns what a full read
 * filtered in C returns, for queries that each index (and none) answers,
 * wide and narrow, at the probe cap and under it. */
static void
s_hq_compare(archive_t *a)
{
    hq_rows_t *want = calloc(1, sizeof *want), *got = calloc(1, sizeof *got);
    if (!want || !got) {
        CHECK(!"out of memory");
        free(want);
        free(got);
        return;
    }
    static const char *patterns[] = {NULL, "consular/#", "consular/a/MX", "+/x", "crm/#"};
    static const int64_t windows[][2] = {{0, 0}, {100000, 0}, {0, 110000}, {104000, 104600},
        {105000, 109000}, {120000, 120400}, {123000, 125000}, {124000, 0}, {0, 1}};
    static const int64_t authors[] = {0, 1, 2, 3, 99};
    static const uint64_t cases[] = {0, 7, 9};
    static const int64_t reads[] = {0, 60, 5000};
    static const uint64_t afters[] = {0, 777, 1520, 2999};
    unsigned lcg = 12345;
    int compared = 0, nonempty = 0;
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
        for (size_t au = 0; au < sizeof authors / sizeof authors[0]; au++)
            for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
                lcg = lcg * 1103515245u + 12345u;
                archive_query_t q = {.after_seq = afters[(lcg >> 8) % 4],
                    .upto_seq = (lcg >> 12) % 5 == 0 ? 2600 : archive_last_seq(a),
                    .from_ms = windows[w][0],
                    .to_ms = windows[w][1],
                    .pattern = patterns[(lcg >> 16) % 5],
                    .author_id = authors[au],
                    .case_id = cases[c],
                    .limit = (lcg >> 20) % 3 == 0 ? 7 : 512,
                    .max_read = reads[(lcg >> 24) % 3]};
                *want = (hq_rows_t){.q = &q};
                CHECK(archive_messages_after(a, 0, HQ_N + 100, s_hq_take, want) == 0);
                int page = (lcg >> 28) % 2 ? 0 : 5; /* the hub stops at a full page */
                CHECK(s_hq_pages(a, q, page, got) == 0);
                int same = got->n == want->n;
                for (int i = 0; same && i < got->n && i < HQ_N; i++)
                    same = got->seq[i] == want->seq[i] && got->tlp[i] == want->tlp[i];
                if (!same)
                    fprintf(stderr,
                        "  query after %llu upto %llu window [%lld,%lld) pattern %s author %lld"
                        " case %llu limit %d read %lld: %d rows, want %d\n",
                        (unsigned long long)q.after_seq, (unsigned long long)q.upto_seq,
                        (long long)q.from_ms, (long long)q.to_ms, q.pattern ? q.pattern : "-",
                        (long long)q.author_id, (unsigned long long)q.case_id, q.limit,
                        (long long)q.max_read, got->n, want->n);
                CHECK(same);
                compared++;
                nonempty += want->n > 0;
            }
    CHECK(compared == 135 && nonempty > 40);
    free(want);
    free(got);
}

static void
history_query_returns_what_a_full_scan_returns(void)
{
    char path[256];
    archive_t *a = s_open("query.db", path);
    if (!a)
        return;
    CHECK(s_hq_fill(a) == 0);
    s_hq_compare(a);
    archive_destroy(&a);
}

static void
history_query_is_the_same_on_a_migrated_archive(void)
{
    char path[256];
    archive_t *a = s_open("query-old.db", path);
    if (!a)
        return;
    CHECK(s_hq_fill(a) == 0);
    archive_destroy(&a);
    /* Back to schema 6, as written before the stored-time index (and the
     * batch proofs of schema 8, the sealed column of 10, the calendar of 11). */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
              "DROP TABLE country_zones; DROP TABLE holidays; DROP TABLE consultations;"
              " DROP TABLE consult_versions; DROP TABLE consult_targets;"
              " DROP TABLE consult_answers; DROP TABLE consult_events;"
              " DROP INDEX messages_sealed; ALTER TABLE messages DROP COLUMN sealed;"
              " ALTER TABLE messages DROP COLUMN batch_size;"
              " ALTER TABLE messages DROP COLUMN batch_index;"
              " ALTER TABLE messages DROP COLUMN batch_path;"
              " DROP INDEX messages_stored; DROP TABLE message_text;"
              " CREATE VIRTUAL TABLE message_text USING fts5(headline, body,"
              "  tokenize = 'unicode61 remove_diacritics 2');"
              " CREATE INDEX messages_topic ON messages (topic, seq);"
              " PRAGMA user_version = 6",
              NULL, NULL, NULL)
        == SQLITE_OK);
    CHECK(
        s_count_rows(db, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_stored'") == 0);
    sqlite3_close(db);
    char err[512];
    CHECK((a = archive_open(path, 0, ARCHIVE_SYNC_OFF, err, sizeof err)) != NULL);
    if (!a)
        return;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(s_count_rows(db, "PRAGMA user_version") == 12);
    CHECK(
        s_count_rows(db, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_stored'") == 1);
    sqlite3_close(db);
    s_hq_compare(a);
    archive_destroy(&a);
}

/* ----------------------------------------------------------- subscriptions */

static void
keeps_subscription_cursors(void)
{
    char path[256];
    archive_t *a = s_open("subs.db", path);
    if (!a)
        return;
    uint64_t cursor = 12345;
    CHECK(archive_sub_get(a, 1, "consular/#", &cursor) == 0);
    CHECK(archive_sub_put(a, 1, "consular/#", 5) == 0);
    CHECK(archive_sub_get(a, 1, "consular/#", &cursor) == 1 && cursor == 5);
    CHECK(archive_sub_put(a, 1, "consular/#", 9) == 0); /* moves the cursor */
    CHECK(archive_sub_get(a, 1, "consular/#", &cursor) == 1 && cursor == 9);
    /* Cursors are per officer and per pattern. */
    CHECK(archive_sub_put(a, 1, "child/#", 2) == 0);
    CHECK(archive_sub_put(a, 2, "consular/#", 3) == 0);
    CHECK(archive_sub_get(a, 1, "consular/#", &cursor) == 1 && cursor == 9);
    CHECK(archive_sub_get(a, 1, "child/#", &cursor) == 1 && cursor == 2);
    CHECK(archive_sub_get(a, 2, "consular/#", &cursor) == 1 && cursor == 3);
    CHECK(archive_sub_delete(a, 1, "consular/#") == 0);
    CHECK(archive_sub_get(a, 1, "consular/#", &cursor) == 0);
    CHECK(archive_sub_get(a, 2, "consular/#", &cursor) == 1 && cursor == 3);
    CHECK(archive_sub_delete(a, 1, "never/#") == 0); /* deleting nothing is fine */
    archive_destroy(&a);
}

/* ------------------------------------------------------------------ audit */

typedef struct {
    int n;
    int found; /* the row with our detail was seen, unchanged */
} audit_seen_t;

static int
s_audit_row(const archive_audit_row_t *row, void *arg)
{
    audit_seen_t *seen = arg;
    seen->n++;
    if (!strcmp(row->action, "test.action") && !strcmp(row->outcome, "ok")
        && !strcmp(row->detail, "first") && !strcmp(row->fingerprint, "ZMXV-CYH4-D57A-LJK6")
        && row->officer_id == 7)
        seen->found = 1;
    return 0;
}

static void
audit_log_is_append_only(void)
{
    char path[256];
    archive_t *a = s_open("audit.db", path);
    if (!a)
        return;
    CHECK(archive_audit(a, 7, "ZMXV-CYH4-D57A-LJK6", "test.action", "ok", "first") == 0);
    CHECK(archive_audit(a, 0, NULL, "test.other", "denied", NULL) == 0);
    audit_seen_t seen = {0};
    CHECK(archive_audit_each(a, s_audit_row, &seen) == 0);
    CHECK(seen.n == 2 && seen.found);

    /* Another writer on the same file cannot rewrite history. */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    CHECK(sqlite3_exec(db, "UPDATE audit SET outcome = 'denied'", NULL, NULL, NULL) != SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE audit SET detail = 'edited' WHERE action = 'test.action'", NULL,
              NULL, NULL)
        != SQLITE_OK);
    CHECK(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL) != SQLITE_OK);
    /* Appending is what it is for. */
    CHECK(sqlite3_exec(db,
              "INSERT INTO audit (ts_ms, action, outcome) VALUES (1, 'test.third', 'ok')", NULL,
              NULL, NULL)
        == SQLITE_OK);
    sqlite3_close(db);

    seen = (audit_seen_t){0};
    CHECK(archive_audit_each(a, s_audit_row, &seen) == 0);
    CHECK(seen.n == 3 && seen.found);
    archive_destroy(&a);
}

static void
data_version_changes_when_another_connection_commits(void)
{
    char path[256];
    archive_t *a = s_open("version.db", path);
    if (!a)
        return;
    int64_t before = 0, same = 0, after = 0;
    CHECK(archive_data_version(a, &before) == 0);
    CHECK(archive_data_version(a, &same) == 0);
    CHECK(before == same);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "INSERT INTO audit (ts_ms, action, outcome) VALUES (1, 'x', 'ok')", NULL,
              NULL, NULL)
        == SQLITE_OK);
    sqlite3_close(db);
    CHECK(archive_data_version(a, &after) == 0);
    CHECK(after != before);
    archive_destroy(&a);
}

int
main(void)
{
    if (keys_init() != 0 || check_tempdir(s_dir, sizeof s_dir, "archive") != 0)
        return EXIT_FAILURE;
    RUN(creates_schema_on_open);
    RUN(refuses_missing_file_without_create);
    RUN(refuses_archive_from_a_newer_hub);
    RUN(reopening_keeps_messages_and_last_seq);
    RUN(finds_inserted_message_by_id);
    RUN(refuses_seq_not_above_last);
    RUN(refuses_duplicate_message_id);
    RUN(rollback_restores_last_seq);
    RUN(savepoint_rolls_back_one_request_and_keeps_the_others);
    RUN(indexes_text_at_the_commit_and_drops_it_on_rollback);
    RUN(search_is_the_same_after_the_index_loses_its_copy);
    RUN(lists_messages_after_in_order_with_limit);
    RUN(history_query_returns_what_a_full_scan_returns);
    RUN(history_query_is_the_same_on_a_migrated_archive);
    RUN(keeps_subscription_cursors);
    RUN(audit_log_is_append_only);
    RUN(data_version_changes_when_another_connection_commits);
    check_tempdir_remove(s_dir);
    return CHECK_DONE();
}
