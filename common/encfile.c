/*
 * encfile.c: encrypted backups and exports (see encfile.h for the layout).
 */
#include "encfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define BOX_BYTES (32 + crypto_box_SEALBYTES)
#define AD_BYTES (ENCFILE_MAGIC_LEN + 2 + 32 + BOX_BYTES)

struct encfile_writer {
    crypto_secretstream_xchacha20poly1305_state *st; /* sodium memory: holds the key */
    encfile_write_fn fn;
    void *arg;
    uint8_t ad[AD_BYTES]; /* magic to box: the first record's associated data */
    int first;            /* no record written yet */
    uint8_t *plain;       /* ENCFILE_CHUNK bytes waiting to be a record; sodium memory */
    size_t nplain;
    uint8_t *cipher; /* 4 + ENCFILE_CHUNK + ABYTES */
    int failed;
};

static void s_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
s_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int
encfile_is_encrypted(const void *p, size_t n)
{
    return n >= ENCFILE_MAGIC_LEN && !memcmp(p, ENCFILE_MAGIC, ENCFILE_MAGIC_LEN);
}

/* ---------------------------------------------------------------- writing */

encfile_writer_t *
encfile_writer_new(char kind, const uint8_t archive_key[32], encfile_write_fn fn, void *arg,
    char *err, size_t errlen)
{
    uint8_t curve[crypto_box_PUBLICKEYBYTES];
    if (crypto_sign_ed25519_pk_to_curve25519(curve, archive_key) != 0) {
        s_err(err, errlen, "the archive key is not a usable public key");
        return NULL;
    }
    encfile_writer_t *self = calloc(1, sizeof *self);
    uint8_t *key = sodium_malloc(crypto_secretstream_xchacha20poly1305_KEYBYTES);
    if (self) {
        self->st = sodium_malloc(sizeof *self->st);
        self->plain = sodium_malloc(ENCFILE_CHUNK);
        self->cipher = malloc(4 + ENCFILE_CHUNK + ABYTES);
    }
    if (!self || !key || !self->st || !self->plain || !self->cipher) {
        s_err(err, errlen, "out of memory");
        if (key)
            sodium_free(key);
        encfile_writer_destroy(&self);
        return NULL;
    }
    self->fn = fn;
    self->arg = arg;
    self->first = 1;
    uint8_t header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_keygen(key);
    crypto_secretstream_xchacha20poly1305_init_push(self->st, header, key);
    uint8_t *p = self->ad;
    memcpy(p, ENCFILE_MAGIC, ENCFILE_MAGIC_LEN);
    p += ENCFILE_MAGIC_LEN;
    *p++ = 1;
    *p++ = (uint8_t)kind;
    memcpy(p, archive_key, 32);
    p += 32;
    int rc = crypto_box_seal(p, key, crypto_secretstream_xchacha20poly1305_KEYBYTES, curve);
    sodium_free(key);
    if (rc != 0 || fn(arg, self->ad, sizeof self->ad) != 0 || fn(arg, header, sizeof header) != 0) {
        s_err(err, errlen, "cannot write the encrypted file's header");
        encfile_writer_destroy(&self);
        return NULL;
    }
    return self;
}

/* Writes the plaintext waiting as one record (tag FINAL if final). */
static int
s_record(encfile_writer_t *self, int final)
{
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(self->st, self->cipher + 4, &clen, self->plain,
        self->nplain, self->first ? self->ad : NULL, self->first ? sizeof self->ad : 0,
        final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    self->first = 0;
    self->cipher[0] = (uint8_t)(clen >> 24);
    self->cipher[1] = (uint8_t)(clen >> 16);
    self->cipher[2] = (uint8_t)(clen >> 8);
    self->cipher[3] = (uint8_t)clen;
    sodium_memzero(self->plain, self->nplain);
    self->nplain = 0;
    if (self->fn(self->arg, self->cipher, 4 + (size_t)clen) != 0)
        self->failed = 1;
    return self->failed ? -1 : 0;
}

int
encfile_write(encfile_writer_t *self, const void *p, size_t n)
{
    const uint8_t *in = p;
    while (n && !self->failed) {
        size_t take = ENCFILE_CHUNK - self->nplain;
        if (take > n)
            take = n;
        memcpy(self->plain + self->nplain, in, take);
        self->nplain += take;
        in += take;
        n -= take;
        /* A full chunk waits until more comes: the last record must be the
         * one that says FINAL, which only encfile_finish knows. */
        if (self->nplain == ENCFILE_CHUNK && n && s_record(self, 0) != 0)
            return -1;
    }
    return self->failed ? -1 : 0;
}

int
encfile_finish(encfile_writer_t *self)
{
    if (self->failed)
        return -1;
    return s_record(self, 1);
}

void
encfile_writer_destroy(encfile_writer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    encfile_writer_t *self = *self_p;
    if (self->st)
        sodium_free(self->st);
    if (self->plain)
        sodium_free(self->plain);
    free(self->cipher);
    free(self);
    *self_p = NULL;
}

/* ---------------------------------------------------------------- reading */

/* Reads exactly n bytes: n, fewer at the end, -1 on error. */
static long
s_read_full(encfile_read_fn rd, void *arg, void *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        long r = rd(arg, (uint8_t *)p + got, n - got);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long)got;
}

