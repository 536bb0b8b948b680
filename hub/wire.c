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

int
wire_delivery(uint64_t seq, const uint8_t *content, size_t content_len,
    const uint8_t *signature, const dir_entry_t *author, int64_t stored_ms, int out_of_band,
    uint8_t **out, size_t *len)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Delivery d = ENLACE__DELIVERY__INIT;
    d.seq = seq;
    d.content.data = (uint8_t *)content;
    d.content.len = content_len;
    d.signature.data = (uint8_t *)signature;
    d.signature.len = KEYS_SIGNATURE_BYTES;
    d.author_fingerprint = author ? (char *)author->fingerprint : "";
    d.author_name = author ? (char *)author->name : "";
    d.author_country = (char *)s_home(author);
    d.stored_ms = stored_ms;
    d.out_of_band = out_of_band;
    frame.body_case = ENLACE__FRAME__BODY_DELIVERY;
    frame.delivery = &d;
    return wire_pack(&frame, 0, out, len);
}

Enlace__Delivery *
wire_page_item(const archive_msg_t *am, const dir_entry_t *author, uint8_t **buf)
{
    Enlace__Delivery *d = malloc(sizeof *d);
    uint8_t *copy = malloc(am->content_len + KEYS_SIGNATURE_BYTES + 1);
    if (!d || !copy) {
        free(d);
        free(copy);
        return NULL;
    }
    enlace__delivery__init(d);
    memcpy(copy, am->content, am->content_len);
    memcpy(copy + am->content_len, am->signature, KEYS_SIGNATURE_BYTES);
    d->seq = am->seq;
    d->content.data = copy;
    d->content.len = am->content_len;
    d->signature.data = copy + am->content_len;
    d->signature.len = KEYS_SIGNATURE_BYTES;
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
        || wire_delivery(m->seq, m->content, m->content_len, m->signature, author, m->stored_ms,
               0, &rm->frame, &rm->frame_len)
            != 0) {
        recent_msg_clear(rm);
        return -1;
    }
    return 0;
}
