/*
 * keys.c: Ed25519 identities, their key files and derived CURVE keys.
 *
 * Invariants: secret bytes only ever live in sodium_malloc memory or in stack
 * buffers wiped before return; no error message contains secret material; a
 * secret file is created with O_EXCL and mode 0600 and is refused on load if
 * group or others may read it.
 */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define SECRET_MAGIC "enlace-secret-key v1"
#define PUBLIC_MAGIC "enlace-public-key v1"
#define CONTENT_CONTEXT "enlace-content-v1"
/* Key files are small; anything larger is not one of ours. */
#define KEYFILE_MAX 4096

struct keys_identity {
    uint8_t seed[crypto_sign_SEEDBYTES];    /* the secret from which all else derives */
    uint8_t sk[crypto_sign_SECRETKEYBYTES]; /* libsodium's expanded signing key */
    uint8_t pk[crypto_sign_PUBLICKEYBYTES]; /* Ed25519 public key */
};

static void s_err(char err[KEYS_ERR_LEN], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
s_err(char err[KEYS_ERR_LEN], const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, KEYS_ERR_LEN, fmt, ap);
    va_end(ap);
}

int
keys_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

static keys_identity_t *
s_identity_alloc(void)
{
    if (keys_init() != 0)
        return NULL;
    keys_identity_t *self = sodium_malloc(sizeof *self);
    if (self)
        sodium_memzero(self, sizeof *self);
    return self;
}

keys_identity_t *
keys_identity_new(void)
{
    keys_identity_t *self = s_identity_alloc();
    if (!self)
        return NULL;
    randombytes_buf(self->seed, sizeof self->seed);
    crypto_sign_seed_keypair(self->pk, self->sk, self->seed);
    return self;
}

void
keys_identity_destroy(keys_identity_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sodium_free(*self_p); /* sodium_free wipes before releasing */
    *self_p = NULL;
}

const uint8_t *
keys_identity_public(const keys_identity_t *self)
{
    return self->pk;
}

void
keys_identity_curve_public(const keys_identity_t *self, uint8_t out[KEYS_CURVE_BYTES])
{
    /* Cannot fail for a key pair we derived ourselves. */
    if (crypto_sign_ed25519_pk_to_curve25519(out, self->pk) != 0)
        memset(out, 0, KEYS_CURVE_BYTES);
}

void
keys_identity_curve_secret(const keys_identity_t *self, uint8_t out[KEYS_CURVE_BYTES])
{
    crypto_sign_ed25519_sk_to_curve25519(out, self->sk);
}

int
keys_curve_from_public(const uint8_t pk[KEYS_PUBLIC_BYTES], uint8_t out[KEYS_CURVE_BYTES])
{
    return crypto_sign_ed25519_pk_to_curve25519(out, pk) == 0 ? 0 : -1;
}

/* The signed bytes are CONTEXT || 0x00 || msg; hashing them incrementally
 * would need Ed25519ph, so we build the buffer (content is bounded by the
 * hub's frame limit). */
static uint8_t *
s_context_buffer(const uint8_t *msg, size_t len, size_t *total)
{
    size_t clen = sizeof CONTENT_CONTEXT; /* includes the NUL separator */
    uint8_t *buf = malloc(clen + len + 1);
    if (!buf)
        return NULL;
    memcpy(buf, CONTENT_CONTEXT, clen);
    if (len)
        memcpy(buf + clen, msg, len);
    *total = clen + len;
    return buf;
}

int
keys_sign_content(const keys_identity_t *self, const uint8_t *msg, size_t len,
    uint8_t sig[KEYS_SIGNATURE_BYTES])
{
    size_t total;
    uint8_t *buf = s_context_buffer(msg, len, &total);
    if (!buf)
        return -1;
    int rc = crypto_sign_detached(sig, NULL, buf, total, self->sk);
    free(buf);
    return rc == 0 ? 0 : -1;
}

