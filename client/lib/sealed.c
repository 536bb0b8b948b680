/*
 * sealed.c: sealed content on the author's side and outside a session
 * (PROTOCOL.md 6; the format is common/seal.h).
 *
 * Sealing a publish: the plaintext is checked with the hub's own tables
 * (forms.h), because the hub will not see it; the keys to seal to are
 * fetched with one KeysQuery: every key in force of each named recipient's
 * officer, of our own officer, and the ST's archive key. The library trusts
 * the hub for which keys an officer holds, but not blindly: the key whose
 * fingerprint the author named must be among its officer's keys (a
 * fingerprint is the hash of its key, so the hub cannot substitute it), and
 * a pinned archive key (enlace_pin_archive_key) must be the one the hub
 * names.
 *
 * Opening outside a session: enlace_key_t (any secret key file, e.g. the
 * ST's archive key kept offline) opens stored messages from an export or a
 * history page (enlace_message_open) and encrypted backups and exports
 * (enlace_decrypt_stream, common/encfile.h).
 */
#include "enl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "encfile.h"
#include "forms.h"
#include "seal.h"

#define SEAL_QUERY_MAX 128

struct enlace_key {
    keys_identity_t *id; /* owned, sodium memory */
    char fingerprint[KEYS_FINGERPRINT_LEN];
};

/* Adds key to keys[] (SEAL_MAX_KEYS) unless it is there. -1 if full. */
static int
s_add_key(uint8_t (*keys)[32], size_t *n, const uint8_t *key)
{
    for (size_t i = 0; i < *n; i++)
        if (!memcmp(keys[i], key, 32))
            return 0;
    if (*n == SEAL_MAX_KEYS)
        return -1;
    memcpy(keys[(*n)++], key, 32);
    return 0;
}

/* The keys to seal c to, from the hub (KeysQuery). */
static int
s_seal_keys(enlace_client_t *self, const Enlace__Content *c, uint8_t (*keys)[32], size_t *nkeys)
{
    *nkeys = 0;
    char *fps[SEAL_QUERY_MAX];
    size_t nfps = 0;
    for (size_t i = 0; i < c->n_recipients && nfps < SEAL_QUERY_MAX - 1; i++)
        fps[nfps++] = c->recipients[i];
    int self_named = 0;
    for (size_t i = 0; i < nfps; i++)
        self_named |= !strcmp(fps[i], self->fingerprint);
    if (!self_named && self->fingerprint[0])
        fps[nfps++] = self->fingerprint; /* the author reads its own messages */
    Enlace__Frame req = ENLACE__FRAME__INIT;
    Enlace__KeysQuery q = ENLACE__KEYS_QUERY__INIT;
    q.n_fingerprints = nfps;
    q.fingerprints = fps;
    req.body_case = ENLACE__FRAME__BODY_KEYS_QUERY;
    req.keys_query = &q;
    int err;
    Enlace__Frame *reply = enl_request(self, &req, ENLACE__FRAME__BODY_SEAL_KEYS, &err);
    if (!reply) {
        if (err == ENLACE_ENOTFOUND)
            return enl_fail(self, ENLACE_EINVAL,
                "cannot seal: %s (a named recipient has no key in force)", self->error);
        return err;
    }
    const Enlace__SealKeys *sk = reply->seal_keys;
    int rc = ENLACE_OK;
    if (sk->n_officers != nfps)
        rc = enl_fail(self, ENLACE_EPROTO, "the hub answered the keys of %zu officers, not %zu",
            sk->n_officers, nfps);
    for (size_t i = 0; rc == ENLACE_OK && i < nfps; i++) {
        const Enlace__OfficerKeys *o = sk->officers[i];
        int named = 0;
        for (size_t k = 0; rc == ENLACE_OK && k < o->n_keys; k++) {
            char fp[KEYS_FINGERPRINT_LEN];
            if (o->keys[k].len != 32) {
                rc = enl_fail(self, ENLACE_EPROTO, "the hub sent a key that is not 32 bytes");
                break;
            }
            keys_fingerprint(o->keys[k].data, fp);
            named |= !strcmp(fp, fps[i]);
            if (s_add_key(keys, nkeys, o->keys[k].data) != 0)
                rc = enl_fail(self, ENLACE_ELIMIT, "more than %d keys to seal to", SEAL_MAX_KEYS);
        }
        if (rc == ENLACE_OK && !named)
            rc = enl_fail(self, ENLACE_EPROTO,
                "the hub's keys for %s do not include that key itself: not sealed", fps[i]);
    }
    if (rc == ENLACE_OK && sk->archive_key.len && sk->archive_key.len != 32)
        rc = enl_fail(self, ENLACE_EPROTO, "the hub sent an archive key that is not 32 bytes");
    if (rc == ENLACE_OK && self->archive_pin[0]) {
        char fp[KEYS_FINGERPRINT_LEN] = "";
        if (sk->archive_key.len)
            keys_fingerprint(sk->archive_key.data, fp);
        if (strcmp(fp, self->archive_pin) != 0)
            rc = enl_fail(self, ENLACE_EKEY,
                "the hub names archive key %s, not %s as your profile pins: not sealed",
                fp[0] ? fp : "(none)", self->archive_pin);
    }
    if (rc == ENLACE_OK && sk->archive_key.len == 32
        && s_add_key(keys, nkeys, sk->archive_key.data) != 0)
        rc = enl_fail(self, ENLACE_ELIMIT, "more than %d keys to seal to", SEAL_MAX_KEYS);
    enlace__frame__free_unpacked(reply, NULL);
    return rc;
}

