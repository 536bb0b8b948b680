/*
 * verify.c: a delivery, checked and made readable.
 *
 * Invariant: a delivery reaches the caller only after its signature verified
 * against the author key inside the signed content (the content's own
 * signature, or its batch's root signature with the content's audit path:
 * merkle.h), and that key's fingerprint equals the author the hub names. The
 * view points into the decoded content (owned by the view) and into the
 * Delivery it came from. A sealed content (seal.h) is opened with the
 * reader's key after the signature verified; the view then points into the
 * opened part, or, if the key cannot open it, shows no text at all and says
 * why (seal_status): never ciphertext, never a part that did not
 * authenticate.
 */
#include "enl.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "seal.h"

/* 0 if the delivery's signature verifies: over the content alone, or, for
 * a batch, over the root its proof leads to (verified once, then known). */
static int
s_verify(const Enlace__Delivery *d, const uint8_t *pk, sigcache_t *verified)
{
    if (!d->batch)
        return keys_verify_content(pk, d->content.data, d->content.len, d->signature.data);
    return sigcache_verify_batched(verified, pk, d->content.data, d->content.len, d->signature.data,
        d->batch->index, d->batch->size, d->batch->path.data, d->batch->path.len);
}

/* Opens c's seal with identity: ENLACE_OK and *part, ENLACE_ESEALED,
 * ENLACE_EBADSEAL, ENLACE_ENOMEM. */
static int
s_unseal(const Enlace__Content *c, const keys_identity_t *identity, Enlace__SealedPart **part)
{
    *part = NULL;
    if (!identity)
        return ENLACE_ESEALED;
    uint8_t cpk[KEYS_CURVE_BYTES], csk[KEYS_CURVE_BYTES];
    keys_identity_curve_public(identity, cpk);
    keys_identity_curve_secret(identity, csk);
    int rc = seal_open(c, keys_identity_public(identity), cpk, csk, part);
    sodium_memzero(csk, sizeof csk);
    switch (rc) {
    case SEAL_OK:
        return ENLACE_OK;
    case SEAL_ENOKEY:
        return ENLACE_ESEALED;
    case SEAL_ENOMEM:
        return ENLACE_ENOMEM;
    default:
        return ENLACE_EBADSEAL;
    }
}

