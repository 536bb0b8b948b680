/*
 * fuzz_keyfile: key files as an operator (or an attacker with write access
 * to a shared folder) may hand them over. The input is written to a 0600
 * file and loaded as a secret key and as a public key.
 *
 * A sealed key makes Argon2id run with the file's own parameters (bounded
 * by the code to libsodium's SENSITIVE limits, up to 1 GiB and seconds per
 * try): inputs mentioning "sealed" are loaded without a passphrase, which
 * parses the line but never derives a key.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char s_path[64];

static int
s_contains(const uint8_t *data, size_t size, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= size; i++)
        if (!memcmp(data + i, word, n))
            return 1;
    return 0;
}

static void
s_cleanup(void)
{
    if (*s_path)
        unlink(s_path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    if (!*s_path) {
        snprintf(s_path, sizeof s_path, "/tmp/fuzz-keyfile-XXXXXX");
        int fd = mkstemp(s_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(s_cleanup);
    }
    int fd = open(s_path, O_WRONLY | O_TRUNC);
    if (fd < 0 || fchmod(fd, 0600) != 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    close(fd);

    const char *passphrase = s_contains(data, size, "sealed") ? NULL : "x";
    char err[KEYS_ERR_LEN];
    keys_identity_t *id = NULL;
    if (keys_identity_load(s_path, passphrase, &id, err) == 0) {
        /* What loads is a usable identity. */
        uint8_t sig[KEYS_SIGNATURE_BYTES];
        if (keys_sign_content(id, data, size, sig) != 0
            || keys_verify_content(keys_identity_public(id), data, size, sig) != 0)
            abort();
        keys_identity_destroy(&id);
    }
    uint8_t pk[KEYS_PUBLIC_BYTES];
    (void)keys_public_load(s_path, pk, err);
    (void)keys_secret_is_sealed(s_path);
    return 0;
}
