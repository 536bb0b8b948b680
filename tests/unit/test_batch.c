/*
 * test_batch.c: hub/batch.c, the one commit point, on a real archive file.
 * A sink records what the batch sends and does after its commit.
 */
#include "check.h"

#include "archive.h"
#include "archive_int.h" /* the connection, to make a commit fail */
#include "batch.h"
#include "enlace.pb-c.h"

static char s_dir[128];

typedef struct {
    int sent;              /* replies sent */
    uint64_t sent_ids[32]; /* their request ids, decoded from the frames */
    int errors;            /* of them, Error frames */
    int acted;             /* actions run */
    batch_action_kind_t kinds[32];
    uint64_t seqs[32];
} sink_log_t;

static int
s_send(void *arg, const uint8_t *rid, size_t rid_len, const uint8_t *frame, size_t len)
{
    sink_log_t *l = arg;
    (void)rid;
    (void)rid_len;
    Enlace__Frame *f = enlace__frame__unpack(NULL, len, frame);
    if (f && l->sent < 32) {
        l->sent_ids[l->sent] = f->request_id;
        l->errors += f->body_case == ENLACE__FRAME__BODY_ERROR;
    }
    enlace__frame__free_unpacked(f, NULL);
    l->sent++;
    return 0;
}

static void
s_act(void *arg, batch_action_t *a)
{
    sink_log_t *l = arg;
    if (l->acted < 32) {
        l->kinds[l->acted] = a->kind;
        l->seqs[l->acted] = a->seq;
    }
    l->acted++;
}

static archive_t *
s_open(const char *name)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/%s", s_dir, name);
    archive_t *a = archive_open(path, 1, ARCHIVE_SYNC_OFF, err, sizeof err);
    if (!a)
        fprintf(stderr, "  archive_open: %s\n", err);
    CHECK(a != NULL);
    return a;
}

/* Stores message seq in the open request (content and id derive from it). */
static int
s_store(archive_t *a, uint64_t seq)
{
    uint8_t id[16], sig[64] = {0}, hash[32] = {0}, content[4] = {'c', 'o', 'n', 't'};
    memset(id, (int)seq, sizeof id);
    char topic[32];
    snprintf(topic, sizeof topic, "consular/b%llu", (unsigned long long)seq);
    archive_msg_t m = {.seq = seq,
        .msg_id = id,
        .topic = topic,
        .network = "consular",
        .author_id = 1,
        .tlp = 3,
        .recipients = "",
        .created_ms = 1,
        .stored_ms = 2,
        .content = content,
        .content_len = sizeof content,
        .signature = sig,
        .content_hash = hash};
    return archive_message_insert(a, &m);
}

/* A packed Ok frame answering request id. */
static void
s_reply(batch_t *b, uint64_t id)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Ok ok = ENLACE__OK__INIT;
    frame.version = 1;
    frame.request_id = id;
    frame.body_case = ENLACE__FRAME__BODY_OK;
    frame.ok = &ok;
    uint8_t buf[64];
    size_t len = enlace__frame__get_packed_size(&frame);
    enlace__frame__pack(&frame, buf);
    uint8_t rid[2] = {'c', '1'};
    CHECK(batch_reply(b, rid, sizeof rid, id, buf, len) == 0);
}

static void
s_stored(batch_t *b, uint64_t seq)
{
    batch_action_t a = {.kind = BATCH_STORED, .seq = seq};
    CHECK(batch_act(b, &a) == 0);
}

static void
nothing_leaves_before_the_commit(void)
{
    archive_t *a = s_open("order.db");
    batch_t *b = a ? batch_new(a) : NULL;
    CHECK(b != NULL);
    if (!b)
        goto out;
    sink_log_t log = {0};
    batch_sink_t sink = {.send = s_send, .act = s_act, .arg = &log};
    CHECK(batch_begin(b) == 0);
    CHECK(s_store(a, 1) == 0);
    s_reply(b, 11);
    s_stored(b, 1);
    CHECK(batch_end(b, 1) == 0);
    CHECK(batch_begin(b) == 0);
    s_reply(b, 12); /* a read's reply waits too */
    CHECK(batch_end(b, 1) == 0);
    CHECK(log.sent == 0 && log.acted == 0);
    CHECK(batch_pending(b) == 3);
    CHECK(archive_in_transaction(a) == 1);
    CHECK(batch_commit(b, &sink) == 0);
    CHECK(archive_in_transaction(a) == 0);
    CHECK(archive_message_count(a) == 1);
    CHECK(log.sent == 2 && log.sent_ids[0] == 11 && log.sent_ids[1] == 12 && log.errors == 0);
    CHECK(log.acted == 1 && log.kinds[0] == BATCH_STORED && log.seqs[0] == 1);
    CHECK(batch_pending(b) == 0);
    /* Nothing open: a commit sends nothing and succeeds. */
    CHECK(batch_commit(b, &sink) == 0 && log.sent == 2);
out:
    batch_destroy(&b);
    CHECK(b == NULL);
    batch_destroy(&b); /* NULL is accepted */
    archive_destroy(&a);
}

