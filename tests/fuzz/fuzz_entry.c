/*
 * fuzz_entry: a cluster log entry as a follower reads it from etcd
 * (hub/cluster/entry.c): any bytes to entry_decode and entry_verify.
 *
 * Properties: what decodes has its changes inside the buffer, at the end
 * before the signature; a decoded entry encodes back to the same header
 * and changes; nothing that was not signed by the key verifies (the fuzzer
 * cannot forge Ed25519: every verify of its bytes must fail, except for
 * the seeds made with the test key below).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static keys_identity_t *s_key;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s_key && (keys_init() != 0 || !(s_key = keys_identity_new())))
        abort();
    entry_t e;
    char err[200];
    if (entry_decode(data, size, &e, err, sizeof err) != 0) {
        if (!err[0])
            abort();
        return 0;
    }
    if (e.changes_len + e.texts_len != size - ENTRY_HEADER - ENTRY_SIGNATURE
        || (e.changes_len && e.changes != data + ENTRY_HEADER))
        abort();
    /* Every text is inside the section; re-encoded with our key, the entry
     * is the same bytes up to the signature. */
    archive_text_view_t views[64];
    char *heads[64];
    size_t n = 0, pos = 0;
    entry_text_t t;
    int many = 0;
    while (entry_text_next(&e, &pos, &t)) {
        if (t.headline < (const char *)e.texts
            || t.body + t.body_len > (const char *)e.texts + e.texts_len)
            abort();
        if (n == 64) {
            many = 1;
            continue;
        }
        heads[n] = strndup(t.headline, t.headline_len);
        if (!heads[n])
            abort();
        views[n] = (archive_text_view_t){.seq = t.seq,
            .headline = heads[n],
            .body = t.body,
            .body_len = t.body_len};
        n++;
    }
    if (pos != e.texts_len)
        abort();
    uint8_t *again;
    size_t len;
    if (!many && entry_encode(&e, views, n, s_key, &again, &len) == 0) {
        if (len != size || memcmp(again, data, size - ENTRY_SIGNATURE) != 0)
            abort();
        if (entry_verify(again, len, keys_identity_public(s_key)) != 0)
            abort();
        free(again);
    }
    for (size_t i = 0; i < n; i++)
        free(heads[i]);
    /* The fuzzer's own signature bytes never verify under a fresh key. */
    if (entry_verify(data, size, keys_identity_public(s_key)) == 0)
        abort();
    return 0;
}
