/*
 * resign.h: the one trick fuzz_dispatch and fuzz_client share. A forged
 * Ed25519 signature never verifies, so a fuzzer alone would never get past
 * the signature check; these targets re-sign a message's content with a key
 * of their own, so what comes after the check is fuzzed too.
 */
#ifndef ENLACE_FUZZ_RESIGN_H
#define ENLACE_FUZZ_RESIGN_H

#include <stdlib.h>

#include "enlace.pb-c.h"
#include "keys.h"
#include "merkle.h"

/* If `content` decodes as a Content with a 32-byte author key: returns it
 * re-encoded with `author`'s key as author (malloc'd, *len bytes) and puts
 * `author`'s signature of it in sig: of the content alone, or, with a batch
 * proof that fits (merkle.h), of the root the proof leads to from it.
 * Otherwise NULL. Aborts on no memory. */
static inline uint8_t *
fuzz_resign_content(const keys_identity_t *author, ProtobufCBinaryData content,
    const Enlace__BatchProof *batch, size_t *len, uint8_t sig[KEYS_SIGNATURE_BYTES])
{
    Enlace__Content *c = enlace__content__unpack(NULL, content.len, content.data);
    if (!c || c->author_key.len != KEYS_PUBLIC_BYTES) {
        enlace__content__free_unpacked(c, NULL);
        return NULL;
    }
    uint8_t *old_key = c->author_key.data;
    c->author_key.data = (uint8_t *)keys_identity_public(author);
    *len = enlace__content__get_packed_size(c);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (!buf)
        abort();
    enlace__content__pack(c, buf);
    c->author_key.data = old_key; /* restored: freed with c */
    enlace__content__free_unpacked(c, NULL);
    uint8_t root[MERKLE_SIGNED_BYTES];
    if (batch
        && merkle_signed_for(buf, *len, batch->index, batch->size, batch->path.data,
               batch->path.len, root)
            == 0) {
        if (keys_sign_bytes(author, root, sizeof root, sig) != 0)
            abort();
    } else if (keys_sign_content(author, buf, *len, sig) != 0) {
        abort();
    }
    return buf;
}

#endif
