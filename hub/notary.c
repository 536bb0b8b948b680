/*
 * notary.c: the hub's own notices (see notary.h).
 */
#include "notary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "log.h"
#include "topic.h"
#include "wire.h"

struct notary {
    keys_identity_t *key; /* the hub's identity: signs the notices; owned */
    dir_entry_t entry;    /* how the hub appears as an author */
};

notary_t *
notary_new(keys_identity_t **key_p)
{
    notary_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->key = *key_p;
    *key_p = NULL;
    keys_fingerprint(keys_identity_public(self->key), self->entry.fingerprint);
    snprintf(self->entry.name, sizeof self->entry.name, "enlace hub");
    snprintf(self->entry.role, sizeof self->entry.role, "hub");
    memcpy(self->entry.pk, keys_identity_public(self->key), KEYS_PUBLIC_BYTES);
    return self;
}

void
notary_destroy(notary_t **self_p)
{
    if (!*self_p)
        return;
    keys_identity_destroy(&(*self_p)->key);
    free(*self_p);
    *self_p = NULL;
}

const char *
notary_fingerprint(const notary_t *self)
{
    return self->entry.fingerprint;
}

const dir_entry_t *
notary_entry(const notary_t *self)
{
    return &self->entry;
}

uint64_t
notary_store(notary_t *self, archive_t *archive, batch_t *batch, const char *topic, int tlp,
    const char *recipients, const Enlace__Content *tmpl, int64_t stored_ms)
{
    Enlace__Content c = *tmpl;
    uint8_t id[16];
    randombytes_buf(id, sizeof id);
    c.message_id.data = id;
    c.message_id.len = sizeof id;
    c.topic.data = (uint8_t *)topic;
    c.topic.len = strlen(topic);
    c.created_ms = stored_ms;
    c.author_key.data = (uint8_t *)keys_identity_public(self->key);
    c.author_key.len = KEYS_PUBLIC_BYTES;
    c.tlp = (Enlace__Tlp)tlp;
    c.content_type = "text/plain; charset=utf-8";
    /* The recipients, from the comma list. */
    char *list = strdup(recipients ? recipients : "");
    char *rcpt[256];
    size_t n = 0;
    char *save = NULL;
    for (char *r = list ? strtok_r(list, ",", &save) : NULL; r && n < 256;
         r = strtok_r(NULL, ",", &save))
        rcpt[n++] = r;
    c.n_recipients = n;
    c.recipients = rcpt;
    size_t len = enlace__content__get_packed_size(&c);
    uint8_t *buf = malloc(len ? len : 1);
    uint8_t sig[KEYS_SIGNATURE_BYTES], hash[32];
    uint64_t seq = 0;
    if (!buf || !list)
        goto out;
    enlace__content__pack(&c, buf);
    if (keys_sign_content(self->key, buf, len, sig) != 0)
        goto out;
    crypto_generichash(hash, sizeof hash, buf, len, NULL, 0);
    char net[DIR_NAME_LEN];
    topic_network(topic, net, sizeof net);
    archive_msg_t am = {.seq = archive_last_seq(archive) + 1,
        .msg_id = id,
        .topic = topic,
        .network = net,
        .author_id = 0,
        .tlp = tlp,
        .recipients = recipients ? recipients : "",
        .created_ms = stored_ms,
        .stored_ms = stored_ms,
        .content = buf,
        .content_len = len,
        .signature = sig,
        .content_hash = hash};
    if (archive_message_insert(archive, &am) != 0) {
        log_error("archive: %s", archive_error(archive));
        goto out;
    }
    seq = am.seq;
    batch_action_t stored = {.kind = BATCH_STORED, .seq = seq};
    wire_ring_entry(&stored.msg, &am, "", &self->entry);
    batch_action_t push = {.kind = BATCH_PUSH_NOTICE,
        .seq = seq,
        .to = strdup(recipients ? recipients : "")};
    /* batch_act owns what it is given, also when it fails. */
    if (batch_act(batch, &stored) != 0 || !push.to || batch_act(batch, &push) != 0)
        log_error("hub out of memory: notice %llu is stored but not pushed",
            (unsigned long long)seq);
out:
    free(buf);
    free(list);
    return seq;
}
