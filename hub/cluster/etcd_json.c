/*
 * etcd_json.c: etcd's answers, from the gateway's JSON to etcd_reply_t (see
 * etcd.h). The text comes from the network: every field is checked for its
 * type, numbers may come as strings or as numbers (the protobuf JSON
 * mapping writes 64-bit integers as strings), base64 that does not decode
 * is an error, and a missing field is its proto3 default (0, false, empty).
 * fuzz_etcd feeds it anything.
 */
#include "etcd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

/* An int64 from a JSON string or integer; absent: 0. -1 if it is there but
 * not a whole number. */
static int
s_int(json_t *obj, const char *name, int64_t *out)
{
    json_t *v = json_object_get(obj, name);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
        return -1;
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = n;
    return 0;
}

/* The same for a uint64 (member ids use the whole range). */
static int
s_uint(json_t *obj, const char *name, uint64_t *out)
{
    json_t *v = json_object_get(obj, name);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0)
            return -1;
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = n;
    return 0;
}

static int
s_bool(json_t *obj, const char *name, int *out)
{
    json_t *v = json_object_get(obj, name);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return -1;
    *out = json_is_true(v);
    return 0;
}

/* Base64 field into a malloc'd buffer with a NUL after it; absent: empty. */
static int
s_b64(json_t *obj, const char *name, uint8_t **out, size_t *len)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    *len = 0;
    const char *s = "";
    size_t slen = 0;
    if (v && !json_is_null(v)) {
        if (!json_is_string(v))
            return -1;
        s = json_string_value(v);
        slen = json_string_length(v);
    }
    size_t cap = slen / 4 * 3 + 3;
    uint8_t *buf = malloc(cap + 1);
    if (!buf)
        return -1;
    size_t n = 0;
    const char *end = NULL;
    if (slen
        && (sodium_base642bin(buf, cap, s, slen, NULL, &n, &end, sodium_base64_VARIANT_ORIGINAL)
                != 0
            || end != s + slen)) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static int
s_fail(etcd_reply_t *out, const char *what)
{
    snprintf(out->error, sizeof out->error, "etcd's answer does not decode: %s", what);
    return ETCD_REFUSED;
}

static int
s_header(json_t *root, etcd_reply_t *out)
{
    json_t *h = json_object_get(root, "header");
    if (!h || json_is_null(h))
        return 0;
    if (!json_is_object(h) || s_int(h, "revision", &out->revision) != 0
        || s_uint(h, "member_id", &out->member_id) != 0)
        return -1;
    return 0;
}

/* Appends the kvs of one range answer (op: which response of a txn). */
static int
s_kvs(json_t *range, int op, etcd_reply_t *out)
{
    json_t *kvs = json_object_get(range, "kvs");
    if (!kvs || json_is_null(kvs))
        return 0;
    if (!json_is_array(kvs))
        return -1;
    size_t n = json_array_size(kvs);
    if (n == 0)
        return 0;
    etcd_kv_t *grown = realloc(out->kvs, (out->nkvs + n) * sizeof *grown);
    if (!grown)
        return -1;
    out->kvs = grown;
    for (size_t i = 0; i < n; i++) {
        json_t *kv = json_array_get(kvs, i);
        etcd_kv_t *k = &out->kvs[out->nkvs];
        memset(k, 0, sizeof *k);
        k->op = op;
        if (!json_is_object(kv))
            return -1;
        /* Counted before filling, so a half-filled one is freed too. */
        out->nkvs++;
        if (s_b64(kv, "key", &k->key, &k->key_len) != 0
            || s_b64(kv, "value", &k->value, &k->value_len) != 0
            || s_int(kv, "create_revision", &k->create_revision) != 0
            || s_int(kv, "mod_revision", &k->mod_revision) != 0
            || s_int(kv, "version", &k->version) != 0 || s_int(kv, "lease", &k->lease) != 0)
            return -1;
    }
    return 0;
}

