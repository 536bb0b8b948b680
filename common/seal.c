/*
 * seal.c: sealed content (see seal.h and PROTOCOL.md 6).
 */
#include "seal.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "forms.h"

/* ---------------------------------------------------------------- the envelope */

typedef struct {
    uint8_t *p;
    size_t len, cap;
    int failed;
} buf_t;

static void
s_put(buf_t *b, const void *p, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *grown = realloc(b->p, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

/* I(v): 'i' then v as 8 bytes, big-endian two's complement. */
static void
s_int(buf_t *b, int64_t v)
{
    uint8_t x[9] = {'i'};
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        x[1 + i] = (uint8_t)(u >> (56 - 8 * i));
    s_put(b, x, sizeof x);
}

/* B(x): 'b' then the length as 4 bytes big-endian, then the bytes. */
static void
s_bytes(buf_t *b, const void *p, size_t n)
{
    if (n > UINT32_MAX) {
        b->failed = 1;
        return;
    }
    uint8_t x[5] = {'b', (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    s_put(b, x, sizeof x);
    s_put(b, p, n);
}

static void
s_text(buf_t *b, const char *s)
{
    s_bytes(b, s ? s : "", s ? strlen(s) : 0);
}

int
seal_aad(const Enlace__Content *c, uint8_t **out, size_t *len)
{
    buf_t b = {0};
    s_put(&b, SEAL_CONTEXT, sizeof SEAL_CONTEXT); /* with its NUL */
    s_bytes(&b, c->message_id.data, c->message_id.len);
    s_bytes(&b, c->topic.data, c->topic.len);
    s_int(&b, c->created_ms);
    s_bytes(&b, c->author_key.data, c->author_key.len);
    s_int(&b, c->tlp);
    s_int(&b, (int64_t)c->n_recipients);
    for (size_t i = 0; i < c->n_recipients; i++)
        s_text(&b, c->recipients[i]);
    s_int(&b, (int64_t)c->case_id);
    s_int(&b, (int64_t)c->forward_of);
    s_int(&b, c->handling);
    s_int(&b, c->reliability);
    s_int(&b, c->accuracy);
    s_int(&b, c->personal_data);
    s_text(&b, c->sealed ? c->sealed->form : "");
    const Enlace__Alert *a = c->alert;
    s_int(&b, a != NULL);
    if (a) {
        s_int(&b, a->priority);
        s_int(&b, a->category);
        s_int(&b, a->status);
        s_int(&b, a->msg_type);
        s_int(&b, a->urgency);
        s_int(&b, a->severity);
        s_int(&b, a->certainty);
        s_int(&b, a->expires_ms);
        s_text(&b, a->language);
        s_int(&b, (int64_t)a->n_countries);
        for (size_t i = 0; i < a->n_countries; i++)
            s_text(&b, a->countries[i]);
        s_int(&b, (int64_t)a->n_references);
        for (size_t i = 0; i < a->n_references; i++)
            s_int(&b, (int64_t)a->references[i]);
    }
    if (b.failed) {
        free(b.p);
        return -1;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}

/* ---------------------------------------------------------------- sealing */

void
seal_move(Enlace__Content *c, Enlace__SealedPart *part)
{
    enlace__sealed_part__init(part);
    part->content_type = c->content_type ? c->content_type : "";
    part->body = c->body;
    part->n_texts = c->n_texts;
    part->texts = c->texts;
    part->form = c->form;
    part->handling_text = c->handling_text ? c->handling_text : "";
    c->content_type = "";
    c->body.data = NULL;
    c->body.len = 0;
    c->n_texts = 0;
    c->texts = NULL;
    c->form = NULL;
    c->handling_text = "";
    if (c->alert) {
        part->headline = c->alert->headline ? c->alert->headline : "";
        part->area = c->alert->area ? c->alert->area : "";
        c->alert->headline = "";
        c->alert->area = "";
    }
}

int
seal_has_key(const Enlace__Sealed *sealed, const uint8_t pk[32])
{
    for (size_t i = 0; sealed && i < sealed->n_keys; i++)
        if (sealed->keys[i]->recipient_key.len == 32
            && !memcmp(sealed->keys[i]->recipient_key.data, pk, 32))
            return 1;
    return 0;
}

void
seal_sealed_fini(Enlace__Sealed *sealed)
{
    if (!sealed)
        return;
    free(sealed->ciphertext.data);
    free(sealed->nonce.data);
    for (size_t i = 0; i < sealed->n_keys; i++) {
        if (!sealed->keys[i])
            continue;
        free(sealed->keys[i]->recipient_key.data);
        free(sealed->keys[i]->box.data);
        free(sealed->keys[i]);
    }
    free(sealed->keys);
    sealed->ciphertext.data = sealed->nonce.data = NULL;
    sealed->ciphertext.len = sealed->nonce.len = 0;
    sealed->keys = NULL;
    sealed->n_keys = 0;
}

/* Seals the content key to one Ed25519 key, into k (allocated). */
static int
s_box(Enlace__SealedKey **out, const uint8_t ed_pk[32], const uint8_t key[SEAL_KEY_BYTES])
{
    uint8_t curve[crypto_box_PUBLICKEYBYTES];
    if (crypto_sign_ed25519_pk_to_curve25519(curve, ed_pk) != 0)
        return SEAL_EBAD;
    Enlace__SealedKey *k = malloc(sizeof *k);
    uint8_t *pk = malloc(32), *box = malloc(SEAL_BOX_BYTES);
    if (!k || !pk || !box) {
        free(k);
        free(pk);
        free(box);
        return SEAL_ENOMEM;
    }
    enlace__sealed_key__init(k);
    memcpy(pk, ed_pk, 32);
    if (crypto_box_seal(box, key, SEAL_KEY_BYTES, curve) != 0) {
        free(k);
        free(pk);
        free(box);
        return SEAL_EBAD;
    }
    k->recipient_key.data = pk;
    k->recipient_key.len = 32;
    k->box.data = box;
    k->box.len = SEAL_BOX_BYTES;
    *out = k;
    return SEAL_OK;
}

int
seal_encrypt(const Enlace__Content *c, const Enlace__SealedPart *part, const uint8_t (*keys)[32],
    size_t nkeys)
{
    Enlace__Sealed *sealed = c->sealed;
    if (!sealed || nkeys == 0 || nkeys > SEAL_MAX_KEYS)
        return SEAL_EBAD;
    for (size_t i = 0; i < nkeys; i++)
        for (size_t k = 0; k < i; k++)
            if (!memcmp(keys[i], keys[k], 32))
                return SEAL_EBAD;
    size_t plen = enlace__sealed_part__get_packed_size(part);
    uint8_t *plain = sodium_malloc(plen ? plen : 1);
    uint8_t *key = sodium_malloc(SEAL_KEY_BYTES);
    uint8_t *aad = NULL;
    size_t aad_len = 0;
    int rc = plain && key ? SEAL_OK : SEAL_ENOMEM;
    sealed->nonce.data = rc == SEAL_OK ? malloc(SEAL_NONCE_BYTES) : NULL;
    sealed->ciphertext.data = rc == SEAL_OK ? malloc(plen + SEAL_TAG_BYTES) : NULL;
    sealed->keys = rc == SEAL_OK ? calloc(nkeys, sizeof *sealed->keys) : NULL;
    if (!sealed->nonce.data || !sealed->ciphertext.data || !sealed->keys
        || seal_aad(c, &aad, &aad_len) != 0)
        rc = SEAL_ENOMEM;
    if (rc == SEAL_OK) {
        enlace__sealed_part__pack(part, plain);
        crypto_aead_xchacha20poly1305_ietf_keygen(key);
        randombytes_buf(sealed->nonce.data, SEAL_NONCE_BYTES);
        sealed->nonce.len = SEAL_NONCE_BYTES;
        unsigned long long clen = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(sealed->ciphertext.data, &clen, plain, plen, aad,
            aad_len, NULL, sealed->nonce.data, key);
        sealed->ciphertext.len = (size_t)clen;
        for (size_t i = 0; i < nkeys && rc == SEAL_OK; i++) {
            rc = s_box(&sealed->keys[i], keys[i], key);
            if (rc == SEAL_OK)
                sealed->n_keys++;
        }
    }
    if (plain)
        sodium_free(plain); /* wipes */
    if (key)
        sodium_free(key);
    free(aad);
    if (rc != SEAL_OK) {
        /* n_keys counts the boxes made; free the rest of the array too. */
        seal_sealed_fini(sealed);
    }
    return rc;
}

/* ---------------------------------------------------------------- opening */

int
seal_open(const Enlace__Content *c, const uint8_t ed_pk[32], const uint8_t curve_pk[32],
    const uint8_t curve_sk[32], Enlace__SealedPart **out)
{
    *out = NULL;
    const Enlace__Sealed *s = c->sealed;
    if (!s || s->nonce.len != SEAL_NONCE_BYTES || s->ciphertext.len < SEAL_TAG_BYTES)
        return SEAL_EBAD;
    const Enlace__SealedKey *mine = NULL;
    for (size_t i = 0; i < s->n_keys && !mine; i++)
        if (s->keys[i]->recipient_key.len == 32
            && !memcmp(s->keys[i]->recipient_key.data, ed_pk, 32))
            mine = s->keys[i];
    if (!mine)
        return SEAL_ENOKEY;
    if (mine->box.len != SEAL_BOX_BYTES)
        return SEAL_EBAD;
    size_t plen = s->ciphertext.len - SEAL_TAG_BYTES;
    uint8_t *key = sodium_malloc(SEAL_KEY_BYTES);
    uint8_t *plain = sodium_malloc(plen ? plen : 1);
    uint8_t *aad = NULL;
    size_t aad_len = 0;
    int rc = SEAL_OK;
    if (!key || !plain || seal_aad(c, &aad, &aad_len) != 0)
        rc = SEAL_ENOMEM;
    else if (crypto_box_seal_open(key, mine->box.data, SEAL_BOX_BYTES, curve_pk, curve_sk) != 0)
        rc = SEAL_EBAD;
    unsigned long long got = 0;
    if (rc == SEAL_OK
        && crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &got, NULL, s->ciphertext.data,
               s->ciphertext.len, aad, aad_len, s->nonce.data, key)
            != 0)
        rc = SEAL_EBAD;
    Enlace__SealedPart *part = NULL;
    if (rc == SEAL_OK) {
        part = enlace__sealed_part__unpack(NULL, (size_t)got, plain);
        /* protobuf-c cuts a string at a NUL: a part that does not re-encode
         * to its own length would show the reader less than was signed. */
        if (!part || enlace__sealed_part__get_packed_size(part) != (size_t)got)
            rc = SEAL_EBAD;
    }
    if (rc == SEAL_OK) {
        /* The form the hub was told of is the one inside. */
        const char *inside = part->form ? forms_name(part->form) : "";
        if (!inside || strcmp(inside, s->form ? s->form : "") != 0)
            rc = SEAL_EBAD;
    }
    if (key)
        sodium_free(key);
    if (plain)
        sodium_free(plain);
    free(aad);
    if (rc != SEAL_OK) {
        if (part)
            enlace__sealed_part__free_unpacked(part, NULL);
        return rc;
    }
    *out = part;
    return SEAL_OK;
}

/* ---------------------------------------------------------------- the hub's view */

const char *
seal_check_shape(const Enlace__Content *c, size_t max_ciphertext)
{
    const Enlace__Sealed *s = c->sealed;
    if (!s)
        return "the content is not sealed";
    if (s->nonce.len != SEAL_NONCE_BYTES)
        return "a sealed content's nonce is 24 bytes";
    if (s->ciphertext.len < SEAL_TAG_BYTES)
        return "a sealed content's ciphertext is shorter than its tag";
    if (s->ciphertext.len > max_ciphertext)
        return "the sealed content is larger than this hub accepts";
    if (s->n_keys == 0 || s->n_keys > SEAL_MAX_KEYS)
        return "a sealed content is sealed to 1 to 256 keys";
    for (size_t i = 0; i < s->n_keys; i++) {
        const Enlace__SealedKey *k = s->keys[i];
        uint8_t curve[crypto_box_PUBLICKEYBYTES];
        if (k->recipient_key.len != 32 || k->box.len != SEAL_BOX_BYTES
            || crypto_sign_ed25519_pk_to_curve25519(curve, k->recipient_key.data) != 0)
            return "a sealed key is a 32-byte Ed25519 key and an 80-byte box";
        for (size_t j = 0; j < i; j++)
            if (!memcmp(s->keys[j]->recipient_key.data, k->recipient_key.data, 32))
                return "a sealed content names a key twice";
    }
    if (c->body.len || (c->content_type && *c->content_type)
        || (c->handling_text && *c->handling_text) || c->n_texts || c->form
        || (c->alert
            && ((c->alert->headline && *c->alert->headline)
                || (c->alert->area && *c->alert->area))))
        return "a sealed content has its body, headline, area, form, translations and "
               "handling text inside the seal, none in the clear";
    if (s->form && *s->form && !forms_known(s->form))
        return "a sealed content names an unknown case form";
    return NULL;
}
