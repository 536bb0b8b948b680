/*
 * seal: sealed content (enlace.proto Sealed, SealedPart, SealedKey;
 * PROTOCOL.md 6, "Sealed content").
 *
 * The author's library moves the sensitive part of a Content (content_type,
 * body, handling_text, translations, the case form, an alert's headline and
 * area) into a SealedPart, encrypts it with XChaCha20-Poly1305-IETF under a
 * fresh 32-byte content key and a random 24-byte nonce, with the envelope
 * (seal_aad: what the hub routes by) as associated data, and seals the
 * content key with crypto_box_seal to the Curve25519 form of every Ed25519
 * key it is given. A reader holding one of those keys opens it; changing any
 * envelope field, the nonce, the ciphertext or a box makes it not open.
 *
 * Shared by libenlace (seal, open), the hub (the shape it can check without
 * the plaintext), the tools and the tests. Pure functions of their
 * arguments; the content key and the plaintext are wiped after use.
 */
#ifndef ENLACE_SEAL_H
#define ENLACE_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "enlace.pb-c.h"

#define SEAL_KEY_BYTES 32 /* the content key */
#define SEAL_NONCE_BYTES 24
#define SEAL_TAG_BYTES 16
#define SEAL_BOX_BYTES 80 /* crypto_box_seal of the content key */
#define SEAL_MAX_KEYS 256
#define SEAL_CONTEXT "enlace-sealed-v1"

typedef enum {
    SEAL_OK = 0,
    SEAL_ENOKEY = 1, /* not sealed to this key */
    SEAL_EBAD = 2,   /* does not open: damaged, tampered, or not what the envelope says */
    SEAL_ENOMEM = 3,
} seal_rc_t;

/* The associated data of c's sealed part: SEAL_CONTEXT, a 0 byte, then the
 * envelope's fields, each I(v) ('i' + 8 bytes big-endian) or B(x) ('b' + 4
 * bytes big-endian length + the bytes), in the order PROTOCOL.md gives.
 * Computed by author and reader alike from the Content's cleartext fields.
 * *out is malloc'd (caller frees); -1 out of memory. */
int seal_aad(const Enlace__Content *c, uint8_t **out, size_t *len);

/* Moves c's sensitive fields into part (pointers, not copies: part borrows
 * what c pointed to), leaving them empty in c; c's alert, if any, gives up
 * its headline and area too. */
void seal_move(Enlace__Content *c, Enlace__SealedPart *part);

/* Encrypts part for the n Ed25519 keys (32 bytes each, no key twice) into
 * c->sealed, which the caller has set (its `form` named) with every
 * sensitive field of c already empty. Fills sealed's ciphertext, nonce and
 * keys, allocated here: free them with seal_sealed_fini. SEAL_OK, SEAL_EBAD
 * (no key, more than SEAL_MAX_KEYS, a key twice or not a curve point),
 * SEAL_ENOMEM. */
int seal_encrypt(const Enlace__Content *c, const Enlace__SealedPart *part,
    const uint8_t (*keys)[32], size_t nkeys);
void seal_sealed_fini(Enlace__Sealed *sealed);

/* Opens c's sealed part with one key: ed_pk (its Ed25519 public key) finds
 * the box, curve_pk and curve_sk (its Curve25519 pair) open it. On SEAL_OK
 * *out is the part (free with enlace__sealed_part__free_unpacked); it
 * decoded canonically and its form is the one c->sealed names. SEAL_ENOKEY,
 * SEAL_EBAD, SEAL_ENOMEM. */
int seal_open(const Enlace__Content *c, const uint8_t ed_pk[32], const uint8_t curve_pk[32],
    const uint8_t curve_sk[32], Enlace__SealedPart **out);

/* What the hub checks of a sealed content without its plaintext: nonce and
 * ciphertext sizes (ciphertext at most max_ciphertext bytes), 1 to
 * SEAL_MAX_KEYS boxes of the right sizes to distinct valid keys, every
 * sensitive field empty in the clear, a known form type or none. NULL if
 * well formed, else why not (static text). */
const char *seal_check_shape(const Enlace__Content *c, size_t max_ciphertext);

/* 1 if sealed has a box for the Ed25519 key pk. */
int seal_has_key(const Enlace__Sealed *sealed, const uint8_t pk[32]);

#endif