int
keys_sign_bytes(const keys_identity_t *self, const uint8_t *msg, size_t len,
    uint8_t sig[KEYS_SIGNATURE_BYTES])
{
    return crypto_sign_detached(sig, NULL, msg, len, self->sk) == 0 ? 0 : -1;
}

int
keys_verify_bytes(const uint8_t pk[KEYS_PUBLIC_BYTES], const uint8_t *msg, size_t len,
    const uint8_t sig[KEYS_SIGNATURE_BYTES])
{
    return crypto_sign_verify_detached(sig, msg, len, pk) == 0 ? 0 : -1;
}

int
keys_verify_content(const uint8_t pk[KEYS_PUBLIC_BYTES], const uint8_t *msg, size_t len,
    const uint8_t sig[KEYS_SIGNATURE_BYTES])
{
    size_t total;
    uint8_t *buf = s_context_buffer(msg, len, &total);
    if (!buf)
        return -1;
    int rc = crypto_sign_verify_detached(sig, buf, total, pk);
    free(buf);
    return rc == 0 ? 0 : -1;
}

void
keys_fingerprint(const uint8_t pk[KEYS_PUBLIC_BYTES], char out[KEYS_FINGERPRINT_LEN])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint8_t hash[32];
    crypto_generichash(hash, sizeof hash, pk, KEYS_PUBLIC_BYTES, NULL, 0);
    /* 80 bits = 16 base32 digits, read 5 bits at a time from the hash. */
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        int bit = i * 5;
        int byte = bit / 8, shift = bit % 8;
        unsigned v = ((unsigned)hash[byte] << 8) | hash[byte + 1];
        v = (v >> (11 - shift)) & 0x1f;
        if (i > 0 && i % 4 == 0)
            out[o++] = '-';
        out[o++] = alphabet[v];
    }
    out[o] = '\0';
}

void
keys_hex_encode(const uint8_t *in, size_t len, char *out)
{
    sodium_bin2hex(out, 2 * len + 1, in, len);
}

