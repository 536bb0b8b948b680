/*
 * publish.c: a message encoded, sealed if it must be, queued to be signed
 * in a batch, and sent.
 *
 * The author serializes Content (sealed first when TLP:RED or asked:
 * sealed.c); the outbox signs the contents queued together with one
 * signature over their Merkle root (merkle.h) and sends each in a Publish
 * frame with its audit path; those exact frame bytes stay in the outbox and
 * are what a reconnect resends, so the hub sees identical content (and the
 * same message id) however often it arrives.
 */
#include "enl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "seal.h"

/* Builds the serialized Content of a message (*out, caller frees); consult
 * (or NULL) makes it a step of a consultation. */
static int
s_build_content(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, const Enlace__Consult *consult, uint8_t **out,
    size_t *out_len)
{
    if (!topic || (!body && len))
        return enl_fail(self, ENLACE_EINVAL, "topic and body are required");
    if (strpbrk(topic, "+#"))
        return enl_fail(self, ENLACE_EBADTOPIC, "a published topic cannot contain '+' or '#'");
    if (opts && opts->tlp == ENLACE_TLP_RED && opts->nrecipients == 0)
        return enl_fail(self, ENLACE_EINVAL, "TLP:RED needs at least one named recipient");
    uint8_t id[16];
    if (opts && opts->message_id)
        memcpy(id, opts->message_id, sizeof id);
    else
        randombytes_buf(id, sizeof id);
    Enlace__Content c = ENLACE__CONTENT__INIT;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    c.message_id.data = id;
    c.message_id.len = sizeof id;
    c.topic.data = (uint8_t *)topic;
    c.topic.len = strlen(topic);
    c.created_ms = opts && opts->created_ms ? opts->created_ms
                                            : (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    c.author_key.data = (uint8_t *)keys_identity_public(self->identity);
    c.author_key.len = KEYS_PUBLIC_BYTES;
    c.tlp = opts ? (Enlace__Tlp)opts->tlp : ENLACE__TLP__TLP_UNSPECIFIED;
    c.n_recipients = opts ? opts->nrecipients : 0;
    c.recipients = opts ? (char **)opts->recipients : NULL;
    c.content_type = (char *)(opts && opts->content_type ? opts->content_type
                                                         : "text/plain; charset=utf-8");
    c.body.data = (uint8_t *)body;
    c.body.len = len;
    c.case_id = opts ? opts->case_id : 0;
    c.forward_of = opts ? opts->forward_of : 0;
    if (opts && opts->handling) {
        int h = enl_enum(enl_handling_names, opts->handling, 0);
        if (h <= 0)
            return enl_fail(self, ENLACE_EINVAL, "handling code is H0, H1, H2 or H3");
        c.handling = (Enlace__Handling)h;
        c.handling_text = (char *)(opts->handling_text ? opts->handling_text : "");
    }
    if (opts && opts->evaluation && *opts->evaluation) {
        const char *e = opts->evaluation;
        const char *r = strchr("ABCX", toupper((unsigned char)e[0]));
        if (!r || !*r || strlen(e) != 2 || e[1] < '1' || e[1] > '4')
            return enl_fail(self, ENLACE_EINVAL,
                "an evaluation is source reliability A, B, C or X and accuracy 1 to 4, e.g. B2");
        c.reliability = (Enlace__Reliability)(r - "ABCX" + 1);
        c.accuracy = (uint32_t)(e[1] - '0');
    }
    c.personal_data = opts && opts->personal_data;
    c.consult = (Enlace__Consult *)consult;
    Enlace__Alert alert = ENLACE__ALERT__INIT;
    if (opts && opts->alert) {
        const enlace_alert_t *a = opts->alert;
        struct {
            const char *const *names;
            const char *value;
            int def;
            int *out;
            const char *what;
        } fields[] = {
            {enl_priority_names, a->priority, 0, (int *)&alert.priority, "priority"},
            {enl_category_names, a->category, 0, (int *)&alert.category, "category"},
            {enl_status_names, a->status, 0, (int *)&alert.status, "status"},
            {enl_msgtype_names, a->msg_type, 0, (int *)&alert.msg_type, "message type"},
            {enl_urgency_names, a->urgency, 0, (int *)&alert.urgency, "urgency"},
            {enl_severity_names, a->severity, 0, (int *)&alert.severity, "severity"},
            {enl_certainty_names, a->certainty, 0, (int *)&alert.certainty, "certainty"},
        };
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            int v = enl_enum(fields[i].names, fields[i].value, fields[i].def);
            if (v < 0)
                return enl_fail(self, ENLACE_EINVAL, "unknown alert %s '%s'", fields[i].what,
                    fields[i].value);
            *fields[i].out = v;
        }
        if (!a->headline || !*a->headline)
            return enl_fail(self, ENLACE_EINVAL, "an alert needs a headline");
        if (a->ncountries == 0)
            return enl_fail(self, ENLACE_EINVAL, "an alert names the countries it concerns");
        alert.n_countries = a->ncountries;
        alert.countries = (char **)a->countries;
        alert.headline = (char *)a->headline;
        alert.n_references = a->nreferences;
        alert.references = (uint64_t *)a->references;
        alert.area = (char *)(a->area ? a->area : "");
        alert.expires_ms = a->expires_ms;
        alert.language = (char *)(a->language ? a->language : "");
        c.alert = &alert;
    }
    Enlace__LocalizedText tr = ENLACE__LOCALIZED_TEXT__INIT;
    Enlace__LocalizedText *trs[1] = {&tr};
    if (opts && opts->alert && opts->alert->translation_language) {
        tr.language = (char *)opts->alert->translation_language;
        tr.headline = (char *)(opts->alert->translation_headline ? opts->alert->translation_headline
                                                                 : "");
        tr.description = (char *)(opts->alert->translation_description
                ? opts->alert->translation_description
                : "");
        c.n_texts = 1;
        c.texts = trs;
    }
    if (opts && opts->form) {
        c.form = (Enlace__CaseForm *)enl_form_message(opts->form);
        c.personal_data = 1;
    }
    /* TLP:RED is always sealed; anything else when asked. */
    int seal = opts && (opts->tlp == ENLACE_TLP_RED || opts->seal);
    Enlace__Sealed sealed;
    Enlace__SealedPart part;
    if (seal) {
        int rc = enl_seal_content(self, &c, &sealed, &part);
        if (rc != ENLACE_OK)
            return rc;
    }
    *out_len = enlace__content__get_packed_size(&c);
    *out = malloc(*out_len ? *out_len : 1);
    if (*out)
        enlace__content__pack(&c, *out);
    if (seal)
        seal_sealed_fini(&sealed);
    if (!*out)
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    return ENLACE_OK;
}