static int
s_range(json_t *root, int op, etcd_reply_t *out)
{
    int more;
    int64_t count;
    if (s_kvs(root, op, out) != 0 || s_bool(root, "more", &more) != 0
        || s_int(root, "count", &count) != 0)
        return -1;
    out->more |= more;
    if (more && op >= 0 && op < 32)
        out->more_ops |= 1u << op;
    out->count += count;
    return 0;
}

static int
s_txn(json_t *root, etcd_reply_t *out)
{
    if (s_bool(root, "succeeded", &out->succeeded) != 0)
        return -1;
    json_t *responses = json_object_get(root, "responses");
    if (!responses || json_is_null(responses))
        return 0;
    if (!json_is_array(responses))
        return -1;
    for (size_t i = 0; i < json_array_size(responses); i++) {
        json_t *r = json_array_get(responses, i);
        if (!json_is_object(r))
            return -1;
        json_t *range = json_object_get(r, "response_range");
        json_t *del = json_object_get(r, "response_delete_range");
        if (range && (!json_is_object(range) || s_range(range, (int)i, out) != 0))
            return -1;
        if (del) {
            int64_t n;
            if (!json_is_object(del) || s_int(del, "deleted", &n) != 0)
                return -1;
            out->deleted += n;
        }
    }
    return 0;
}

int
etcd_parse(etcd_kind_t kind, const char *text, size_t len, etcd_reply_t *out)
{
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return s_fail(out, jerr.text);
    int rc = 0;
    if (!json_is_object(root)) {
        rc = s_fail(out, "not an object");
        goto done;
    }
    /* The gateway's error object: {"error": ..., "code": N, "message": ...}. */
    json_t *err = json_object_get(root, "error");
    if (err) {
        json_t *msg = json_object_get(root, "message");
        const char *m = json_is_string(msg) ? json_string_value(msg)
            : json_is_string(err)           ? json_string_value(err)
                                            : "an error";
        snprintf(out->error, sizeof out->error, "etcd: %s", m);
        rc = ETCD_REFUSED;
        goto done;
    }
    /* A keepalive's answer is wrapped in "result". */
    json_t *body = root;
    if (kind == ETCD_KEEPALIVE) {
        body = json_object_get(root, "result");
        if (!json_is_object(body)) {
            rc = s_fail(out, "no result");
            goto done;
        }
    }
    if (s_header(body, out) != 0) {
        rc = s_fail(out, "header");
        goto done;
    }
    int bad = 0;
    switch (kind) {
    case ETCD_RANGE:
        bad = s_range(body, 0, out);
        break;
    case ETCD_TXN:
        bad = s_txn(body, out);
        break;
    case ETCD_DELETE:
        bad = s_int(body, "deleted", &out->deleted);
        break;
    case ETCD_LEASE_GRANT:
    case ETCD_KEEPALIVE:
        bad = s_int(body, "ID", &out->lease_id) || s_int(body, "TTL", &out->ttl);
        if (!bad && kind == ETCD_LEASE_GRANT && (out->lease_id == 0 || out->ttl <= 0))
            bad = 1;
        break;
    case ETCD_STATUS: {
        json_t *v = json_object_get(body, "version");
        if (v && !json_is_string(v))
            bad = 1;
        else if (v)
            snprintf(out->version, sizeof out->version, "%s", json_string_value(v));
        bad = bad || s_uint(body, "leader", &out->leader_id) || s_int(body, "dbSize", &out->db_size)
            || s_int(body, "raftIndex", &out->raft_index);
        break;
    }
    case ETCD_PLAIN:
        break;
    }
    if (bad)
        rc = s_fail(out, "a field is not of its type");
done:
    json_decref(root);
    return rc;
}

void
etcd_reply_free(etcd_reply_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nkvs; i++) {
        free(r->kvs[i].key);
        free(r->kvs[i].value);
    }
    free(r->kvs);
    r->kvs = NULL;
    r->nkvs = 0;
}
