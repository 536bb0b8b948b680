/*
 * history.c: the archive, a page at a time: history by pattern and
 * full-text search. Every item is verified like a live delivery; one that
 * fails is counted in enlace_bad_signatures and left out. A page may take
 * several requests (s_page_fill).
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

struct enlace_page {
    Enlace__Frame **frames; /* the HistoryPage replies it was filled from; owned */
    size_t nframes;
    enl_delivery_t **items; /* verified items; owned */
    size_t n, cap;
    uint64_t next;
    int more;
    uint64_t sealed_not_searched; /* summed over the replies */
};

/* Adds a HistoryPage reply (which it then owns, also on failure) to a page:
 * its verified items, and its cursor. */
static int
s_page_add(enlace_client_t *self, enlace_page_t *page, Enlace__Frame *reply)
{
    Enlace__HistoryPage *hp = reply->history_page;
    Enlace__Frame **frames = realloc(page->frames, (page->nframes + 1) * sizeof *frames);
    if (frames)
        page->frames = frames;
    if (frames && page->n + hp->n_messages > page->cap) {
        size_t cap = page->n + hp->n_messages;
        enl_delivery_t **items = realloc(page->items, cap * sizeof *items);
        if (items) {
            page->items = items;
            page->cap = cap;
        } else {
            frames = NULL;
        }
    }
    if (!frames) {
        enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    page->frames[page->nframes++] = reply;
    page->next = hp->next_after;
    page->more = hp->more;
    page->sealed_not_searched += hp->sealed_not_searched;
    /* An empty page has no items array yet: NULL + 0 is undefined. */
    if (hp->n_messages)
        page->n += enl_deliveries_open(self, hp->messages, hp->n_messages, page->items + page->n);
    return ENLACE_OK;
}

/* Fills one page of up to `want` items from as many replies as it takes.
 * The hub examines a bounded span of the archive per request and ends a
 * page at the span's end when it found fewer (so that where it stops never
 * depends on a message the reader may not see): the library asks again
 * from there until the page is full or the hub says there is no more. */
static int
s_page_fill(enlace_client_t *self, Enlace__Frame *req, uint64_t *after_seq, uint32_t *limit,
    unsigned want, enlace_page_t **out)
{
    enlace_page_t *page = calloc(1, sizeof *page);
    if (!page)
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    page->next = *after_seq;
    for (;;) {
        *limit = (uint32_t)(want - page->n);
        int err;
        Enlace__Frame *reply = enl_request(self, req, ENLACE__FRAME__BODY_HISTORY_PAGE, &err);
        if (!reply) {
            enlace_page_destroy(&page);
            return err;
        }
        uint64_t before = *after_seq;
        if ((err = s_page_add(self, page, reply)) != ENLACE_OK) {
            enlace_page_destroy(&page);
            return err;
        }
        if (page->n >= want || !page->more || page->next <= before)
            break;
        *after_seq = page->next;
    }
    *out = page;
    return ENLACE_OK;
}

int
enlace_history(enlace_client_t *self, const enlace_history_query_t *q, enlace_page_t **out)
{
    *out = NULL;
    if (!self || !q || !q->pattern)
        return enl_fail(self, ENLACE_EINVAL, "a pattern is required");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__History h = ENLACE__HISTORY__INIT;
    h.pattern.data = (uint8_t *)q->pattern;
    h.pattern.len = strlen(q->pattern);
    h.after_seq = q->after_seq;
    h.from_ms = q->from_ms;
    h.to_ms = q->to_ms;
    h.author = (char *)(q->author ? q->author : "");
    h.country = (char *)(q->country ? q->country : "");
    h.case_id = q->case_id;
    req.body_case = ENLACE__FRAME__BODY_HISTORY;
    req.history = &h;
    /* The hub's page size: 500 at most, and when none is asked for. */
    unsigned want = q->limit && q->limit < 500 ? q->limit : 500;
    return s_page_fill(self, &req, &h.after_seq, &h.limit, want, out);
}

int
enlace_search(enlace_client_t *self, const char *query, uint64_t after_seq, unsigned limit,
    enlace_page_t **out)
{
    *out = NULL;
    if (!self || !query || !*query)
        return enl_fail(self, ENLACE_EINVAL, "a search needs words to look for");
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__Search q = ENLACE__SEARCH__INIT;
    q.query = (char *)query;
    q.after_seq = after_seq;
    req.body_case = ENLACE__FRAME__BODY_SEARCH;
    req.search = &q;
    /* The hub's page size for a search: 100 unless asked, 500 at most. */
    unsigned want = limit ? (limit < 500 ? limit : 500) : 100;
    return s_page_fill(self, &req, &q.after_seq, &q.limit, want, out);
}

/* Builds a verified page from one HistoryPage reply (which it owns). */
int
enl_page_from(enlace_client_t *self, Enlace__Frame *reply, enlace_page_t **out)
{
    *out = NULL;
    enlace_page_t *page = calloc(1, sizeof *page);
    if (!page) {
        enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    int err = s_page_add(self, page, reply);
    if (err != ENLACE_OK) {
        enlace_page_destroy(&page);
        return err;
    }
    *out = page;
    return ENLACE_OK;
}

size_t
enlace_page_count(const enlace_page_t *page)
{
    return page ? page->n : 0;
}

const enlace_delivery_t *
enlace_page_item(const enlace_page_t *page, size_t i)
{
    return page && i < page->n ? &page->items[i]->pub : NULL;
}

uint64_t
enlace_page_next(const enlace_page_t *page)
{
    return page ? page->next : 0;
}

int
enlace_page_more(const enlace_page_t *page)
{
    return page ? page->more : 0;
}

uint64_t
enlace_page_sealed_not_searched(const enlace_page_t *page)
{
    return page ? page->sealed_not_searched : 0;
}

void
enlace_page_destroy(enlace_page_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    enlace_page_t *page = *self_p;
    for (size_t i = 0; i < page->n; i++)
        enl_delivery_free(page->items[i]);
    free(page->items);
    for (size_t i = 0; i < page->nframes; i++)
        enlace__frame__free_unpacked(page->frames[i], NULL);
    free(page->frames);
    free(page);
    *self_p = NULL;
}
