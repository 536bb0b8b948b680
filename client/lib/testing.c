/*
 * testing.c: enlace_test_reply, libenlace's one entry point for the fuzzer
 * (tests/fuzz/fuzz_client.c): the hub's bytes through exactly the code the
 * API calls run on a reply.
 */
#include "enl.h"
#include "enlace_int.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "enl_json.h"


/* Reads every string of a delivery as a caller would. */
static size_t
s_touch_delivery(const enlace_delivery_t *d)
{
    size_t n = strlen(d->topic) + strlen(d->author_fingerprint) + strlen(d->author_name)
        + strlen(d->author_country) + strlen(d->content_type) + strlen(d->handling)
        + strlen(d->handling_text) + strlen(d->evaluation) + d->body_len;
    for (size_t i = 0; i < d->nrecipients; i++)
        n += strlen(d->recipients[i]);
    if (d->is_alert) {
        n += strlen(d->alert_priority) + strlen(d->alert_category) + strlen(d->alert_headline)
            + strlen(d->alert_status) + strlen(d->alert_msg_type);
        for (size_t i = 0; i < d->alert_ncountries; i++)
            n += strlen(d->alert_countries[i]);
    }
    if (d->escalation_alert)
        n += strlen(d->escalation_country);
    if (d->translation_language)
        n += strlen(d->translation_language) + strlen(d->translation_headline)
            + strlen(d->translation_description);
    if (d->form_json)
        n += strlen(d->form_json);
    return n;
}

static size_t
s_touch_json(json_t *j)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
    size_t n = text ? strlen(text) : 0;
    free(text);
    json_decref(j);
    return n;
}

size_t
enlace_test_reply(const uint8_t *data, size_t len)
{
    Enlace__Frame *f = enlace__frame__unpack(NULL, len, data);
    if (!f)
        return 0;
    enlace_client_t *self = calloc(1, sizeof *self);
    if (!self) {
        enlace__frame__free_unpacked(f, NULL);
        return 0;
    }
    size_t n = 0;
    switch (f->body_case) {
    case ENLACE__FRAME__BODY_DELIVERY: {
        enl_delivery_t *p = enl_delivery_open(f->delivery);
        if (p) {
            p->frame = f;
            f = NULL;
            n = s_touch_delivery(&p->pub);
            enlace_delivery_t *d = &p->pub;
            enlace_delivery_destroy(&d);
        }
        break;
    }
    case ENLACE__FRAME__BODY_HISTORY_PAGE: {
        enlace_page_t *page = NULL;
        Enlace__Frame *owned = f;
        f = NULL; /* the page owns it, even on failure */
        if (enl_page_from(self, owned, &page) == ENLACE_OK) {
            for (size_t i = 0; i < enlace_page_count(page); i++)
                n += s_touch_delivery(enlace_page_item(page, i));
            enlace_page_destroy(&page);
        }
        break;
    }
    case ENLACE__FRAME__BODY_ALERT_LIST:
        n = s_touch_json(enl_alert_list_json(f->alert_list));
        break;
    case ENLACE__FRAME__BODY_CASE_DETAIL:
        n = s_touch_json(enl_case_detail_json(self, f->case_detail));
        break;
    case ENLACE__FRAME__BODY_CASE_LIST:
        n = s_touch_json(enl_case_list_json(f->case_list->cases, f->case_list->n_cases));
        break;
    case ENLACE__FRAME__BODY_CASE_INFO:
        n = s_touch_json(enl_case_info_json(f->case_info));
        break;
    case ENLACE__FRAME__BODY_REVIEW_LIST:
        n = s_touch_json(enl_review_json(f->review_list));
        break;
    case ENLACE__FRAME__BODY_ERROR:
        n = (size_t)enl_map_error(f->error->code) + strlen(f->error->message);
        break;
    default:
        break;
    }
    enlace__frame__free_unpacked(f, NULL);
    free(self);
    return n;
}