static int
s_publish_async(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, const Enlace__Consult *consult, uint64_t *ticket)
{
    if (!self)
        return ENLACE_EINVAL;
    if (self->revoked)
        return enl_fail(self, ENLACE_EREVOKED,
            "the hub revoked this key; the connection is closed");
    if (self->outbox.count >= ENLACE_PUBLISH_WINDOW)
        return enl_fail(self, ENLACE_ELIMIT, "too many publishes awaiting the hub's answer");
    /* Built first: sealing asks the hub for keys, a request of its own, so
     * the publish's request id is only known after. */
    uint8_t *content;
    size_t clen;
    int rc = s_build_content(self, topic, body, len, opts, consult, &content, &clen);
    if (rc != ENLACE_OK)
        return rc;
    uint64_t id = self->next_request + 1;
    rc = enl_outbox_room(&self->outbox, id);
    if (rc != ENLACE_OK) {
        free(content);
        if (rc == ENLACE_ENOMEM)
            return enl_fail(self, rc, "out of memory");
        return enl_fail(self, rc, "too many publishes awaiting the hub's answer");
    }
    /* Queued for the next batch, Nagle's way: it goes now, with whatever
     * else is queued, unless a batch sent earlier is still unanswered (the
     * answers that have arrived are taken in first); then it goes when that
     * batch is answered (at the next publish), when the caller next waits
     * (enlace_publish_result, enlace_recv, any request), or when a batch is
     * full. A lone publish never waits, and under load a batch is what was
     * published during one round trip to the hub. If the hub is unreachable
     * it stays outstanding, sent once the connection is restored. */
    self->next_request = id;
    enl_outbox_add_unsigned(&self->outbox, id, content, clen);
    if (self->outbox.count > self->outbox.ntosign && self->state == ENLACE_STATE_CONNECTED)
        enl_recv_waiting(self);
    if (self->outbox.count == self->outbox.ntosign || self->outbox.ntosign >= MERKLE_MAX_LEAVES)
        enl_flush_unsent(self);
    if (ticket)
        *ticket = id;
    return ENLACE_OK;
}

int
enlace_publish_async(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, uint64_t *ticket)
{
    return s_publish_async(self, topic, body, len, opts, NULL, ticket);
}

int
enl_publish_with(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, const Enlace__Consult *consult, uint64_t *seq_out)
{
    uint64_t ticket;
    int rc = s_publish_async(self, topic, body, len, opts, consult, &ticket);
    if (rc != ENLACE_OK)
        return rc;
    rc = enl_outbox_wait(self, ticket, seq_out);
    if (rc == ENLACE_ETIMEDOUT)
        return enl_fail(self, ENLACE_ETIMEDOUT,
            "no answer from the hub within %d ms; the message may or may not be stored: "
            "publish again with the same message id to be sure",
            self->timeout_ms);
    return rc;
}

int
enlace_publish(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, uint64_t *seq_out)
{
    return enl_publish_with(self, topic, body, len, opts, NULL, seq_out);
}
