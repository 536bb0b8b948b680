/*
 * history.c: the archive, a page at a time: history by pattern and
 * full-text search. Every item is verified like a live delivery; one that
 * fails is counted in enlace_bad_signatures and left out.
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

struct enlace_page {
    Enlace__Frame *frame;  /* the HistoryPage frame; owned */
    enl_delivery_t **items; /* verified items; owned */
    size_t n;
    uint64_t next;
    int more;
};

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
    h.limit = q->limit;
    h.from_ms = q->from_ms;
    h.to_ms = q->to_ms;
    h.author = (char *)(q->author ? q->author : "");
    h.country = (char *)(q->country ? q->country : "");
    h.case_id = q->case_id;
    req.body_case = ENLACE__FRAME__BODY_HISTORY;
    req.history = &h;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_HISTORY_PAGE, &err);
    if (!reply)
        return err;
    return enl_page_from(self, reply, out);
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
    q.limit = limit;
    req.body_case = ENLACE__FRAME__BODY_SEARCH;
    req.search = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_HISTORY_PAGE, &err);
    if (!reply)
        return err;
    return enl_page_from(self, reply, out);
}

/* Builds a verified page from a HistoryPage reply (which it owns). */
int
enl_page_from(enlace_client_t *self, Enlace__Frame *reply, enlace_page_t **out)
{
    enlace_page_t *page = calloc(1, sizeof *page);
    Enlace__HistoryPage *hp = reply->history_page;
    if (page && hp->n_messages)
        page->items = calloc(hp->n_messages, sizeof *page->items);
    if (!page || (hp->n_messages && !page->items)) {
        free(page);
        enlace__frame__free_unpacked(reply, NULL);
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    }
    page->frame = reply;
    page->next = hp->next_after;
    page->more = hp->more;
    for (size_t i = 0; i < hp->n_messages; i++) {
        enl_delivery_t *p = enl_delivery_open(hp->messages[i]);
        if (p)
            page->items[page->n++] = p;
        else
            self->bad_signatures++;
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

void
enlace_page_destroy(enlace_page_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    enlace_page_t *page = *self_p;
    for (size_t i = 0; i < page->n; i++)
        enl_delivery_free(page->items[i]);
    free(page->items);
    enlace__frame__free_unpacked(page->frame, NULL);
    free(page);
    *self_p = NULL;
}
