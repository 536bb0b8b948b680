/*
 * text.c: the full-text index of messages (message_text, FTS5, accents
 * folded) and its search. Part of the archive module (the schema changelog
 * is at the top of db.c).
 *
 * Invariant: inside a transaction, texts wait in the connection until
 * archive_commit indexes them just before the COMMIT; a rollback (of the
 * transaction or of a request's savepoint) drops what it undid.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_int.h"

static const char *const s_sql[ST_COUNT] = {
    [ST_TEXT_INSERT] = "INSERT INTO message_text (rowid, headline, body) VALUES (?, ?, ?)",
    [ST_TEXT_SEARCH] = "SELECT rowid FROM message_text WHERE message_text MATCH ?1"
                       " AND rowid > ?2 AND rowid <= ?3 ORDER BY rowid LIMIT ?4",
};

static sqlite3_stmt *
s_stmt(archive_t *self, int which)
{
    return archive_int_stmt(self, which, s_sql[which]);
}

static int
s_text_insert(archive_t *self, uint64_t seq, const char *headline, const char *body,
    size_t body_len)
{
    sqlite3_stmt *st = s_stmt(self, ST_TEXT_INSERT);
    if (!st)
        return -1;
    /* A text the connection cannot take (longer than its length limit)
     * fails here, not as a silently empty row. */
    int rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, headline ? headline : "", -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, body ? body : "", (int)body_len, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : archive_int_fail(self, "index text");
}

/* Drops the texts waiting for the commit past the first keep. */
void
archive_int_texts_drop(archive_t *self, size_t keep)
{
    while (self->ntexts > keep) {
        self->ntexts--;
        free(self->texts[self->ntexts].headline);
        free(self->texts[self->ntexts].body);
    }
}

/* Indexes the transaction's texts, all at once, just before its commit. */
int
archive_int_texts_flush(archive_t *self)
{
    int rc = 0;
    for (size_t i = 0; i < self->ntexts && rc == 0; i++)
        rc = s_text_insert(self, self->texts[i].seq, self->texts[i].headline, self->texts[i].body,
            self->texts[i].body_len);
    archive_int_texts_drop(self, 0);
    return rc;
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
