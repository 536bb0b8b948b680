/*
 * testing.c: enlace_test_reply, libenlace's one entry point for the fuzzer
 * (tests/fuzz/fuzz_client.c): the hub's bytes through exactly the code the
 * API calls run on a reply, and every string of the result read as a
 * caller would read it.
 */
#include "enl.h"
#include "enlace_int.h"

#include <stdlib.h>
#include <string.h>

#include "admin_view.h"

static size_t
s_str(const char *s)
{
    return s ? strlen(s) : 0;
}

static size_t
s_strs(const char *const *s, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += s_str(s[i]);
    return total;
}

static size_t
s_touch_form(const enlace_form_t *f)
{
    size_t n = s_str(enlace_form_type(f));
    for (size_t i = 0; i < enlace_form_count(f); i++) {
        const enlace_form_field_t *x = enlace_form_field(f, i);
        n += s_str(x->name) + (size_t)x->kind + s_strs(x->values, x->nvalues);
    }
    return n;
}

static size_t
s_touch_delivery(const enlace_delivery_t *d)
{
    size_t n = strlen(d->topic) + strlen(d->author_fingerprint) + strlen(d->author_name)
        + strlen(d->author_country) + strlen(d->content_type) + strlen(d->handling)
        + strlen(d->handling_text) + strlen(d->evaluation) + d->body_len;
    n += s_strs(d->recipients, d->nrecipients);
    if (d->is_alert) {
        n += strlen(d->alert_priority) + strlen(d->alert_category) + strlen(d->alert_headline)
            + strlen(d->alert_status) + strlen(d->alert_msg_type);
        n += s_strs(d->alert_countries, d->alert_ncountries);
    }
    if (d->escalation_alert)
        n += strlen(d->escalation_country);
    if (d->translation_language)
        n += strlen(d->translation_language) + strlen(d->translation_headline)
            + strlen(d->translation_description);
    if (d->form)
        n += s_touch_form(d->form);
    return n;
}

static size_t
s_touch_alert(const enlace_alert_status_t *a)
{
    size_t n = s_str(a->topic) + s_str(a->priority) + s_str(a->category) + s_str(a->headline)
        + s_str(a->status) + s_str(a->msg_type) + s_strs(a->countries, a->ncountries)
        + s_str(a->author_name) + s_str(a->author_fingerprint) + s_str(a->author_country);
    for (size_t i = 0; i < a->nreferences; i++)
        n += (size_t)(a->references[i] & 1);
    for (size_t i = 0; i < a->ntargets; i++) {
        const enlace_target_t *t = a->targets[i];
        n += s_str(t->country) + s_str(t->state) + s_str(t->acked_by)
            + s_str(t->acked_by_fingerprint) + s_str(t->note);
    }
    return n;
}

static size_t
s_touch_case_info(const enlace_case_info_t *c)
{
    return s_str(c->type) + s_str(c->network) + s_strs(c->countries, c->ncountries)
        + s_str(c->title) + s_str(c->state) + s_str(c->opened_by) + s_str(c->approval);
}

static size_t
s_touch_counts(const enlace_count_t *const *c, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += s_str(c[i]->key) + (size_t)(c[i]->value & 1);
    return total;
}