int
enl_seal_content(enlace_client_t *self, Enlace__Content *c, Enlace__Sealed *sealed,
    Enlace__SealedPart *part)
{
    if (c->n_recipients == 0)
        return enl_fail(self, ENLACE_EINVAL,
            "a sealed message needs named recipients: only they can open it");
    /* What the hub would have checked, had it seen the plaintext. */
    char why[256];
    const char *bad = forms_check(c, why, sizeof why);
    if (!bad && c->alert)
        bad = forms_alert_text(c->alert, c->body.data, c->body.len);
    if (bad)
        return enl_fail(self, ENLACE_EINVAL, "%s", bad);
    uint8_t(*keys)[32] = malloc(SEAL_MAX_KEYS * sizeof *keys);
    if (!keys)
        return enl_fail(self, ENLACE_ENOMEM, "out of memory");
    size_t nkeys = 0;
    int rc = s_seal_keys(self, c, keys, &nkeys);
    if (rc == ENLACE_OK) {
        enlace__sealed__init(sealed);
        const char *form = c->form ? forms_name(c->form) : "";
        sealed->form = (char *)(form ? form : "");
        seal_move(c, part);
        c->sealed = sealed;
        switch (seal_encrypt(c, part, (const uint8_t(*)[32])keys, nkeys)) {
        case SEAL_OK:
            break;
        case SEAL_ENOMEM:
            rc = enl_fail(self, ENLACE_ENOMEM, "out of memory");
            break;
        default:
            rc = enl_fail(self, ENLACE_EPROTO, "the hub sent a key that cannot be sealed to");
            break;
        }
    }
    free(keys);
    return rc;
}

int
enlace_pin_archive_key(enlace_client_t *self, const char *fingerprint)
{
    if (!self)
        return ENLACE_EINVAL;
    if (!fingerprint || !*fingerprint) {
        self->archive_pin[0] = '\0';
        return ENLACE_OK;
    }
    if (strlen(fingerprint) != KEYS_FINGERPRINT_LEN - 1)
        return enl_fail(self, ENLACE_EINVAL, "an archive key fingerprint is XXXX-XXXX-XXXX-XXXX");
    snprintf(self->archive_pin, sizeof self->archive_pin, "%s", fingerprint);
    return ENLACE_OK;
}

/* ---------------------------------------------------------------- keys outside a session */

