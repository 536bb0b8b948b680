/*
 * wire.c: frames the hub sends (see wire.h).
 */
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

int
wire_pack(Enlace__Frame *frame, uint64_t request_id, uint8_t **out, size_t *len)
{
    frame->version = ENLACE__PROTOCOL__PROTOCOL_VERSION;
    frame->request_id = request_id;
    *len = enlace__frame__get_packed_size(frame);
    *out = malloc(*len ? *len : 1);
    if (!*out)
        return -1;
    enlace__frame__pack(frame, *out);
    return 0;
}

static const char *
s_home(const dir_entry_t *a)
{
    return a ? (a->country[0] ? a->country : a->org) : "";
}

/* What a reader needs to check m's signature alone: the proof of its batch,
 * if it was signed as one (points into m; valid while m is). */
static Enlace__BatchProof *
s_proof(const archive_msg_t *m, Enlace__BatchProof *proof)
{
    if (m->batch_size == 0)
        return NULL;
    enlace__batch_proof__init(proof);
    proof->index = m->batch_index;
    proof->size = m->batch_size;
    proof->path.data = (uint8_t *)m->batch_path;
    proof->path.len = m->batch_path_len;
    return proof;
}

int
wire_delivery(const archive_msg_t *m, const dir_entry_t *author, int out_of_band, uint8_t **out,
    size_t *len)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Delivery d = ENLACE__DELIVERY__INIT;
    Enlace__BatchProof proof;
    d.seq = m->seq;
    d.content.data = (uint8_t *)m->content;
    d.content.len = m->content_len;
    d.signature.data = (uint8_t *)m->signature;
    d.signature.len = KEYS_SIGNATURE_BYTES;
    d.batch = s_proof(m, &proof);
    d.author_fingerprint = author ? (char *)author->fingerprint : "";
    d.author_name = author ? (char *)author->name : "";
    d.author_country = (char *)s_home(author);
    d.stored_ms = m->stored_ms;
    d.out_of_band = out_of_band;
    frame.body_case = ENLACE__FRAME__BODY_DELIVERY;
    frame.delivery = &d;
    return wire_pack(&frame, 0, out, len);
}

Enlace__Delivery *
wire_page_item(const archive_msg_t *am, const dir_entry_t *author, uint8_t **buf)
{
    /* One allocation: the delivery, its proof, content, signature, path. */
    size_t path_len = am->batch_size ? am->batch_path_len : 0;
    Enlace__Delivery *d = malloc(sizeof *d);
    uint8_t *copy = malloc(
        sizeof(Enlace__BatchProof) + am->content_len + KEYS_SIGNATURE_BYTES + path_len + 1);
    if (!d || !copy) {
        free(d);
        free(copy);
        return NULL;
    }
    enlace__delivery__init(d);
    Enlace__BatchProof *proof = (Enlace__BatchProof *)(void *)copy;
    uint8_t *content = copy + sizeof *proof;
    memcpy(content, am->content, am->content_len);
    memcpy(content + am->content_len, am->signature, KEYS_SIGNATURE_BYTES);
    d->seq = am->seq;
    d->content.data = content;
    d->content.len = am->content_len;
    d->signature.data = content + am->content_len;
    d->signature.len = KEYS_SIGNATURE_BYTES;
    if (am->batch_size) {
        uint8_t *path = content + am->content_len + KEYS_SIGNATURE_BYTES;
        if (path_len)
            memcpy(path, am->batch_path, path_len);
        archive_msg_t copied = *am;
        copied.batch_path = path;
        d->batch = s_proof(&copied, proof);
    }
    d->author_fingerprint = author ? (char *)author->fingerprint : "";
    d->author_name = author ? (char *)author->name : "";
    d->author_country = (char *)s_home(author);
    d->stored_ms = am->stored_ms;
    *buf = copy;
    return d;
}

int
wire_ring_entry(recent_msg_t *rm, const archive_msg_t *m, const char *author_home,
    const dir_entry_t *author)
{
    memset(rm, 0, sizeof *rm);
    rm->seq = m->seq;
    rm->topic = strdup(m->topic);
    rm->recipients = strdup(m->recipients ? m->recipients : "");
    snprintf(rm->network, sizeof rm->network, "%s", m->network);
    snprintf(rm->author_home, sizeof rm->author_home, "%s", author_home ? author_home : "");
    rm->author_id = m->author_id;
    rm->tlp = m->tlp;
    rm->personal = m->personal;
    rm->handling = m->handling;
    if (!rm->topic || !rm->recipients
        || wire_delivery(m, author, 0, &rm->frame, &rm->frame_len) != 0) {
        recent_msg_clear(rm);
        return -1;
    }
    return 0;
}
