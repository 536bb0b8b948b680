/*
 * keys: enlace identities.
 *
 * One identity is one Ed25519 signing key pair. Its CurveZMQ transport keys
 * (Curve25519) are derived from it with libsodium, so one key file is one
 * identity: the key that signs an officer's messages is the key that the
 * hub authenticates on the wire.
 *
 * File formats (text, one "name: value" per line, '#' comments):
 *
 *   NAME.public                      NAME.secret (mode 0600)
 *   enlace-public-key v1             enlace-secret-key v1
 *   ed25519: <64 hex>                ed25519: <64 hex of the public key>
 *   fingerprint: XXXX-XXXX-XXXX-XXXX seed: <64 hex>              (plain), or
 *                                    sealed: argon2id <opslimit> <memlimit>
 *                                            <salt hex> <nonce hex> <box hex>
 *
 * A sealed secret holds the seed encrypted with a key derived from a
 * passphrase (crypto_pwhash Argon2id, then crypto_secretbox).
 *
 * Secrets live in sodium_malloc memory and are wiped on destroy. Functions
 * that can fail return 0 on success and -1 on failure, with a one-line
 * human-readable reason in `err` (which never contains secret material).
 */
#ifndef ENLACE_KEYS_H
#define ENLACE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEYS_PUBLIC_BYTES 32
#define KEYS_SIGNATURE_BYTES 64
#define KEYS_CURVE_BYTES 32
/* "XXXX-XXXX-XXXX-XXXX" plus NUL */
#define KEYS_FINGERPRINT_LEN 20
#define KEYS_ERR_LEN 256

#define KEYS_NODISCARD __attribute__((warn_unused_result))

typedef struct keys_identity keys_identity_t;

/* Generates a new random identity. Returns NULL only on memory failure. */
keys_identity_t *keys_identity_new(void);

/* Frees the identity, wiping its secrets. Accepts NULL; sets *self_p NULL. */
void keys_identity_destroy(keys_identity_t **self_p);

/* Writes PREFIX.secret (0600, created exclusively: never overwrites) and
 * PREFIX.public. With a non-NULL, non-empty passphrase the secret is sealed. */
KEYS_NODISCARD int keys_identity_save(const keys_identity_t *self, const char *prefix,
    const char *passphrase, char err[KEYS_ERR_LEN]);

/* Loads a secret key file. Refuses a file readable by group or others, a
 * malformed or tampered file, and a sealed file without the right
 * passphrase. On success *out owns a new identity. */
KEYS_NODISCARD int keys_identity_load(const char *path, const char *passphrase,
    keys_identity_t **out, char err[KEYS_ERR_LEN]);

/* True (1) if the secret file at path is sealed with a passphrase, 0 if
 * plain, -1 if it cannot be read or parsed. */
int keys_secret_is_sealed(const char *path);

/* The identity's Ed25519 public key (KEYS_PUBLIC_BYTES, owned by self). */
const uint8_t *keys_identity_public(const keys_identity_t *self);

/* Its CurveZMQ public key and secret key (KEYS_CURVE_BYTES each). The secret
 * is written into caller memory, which the caller must wipe. */
void keys_identity_curve_public(const keys_identity_t *self, uint8_t out[KEYS_CURVE_BYTES]);
void keys_identity_curve_secret(const keys_identity_t *self, uint8_t out[KEYS_CURVE_BYTES]);

/* Signs "enlace-content-v1\0" || msg (the content signing context). */
KEYS_NODISCARD int keys_sign_content(const keys_identity_t *self, const uint8_t *msg, size_t len,
    uint8_t sig[KEYS_SIGNATURE_BYTES]);

/* Verifies a content signature. Returns 0 if valid, -1 otherwise. */
KEYS_NODISCARD int keys_verify_content(const uint8_t pk[KEYS_PUBLIC_BYTES], const uint8_t *msg,
    size_t len, const uint8_t sig[KEYS_SIGNATURE_BYTES]);

/* Signs, and verifies, bytes that begin with a signing context of their
 * own (e.g. merkle.h's "enlace-batch-v1"): never content, which has its
 * context added by keys_sign_content. */
KEYS_NODISCARD int keys_sign_bytes(const keys_identity_t *self, const uint8_t *msg, size_t len,
    uint8_t sig[KEYS_SIGNATURE_BYTES]);
KEYS_NODISCARD int keys_verify_bytes(const uint8_t pk[KEYS_PUBLIC_BYTES], const uint8_t *msg,
    size_t len, const uint8_t sig[KEYS_SIGNATURE_BYTES]);

/* Loads a public key file (or a secret file's public line). */
KEYS_NODISCARD int keys_public_load(const char *path, uint8_t pk[KEYS_PUBLIC_BYTES],
    char err[KEYS_ERR_LEN]);

/* Derives the CurveZMQ public key of an Ed25519 public key. Returns -1 for a
 * key that is not a valid curve point. */
KEYS_NODISCARD int keys_curve_from_public(const uint8_t pk[KEYS_PUBLIC_BYTES],
    uint8_t out[KEYS_CURVE_BYTES]);

/* Short human-checkable fingerprint: the first 80 bits of BLAKE2b-256 of the
 * public key in RFC 4648 base32, as four groups of four: "ABCD-EFGH-IJKL-MNOP". */
void keys_fingerprint(const uint8_t pk[KEYS_PUBLIC_BYTES], char out[KEYS_FINGERPRINT_LEN]);

/* Parses/prints lowercase hex. keys_hex_decode returns 0 only if `hex` is
 * exactly 2*len hex digits. */
int keys_hex_decode(const char *hex, uint8_t *out, size_t len);
void keys_hex_encode(const uint8_t *in, size_t len, char *out /* 2*len+1 */);

/* Initialises libsodium; safe to call many times. Returns -1 on failure. */
KEYS_NODISCARD int keys_init(void);

#endif