static void s_why(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
s_why(char *why, size_t why_len, const char *fmt, ...)
{
    if (!why || !why_len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}

int
enlace_key_load(const char *secret_file, const char *passphrase, enlace_key_t **out, char *why,
    size_t why_len)
{
    *out = NULL;
    if (keys_init() != 0) {
        s_why(why, why_len, "libsodium failed to initialise");
        return ENLACE_EKEY;
    }
    char err[KEYS_ERR_LEN];
    keys_identity_t *id = NULL;
    if (!secret_file || keys_identity_load(secret_file, passphrase, &id, err) != 0) {
        s_why(why, why_len, "%s", secret_file ? err : "no key file");
        return ENLACE_EKEY;
    }
    enlace_key_t *self = calloc(1, sizeof *self);
    if (!self) {
        keys_identity_destroy(&id);
        s_why(why, why_len, "out of memory");
        return ENLACE_ENOMEM;
    }
    self->id = id;
    keys_fingerprint(keys_identity_public(id), self->fingerprint);
    *out = self;
    return ENLACE_OK;
}

void
enlace_key_destroy(enlace_key_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    keys_identity_destroy(&(*self_p)->id);
    free(*self_p);
    *self_p = NULL;
}

const char *
enlace_key_fingerprint(const enlace_key_t *key)
{
    return key ? key->fingerprint : "";
}

int
enlace_message_open(const uint8_t *content, size_t content_len, const uint8_t *signature,
    size_t signature_len, uint32_t batch_size, uint32_t batch_index, const uint8_t *batch_path,
    size_t batch_path_len, const enlace_key_t *key, enlace_delivery_t **out, char *why,
    size_t why_len)
{
    *out = NULL;
    if (keys_init() != 0) {
        s_why(why, why_len, "libsodium failed to initialise");
        return ENLACE_ENOMEM;
    }
    Enlace__Content *c = content ? enlace__content__unpack(NULL, content_len, content) : NULL;
    if (!c || c->author_key.len != KEYS_PUBLIC_BYTES) {
        enlace__content__free_unpacked(c, NULL);
        s_why(why, why_len, "not a signed enlace message (the content does not decode)");
        return ENLACE_EPROTO;
    }
    char author[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(c->author_key.data, author);
    enlace__content__free_unpacked(c, NULL);
    /* As a Delivery whose author is the signing key itself: the one check
     * left is the signature. Packed and unpacked, so the view owns it. */
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Delivery d = ENLACE__DELIVERY__INIT;
    Enlace__BatchProof proof = ENLACE__BATCH_PROOF__INIT;
    d.content.data = (uint8_t *)content;
    d.content.len = content_len;
    d.signature.data = (uint8_t *)signature;
    d.signature.len = signature ? signature_len : 0;
    d.author_fingerprint = author;
    if (batch_size) {
        proof.size = batch_size;
        proof.index = batch_index;
        proof.path.data = (uint8_t *)batch_path;
        proof.path.len = batch_path ? batch_path_len : 0;
        d.batch = &proof;
    }
    f.body_case = ENLACE__FRAME__BODY_DELIVERY;
    f.delivery = &d;
    size_t len = enlace__frame__get_packed_size(&f);
    uint8_t *buf = malloc(len);
    if (!buf) {
        s_why(why, why_len, "out of memory");
        return ENLACE_ENOMEM;
    }
    enlace__frame__pack(&f, buf);
    Enlace__Frame *own = enlace__frame__unpack(NULL, len, buf);
    free(buf);
    if (!own) {
        s_why(why, why_len, "out of memory");
        return ENLACE_ENOMEM;
    }
    enl_delivery_t *p = enl_delivery_open(own->delivery, NULL, key ? key->id : NULL);
    if (!p) {
        enlace__frame__free_unpacked(own, NULL);
        s_why(why, why_len,
            "the author's signature does not verify: the message is not what "
            "its author signed");
        return ENLACE_EBADSIG;
    }
    p->frame = own;
    *out = &p->pub;
    return ENLACE_OK;
}

int
enlace_decrypt_stream(const enlace_key_t *key, int in_fd, int out_fd, char *kind, char *why,
    size_t why_len)
{
    if (!key) {
        s_why(why, why_len, "no key");
        return ENLACE_EINVAL;
    }
    uint8_t cpk[KEYS_CURVE_BYTES], csk[KEYS_CURVE_BYTES], named[KEYS_PUBLIC_BYTES];
    keys_identity_curve_public(key->id, cpk);
    keys_identity_curve_secret(key->id, csk);
    char k = 0, err[256] = "";
    int rc = encfile_read(encfile_fd_read, &in_fd, encfile_fd_write, &out_fd,
        keys_identity_public(key->id), cpk, csk, &k, named, err, sizeof err);
    sodium_memzero(csk, sizeof csk);
    if (kind)
        *kind = k;
    switch (rc) {
    case ENCFILE_OK:
        return ENLACE_OK;
    case ENCFILE_EWRONGKEY: {
        char fp[KEYS_FINGERPRINT_LEN];
        keys_fingerprint(named, fp);
        s_why(why, why_len, "encrypted to archive key %s, not to key %s", fp, key->fingerprint);
        return ENLACE_EKEY;
    }
    case ENCFILE_EFORMAT:
        s_why(why, why_len, "%s", err);
        return ENLACE_EPROTO;
    case ENCFILE_EIO:
        s_why(why, why_len, "%s", err);
        return ENLACE_EIO;
    case ENCFILE_ENOMEM:
        s_why(why, why_len, "out of memory");
        return ENLACE_ENOMEM;
    default:
        s_why(why, why_len, "%s", err);
        return ENLACE_EBADSEAL;
    }
}
