/*
 * handle_publish.c: Publish. The content is checked (size, encoding, topic,
 * author, label, recipients, the seal, the access rules, alert, form,
 * forward, the signature), stored with the next sequence number and
 * indexed, in the request's savepoint; "stored" and the delivery wait for
 * the batch's commit. A repeated message id with the same content answers
 * the original sequence and time; with other content, a conflict.
 *
 * Sealed content (PROTOCOL.md 6): the hub never sees its plaintext. It
 * checks the shape (seal.h), that every named recipient can open it, that
 * only the recipients, the author and the ST's archive key can, and that
 * the archive key can if one is registered; the full-text index gets
 * nothing of it. A TLP:RED publish must be sealed.
 */
#include "handle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "acl.h"
#include "alerts.h"
#include "consult.h"
#include "forms.h"
#include "keys.h"
#include "label.h"
#include "seal.h"
#include "log.h"
#include "request.h"
#include "sigcheck.h"
#include "topic.h"
#include "wire.h"

static int
s_valid_fingerprint(const char *fp)
{
    if (strlen(fp) != 19)
        return 0;
    for (int i = 0; i < 19; i++) {
        char c = fp[i];
        if (i % 5 == 4 ? c != '-' : !((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
            return 0;
    }
    return 1;
}

/* Adds a message's text (body if it is text, alert headline, translations)
 * to the full-text index, in the request's savepoint. */
static int
s_index_text(archive_t *archive, uint64_t seq, const Enlace__Content *c)
{
    size_t total = c->body.len + 1;
    for (size_t i = 0; i < c->n_texts; i++)
        total += strlen(c->texts[i]->headline) + strlen(c->texts[i]->description) + 2;
    char *body = malloc(total);
    if (!body)
        return -1;
    size_t o = 0;
    /* An empty body comes from protobuf-c as data == NULL, len == 0. */
    if (c->body.len && topic_text_valid((const char *)c->body.data, c->body.len)) {
        memcpy(body, c->body.data, c->body.len);
        o = c->body.len;
    }
    for (size_t i = 0; i < c->n_texts; i++)
        o += (size_t)sprintf(body + o, "\n%s\n%s", c->texts[i]->headline, c->texts[i]->description);
    body[o] = '\0';
    int rc = archive_text_index(archive, seq, c->alert ? c->alert->headline : "", body, o);
    free(body);
    return rc;
}

/* 1 if key is one in force of officer_id. */
static int
s_officer_key(const directory_t *dir, int64_t officer_id, const uint8_t key[32], int64_t now)
{
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(key, fp);
    const dir_entry_t *e = directory_find(dir, fp);
    return e && e->officer_id == officer_id && !memcmp(e->pk, key, 32)
        && directory_entry_active(e, now);
}

/* Whom a sealed content is sealed to: a box for a key in force of every
 * named recipient, and for the archive key if one is registered; no box
 * for anyone but the recipients, the author and the archive key (current
 * or not: a box the hub cannot tie to them is refused). 0, or req_fail's
 * -1. */
static int
s_check_sealed(req_t *r, const Enlace__Content *c)
{
    const hub_env_t *env = r->env;
    const Enlace__Sealed *s = c->sealed;
    const char *bad = seal_check_shape(c, env->cfg->max_body + 8192);
    if (bad)
        return req_fail(r,
            strstr(bad, "larger") ? ENLACE__ERROR_CODE__ERR_TOO_LARGE
                                  : ENLACE__ERROR_CODE__ERR_MALFORMED,
            "%s", bad);
    if (c->n_recipients == 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "a sealed message names its recipients: only they can open it");
    const uint8_t *archive_key = directory_archive_key(env->dir);
    if (archive_key && !seal_has_key(s, archive_key))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "a sealed message must be sealed to the ST's archive key too (it was rotated? "
            "publish again)");
    for (size_t i = 0; i < c->n_recipients; i++) {
        const dir_entry_t *e = directory_find(env->dir, c->recipients[i]);
        int opens = 0;
        for (size_t k = 0; e && k < s->n_keys && !opens; k++)
            opens = s_officer_key(env->dir, e->officer_id, s->keys[k]->recipient_key.data, r->now);
        if (!opens)
            return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
                "a named recipient (%s) holds no key in force that the message is sealed to",
                c->recipients[i]);
    }
    for (size_t k = 0; k < s->n_keys; k++) {
        const uint8_t *key = s->keys[k]->recipient_key.data;
        int known = (archive_key && !memcmp(key, archive_key, 32))
            || s_officer_key(env->dir, r->who->officer_id, key, r->now);
        for (size_t i = 0; i < c->n_recipients && !known; i++) {
            const dir_entry_t *e = directory_find(env->dir, c->recipients[i]);
            known = e && s_officer_key(env->dir, e->officer_id, key, r->now);
        }
        if (!known)
            return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
                "a sealed message is sealed only to its recipients' keys in force, the "
                "author's and the ST's archive key");
    }
    return 0;
}

