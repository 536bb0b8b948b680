/*
 * fuzz_etcd: etcd's answers as the cluster's gateway client reads them
 * (hub/cluster/etcd_json.c): any bytes, decoded as each kind of answer.
 *
 * Besides "no crash and no leak", it checks what the callers rely on: a
 * decoded reply's kvs are all there with their lengths (each key and value
 * readable up to its length and NUL-terminated after it), an error leaves
 * nothing to free, and decoding the same bytes twice gives the same reply.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etcd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
s_check(const etcd_reply_t *r)
{
    for (size_t i = 0; i < r->nkvs; i++) {
        const etcd_kv_t *kv = &r->kvs[i];
        if ((kv->key_len && !kv->key) || (kv->value_len && !kv->value))
            abort();
        if ((kv->key && kv->key[kv->key_len]) || (kv->value && kv->value[kv->value_len]))
            abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    /* The first byte picks the kind; the rest is the answer. */
    etcd_kind_t kind = size ? (etcd_kind_t)(data[0] % (ETCD_PLAIN + 1)) : ETCD_RANGE;
    const char *text = size ? (const char *)data + 1 : "";
    size_t len = size ? size - 1 : 0;
    etcd_reply_t a, b;
    int rc = etcd_parse(kind, text, len, &a);
    int rc2 = etcd_parse(kind, text, len, &b);
    if (rc != rc2 || (rc != 0 && rc != ETCD_REFUSED))
        abort();
    if (rc == 0) {
        s_check(&a);
        if (a.nkvs != b.nkvs || a.revision != b.revision || a.succeeded != b.succeeded
            || a.more_ops != b.more_ops || a.lease_id != b.lease_id || a.ttl != b.ttl)
            abort();
        for (size_t i = 0; i < a.nkvs; i++)
            if (a.kvs[i].key_len != b.kvs[i].key_len || a.kvs[i].value_len != b.kvs[i].value_len
                || (a.kvs[i].key_len && memcmp(a.kvs[i].key, b.kvs[i].key, a.kvs[i].key_len))
                || (a.kvs[i].value_len
                    && memcmp(a.kvs[i].value, b.kvs[i].value, a.kvs[i].value_len)))
                abort();
    } else if (!a.error[0]) {
        abort(); /* a refusal always says why */
    }
    etcd_reply_free(&a);
    etcd_reply_free(&b);
    return 0;
}
