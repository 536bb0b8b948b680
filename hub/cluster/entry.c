/*
 * entry.c: the log entry's bytes (see entry.h).
 */
#include "entry.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
s_put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static void
s_put32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t
s_get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static uint32_t
s_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The texts section's size, or SIZE_MAX if a headline holds a NUL. */
static size_t
s_texts_size(const archive_text_view_t *texts, size_t ntexts)
{
    size_t n = 0;
    for (size_t i = 0; i < ntexts; i++) {
        size_t h = texts[i].headline ? strlen(texts[i].headline) : 0;
        if (texts[i].body_len > ENTRY_MAX || h > ENTRY_MAX)
            return SIZE_MAX;
        n += 16 + h + texts[i].body_len;
        if (n > ENTRY_MAX)
            return SIZE_MAX;
    }
    return n;
}

int
entry_encode(const entry_t *e, const archive_text_view_t *texts, size_t ntexts,
    const keys_identity_t *key, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    size_t tlen = s_texts_size(texts, ntexts);
    if (tlen == SIZE_MAX || e->changes_len > ENTRY_MAX
        || ENTRY_HEADER + e->changes_len + tlen + ENTRY_SIGNATURE > ENTRY_MAX)
        return -1;
    size_t signed_len = ENTRY_HEADER + e->changes_len + tlen;
    uint8_t *b = malloc(signed_len + ENTRY_SIGNATURE);
    if (!b)
        return -1;
    memset(b, 0, ENTRY_HEADER);
    memcpy(b, ENTRY_MAGIC, sizeof ENTRY_MAGIC - 1);
    s_put64(b + 16, e->index);
    s_put64(b + 24, (uint64_t)e->term);
    s_put32(b + 32, (uint32_t)e->schema);
    s_put64(b + 36, (uint64_t)e->written_ms);
    s_put64(b + 44, (uint64_t)e->before_id);
    memcpy(b + 52, e->before, 32);
    s_put64(b + 84, (uint64_t)e->after_id);
    memcpy(b + 92, e->after, 32);
    s_put32(b + 124, (uint32_t)e->changes_len);
    s_put32(b + 128, (uint32_t)tlen);
    uint8_t *p = b + ENTRY_HEADER;
    if (e->changes_len)
        memcpy(p, e->changes, e->changes_len);
    p += e->changes_len;
    for (size_t i = 0; i < ntexts; i++) {
        size_t h = texts[i].headline ? strlen(texts[i].headline) : 0;
        s_put64(p, texts[i].seq);
        s_put32(p + 8, (uint32_t)h);
        if (h)
            memcpy(p + 12, texts[i].headline, h);
        p += 12 + h;
        s_put32(p, (uint32_t)texts[i].body_len);
        if (texts[i].body_len)
            memcpy(p + 4, texts[i].body, texts[i].body_len);
        p += 4 + texts[i].body_len;
    }
    if (keys_sign_bytes(key, b, signed_len, b + signed_len) != 0) {
        free(b);
        return -1;
    }
    *out = b;
    *len = signed_len + ENTRY_SIGNATURE;
    return 0;
}

/* Reads one text at *pos of a texts section of len bytes: 1, 0 at its end,
 * -1 if it does not fit or a headline holds a NUL. */
static int
s_text_at(const uint8_t *texts, size_t len, size_t *pos, entry_text_t *t)
{
    if (*pos == len)
        return 0;
    if (len - *pos < 12)
        return -1;
    const uint8_t *p = texts + *pos;
    t->seq = s_get64(p);
    size_t h = s_get32(p + 8);
    if (len - *pos - 12 < h || len - *pos - 12 - h < 4)
        return -1;
    t->headline = (const char *)p + 12;
    t->headline_len = h;
    if (h && memchr(t->headline, 0, h))
        return -1;
    size_t b = s_get32(p + 12 + h);
    if (len - *pos - 16 - h < b)
        return -1;
    t->body = (const char *)p + 16 + h;
    t->body_len = b;
    *pos += 16 + h + b;
    return 1;
}

int
entry_text_next(const entry_t *e, size_t *pos, entry_text_t *t)
{
    return s_text_at(e->texts, e->texts_len, pos, t) == 1;
}

int
entry_decode(const uint8_t *buf, size_t len, entry_t *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    if (len < ENTRY_HEADER + ENTRY_SIGNATURE) {
        snprintf(err, errlen, "a log entry of %zu bytes is too short", len);
        return -1;
    }
    if (memcmp(buf, ENTRY_MAGIC, sizeof ENTRY_MAGIC) != 0) {
        snprintf(err, errlen, "not an enlace log entry (or another version of one)");
        return -1;
    }
    for (size_t i = 132; i < ENTRY_HEADER; i++)
        if (buf[i]) {
            snprintf(err, errlen, "a log entry's reserved bytes are not zero");
            return -1;
        }
    e->index = s_get64(buf + 16);
    e->term = (int64_t)s_get64(buf + 24);
    e->schema = (int32_t)s_get32(buf + 32);
    e->written_ms = (int64_t)s_get64(buf + 36);
    e->before_id = (int64_t)s_get64(buf + 44);
    memcpy(e->before, buf + 52, 32);
    e->after_id = (int64_t)s_get64(buf + 84);
    memcpy(e->after, buf + 92, 32);
    e->changes_len = s_get32(buf + 124);
    e->texts_len = s_get32(buf + 128);
    if (e->changes_len > len || e->texts_len > len
        || e->changes_len + e->texts_len != len - ENTRY_HEADER - ENTRY_SIGNATURE) {
        snprintf(err, errlen, "a log entry's length (%zu) does not match its header", len);
        return -1;
    }
    if (e->index == 0 || e->term <= 0 || e->before_id < 0 || e->after_id < e->before_id) {
        snprintf(err, errlen, "a log entry's header is out of range");
        return -1;
    }
    e->changes = e->changes_len ? buf + ENTRY_HEADER : NULL;
    e->texts = buf + ENTRY_HEADER + e->changes_len;
    /* The texts must read to their end exactly. */
    size_t pos = 0;
    entry_text_t t;
    int rc;
    while ((rc = s_text_at(e->texts, e->texts_len, &pos, &t)) == 1)
        ;
    if (rc != 0) {
        snprintf(err, errlen, "a log entry's texts do not decode");
        return -1;
    }
    return 0;
}

int
entry_verify(const uint8_t *buf, size_t len, const uint8_t pk[KEYS_PUBLIC_BYTES])
{
    if (len < ENTRY_HEADER + ENTRY_SIGNATURE)
        return -1;
    return keys_verify_bytes(pk, buf, len - ENTRY_SIGNATURE, buf + len - ENTRY_SIGNATURE);
}
