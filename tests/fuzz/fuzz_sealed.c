/*
 * fuzz_sealed: the decoder of sealed content (common/seal.c), on both sides
 * of the seal.
 *
 * The first byte chooses what the rest is:
 *   even  a serialized Content, as the hub and a recipient receive it: its
 *         seal's shape is checked as the hub checks it (seal_check_shape),
 *         its associated data computed, and it is opened with a fixed key
 *         (seal_open: a box that names the key, a nonce, a ciphertext that
 *         must not authenticate);
 *   odd   a SealedPart's plaintext, as an author (honest or not) sealed it:
 *         encrypted for the fixed key under a fixed envelope, then opened,
 *         so the fuzzer reaches what comes after decryption (the part's
 *         decoding, its canonical re-encoding, the form it must name).
 * A property besides not crashing: a part that opens re-encodes to as many
 * bytes as were sealed (nothing a reader is shown was cut short: a NUL in a
 * string), and names the form the envelope names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "enlace.pb-c.h"
#include "forms.h"
#include "seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t s_pk[32], s_sk[64], s_cpk[32], s_csk[32];
static int s_ready;

static void
s_init(void)
{
    if (s_ready)
        return;
    if (sodium_init() < 0)
        abort();
    uint8_t seed[32];
    memset(seed, 0x5e, sizeof seed);
    crypto_sign_seed_keypair(s_pk, s_sk, seed);
    if (crypto_sign_ed25519_pk_to_curve25519(s_cpk, s_pk) != 0
        || crypto_sign_ed25519_sk_to_curve25519(s_csk, s_sk) != 0)
        abort();
    s_ready = 1;
}

static void
s_open(const Enlace__Content *c)
{
    Enlace__SealedPart *part = NULL;
    if (seal_open(c, s_pk, s_cpk, s_csk, &part) == SEAL_OK) {
        const char *form = part->form ? forms_name(part->form) : "";
        if (!form || strcmp(form, c->sealed->form) != 0)
            abort(); /* opened, yet not the form the envelope names */
        enlace__sealed_part__free_unpacked(part, NULL);
    } else if (part) {
        abort(); /* a refusal hands out nothing */
    }
}

/* Seals the plaintext bytes by hand (they need not be a valid SealedPart)
 * and opens them. */
static void
s_plaintext(const uint8_t *p, size_t n, int form_named)
{
    Enlace__Content c = ENLACE__CONTENT__INIT;
    Enlace__Sealed sealed = ENLACE__SEALED__INIT;
    Enlace__SealedKey k = ENLACE__SEALED_KEY__INIT, *keys[1] = {&k};
    uint8_t id[16] = {1}, key[32], nonce[24], box[80];
    c.message_id.data = id;
    c.message_id.len = sizeof id;
    c.topic.data = (uint8_t *)"consular/fuzz";
    c.topic.len = 13;
    c.author_key.data = s_pk;
    c.author_key.len = 32;
    c.tlp = ENLACE__TLP__TLP_RED;
    sealed.form = form_named ? "death" : "";
    c.sealed = &sealed;
    uint8_t *aad = NULL;
    size_t aad_len = 0;
    uint8_t *ct = malloc(n + 16);
    if (!ct || seal_aad(&c, &aad, &aad_len) != 0)
        abort();
    memset(key, 0x11, sizeof key);
    memset(nonce, 0x22, sizeof nonce);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, p, n, aad, aad_len, NULL, nonce, key);
    if (crypto_box_seal(box, key, sizeof key, s_cpk) != 0)
        abort();
    k.recipient_key.data = s_pk;
    k.recipient_key.len = 32;
    k.box.data = box;
    k.box.len = sizeof box;
    sealed.nonce.data = nonce;
    sealed.nonce.len = sizeof nonce;
    sealed.ciphertext.data = ct;
    sealed.ciphertext.len = (size_t)clen;
    sealed.keys = keys;
    sealed.n_keys = 1;
    Enlace__SealedPart *part = NULL;
    if (seal_open(&c, s_pk, s_cpk, s_csk, &part) == SEAL_OK) {
        /* Nothing of what was sealed is lost in what opened (fields may
         * come in another order, unknown ones kept). */
        if (enlace__sealed_part__get_packed_size(part) != n)
            abort();
        enlace__sealed_part__free_unpacked(part, NULL);
    }
    free(aad);
    free(ct);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    s_init();
    if (size < 1)
        return 0;
    if (data[0] & 1) {
        s_plaintext(data + 1, size - 1, (data[0] & 2) != 0);
        return 0;
    }
    Enlace__Content *c = enlace__content__unpack(NULL, size - 1, data + 1);
    if (!c)
        return 0;
    if (c->sealed) {
        (void)seal_check_shape(c, 1 << 20);
        (void)seal_has_key(c->sealed, s_pk);
        uint8_t *aad = NULL;
        size_t len = 0;
        if (seal_aad(c, &aad, &len) == 0)
            free(aad);
        s_open(c);
    }
    enlace__content__free_unpacked(c, NULL);
    return 0;
}
