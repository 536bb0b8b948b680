/*
 * fuzz_encfile: the reader of encrypted backups and exports
 * (common/encfile.c), as `enlace-hub restore` and `enlace unseal --export`
 * read a file someone handed over.
 *
 * The first byte chooses what the rest is:
 *   0  a file: read with a fixed key (its header, its key's box, each
 *      record's length and authentication, the end);
 *   1  plaintext: written encrypted to the fixed key in pieces the input
 *      chooses, read back, and compared: a round trip must be exact;
 *   2  4 bytes of position and a mask, then plaintext: written, one byte
 *      of the file changed (or the file cut there, when the mask's top bit
 *      is set), read back: that must never succeed.
 * The file is never written to disk: the reader and writer take callbacks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t s_pk[32], s_sk[64], s_cpk[32], s_csk[32];
static int s_ready;

typedef struct {
    uint8_t *p;
    size_t len, cap, at, limit;
} mem_t;

static int
s_write(void *arg, const void *p, size_t n)
{
    mem_t *m = arg;
    if (m->len + n > m->cap) {
        size_t cap = (m->len + n) * 2 + 64;
        uint8_t *g = realloc(m->p, cap);
        if (!g)
            abort();
        m->p = g;
        m->cap = cap;
    }
    if (n)
        memcpy(m->p + m->len, p, n);
    m->len += n;
    return 0;
}

static long
s_read(void *arg, void *p, size_t n)
{
    mem_t *m = arg;
    size_t end = m->limit < m->len ? m->limit : m->len;
    size_t left = end > m->at ? end - m->at : 0;
    if (n > left)
        n = left;
    if (n)
        memcpy(p, m->p + m->at, n);
    m->at += n;
    return (long)n;
}

static void
s_init(void)
{
    if (s_ready)
        return;
    if (sodium_init() < 0)
        abort();
    uint8_t seed[32];
    memset(seed, 0x3c, sizeof seed);
    crypto_sign_seed_keypair(s_pk, s_sk, seed);
    if (crypto_sign_ed25519_pk_to_curve25519(s_cpk, s_pk) != 0
        || crypto_sign_ed25519_sk_to_curve25519(s_csk, s_sk) != 0)
        abort();
    s_ready = 1;
}

static int
s_decrypt(mem_t *file, mem_t *out)
{
    char kind, err[256];
    file->at = 0;
    return encfile_read(s_read, file, s_write, out, s_pk, s_cpk, s_csk, &kind, NULL, err,
        sizeof err);
}

/* Encrypts p in pieces whose sizes the plaintext's own bytes choose. */
static void
s_encrypt(mem_t *file, const uint8_t *p, size_t n)
{
    char err[128];
    encfile_writer_t *w = encfile_writer_new(ENCFILE_KIND_EXPORT, s_pk, s_write, file, err,
        sizeof err);
    if (!w)
        abort();
    for (size_t at = 0; at < n;) {
        size_t piece = (size_t)p[at] * 613 + 1;
        if (piece > n - at)
            piece = n - at;
        if (encfile_write(w, p + at, piece) != 0)
            abort();
        at += piece;
    }
    if (encfile_finish(w) != 0)
        abort();
    encfile_writer_destroy(&w);
    file->limit = SIZE_MAX;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    s_init();
    if (size < 1)
        return 0;
    mem_t file = {0}, out = {0};
    switch (data[0] % 3) {
    case 0:
        file.p = (uint8_t *)data + 1;
        file.len = size - 1;
        file.limit = SIZE_MAX;
        (void)s_decrypt(&file, &out);
        file.p = NULL;
        break;
    case 1:
        s_encrypt(&file, data + 1, size - 1);
        if (s_decrypt(&file, &out) != ENCFILE_OK || out.len != size - 1
            || (out.len && memcmp(out.p, data + 1, out.len) != 0))
            abort(); /* a round trip must be exact */
        break;
    default: {
        if (size < 5)
            return 0;
        uint32_t pos = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16;
        uint8_t mask = data[4];
        s_encrypt(&file, data + 5, size - 5);
        pos %= (uint32_t)file.len;
        if (mask & 0x80)
            file.limit = pos; /* cut short */
        else
            file.p[pos] ^= (uint8_t)(mask | 1);
        if (s_decrypt(&file, &out) == ENCFILE_OK)
            abort(); /* a changed or cut file must never read as whole */
        break;
    }
    }
    free(file.p);
    free(out.p);
    return 0;
}
