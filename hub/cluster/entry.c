/*
 * entry.c: the log entry's bytes (see entry.h).
 */
#include "entry.h"

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

int
entry_encode(const entry_t *e, const keys_identity_t *key, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (e->changes_len > ENTRY_MAX - ENTRY_HEADER - ENTRY_SIGNATURE)
        return -1;
    size_t total = ENTRY_HEADER + e->changes_len + ENTRY_SIGNATURE;
    uint8_t *b = malloc(total);
    if (!b)
        return -1;
    memset(b, 0, 16);
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
    /* 128..135: reserved, zero */
    memset(b + 128, 0, ENTRY_HEADER - 128);
    if (e->changes_len)
        memcpy(b + ENTRY_HEADER, e->changes, e->changes_len);
    if (keys_sign_bytes(key, b, ENTRY_HEADER + e->changes_len, b + ENTRY_HEADER + e->changes_len)
        != 0) {
        free(b);
        return -1;
    }
    *out = b;
    *len = total;
    return 0;
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
    for (size_t i = 128; i < ENTRY_HEADER; i++)
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
    if (e->changes_len != len - ENTRY_HEADER - ENTRY_SIGNATURE) {
        snprintf(err, errlen, "a log entry's length (%zu) does not match its header", len);
        return -1;
    }
    if (e->index == 0 || e->term <= 0 || e->before_id < 0 || e->after_id < e->before_id) {
        snprintf(err, errlen, "a log entry's header is out of range");
        return -1;
    }
    e->changes = e->changes_len ? buf + ENTRY_HEADER : NULL;
    return 0;
}

int
entry_verify(const uint8_t *buf, size_t len, const uint8_t pk[KEYS_PUBLIC_BYTES])
{
    if (len < ENTRY_HEADER + ENTRY_SIGNATURE)
        return -1;
    return keys_verify_bytes(pk, buf, len - ENTRY_SIGNATURE, buf + len - ENTRY_SIGNATURE);
}
