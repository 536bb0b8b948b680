/*
 * messages.c: the stored messages: insert, find, read, replay after a
 * sequence number, history queries and time windows, counts, labels widened
 * by their authors, and the rows exactly as stored for verification. Part
 * of the archive module (the schema changelog is at the top of db.c).
 *
 * Invariants: messages.seq is assigned by the hub, strictly increasing;
 * messages.msg_id is unique; a message and its ledger record commit
 * together (archive_int_record_begin and _end), also inside the hub's group
 * transaction. Reads for delivery and history return the latest label.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"

/* A message row as s_msg_row reads it, with the label and handling code as
 * they are now: the author may have widened them since (message_labels). */
#define MSG_COLS \
    "seq, msg_id, topic, network, author_id," \
    " COALESCE((SELECT l.tlp FROM message_labels l WHERE l.seq = m.seq" \
    "   ORDER BY l.id DESC LIMIT 1), tlp), recipients, created_ms, stored_ms," \
    " content, signature, content_hash, case_id, personal," \
    " COALESCE((SELECT l.handling FROM message_labels l WHERE l.seq = m.seq" \
    "   ORDER BY l.id DESC LIMIT 1), handling), batch_size, batch_index, batch_path, sealed"

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
                      " case_id, personal, handling, batch_size, batch_index, batch_path,"
                      " sealed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_MSG_FIND] = "SELECT seq, content_hash, stored_ms FROM messages WHERE msg_id = ?",
    /* The label and handling code as they are now: the author may have
     * widened them since (message_labels). */
    [ST_MSG_AFTER] = "SELECT " MSG_COLS " FROM messages m WHERE seq > ? ORDER BY seq LIMIT ?",
    [ST_MSG_READ] = "SELECT " MSG_COLS " FROM messages m WHERE seq = ?1",
    [ST_MSG_BY_CASE] = "SELECT " MSG_COLS " FROM messages m WHERE case_id = ?1 ORDER BY seq",
    [ST_MSG_COUNT] = "SELECT count(*) FROM messages",
    [ST_MSG_COUNTS] = "SELECT network, count(*) FROM messages GROUP BY network ORDER BY network",
    [ST_RELABEL] = "INSERT INTO message_labels (seq, tlp, handling, officer_id, ts_ms)"
                   " VALUES (?,?,?,?,?)",
    [ST_MSG_GET] = "SELECT seq, msg_id, topic, network, author_id, tlp, recipients,"
                   " created_ms, stored_ms, content, signature, content_hash,"
                   " batch_size, batch_index, batch_path, sealed FROM messages WHERE seq = ?",
    [ST_MSG_GET_PRE8] = "SELECT seq, msg_id, topic, network, author_id, tlp, recipients,"
                        " created_ms, stored_ms, content, signature, content_hash, 0, 0, NULL,"
                        " 0 FROM messages WHERE seq = ?",
    /* The sealed messages, by their partial index (search counts them). */
    [ST_MSG_SEALED] = "SELECT " MSG_COLS " FROM messages m INDEXED BY messages_sealed"
                      " WHERE sealed <> 0 AND seq > ?1 AND seq <= ?2 ORDER BY seq",
    [ST_HIST_SCAN] = "SELECT " MSG_COLS " FROM messages m"
                     " WHERE seq > ?1 AND seq <= ?2" HIST_TIME HIST_TOPIC
                     " AND (?6 = 0 OR author_id = ?6) AND (?7 = 0 OR case_id = ?7)"
                     " ORDER BY seq LIMIT ?8",
    [ST_HIST_AUTHOR] = "SELECT " MSG_COLS " FROM messages m INDEXED BY messages_author"
                       " WHERE author_id = ?6 AND seq > ?1 AND seq <= ?2" HIST_TIME HIST_TOPIC
                       " AND (?7 = 0 OR case_id = ?7) ORDER BY seq LIMIT ?8",
    [ST_HIST_CASE] =
        "SELECT " MSG_COLS " FROM messages m INDEXED BY messages_case"
        " WHERE case_id = ?7 AND case_id <> 0 AND seq > ?1 AND seq <= ?2" HIST_TIME HIST_TOPIC
        " AND (?6 = 0 OR +author_id = ?6)"
        " ORDER BY seq LIMIT ?8",
    [ST_HIST_TIME] =
        "SELECT " MSG_COLS " FROM messages m WHERE seq IN ("
        " SELECT seq FROM messages INDEXED BY messages_stored"
        "  WHERE stored_ms >= ?3 AND stored_ms < ?4 AND seq > ?1 AND seq <= ?2" HIST_TOPIC
        " AND (?6 = 0 OR author_id = ?6) AND (?7 = 0 OR case_id = ?7)"
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

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

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
    sqlite3_bind_int64(st, 16, row.batch_size);
    sqlite3_bind_int64(st, 17, row.batch_size ? row.batch_index : 0);
    if (row.batch_size)
        sqlite3_bind_blob(st, 18, row.batch_path ? row.batch_path : (const uint8_t *)"",
            (int)row.batch_path_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 18);
    sqlite3_bind_int(st, 19, row.sealed != 0);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        archive_int_fail(self, "store message");
        return archive_int_record_end(self, &mark, 0);
    }
    uint8_t h[ARCHIVE_HASH_BYTES];
    archive_int_hash_message(&row, 16, 64, h);
    int ok = archive_int_ledger_insert(self, ARCHIVE_KIND_MESSAGE, (int64_t)row.seq, row.stored_ms,
                 h)
        == 0;
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
    sqlite3_stmt *st = s_stmt(self, ST_MSG_COUNT);
    if (!st)
        return -1;
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