static void
a_failed_request_undoes_only_itself(void)
{
    archive_t *a = s_open("undo.db");
    batch_t *b = a ? batch_new(a) : NULL;
    if (!b)
        goto out;
    sink_log_t log = {0};
    batch_sink_t sink = {.send = s_send, .act = s_act, .arg = &log};
    CHECK(batch_begin(b) == 0);
    CHECK(s_store(a, 1) == 0);
    s_reply(b, 21);
    s_stored(b, 1);
    CHECK(batch_end(b, 1) == 0);
    /* The second request wrote, queued, and failed. */
    CHECK(batch_begin(b) == 0);
    CHECK(s_store(a, 2) == 0);
    s_reply(b, 22);
    s_stored(b, 2);
    CHECK(batch_end(b, 0) == -1);
    CHECK(archive_last_seq(a) == 1);
    /* The third takes the seq the second gave back. */
    CHECK(batch_begin(b) == 0);
    CHECK(s_store(a, 2) == 0);
    s_reply(b, 23);
    CHECK(batch_end(b, 1) == 0);
    CHECK(batch_commit(b, &sink) == 0);
    CHECK(archive_message_count(a) == 2);
    CHECK(log.sent == 2 && log.sent_ids[0] == 21 && log.sent_ids[1] == 23);
    CHECK(log.acted == 1 && log.seqs[0] == 1);
out:
    batch_destroy(&b);
    archive_destroy(&a);
}

static void
a_failed_commit_answers_every_reply_with_an_error(void)
{
    archive_t *a = s_open("fail.db");
    batch_t *b = a ? batch_new(a) : NULL;
    if (!b)
        goto out;
    sink_log_t log = {0};
    batch_sink_t sink = {.send = s_send, .act = s_act, .arg = &log};
    CHECK(batch_begin(b) == 0);
    CHECK(s_store(a, 1) == 0);
    CHECK(archive_text_index(a, 1, "", "primero", 7) == 0);
    CHECK(batch_end(b, 1) == 0);
    CHECK(batch_commit(b, &sink) == 0);
    /* The next batch: a message, and a text the index cannot take when the
     * commit (which indexes the batch's texts) writes it: longer than the
     * connection's length limit, lowered for this (SQLITE_TOOBIG, as a
     * full disk or an I/O error would fail it). */
    CHECK(batch_begin(b) == 0);
    CHECK(s_store(a, 2) == 0);
    s_reply(b, 41);
    s_stored(b, 2);
    CHECK(batch_end(b, 1) == 0);
    CHECK(batch_begin(b) == 0);
    static const char long_text[] = "un texto que ya no cabe en el indice cuando se confirma";
    CHECK(archive_text_index(a, 2, "", long_text, sizeof long_text - 1) == 0);
    s_reply(b, 42);
    CHECK(batch_end(b, 1) == 0);
    int limit = sqlite3_limit(a->db, SQLITE_LIMIT_LENGTH, 16);
    CHECK(batch_commit(b, &sink) == -1);
    sqlite3_limit(a->db, SQLITE_LIMIT_LENGTH, limit);
    CHECK(archive_in_transaction(a) == 0);
    CHECK(archive_message_count(a) == 1); /* message 2 was not stored */
    CHECK(archive_last_seq(a) == 1);
    CHECK(log.sent == 2 && log.errors == 2); /* both answered: not stored */
    CHECK(log.sent_ids[0] == 41 && log.sent_ids[1] == 42);
    CHECK(log.acted == 0); /* nothing joins the ring */
    /* And the next batch works. */
    CHECK(batch_begin(b) == 0);
    CHECK(s_store(a, 2) == 0);
    CHECK(batch_end(b, 1) == 0);
    CHECK(batch_commit(b, &sink) == 0);
    CHECK(archive_message_count(a) == 2);
out:
    batch_destroy(&b);
    archive_destroy(&a);
}

static void
stored_times_never_go_back(void)
{
    archive_t *a = s_open("time.db");
    batch_t *b = a ? batch_new(a) : NULL;
    if (!b)
        goto out;
    batch_set_last_stored(b, 5000);
    CHECK(batch_stored_now(b, 4000) == 5000); /* the clock stepped back */
    CHECK(batch_stored_now(b, 6000) == 6000);
    CHECK(batch_stored_now(b, 5999) == 6000);
out:
    batch_destroy(&b);
    archive_destroy(&a);
}

int
main(void)
{
    if (check_tempdir(s_dir, sizeof s_dir, "batch") != 0)
        return EXIT_FAILURE;
    RUN(nothing_leaves_before_the_commit);
    RUN(a_failed_request_undoes_only_itself);
    RUN(a_failed_commit_answers_every_reply_with_an_error);
    RUN(stored_times_never_go_back);
    check_tempdir_remove(s_dir);
    return CHECK_DONE();
}
