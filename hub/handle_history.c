/*
 * handle_history.c: History and Search. The archive finds candidates (by
 * the filters it can index, or the full-text index); the disclosure rules
 * decide what the sender sees, as for live delivery.
 *
 * The paging cursor of a page, and whether there is more, are functions of
 * the request, the head and the rows the reader may see, never of a row it
 * may not (a cursor that stopped on a hidden match would tell that the
 * match exists: a word or author oracle). So each request examines one
 * fixed span of sequence numbers, (after, after + HISTORY_SPAN], and the
 * page ends either full, on its last visible row, or at the span's end.
 *
 * Search reads the full-text index, which holds nothing of a sealed
 * message (PROTOCOL.md 6): its page says how many sealed messages, of
 * those the sender may see in the page's span, it could not search.
 */
#include "handle.h"

#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "disclose.h"
#include "log.h"
#include "request.h"
#include "topic.h"
#include "wire.h"

#define HISTORY_MAX 500    /* messages per page */
#define HISTORY_SPAN 20000 /* sequence numbers examined per request */

typedef struct {
    const req_t *r;
    const Enlace__History *q;
    const char *pattern;      /* checked, NUL-terminated copy of q->pattern */
    Enlace__Delivery **items; /* page being built; owned */
    uint8_t **frames;         /* per item: its copied content; owned */
    size_t n, cap;
} page_t;

static int
s_page_row(const archive_msg_t *am, void *arg)
{
    page_t *h = arg;
    const hub_env_t *env = h->r->env;
    const Enlace__History *q = h->q;
    if (q->from_ms && am->stored_ms < q->from_ms)
        return 0;
    if (q->to_ms && am->stored_ms >= q->to_ms)
        return 0;
    if (!topic_match(h->pattern, am->topic))
        return 0;
    const dir_entry_t *author = am->author_id ? directory_find_officer(env->dir, am->author_id)
                                              : NULL;
    if (q->author[0] && (!author || strcmp(author->fingerprint, q->author) != 0))
        return 0;
    if (q->country[0] && (!author || strcmp(acl_home(author), q->country) != 0))
        return 0;
    if (q->case_id && am->case_id != q->case_id)
        return 0;
    disclose_msg_t m;
    char home[DISCLOSE_HOME_LEN];
    disclose_msg_of_row(env->dir, am, &m, home);
    disclose_reader_t reader = {.dir = env->dir, .who = h->r->who, .now_ms = h->r->now};
    if (!disclose_all(&reader, &m, DISCLOSE_ARCHIVE))
        return 0;
    uint8_t *copy = NULL;
    Enlace__Delivery *d = wire_page_item(am, am->author_id ? author : notary_entry(env->notary),
        &copy);
    if (!d)
        return 1;
    h->items[h->n] = d;
    h->frames[h->n] = copy;
    h->n++;
    return h->n >= h->cap;
}

static void
s_page_free(page_t *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->frames[i]);
        free(h->items[i]);
    }
    free(h->items);
    free(h->frames);
}

/* The page's cursor: its last visible row if full, else the span's end. */
static uint64_t
s_cursor(const page_t *h, uint64_t span_end)
{
    return h->n == h->cap ? h->items[h->n - 1]->seq : span_end;
}

/* Replies with the page (s_cursor); more if the cursor is before `last`;
 * sealed: the sealed messages the search could not read. */
static int
s_send_page(req_t *r, const page_t *h, uint64_t span_end, uint64_t last, uint64_t sealed)
{
    uint64_t cursor = s_cursor(h, span_end);
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__HistoryPage page = ENLACE__HISTORY_PAGE__INIT;
    page.n_messages = h->n;
    page.messages = h->items;
    page.next_after = cursor;
    page.more = cursor < last;
    page.sealed_not_searched = sealed;
    frame.body_case = ENLACE__FRAME__BODY_HISTORY_PAGE;
    frame.history_page = &page;
    return req_reply(r, &frame);
}