/* The checks before anything is written; fills topic, tlp and the
 * comma-separated recipients. 0, or req_fail's -1. */
static int
s_check(req_t *r, const Enlace__Publish *p, const Enlace__Content *c, char topic[TOPIC_MAX_LEN + 1],
    int *tlp_out, char *recipients)
{
    const hub_env_t *env = r->env;
    const dir_entry_t *who = r->who;
    if (c->message_id.len != 16)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED, "a message id is 16 bytes");
    if (c->body.len > env->cfg->max_body)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_TOO_LARGE,
            "message body is larger than this hub accepts");
    const char *bad = request_take_topic(c->topic, 0, topic);
    if (bad)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_BAD_TOPIC, "%s", bad);
    if (c->author_key.len != KEYS_PUBLIC_BYTES
        || sodium_memcmp(c->author_key.data, who->pk, KEYS_PUBLIC_BYTES) != 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE,
            "the message's author key is not the key this connection authenticated with");
    /* protobuf-c cuts a string at an embedded NUL; a content that does not
     * re-encode to its own length hides bytes the hub would not check. */
    if (enlace__content__get_packed_size(c) != p->content.len)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "message content is not canonically encoded (a NUL inside a text field?)");
    int tlp = c->tlp == ENLACE__TLP__TLP_UNSPECIFIED ? ENLACE__TLP__TLP_AMBER : (int)c->tlp;
    if (tlp < ENLACE__TLP__TLP_CLEAR || tlp > ENLACE__TLP__TLP_RED)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED, "unknown TLP label");
    if (c->n_recipients > 64)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_LIMIT, "at most 64 named recipients");
    if (tlp == ENLACE__TLP__TLP_RED && c->n_recipients == 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "TLP:RED needs at least one named recipient");
    if (tlp == ENLACE__TLP__TLP_RED && !c->sealed)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "TLP:RED content must be sealed to its recipients (PROTOCOL.md 6): this client "
            "is older than the hub");
    recipients[0] = '\0';
    for (size_t i = 0; i < c->n_recipients; i++) {
        if (!s_valid_fingerprint(c->recipients[i]) || !directory_find(env->dir, c->recipients[i]))
            return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
                "a named recipient is not in the directory");
        if (i)
            strcat(recipients, ",");
        strcat(recipients, c->recipients[i]);
    }
    if (c->sealed && s_check_sealed(r, c) != 0)
        return -1;
    const char *denied = acl_publish(env->dir, who, topic, r->now);
    if (denied)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED, "%s", denied);
    for (size_t i = 0; i < c->n_recipients; i++)
        if (!acl_topic_access(env->dir, directory_find(env->dir, c->recipients[i]), topic, r->now))
            return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED,
                "a named recipient has no access to this topic; it would never receive it");
    char why[320];
    const char *bad_alert = alerts_check(r, c, topic, tlp, recipients, why, sizeof why);
    if (bad_alert)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED, "%s", bad_alert);
    int consult_code = 0;
    if (consult_check(r, c, topic, tlp, recipients, &consult_code, why, sizeof why) != 0)
        return req_fail(r, (Enlace__ErrorCode)consult_code, "%s", why);
    char form_why[256];
    const char *bad_form = forms_check(c, form_why, sizeof form_why);
    if (bad_form)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED, "%s", bad_form);
    const char *bad_forward = label_check_forward(r, c, topic, tlp, recipients, why, sizeof why);
    if (bad_forward)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED, "%s", bad_forward);
    int sig_ok = r->sig >= 0 ? r->sig /* verified with the rest of the batch, in parallel */
                             : sigcheck_publish(env->verified, who->pk, p);
    if (!sig_ok)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE, "the signature does not verify");
    *tlp_out = tlp;
    return 0;
}

static int
s_reply_stored(req_t *r, uint64_t seq, int duplicate, int64_t stored_ms)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Stored st = ENLACE__STORED__INIT;
    st.seq = seq;
    st.duplicate = duplicate;
    st.stored_ms = stored_ms;
    frame.body_case = ENLACE__FRAME__BODY_STORED;
    frame.stored = &st;
    return req_reply(r, &frame);
}

