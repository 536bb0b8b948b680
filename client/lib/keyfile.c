/*
 * keyfile.c: key files from a program's side: whether a secret key is
 * sealed with a passphrase, an officer's public key file, fingerprints.
 * The formats are keys/'s (see PROTOCOL.md, "Key files").
 */
#include "enl.h"

#include <stdio.h>

int
enlace_key_sealed(const char *secret_file)
{
    return secret_file ? keys_secret_is_sealed(secret_file) : -1;
}

int
enlace_public_key_load(const char *path, uint8_t key[ENLACE_PUBLIC_KEY_BYTES], char *why,
    size_t why_len)
{
    char err[KEYS_ERR_LEN];
    if (!path || !key) {
        if (why && why_len)
            snprintf(why, why_len, "a key file is required");
        return ENLACE_EINVAL;
    }
    if (keys_init() != 0) {
        if (why && why_len)
            snprintf(why, why_len, "libsodium failed to initialise");
        return ENLACE_EIO;
    }
    if (keys_public_load(path, key, err) != 0) {
        if (why && why_len)
            snprintf(why, why_len, "%s", err);
        return ENLACE_EKEY;
    }
    return ENLACE_OK;
}

void
enlace_fingerprint(const uint8_t key[ENLACE_PUBLIC_KEY_BYTES], char out[ENLACE_FINGERPRINT_LEN])
{
    keys_fingerprint(key, out);
}