int
encfile_read(encfile_read_fn rd, void *rarg, encfile_write_fn wr, void *warg,
    const uint8_t ed_pk[32], const uint8_t curve_pk[32], const uint8_t curve_sk[32], char *kind,
    uint8_t sealed_to[32], char *err, size_t errlen)
{
    uint8_t head[ENCFILE_HEAD_BYTES];
    long got = s_read_full(rd, rarg, head, sizeof head);
    if (got < 0) {
        s_err(err, errlen, "cannot read the file");
        return ENCFILE_EIO;
    }
    if (!encfile_is_encrypted(head, (size_t)got)) {
        s_err(err, errlen, "not an encrypted enlace backup or export");
        return ENCFILE_EFORMAT;
    }
    if ((size_t)got < sizeof head) {
        s_err(err, errlen, "the file is truncated: it ends inside its header");
        return ENCFILE_ETRUNCATED;
    }
    if (head[ENCFILE_MAGIC_LEN] != 1) {
        s_err(err, errlen, "an encrypted file of version %d, which this program does not read",
            head[ENCFILE_MAGIC_LEN]);
        return ENCFILE_EFORMAT;
    }
    char k = (char)head[ENCFILE_MAGIC_LEN + 1];
    if (k != ENCFILE_KIND_BACKUP && k != ENCFILE_KIND_EXPORT) {
        s_err(err, errlen, "an encrypted file of an unknown kind");
        return ENCFILE_EFORMAT;
    }
    *kind = k;
    const uint8_t *named = head + ENCFILE_MAGIC_LEN + 2;
    if (sealed_to)
        memcpy(sealed_to, named, 32);
    if (sodium_memcmp(named, ed_pk, 32) != 0) {
        s_err(err, errlen, "the file is encrypted to another archive key");
        return ENCFILE_EWRONGKEY;
    }
    uint8_t *key = sodium_malloc(crypto_secretstream_xchacha20poly1305_KEYBYTES);
    crypto_secretstream_xchacha20poly1305_state *st = sodium_malloc(sizeof *st);
    uint8_t *cipher = malloc(ENCFILE_CHUNK + ABYTES);
    uint8_t *plain = sodium_malloc(ENCFILE_CHUNK);
    int rc = ENCFILE_OK;
    if (!key || !st || !cipher || !plain) {
        s_err(err, errlen, "out of memory");
        rc = ENCFILE_ENOMEM;
    } else if (crypto_box_seal_open(key, named + 32, BOX_BYTES, curve_pk, curve_sk) != 0) {
        s_err(err, errlen, "the stream key does not open with this key: the file is damaged");
        rc = ENCFILE_EDAMAGED;
    } else if (crypto_secretstream_xchacha20poly1305_init_pull(st, head + AD_BYTES, key) != 0) {
        s_err(err, errlen, "the file's stream header is damaged");
        rc = ENCFILE_EDAMAGED;
    }
    int first = 1, final = 0;
    while (rc == ENCFILE_OK && !final) {
        uint8_t lenb[4];
        got = s_read_full(rd, rarg, lenb, sizeof lenb);
        if (got < 0) {
            s_err(err, errlen, "cannot read the file");
            rc = ENCFILE_EIO;
            break;
        }
        if (got < 4) {
            s_err(err, errlen, "the file is truncated: its final record is missing");
            rc = ENCFILE_ETRUNCATED;
            break;
        }
        size_t len = (size_t)lenb[0] << 24 | (size_t)lenb[1] << 16 | (size_t)lenb[2] << 8 | lenb[3];
        if (len < ABYTES || len > ENCFILE_CHUNK + ABYTES) {
            s_err(err, errlen, "the file is damaged: a record of impossible length");
            rc = ENCFILE_EDAMAGED;
            break;
        }
        got = s_read_full(rd, rarg, cipher, len);
        if (got < 0) {
            s_err(err, errlen, "cannot read the file");
            rc = ENCFILE_EIO;
            break;
        }
        if ((size_t)got < len) {
            s_err(err, errlen, "the file is truncated: it ends inside a record");
            rc = ENCFILE_ETRUNCATED;
            break;
        }
        unsigned long long plen = 0;
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(st, plain, &plen, &tag, cipher, len,
                first ? head : NULL, first ? AD_BYTES : 0)
            != 0) {
            s_err(err, errlen, "the file is damaged: a record does not authenticate");
            rc = ENCFILE_EDAMAGED;
            break;
        }
        first = 0;
        final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
        if (plen && wr(warg, plain, (size_t)plen) != 0) {
            s_err(err, errlen, "cannot write the decrypted output");
            rc = ENCFILE_EIO;
        }
        sodium_memzero(plain, (size_t)plen);
    }
    if (rc == ENCFILE_OK) {
        uint8_t extra;
        got = s_read_full(rd, rarg, &extra, 1);
        if (got != 0) {
            s_err(err, errlen,
                got < 0 ? "cannot read the file"
                        : "the file is damaged: bytes after its final record");
            rc = got < 0 ? ENCFILE_EIO : ENCFILE_EDAMAGED;
        }
    }
    if (key)
        sodium_free(key);
    if (st)
        sodium_free(st);
    if (plain)
        sodium_free(plain);
    free(cipher);
    return rc;
}

/* ---------------------------------------------------------------- descriptors */

int
encfile_fd_write(void *arg, const void *p, size_t n)
{
    int fd = *(int *)arg;
    const uint8_t *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

long
encfile_fd_read(void *arg, void *p, size_t n)
{
    int fd = *(int *)arg;
    for (;;) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        return (long)r;
    }
}