int
keys_hex_decode(const char *hex, uint8_t *out, size_t len)
{
    size_t got = 0;
    const char *end = NULL;
    if (strlen(hex) != 2 * len)
        return -1;
    if (sodium_hex2bin(out, len, hex, 2 * len, NULL, &got, &end) != 0 || got != len || *end != '\0')
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ files */

/* Reads a whole key file into buf (NUL-terminated). With `secret`, refuses a
 * file that group or others can read, or that is not a regular file. */
static int
s_read_file(const char *path, int secret, char *buf, size_t cap, char err[KEYS_ERR_LEN])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        s_err(err, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        s_err(err, "%s is not a regular file", path);
        close(fd);
        return -1;
    }
    if (secret && (st.st_mode & (S_IRWXG | S_IRWXO))) {
        s_err(err,
            "refusing secret key %s: it is readable by group or others (mode %04o); "
            "run: chmod 600 %s",
            path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return -1;
    }
    size_t used = 0;
    for (;;) {
        if (used == cap - 1) {
            s_err(err, "%s is too large to be an enlace key file", path);
            close(fd);
            sodium_memzero(buf, cap);
            return -1;
        }
        ssize_t n = read(fd, buf + used, cap - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            s_err(err, "cannot read %s: %s", path, strerror(errno));
            close(fd);
            sodium_memzero(buf, cap);
            return -1;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    if (memchr(buf, '\0', used)) {
        s_err(err, "%s is not a text key file", path);
        sodium_memzero(buf, cap);
        return -1;
    }
    return 0;
}

/* Finds "name: value" in a key file and copies the value (up to the end of
 * its line) into out. Returns out, or NULL if absent or too long. The text is
 * not modified. */
static char *
s_field(const char *text, const char *name, char *out, size_t cap)
{
    size_t nlen = strlen(name);
    for (const char *line = text; line && *line;) {
        const char *end = line + strcspn(line, "\r\n");
        if (strncmp(line, name, nlen) == 0 && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t len = (size_t)(end - v);
            if (len + 1 > cap)
                return NULL;
            memcpy(out, v, len);
            out[len] = '\0';
            return out;
        }
        line = *end ? end + 1 : NULL;
        while (line && (*line == '\r' || *line == '\n'))
            line++;
    }
    return NULL;
}

static int
s_first_line_is(const char *text, const char *magic)
{
    size_t n = strlen(magic);
    return strncmp(text, magic, n) == 0 && (text[n] == '\n' || text[n] == '\r');
}

static int
s_write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Creates path exclusively with the given mode and writes text; on any
 * failure removes the partial file. */
static int
s_create_file(const char *path, mode_t mode, const char *text, char err[KEYS_ERR_LEN])
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        if (errno == EEXIST)
            s_err(err, "%s already exists; refusing to overwrite a key", path);
        else
            s_err(err, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    /* The umask may have widened nothing but could have narrowed; be exact. */
    if (fchmod(fd, mode) != 0 || s_write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
        s_err(err, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    if (close(fd) != 0) {
        s_err(err, "cannot write %s: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    return 0;
}

int
keys_identity_save(const keys_identity_t *self, const char *prefix, const char *passphrase,
    char err[KEYS_ERR_LEN])
{
    char pkhex[2 * KEYS_PUBLIC_BYTES + 1];
    char fp[KEYS_FINGERPRINT_LEN];
    keys_hex_encode(self->pk, sizeof self->pk, pkhex);
    keys_fingerprint(self->pk, fp);

    size_t plen = strlen(prefix);
    if (plen == 0 || plen > 4000) {
        s_err(err, "invalid key path");
        return -1;
    }
    char secret_path[4096], public_path[4096];
    snprintf(secret_path, sizeof secret_path, "%s.secret", prefix);
    snprintf(public_path, sizeof public_path, "%s.public", prefix);

    /* Build the secret text in guarded memory. */
    const size_t cap = 2048;
    char *text = sodium_malloc(cap);
    if (!text) {
        s_err(err, "out of memory");
        return -1;
    }
    int rc = -1;
    if (passphrase && *passphrase) {
        uint8_t salt[crypto_pwhash_SALTBYTES];
        uint8_t nonce[crypto_secretbox_NONCEBYTES];
        uint8_t box[crypto_secretbox_MACBYTES + crypto_sign_SEEDBYTES];
        uint8_t *kek = sodium_malloc(crypto_secretbox_KEYBYTES);
        unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
        if (!kek) {
            s_err(err, "out of memory");
            sodium_free(text);
            return -1;
        }
        randombytes_buf(salt, sizeof salt);
        randombytes_buf(nonce, sizeof nonce);
        if (crypto_pwhash(kek, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt, ops,
                mem, crypto_pwhash_ALG_ARGON2ID13)
            != 0) {
            s_err(err, "not enough memory to derive a key from the passphrase");
            sodium_free(kek);
            sodium_free(text);
            return -1;
        }
        crypto_secretbox_easy(box, self->seed, sizeof self->seed, nonce, kek);
        sodium_free(kek);
        char salthex[2 * sizeof salt + 1], noncehex[2 * sizeof nonce + 1];
        char boxhex[2 * sizeof box + 1];
        keys_hex_encode(salt, sizeof salt, salthex);
        keys_hex_encode(nonce, sizeof nonce, noncehex);
        keys_hex_encode(box, sizeof box, boxhex);
        snprintf(text, cap,
            SECRET_MAGIC "\n# enlace secret key: keep private, never share or commit\n"
                         "ed25519: %s\nfingerprint: %s\nsealed: argon2id %llu %zu %s %s %s\n",
            pkhex, fp, ops, mem, salthex, noncehex, boxhex);
    } else {
        char *seedhex = sodium_malloc(2 * crypto_sign_SEEDBYTES + 1);
        if (!seedhex) {
            s_err(err, "out of memory");
            sodium_free(text);
            return -1;
        }
        keys_hex_encode(self->seed, sizeof self->seed, seedhex);
        snprintf(text, cap,
            SECRET_MAGIC "\n# enlace secret key: keep private, never share or commit\n"
                         "ed25519: %s\nfingerprint: %s\nseed: %s\n",
            pkhex, fp, seedhex);
        sodium_free(seedhex);
    }
    if (s_create_file(secret_path, 0600, text, err) == 0) {
        char pub[512];
        snprintf(pub, sizeof pub, PUBLIC_MAGIC "\ned25519: %s\nfingerprint: %s\n", pkhex, fp);
        if (s_create_file(public_path, 0644, pub, err) == 0)
            rc = 0;
        else
            unlink(secret_path);
    }
    sodium_free(text);
    return rc;
}

static int
s_unseal(char *spec, const char *passphrase, uint8_t seed[crypto_sign_SEEDBYTES], const char *path,
    char err[KEYS_ERR_LEN])
{
    char alg[16], salthex[64], noncehex[64], boxhex[160];
    unsigned long long ops;
    size_t mem;
    if (sscanf(spec, "%15s %llu %zu %63s %63s %159s", alg, &ops, &mem, salthex, noncehex, boxhex)
            != 6
        || strcmp(alg, "argon2id") != 0) {
        s_err(err, "%s: malformed sealed key", path);
        return -1;
    }
    if (!passphrase || !*passphrase) {
        s_err(err, "%s is sealed with a passphrase; none was given", path);
        return -1;
    }
    /* Bound the cost an attacker-edited file can impose. */
    if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_SENSITIVE
        || mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_SENSITIVE) {
        s_err(err, "%s: sealed key parameters out of range", path);
        return -1;
    }
    uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
    uint8_t box[crypto_secretbox_MACBYTES + crypto_sign_SEEDBYTES];
    if (keys_hex_decode(salthex, salt, sizeof salt) != 0
        || keys_hex_decode(noncehex, nonce, sizeof nonce) != 0
        || keys_hex_decode(boxhex, box, sizeof box) != 0) {
        s_err(err, "%s: malformed sealed key", path);
        return -1;
    }
    uint8_t *kek = sodium_malloc(crypto_secretbox_KEYBYTES);
    if (!kek) {
        s_err(err, "out of memory");
        return -1;
    }
    int rc = -1;
    if (crypto_pwhash(kek, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt, ops,
            mem, crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        s_err(err, "not enough memory to derive a key from the passphrase");
    else if (crypto_secretbox_open_easy(seed, box, sizeof box, nonce, kek) != 0)
        s_err(err, "%s: wrong passphrase, or the file was altered", path);
    else
        rc = 0;
    sodium_free(kek);
    return rc;
}

int
keys_identity_load(const char *path, const char *passphrase, keys_identity_t **out,
    char err[KEYS_ERR_LEN])
{
    *out = NULL;
    if (keys_init() != 0) {
        s_err(err, "libsodium failed to initialise");
        return -1;
    }
    char *text = sodium_malloc(KEYFILE_MAX);
    keys_identity_t *self = s_identity_alloc();
    if (!text || !self) {
        s_err(err, "out of memory");
        goto fail;
    }
    if (s_read_file(path, 1, text, KEYFILE_MAX / 2, err) != 0)
        goto fail;
    if (!s_first_line_is(text, SECRET_MAGIC)) {
        if (s_first_line_is(text, PUBLIC_MAGIC))
            s_err(err, "%s is a public key; a secret key (.secret) is needed", path);
        else
            s_err(err, "%s is not an enlace secret key file", path);
        goto fail;
    }
    char pkbuf[80];
    char *pkhex = s_field(text, "ed25519", pkbuf, sizeof pkbuf);
    uint8_t claimed[KEYS_PUBLIC_BYTES];
    if (!pkhex || keys_hex_decode(pkhex, claimed, sizeof claimed) != 0) {
        s_err(err, "%s: missing or malformed ed25519 line", path);
        goto fail;
    }
    /* The value buffers hold secret material: keep them in the guarded
     * allocation that holds the file text (second half). */
    char *seedhex = s_field(text, "seed", text + KEYFILE_MAX / 2, 128);
    char *sealed = s_field(text, "sealed", text + KEYFILE_MAX / 2 + 128, 512);
    if (seedhex && !sealed) {
        if (keys_hex_decode(seedhex, self->seed, sizeof self->seed) != 0) {
            s_err(err, "%s: malformed seed line", path);
            goto fail;
        }
    } else if (sealed && !seedhex) {
        if (s_unseal(sealed, passphrase, self->seed, path, err) != 0)
            goto fail;
    } else {
        s_err(err, "%s: needs exactly one of a seed or a sealed line", path);
        goto fail;
    }
    crypto_sign_seed_keypair(self->pk, self->sk, self->seed);
    /* The public line is not authenticated by itself: check it against the
     * seed so an edited file cannot pass for another identity. */
    if (sodium_memcmp(self->pk, claimed, sizeof claimed) != 0) {
        s_err(err, "%s: public key does not match the secret (file altered?)", path);
        goto fail;
    }
    sodium_free(text);
    *out = self;
    return 0;
fail:
    if (text)
        sodium_free(text);
    keys_identity_destroy(&self);
    return -1;
}

int
keys_secret_is_sealed(const char *path)
{
    if (keys_init() != 0)
        return -1;
    char *text = sodium_malloc(KEYFILE_MAX);
    if (!text)
        return -1;
    char err[KEYS_ERR_LEN];
    int rc = -1;
    if (s_read_file(path, 0, text, KEYFILE_MAX / 2, err) == 0
        && s_first_line_is(text, SECRET_MAGIC))
        rc = s_field(text, "sealed", text + KEYFILE_MAX / 2, 512) != NULL ? 1 : 0;
    sodium_free(text);
    return rc;
}

int
keys_public_load(const char *path, uint8_t pk[KEYS_PUBLIC_BYTES], char err[KEYS_ERR_LEN])
{
    char text[KEYFILE_MAX];
    /* Reading a secret file for its public line is fine, but never keep its
     * text around: wipe whatever we read. */
    int rc = -1;
    if (s_read_file(path, 0, text, sizeof text, err) != 0)
        return -1;
    if (!s_first_line_is(text, PUBLIC_MAGIC) && !s_first_line_is(text, SECRET_MAGIC)) {
        s_err(err, "%s is not an enlace key file", path);
        goto out;
    }
    char pkbuf[80], fpbuf[KEYFILE_MAX];
    char *pkhex = s_field(text, "ed25519", pkbuf, sizeof pkbuf);
    uint8_t curve[KEYS_CURVE_BYTES];
    if (!pkhex || keys_hex_decode(pkhex, pk, KEYS_PUBLIC_BYTES) != 0) {
        s_err(err, "%s: missing or malformed ed25519 line", path);
        goto out;
    }
    if (keys_curve_from_public(pk, curve) != 0) {
        s_err(err, "%s: not a valid Ed25519 public key", path);
        goto out;
    }
    /* fpbuf holds any line the file can have, so "absent" is never confused
     * with "too long to compare". */
    char *fp = s_field(text, "fingerprint", fpbuf, sizeof fpbuf);
    char want[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(pk, want);
    if (fp && strcmp(fp, want) != 0) {
        s_err(err, "%s: fingerprint line does not match the key (file altered?)", path);
        goto out;
    }
    rc = 0;
out:
    sodium_memzero(text, sizeof text);
    return rc;
}