int
handle_history(req_t *r, const Enlace__History *q)
{
    const hub_env_t *env = r->env;
    char pattern[TOPIC_MAX_LEN + 1];
    if (request_readable_pattern(r, q->pattern, pattern) != 0)
        return -1;
    size_t cap = q->limit && q->limit < HISTORY_MAX ? q->limit : HISTORY_MAX;
    page_t h = {.r = r, .q = q, .pattern = pattern, .cap = cap};
    h.items = calloc(cap, sizeof *h.items);
    h.frames = calloc(cap, sizeof *h.frames);
    if (!h.items || !h.frames) {
        s_page_free(&h);
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    }
    /* The rows to look at: after the cursor, up to the last committed
     * message (never rows of a batch not yet committed), within the time
     * window's sequence numbers (stored times follow the sequence, so the
     * window is one range of it). */
    uint64_t first = q->after_seq, last = env->head;
    if ((q->from_ms || q->to_ms)
        && archive_time_range(env->archive, q->from_ms, q->to_ms, &first, &last) != 0) {
        log_error("history: %s", archive_error(env->archive));
        s_page_free(&h);
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    if (first < q->after_seq)
        first = q->after_seq;
    if (last > env->head)
        last = env->head;
    if (last < first)
        last = first;
    uint64_t span_end = last - first > HISTORY_SPAN ? first + HISTORY_SPAN : last;
    /* The archive reads only rows that pass the filters it can index (time
     * window, author, case, topic); s_page_row still applies every filter,
     * and alone the disclosure rules and the author's country. */
    archive_query_t aq = {.from_ms = q->from_ms,
        .to_ms = q->to_ms,
        .pattern = pattern,
        .case_id = q->case_id,
        .limit = 512};
    int none = 0;
    if (q->author[0]) {
        /* s_page_row matches the fingerprint of the author's first key
         * (directory_find_officer): that is one officer, or nobody. */
        const dir_entry_t *e = directory_find(env->dir, q->author);
        const dir_entry_t *lead = e ? directory_find_officer(env->dir, e->officer_id) : NULL;
        if (lead && strcmp(lead->fingerprint, q->author) == 0)
            aq.author_id = lead->officer_id;
        else
            none = 1;
    }
    int rc = 0;
    uint64_t pos = first;
    while (!none && h.n < cap && pos < span_end) {
        uint64_t examined;
        int64_t read;
        aq.after_seq = pos;
        aq.upto_seq = span_end;
        rc = archive_messages_query(env->archive, &aq, s_page_row, &h, &examined, &read);
        if (rc != 0 || examined <= pos)
            break;
        pos = examined;
    }
    if (rc != 0) {
        log_error("history: %s", archive_error(env->archive));
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    } else {
        rc = s_send_page(r, &h, span_end, last, 0);
    }
    s_page_free(&h);
    return rc;
}

typedef struct {
    const req_t *r;
    uint64_t n;
} sealed_count_t;

static int
s_sealed_row(const archive_msg_t *am, void *arg)
{
    sealed_count_t *sc = arg;
    const hub_env_t *env = sc->r->env;
    disclose_msg_t m;
    char home[DISCLOSE_HOME_LEN];
    disclose_msg_of_row(env->dir, am, &m, home);
    disclose_reader_t reader = {.dir = env->dir, .who = sc->r->who, .now_ms = sc->r->now};
    sc->n += disclose_all(&reader, &m, DISCLOSE_ARCHIVE);
    return 0;
}

int
handle_search(req_t *r, const Enlace__Search *q)
{
    const hub_env_t *env = r->env;
    size_t qlen = strlen(q->query);
    if (qlen == 0 || qlen > 500 || !topic_text_valid(q->query, qlen))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "a search needs 1 to 500 bytes of text");
    Enlace__History all = ENLACE__HISTORY__INIT;
    size_t cap = q->limit && q->limit < HISTORY_MAX ? q->limit : 100;
    page_t h = {.r = r, .q = &all, .pattern = "#", .cap = cap};
    h.items = calloc(cap, sizeof *h.items);
    h.frames = calloc(cap, sizeof *h.frames);
    uint64_t first = q->after_seq, last = env->head > first ? env->head : first;
    uint64_t span_end = last - first > HISTORY_SPAN ? first + HISTORY_SPAN : last;
    static uint64_t seqs[512];
    int rc = 0, n = 0;
    uint64_t pos = first;
    while (h.items && h.frames && h.n < cap && pos < span_end) {
        if ((rc = archive_text_search(env->archive, q->query, pos, span_end, 512, seqs, &n)) != 0)
            break;
        for (int i = 0; i < n && h.n < cap; i++) {
            if (archive_message_read(env->archive, seqs[i], s_page_row, &h) < 0) {
                rc = -1;
                break;
            }
            pos = seqs[i];
        }
        if (rc != 0 || n < 512)
            break;
    }
    if (!h.items || !h.frames) {
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    } else if (rc != 0) {
        log_error("search: %s", archive_error(env->archive));
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    } else {
        /* Counted over the page's own span, (after, cursor]: pages add up. */
        sealed_count_t sc = {.r = r};
        if (archive_messages_sealed(env->archive, first, s_cursor(&h, span_end), s_sealed_row, &sc)
            != 0) {
            log_error("search: %s", archive_error(env->archive));
            rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        } else {
            rc = s_send_page(r, &h, span_end, last, sc.n);
        }
    }
    s_page_free(&h);
    return rc;
}
