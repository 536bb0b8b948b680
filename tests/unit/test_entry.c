/*
 * test_entry.c: a cluster log entry (hub/cluster/entry.c), its encoding,
 * its decoder of bytes read from etcd, and its signature.
 *
 * The texts an entry carries for the full-text index (which is not in the
 * changeset) are checked as strictly as the header: a section that does
 * not read to its end exactly, or a headline holding a NUL, is refused.
 */
#include "check.h"

#include <stdint.h>

#include "entry.h"
#include "keys.h"

static keys_identity_t *s_key;

/* An entry of index 7 with a small changeset and the given texts. */
static int
s_encode(const archive_text_view_t *texts, size_t ntexts, uint8_t **out, size_t *len)
{
    static const uint8_t changes[] = {'T', 2, 1, 0, 'm', 0, 9, 9, 9};
    entry_t e = {.index = 7,
        .term = 42,
        .schema = 11,
        .written_ms = 1763700000000,
        .before_id = 5,
        .after_id = 6,
        .changes = changes,
        .changes_len = sizeof changes};
    memset(e.after, 0xab, sizeof e.after);
    return entry_encode(&e, texts, ntexts, s_key, out, len);
}

static void
texts_read_back_as_written(void)
{
    archive_text_view_t texts[] = {
        {.seq = 17, .headline = "Huracán", .body = "evacuación del consulado", .body_len = 25},
        {.seq = 18, .headline = NULL, .body = "", .body_len = 0},
        {.seq = 19, .headline = "", .body = "a\0b", .body_len = 3},
    };
    uint8_t *b;
    size_t len;
    CHECK(s_encode(texts, 3, &b, &len) == 0);
    entry_t e;
    char err[200] = "";
    CHECK(entry_decode(b, len, &e, err, sizeof err) == 0);
    CHECK(entry_verify(b, len, keys_identity_public(s_key)) == 0);
    CHECK(e.index == 7 && e.term == 42 && e.schema == 11 && e.before_id == 5 && e.after_id == 6
        && e.changes_len == 9);
    size_t pos = 0;
    entry_text_t t;
    CHECK(entry_text_next(&e, &pos, &t) == 1);
    CHECK(t.seq == 17 && t.headline_len == strlen("Huracán")
        && !memcmp(t.headline, "Huracán", t.headline_len) && t.body_len == 25
        && !memcmp(t.body, "evacuación del consulado", 25));
    CHECK(entry_text_next(&e, &pos, &t) == 1);
    CHECK(t.seq == 18 && t.headline_len == 0 && t.body_len == 0);
    CHECK(entry_text_next(&e, &pos, &t) == 1);
    CHECK(t.seq == 19 && t.body_len == 3 && !memcmp(t.body, "a\0b", 3));
    CHECK(entry_text_next(&e, &pos, &t) == 0);
    CHECK(pos == e.texts_len);
    free(b);
}

static void
an_entry_without_texts_has_an_empty_section(void)
{
    uint8_t *b;
    size_t len;
    CHECK(s_encode(NULL, 0, &b, &len) == 0);
    CHECK(len == ENTRY_HEADER + 9 + ENTRY_SIGNATURE);
    entry_t e;
    char err[200];
    CHECK(entry_decode(b, len, &e, err, sizeof err) == 0);
    size_t pos = 0;
    entry_text_t t;
    CHECK(e.texts_len == 0 && entry_text_next(&e, &pos, &t) == 0);
    free(b);
}

/* Lengths that lie, a headline with a NUL, a signature over other bytes:
 * each refused with a reason, never read past the buffer. */
static void
refuses_texts_that_do_not_decode_and_bytes_not_signed(void)
{
    archive_text_view_t one = {.seq = 17,
        .headline = "Sismo",
        .body = "réplicas",
        .body_len = strlen("réplicas")};
    uint8_t *b;
    size_t len;
    CHECK(s_encode(&one, 1, &b, &len) == 0);
    entry_t e;
    char err[200];
    size_t texts_at = ENTRY_HEADER + 9;

    /* The body's length one more than the section holds. */
    size_t body_len_at = texts_at + 8 + 4 + 5;
    b[body_len_at + 3]++;
    err[0] = '\0';
    CHECK(entry_decode(b, len, &e, err, sizeof err) != 0 && err[0]);
    b[body_len_at + 3]--;

    /* A headline's length past the section's end. */
    b[texts_at + 8] = 0x7f;
    err[0] = '\0';
    CHECK(entry_decode(b, len, &e, err, sizeof err) != 0 && err[0]);
    b[texts_at + 8] = 0;

    /* A NUL inside the headline. */
    b[texts_at + 12 + 2] = 0;
    err[0] = '\0';
    CHECK(entry_decode(b, len, &e, err, sizeof err) != 0 && err[0]);
    b[texts_at + 12 + 2] = 's';

    /* The texts section longer in the header than in the buffer. */
    b[131]++;
    err[0] = '\0';
    CHECK(entry_decode(b, len, &e, err, sizeof err) != 0 && err[0]);
    b[131]--;

    /* The reserved bytes after texts_len. */
    b[133] = 1;
    err[0] = '\0';
    CHECK(entry_decode(b, len, &e, err, sizeof err) != 0 && err[0]);
    b[133] = 0;

    /* Untouched again, it decodes; one byte of a body changed, it still
     * decodes but no longer verifies. */
    CHECK(entry_decode(b, len, &e, err, sizeof err) == 0);
    CHECK(entry_verify(b, len, keys_identity_public(s_key)) == 0);
    b[len - ENTRY_SIGNATURE - 1] ^= 1;
    CHECK(entry_decode(b, len, &e, err, sizeof err) == 0);
    CHECK(entry_verify(b, len, keys_identity_public(s_key)) != 0);
    free(b);
}

/* A batch whose texts would take the entry past ENTRY_MAX is refused by the
 * encoder (the leader refuses its requests; the next batch is smaller). */
static void
refuses_an_entry_over_the_limit(void)
{
    size_t big = ENTRY_MAX / 2;
    char *body = calloc(1, big);
    CHECK(body != NULL);
    archive_text_view_t two[] = {{.seq = 1, .headline = "", .body = body, .body_len = big},
        {.seq = 2, .headline = "", .body = body, .body_len = big}};
    uint8_t *b = NULL;
    size_t len = 0;
    CHECK(s_encode(two, 2, &b, &len) != 0 && b == NULL && len == 0);
    CHECK(s_encode(two, 1, &b, &len) == 0);
    free(b);
    free(body);
}

int
main(void)
{
    if (keys_init() != 0 || !(s_key = keys_identity_new()))
        return EXIT_FAILURE;
    RUN(texts_read_back_as_written);
    RUN(an_entry_without_texts_has_an_empty_section);
    RUN(refuses_texts_that_do_not_decode_and_bytes_not_signed);
    RUN(refuses_an_entry_over_the_limit);
    keys_identity_destroy(&s_key);
    return CHECK_DONE();
}