int
archive_message_counts(archive_t *self, archive_count_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_MSG_COUNTS);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    return archive_int_end(self, st, rc, "count by network");
}

/* A message row (seq, msg_id, topic, network, author_id, tlp, recipients,
 * created_ms, stored_ms, content, signature, content_hash, case_id, personal,
 * handling, batch_size, batch_index, batch_path, sealed: the order of every
 * SELECT of messages here) as archive_msg_t;
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
        .batch_size = (uint32_t)sqlite3_column_int64(st, 15),
        .batch_index = (uint32_t)sqlite3_column_int64(st, 16),
        .batch_path = sqlite3_column_blob(st, 17),
    };
    m->batch_path_len = (size_t)sqlite3_column_bytes(st, 17);
    m->sealed = sqlite3_column_int(st, 18);
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

int
archive_message_read(archive_t *self, uint64_t seq, archive_msg_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_MSG_READ);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    int rc = sqlite3_step(st), found = 0;
    /* As archive_messages_by_case: a damaged row is skipped (verify reports it). */
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

int
archive_messages_sealed(archive_t *self, uint64_t after_seq, uint64_t upto_seq, archive_msg_fn fn,
    void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_MSG_SEALED);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)(after_seq > INT64_MAX ? INT64_MAX : after_seq));
    sqlite3_bind_int64(st, 2, (sqlite3_int64)(upto_seq > INT64_MAX ? INT64_MAX : upto_seq));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 10) != 64 || sqlite3_column_bytes(st, 1) != 16)
            continue; /* damaged: verify reports it */
        archive_msg_t m;
        s_msg_row(st, &m);
        if (fn(&m, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "read sealed messages");
}

int
archive_messages_by_case(archive_t *self, uint64_t case_id, archive_msg_fn fn, void *arg)
{
    sqlite3_stmt *st = s_stmt(self, ST_MSG_BY_CASE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)case_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 10) != 64 || sqlite3_column_bytes(st, 1) != 16)
            continue; /* damaged: verify reports it */
        archive_msg_t m;
        s_msg_row(st, &m);
        if (fn(&m, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return archive_int_end(self, st, rc, "read messages");
}

int
archive_relabel(archive_t *self, uint64_t seq, int tlp, int handling, int64_t officer_id)
{
    sqlite3_stmt *st = s_stmt(self, ST_RELABEL);
    if (!st)
        return -1;
    int64_t now = archive_now_ms();
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    sqlite3_bind_int(st, 2, tlp);
    sqlite3_bind_int(st, 3, handling);
    sqlite3_bind_int64(st, 4, officer_id);
    sqlite3_bind_int64(st, 5, now);
    if (archive_int_run(self, st, "relabel") != 0)
        return -1;
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

/* ---------------------------------------------------------- history */

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
archive_time_range(archive_t *self, int64_t from_ms, int64_t to_ms, uint64_t *after, uint64_t *upto)
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
archive_messages_query(archive_t *self, const archive_query_t *q, archive_msg_fn fn, void *arg,
    uint64_t *examined, int64_t *read)
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
    int64_t cap = q->max_read > 0 && q->max_read < QUERY_PROBE_CAP ? q->max_read : QUERY_PROBE_CAP;
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

/* ---------------------------------------------------------- verification */

int
archive_message_get(archive_t *self, uint64_t seq, archive_msg_row_t *out)
{
    return archive_int_message_get(self, seq, out, 0);
}

int
archive_int_message_get(archive_t *self, uint64_t seq, archive_msg_row_t *out, int pre8)
{
    sqlite3_stmt *st = s_stmt(self, pre8 ? ST_MSG_GET_PRE8 : ST_MSG_GET);
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
        return archive_int_fail(self, "read message");
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
    m->batch_size = (uint32_t)sqlite3_column_int64(st, 12);
    m->batch_index = (uint32_t)sqlite3_column_int64(st, 13);
    m->batch_path = sqlite3_column_blob(st, 14);
    m->batch_path_len = (size_t)sqlite3_column_bytes(st, 14);
    m->sealed = sqlite3_column_int(st, 15);
    archive_int_hash_message(m, out->msg_id_len, out->signature_len, out->record_hash);
    return 1;
}