/* Stores a checked content: the message row, its text, its alert; queues
 * "stored", the ring entry and the alert's push. 0, or req_fail's -1. */
static int
s_store(req_t *r, const Enlace__Publish *p, const Enlace__Content *c, const char *topic, int tlp,
    const char *recipients)
{
    const hub_env_t *env = r->env;
    uint8_t hash[32], old_hash[32];
    crypto_generichash(hash, sizeof hash, p->content.data, p->content.len, NULL, 0);
    uint64_t seq = 0;
    int64_t old_stored_ms = 0;
    int found = archive_message_find(env->archive, c->message_id.data, &seq, old_hash,
        &old_stored_ms);
    if (found < 0) {
        log_error("archive: %s", archive_error(env->archive));
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL,
            "archive unavailable; nothing was stored");
    }
    if (found && sodium_memcmp(hash, old_hash, sizeof hash) != 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_CONFLICT,
            "this message id was already used for different content");
    if (found) /* a retry: the original's seq and time */
        return s_reply_stored(r, seq, 1, old_stored_ms);
    char net[DIR_NAME_LEN];
    topic_network(topic, net, sizeof net);
    int64_t now = batch_stored_now(env->batch, r->now);
    archive_msg_t am = {.seq = archive_last_seq(env->archive) + 1,
        .msg_id = c->message_id.data,
        .topic = topic,
        .network = net,
        .author_id = r->who->officer_id,
        .tlp = tlp,
        .recipients = recipients,
        .created_ms = c->created_ms,
        .stored_ms = now,
        .content = p->content.data,
        .content_len = p->content.len,
        .signature = p->signature.data,
        .content_hash = hash,
        .case_id = c->case_id,
        .personal = c->personal_data || c->form,
        .handling = c->handling,
        .sealed = c->sealed != NULL};
    if (p->batch) {
        am.batch_size = p->batch->size;
        am.batch_index = p->batch->index;
        am.batch_path = p->batch->path.data;
        am.batch_path_len = p->batch->path.len;
    }
    int push;
    if (archive_message_insert(env->archive, &am) != 0
        || (!c->sealed && s_index_text(env->archive, am.seq, c) != 0)
        || (push = alerts_stored(r, c, am.seq, topic, net, now)) < 0
        || consult_stored(r, c, am.seq, now) != 0) {
        log_error("archive: %s", archive_error(env->archive));
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL,
            "archive write failed; nothing was stored");
    }
    batch_action_t stored = {.kind = BATCH_STORED, .seq = am.seq};
    wire_ring_entry(&stored.msg, &am, acl_home(r->who), r->who);
    batch_action_t alert = {.kind = BATCH_PUSH_ALERT, .seq = am.seq};
    if (batch_act(env->batch, &stored) != 0 || (push && batch_act(env->batch, &alert) != 0))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    return s_reply_stored(r, am.seq, 0, now);
}

int
handle_publish(req_t *r, const Enlace__Publish *p)
{
    /* A sealed content carries up to SEAL_MAX_KEYS boxes beside its body. */
    size_t boxes = SEAL_MAX_KEYS * (SEAL_BOX_BYTES + 40);
    if (p->content.len > r->env->cfg->max_body + 8192 + boxes)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_TOO_LARGE,
            "message is larger than this hub accepts");
    if (p->signature.len != KEYS_SIGNATURE_BYTES)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE, "a signature is 64 bytes");
    Enlace__Content *c = enlace__content__unpack(NULL, p->content.len, p->content.data);
    if (!c)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED, "message content does not decode");
    if (c->consult) /* the audit names a consultation's steps */
        r->action = consult_action(c->consult);
    if (!c->sealed && p->content.len > r->env->cfg->max_body + 8192) {
        enlace__content__free_unpacked(c, NULL);
        return req_fail(r, ENLACE__ERROR_CODE__ERR_TOO_LARGE,
            "message is larger than this hub accepts");
    }
    char topic[TOPIC_MAX_LEN + 1];
    char *recipients = calloc(1, c->n_recipients * 20 + 1);
    int tlp = 0, rc;
    if (!recipients)
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    else if ((rc = s_check(r, p, c, topic, &tlp, recipients)) == 0)
        rc = s_store(r, p, c, topic, tlp, recipients);
    free(recipients);
    enlace__content__free_unpacked(c, NULL);
    return rc;
}