/* Every string of an administration result, as the CLI prints them. */
static size_t
s_touch_admin(const Enlace__AdminResult *res)
{
    arena_t a = {0};
    admin_result_t r;
    size_t n = 0;
    if (admin_view_result(&a, res, &r) == 0) {
        const enlace_officer_t *one[1] = {r.officer};
        const enlace_officer_t *const *officers = r.officer ? one : r.officers;
        size_t nofficers = r.officer ? 1 : r.nofficers;
        for (size_t i = 0; i < nofficers; i++)
            n += s_str(officers[i]->name) + s_str(officers[i]->country)
                + s_str(officers[i]->organisation) + s_str(officers[i]->role)
                + s_strs(officers[i]->networks, officers[i]->nnetworks)
                + s_str(officers[i]->fingerprint);
        const enlace_invitation_t *inv1[1] = {r.invitation};
        const enlace_invitation_t *const *invs = r.invitation ? inv1 : r.invitations;
        size_t ninvs = r.invitation ? 1 : r.ninvitations;
        for (size_t i = 0; i < ninvs; i++)
            n += s_str(invs[i]->grantee) + s_str(invs[i]->network)
                + s_strs(invs[i]->topics, invs[i]->ntopics) + s_str(invs[i]->access)
                + s_str(invs[i]->created_by) + s_str(invs[i]->state);
        for (size_t i = 0; i < r.naudit; i++)
            n += s_str(r.audit[i]->fingerprint) + s_str(r.audit[i]->action)
                + s_str(r.audit[i]->outcome) + s_str(r.audit[i]->detail);
        for (size_t i = 0; i < r.nstats; i++)
            n += s_str(r.stats[i]->section) + s_str(r.stats[i]->key);
        n += strlen(r.troika.previous.country) + strlen(r.troika.current.country)
            + strlen(r.troika.next.country);
        if (r.status) {
            const enlace_status_t *s = r.status;
            n += s_str(s->reason) + s_str(s->version) + s_str(s->bind)
                + s_touch_counts(s->connected_by_country, s->nconnected_by_country)
                + s_touch_counts(s->connected_by_organisation, s->nconnected_by_organisation)
                + s_touch_counts(s->connected_by_network, s->nconnected_by_network)
                + s_touch_counts(s->messages_by_network, s->nmessages_by_network);
        }
    }
    arena_free(&a);
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
        enl_delivery_t *p = enl_delivery_open(f->delivery, self->verified, self->identity);
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
    case ENLACE__FRAME__BODY_ALERT_LIST: {
        enlace_alert_list_t *l = enl_alert_list_from(f);
        f = NULL;
        for (size_t i = 0; l && i < l->count; i++)
            n += s_touch_alert(l->items[i]);
        enlace_alert_list_destroy(&l);
        break;
    }
    case ENLACE__FRAME__BODY_CASE_DETAIL: {
        enlace_case_t *c = enl_case_from(self, f);
        f = NULL;
        if (c) {
            n += s_touch_case_info(c->info);
            for (size_t i = 0; i < c->nmessages; i++)
                n += s_touch_delivery(c->messages[i]);
            for (size_t i = 0; i < c->nalerts; i++)
                n += s_touch_alert(c->alerts[i]);
            for (size_t i = 0; i < c->nevents; i++)
                n += s_str(c->events[i]->officer) + s_str(c->events[i]->event)
                    + s_str(c->events[i]->note);
        }
        enlace_case_destroy(&c);
        break;
    }
    case ENLACE__FRAME__BODY_CASE_LIST: {
        enlace_case_list_t *l = enl_case_list_from(f);
        f = NULL;
        for (size_t i = 0; l && i < l->count; i++)
            n += s_touch_case_info(l->items[i]);
        enlace_case_list_destroy(&l);
        break;
    }
    case ENLACE__FRAME__BODY_CASE_INFO: {
        arena_t a = {0};
        const enlace_case_info_t *c = enl_case_info_view(&a, f->case_info);
        if (c)
            n = s_touch_case_info(c);
        arena_free(&a);
        break;
    }
    case ENLACE__FRAME__BODY_REVIEW_LIST: {
        enlace_review_t *r = enl_review_from(f);
        f = NULL;
        for (size_t i = 0; r && i < r->ncases; i++)
            n += s_touch_case_info(r->cases[i]);
        for (size_t i = 0; r && i < r->nalerts; i++)
            n += s_touch_alert(r->alerts[i]);
        enlace_review_destroy(&r);
        break;
    }
    case ENLACE__FRAME__BODY_ADMIN_RESULT:
        n = s_touch_admin(f->admin_result);
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