enl_delivery_t *
enl_delivery_open(Enlace__Delivery *d, sigcache_t *verified, const keys_identity_t *identity)
{
    if (d->signature.len != KEYS_SIGNATURE_BYTES)
        return NULL;
    Enlace__Content *c = enlace__content__unpack(NULL, d->content.len, d->content.data);
    if (!c)
        return NULL;
    if (c->author_key.len != KEYS_PUBLIC_BYTES || c->message_id.len != 16
        || s_verify(d, c->author_key.data, verified) != 0) {
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    enl_delivery_t *p = calloc(1, sizeof *p);
    if (!p) {
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    if (c->topic.len == 0 || c->topic.len >= sizeof p->topic
        || memchr(c->topic.data, '\0', c->topic.len)) {
        free(p);
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    memcpy(p->topic, c->topic.data, c->topic.len);
    p->topic[c->topic.len] = '\0';
    keys_fingerprint(c->author_key.data, p->author_fp);
    if (strcmp(p->author_fp, d->author_fingerprint) != 0) {
        /* The hub names someone else as the author: trust the signature,
         * refuse the mismatch. */
        free(p);
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    p->content = c;
    enlace_delivery_t *pub = &p->pub;
    pub->seq = d->seq;
    pub->topic = p->topic;
    pub->body = c->body.data;
    pub->body_len = c->body.len;
    pub->content_type = c->content_type;
    pub->tlp = c->tlp == ENLACE__TLP__TLP_UNSPECIFIED ? ENLACE_TLP_AMBER : (int)c->tlp;
    pub->message_id = c->message_id.data;
    pub->author_fingerprint = p->author_fp;
    pub->author_name = d->author_name;
    pub->author_country = d->author_country;
    pub->created_ms = c->created_ms;
    pub->stored_ms = d->stored_ms;
    pub->signature = d->signature.data;
    pub->content = d->content.data;
    pub->content_len = d->content.len;
    if (d->batch) {
        pub->batch_size = d->batch->size;
        pub->batch_index = d->batch->index;
        pub->batch_path = d->batch->path.data;
        pub->batch_path_len = d->batch->path.len;
    }
    pub->nrecipients = c->n_recipients;
    pub->recipients = (const char *const *)c->recipients;
    pub->case_id = c->case_id;
    pub->out_of_band = d->out_of_band;
    if (c->alert) {
        pub->is_alert = 1;
        pub->alert_priority = enl_name(enl_priority_names, c->alert->priority);
        pub->alert_category = enl_name(enl_category_names, c->alert->category);
        pub->alert_headline = c->alert->headline;
        pub->alert_status = enl_name(enl_status_names, c->alert->status);
        pub->alert_msg_type = enl_name(enl_msgtype_names, c->alert->msg_type);
        pub->alert_ncountries = c->alert->n_countries;
        pub->alert_countries = (const char *const *)c->alert->countries;
    }
    if (c->escalation) {
        pub->escalation_alert = c->escalation->alert_seq;
        pub->escalation_country = c->escalation->country;
        pub->escalation_level = c->escalation->level;
    }
    pub->handling = (unsigned)c->handling <= 4 ? enl_handling_names[c->handling] : "";
    pub->handling_text = c->handling_text;
    if (c->reliability && c->accuracy) {
        pub->evaluation[0] = "?ABCX"[(unsigned)c->reliability <= 4 ? c->reliability : 0];
        pub->evaluation[1] = (char)('0' + (c->accuracy <= 4 ? c->accuracy : 0));
        pub->evaluation[2] = '\0';
    }
    pub->personal_data = c->personal_data || c->form;
    if (c->consult) {
        static const char *const steps[] = {"open", "answer", "advance", "revise", "close"};
        static const char *const answers[] = {"", "agree", "object", "no-objection", "comments",
            "objection"};
        static const char *const outcomes[] = {"", "consensus", "no-consensus"};
        const Enlace__Consult *k = c->consult;
        pub->consult_step = (unsigned)k->step < 5 ? steps[k->step] : "?";
        pub->consult_id = k->consultation;
        pub->consult_title = k->title;
        pub->consult_stage = k->stage;
        pub->consult_answer = (unsigned)k->answer < 6 ? answers[k->answer] : "?";
        pub->consult_outcome = (unsigned)k->outcome < 3 ? outcomes[k->outcome] : "?";
        pub->consult_reason = k->reason;
    }
    if (c->consult_notice) {
        pub->consult_notice = c->consult_notice->kind;
        pub->consult_id = c->consult_notice->consultation;
        pub->consult_stage = c->consult_notice->stage;
        pub->consult_country = c->consult_notice->country;
        pub->consult_deadline_ms = c->consult_notice->deadline_ms;
    }
    pub->opened_by = p->opened_by;
    /* What the text fields show: the content's own, or its opened seal's. */
    size_t n_texts = c->n_texts;
    Enlace__LocalizedText **texts = c->texts;
    const Enlace__CaseForm *form = c->form;
    if (c->sealed) {
        pub->sealed = 1;
        pub->seal_status = s_unseal(c, identity, &p->part);
        if (pub->seal_status == ENLACE_ENOMEM) {
            enlace__content__free_unpacked(c, NULL);
            free(p);
            return NULL;
        }
        if (pub->seal_status == ENLACE_OK) {
            Enlace__SealedPart *part = p->part;
            keys_fingerprint(keys_identity_public(identity), p->opened_by);
            pub->body = part->body.data;
            pub->body_len = part->body.len;
            pub->content_type = part->content_type;
            pub->handling_text = part->handling_text;
            if (c->alert)
                pub->alert_headline = part->headline;
            n_texts = part->n_texts;
            texts = part->texts;
            form = part->form;
            pub->personal_data |= form != NULL;
        } else {
            /* Not for this key, or damaged: nothing of the sealed part. */
            pub->body = NULL;
            pub->body_len = 0;
        }
    }
    if (n_texts) {
        pub->translation_language = texts[0]->language;
        pub->translation_headline = texts[0]->headline;
        pub->translation_description = texts[0]->description;
    }
    if (form) {
        p->form = enl_form_wrap(form);
        if (!p->form) {
            enl_delivery_free(p);
            return NULL;
        }
        pub->form = p->form;
    }
    return p;
}

size_t
enl_deliveries_open(enlace_client_t *self, Enlace__Delivery *const *in, size_t n,
    enl_delivery_t **out)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        enl_delivery_t *p = enl_delivery_open(in[i], self->verified, self->identity);
        if (p)
            out[kept++] = p;
        else
            self->bad_signatures++;
    }
    return kept;
}

void
enl_delivery_free(enl_delivery_t *p)
{
    if (!p)
        return;
    enlace_form_destroy(&p->form);
    if (p->part)
        enlace__sealed_part__free_unpacked(p->part, NULL);
    enlace__content__free_unpacked(p->content, NULL);
    enlace__frame__free_unpacked(p->frame, NULL);
    free(p);
}

void
enlace_delivery_destroy(enlace_delivery_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    enl_delivery_free((enl_delivery_t *)*self_p);
    *self_p = NULL;
}
