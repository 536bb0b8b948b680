/*
 * test_seal.c: common/seal.c (sealed content) and common/encfile.c
 * (encrypted backups and exports).
 *
 * Sealed content: the associated data byte for byte (a known answer
 * computed independently, in Python, from PROTOCOL.md's definition); a
 * seal opens for each key it names and for no other; every envelope field,
 * and every byte of the nonce, the ciphertext and a box, is bound: change
 * one and nothing opens; a part whose form is not the one the envelope
 * names, or that does not decode canonically, is refused; the hub's shape
 * check. Encrypted files: round trips across record boundaries; the wrong
 * key names the right one; a file cut at any length, a changed byte
 * anywhere, a byte too many, are refused and never end in ENCFILE_OK.
 */
#include "check.h"

#include <sodium.h>

#include "encfile.h"
#include "seal.h"

/* ---------------------------------------------------------------- keys */

typedef struct {
    uint8_t ed_pk[32], ed_sk[64];
    uint8_t cpk[32], csk[32];
} key_t_;

static void
s_key(key_t_ *k)
{
    crypto_sign_keypair(k->ed_pk, k->ed_sk);
    CHECK(crypto_sign_ed25519_pk_to_curve25519(k->cpk, k->ed_pk) == 0);
    CHECK(crypto_sign_ed25519_sk_to_curve25519(k->csk, k->ed_sk) == 0);
}

/* ---------------------------------------------------------------- a content */

typedef struct {
    Enlace__Content c;
    Enlace__Alert alert;
    Enlace__Sealed sealed;
    Enlace__SealedPart part;
    Enlace__CaseForm form;
    Enlace__DeathAbroad death;
    char *recipients[2];
    char *countries[2];
    uint8_t id[16], author[32];
} msg_t;

/* The content of the known answer: a RED urgent alert with a death form. */
static void
s_msg(msg_t *m)
{
    memset(m, 0, sizeof *m);
    enlace__content__init(&m->c);
    enlace__alert__init(&m->alert);
    enlace__case_form__init(&m->form);
    enlace__death_abroad__init(&m->death);
    for (int i = 0; i < 16; i++)
        m->id[i] = (uint8_t)i;
    memset(m->author, 7, sizeof m->author);
    m->c.message_id.data = m->id;
    m->c.message_id.len = 16;
    m->c.topic.data = (uint8_t *)"consular/death/MX";
    m->c.topic.len = strlen("consular/death/MX");
    m->c.created_ms = 1700000000123;
    m->c.author_key.data = m->author;
    m->c.author_key.len = 32;
    m->c.tlp = ENLACE__TLP__TLP_RED;
    m->recipients[0] = "AAAA-BBBB-CCCC-DDDD";
    m->recipients[1] = "EEEE-FFFF-GGGG-HHHH";
    m->c.recipients = m->recipients;
    m->c.n_recipients = 2;
    m->c.content_type = "text/plain; charset=utf-8";
    m->c.body.data = (uint8_t *)"zqbody Pasaporte G1234567";
    m->c.body.len = strlen("zqbody Pasaporte G1234567");
    m->c.case_id = 42;
    m->c.handling = ENLACE__HANDLING__HANDLING_H2;
    m->c.personal_data = 1;
    m->alert.priority = ENLACE__PRIORITY__PRIORITY_URGENT;
    m->alert.category = ENLACE__CATEGORY__CATEGORY_DEATH;
    m->alert.urgency = ENLACE__CAP_URGENCY__URGENCY_IMMEDIATE;
    m->alert.severity = ENLACE__CAP_SEVERITY__SEVERITY_SEVERE;
    m->alert.certainty = ENLACE__CAP_CERTAINTY__CERTAINTY_LIKELY;
    m->alert.language = "es";
    m->alert.headline = "zqhead Fallecimiento";
    m->alert.area = "Tapachula";
    m->countries[0] = "MX";
    m->countries[1] = "GT";
    m->alert.countries = m->countries;
    m->alert.n_countries = 2;
    m->c.alert = &m->alert;
    m->death.deceased_name = "zqform J. P.";
    m->death.nationality = "GT";
    m->death.date_of_death = "2026-11-20";
    m->death.place_of_death = "Tapachula";
    m->form.form_case = ENLACE__CASE_FORM__FORM_DEATH;
    m->form.death = &m->death;
    m->c.form = &m->form;
}

/* Seals m to the keys, as libenlace does. */
static int
s_seal(msg_t *m, const uint8_t (*keys)[32], size_t n)
{
    enlace__sealed__init(&m->sealed);
    m->sealed.form = m->c.form ? "death" : "";
    seal_move(&m->c, &m->part);
    m->c.sealed = &m->sealed;
    return seal_encrypt(&m->c, &m->part, keys, n);
}

/* The packed, signed-to-be content, unpacked again: what a reader gets. */
static Enlace__Content *
s_wire(const Enlace__Content *c)
{
    size_t len = enlace__content__get_packed_size(c);
    uint8_t *buf = malloc(len);
    enlace__content__pack(c, buf);
    Enlace__Content *out = enlace__content__unpack(NULL, len, buf);
    free(buf);
    return out;
}

static int
s_open(const Enlace__Content *c, const key_t_ *k, Enlace__SealedPart **part)
{
    return seal_open(c, k->ed_pk, k->cpk, k->csk, part);
}

/* ---------------------------------------------------------------- sealed content */

static void
associated_data_is_the_envelope_byte_for_byte(void)
{
    msg_t m;
    s_msg(&m);
    Enlace__Sealed sealed = ENLACE__SEALED__INIT;
    sealed.form = "death";
    m.c.sealed = &sealed;
    uint8_t *aad = NULL;
    size_t len = 0;
    CHECK(seal_aad(&m.c, &aad, &len) == 0);
    CHECK(len == 356);
    uint8_t h[32];
    char hex[65];
    crypto_generichash(h, sizeof h, aad, len, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    CHECK_STREQ(hex, "723d1b6243660dbe2c0640ce498b73d92bcb98d718856c9c9db18dfd1425ba82");
    CHECK(len > 17 && !memcmp(aad, "enlace-sealed-v1\0", 17));
    free(aad);
}

static void
opens_for_each_key_it_names_and_no_other(void)
{
    key_t_ rcpt, author, archive, hub;
    s_key(&rcpt);
    s_key(&author);
    s_key(&archive);
    s_key(&hub);
    uint8_t keys[3][32];
    memcpy(keys[0], rcpt.ed_pk, 32);
    memcpy(keys[1], author.ed_pk, 32);
    memcpy(keys[2], archive.ed_pk, 32);
    msg_t m;
    s_msg(&m);
    CHECK(s_seal(&m, (const uint8_t(*)[32])keys, 3) == SEAL_OK);
    /* Nothing sensitive left in the clear. */
    CHECK(m.c.body.len == 0 && !*m.c.content_type && !m.c.form && !*m.alert.headline
        && !*m.alert.area);
    CHECK(seal_check_shape(&m.c, 1 << 20) == NULL);
    Enlace__Content *w = s_wire(&m.c);
    CHECK(w && w->sealed && w->sealed->n_keys == 3);
    const key_t_ *openers[] = {&rcpt, &author, &archive};
    for (int i = 0; w && i < 3; i++) {
        Enlace__SealedPart *p = NULL;
        CHECK(s_open(w, openers[i], &p) == SEAL_OK);
        CHECK(p && p->body.len == strlen("zqbody Pasaporte G1234567")
            && !memcmp(p->body.data, "zqbody Pasaporte G1234567", p->body.len));
        CHECK(p && !strcmp(p->headline, "zqhead Fallecimiento") && !strcmp(p->area, "Tapachula"));
        CHECK(p && p->form && p->form->death
            && !strcmp(p->form->death->deceased_name, "zqform J. P."));
        if (p)
            enlace__sealed_part__free_unpacked(p, NULL);
    }
    Enlace__SealedPart *p = NULL;
    CHECK(w && s_open(w, &hub, &p) == SEAL_ENOKEY && p == NULL);
    /* A key named, opened with another key's curve pair: no. */
    key_t_ mixed = rcpt;
    memcpy(mixed.csk, hub.csk, 32);
    memcpy(mixed.cpk, hub.cpk, 32);
    CHECK(w && s_open(w, &mixed, &p) == SEAL_EBAD && p == NULL);
    enlace__content__free_unpacked(w, NULL);
    seal_sealed_fini(&m.sealed);
}

/* Changes one envelope field of c (by index); returns 0 when there are no
 * more fields. */
static int
s_change(Enlace__Content *c, int field)
{
    static uint8_t other_id[16] = {9};
    static uint8_t other_author[32] = {8};
    static char *other_recipients[] = {"AAAA-BBBB-CCCC-DDDD"};
    static char *other_countries[] = {"MX"};
    switch (field) {
    case 0:
        c->message_id.data = other_id;
        return 1;
    case 1:
        c->topic.len--;
        return 1; /* consular/death/M */
    case 2:
        c->created_ms++;
        return 1;
    case 3:
        c->author_key.data = other_author;
        return 1;
    case 4:
        c->tlp = ENLACE__TLP__TLP_AMBER_STRICT;
        return 1;
    case 5:
        c->recipients = other_recipients;
        c->n_recipients = 1;
        return 1;
    case 6:
        c->case_id = 43;
        return 1;
    case 7:
        c->forward_of = 1;
        return 1;
    case 8:
        c->handling = ENLACE__HANDLING__HANDLING_NONE;
        return 1;
    case 9:
        c->personal_data = 0;
        return 1;
    case 10:
        c->sealed->form = "child";
        return 1;
    case 11:
        c->alert->priority = ENLACE__PRIORITY__PRIORITY_ROUTINE;
        return 1;
    case 12:
        c->alert->countries = other_countries;
        c->alert->n_countries = 1;
        return 1;
    case 13:
        c->alert->category = ENLACE__CATEGORY__CATEGORY_DISASTER;
        return 1;
    case 14:
        c->alert = NULL;
        return 1;
    default:
        return 0;
    }
}

static void
every_envelope_field_is_bound(void)
{
    key_t_ rcpt;
    s_key(&rcpt);
    uint8_t keys[1][32];
    memcpy(keys[0], rcpt.ed_pk, 32);
    msg_t m;
    s_msg(&m);
    CHECK(s_seal(&m, (const uint8_t(*)[32])keys, 1) == SEAL_OK);
    int fields = 0;
    for (int f = 0;; f++) {
        msg_t copy = m; /* the same sealed bytes, one envelope field changed */
        copy.c.alert = &copy.alert;
        copy.c.sealed = &copy.sealed;
        if (!s_change(&copy.c, f))
            break;
        fields++;
        Enlace__Content *w = s_wire(&copy.c);
        Enlace__SealedPart *p = NULL;
        int rc = w ? s_open(w, &rcpt, &p) : -1;
        if (rc != SEAL_EBAD)
            fprintf(stderr, "  envelope field %d: opened (%d)\n", f, rc);
        CHECK(rc == SEAL_EBAD && p == NULL);
        enlace__content__free_unpacked(w, NULL);
    }
    CHECK(fields == 15);
    /* Unchanged, it opens. */
    Enlace__SealedPart *p = NULL;
    CHECK(s_open(&m.c, &rcpt, &p) == SEAL_OK);
    if (p)
        enlace__sealed_part__free_unpacked(p, NULL);
    seal_sealed_fini(&m.sealed);
}

static void
every_byte_of_nonce_ciphertext_and_box_is_bound(void)
{
    key_t_ a, b;
    s_key(&a);
    s_key(&b);
    uint8_t keys[2][32];
    memcpy(keys[0], a.ed_pk, 32);
    memcpy(keys[1], b.ed_pk, 32);
    msg_t m;
    s_msg(&m);
    CHECK(s_seal(&m, (const uint8_t(*)[32])keys, 2) == SEAL_OK);
    ProtobufCBinaryData *parts[] = {&m.sealed.nonce, &m.sealed.ciphertext, &m.sealed.keys[0]->box};
    int opened = 0, tried = 0;
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < parts[k]->len; i++) {
            parts[k]->data[i] ^= 0x01;
            Enlace__SealedPart *p = NULL;
            opened += s_open(&m.c, &a, &p) != SEAL_EBAD;
            if (p)
                enlace__sealed_part__free_unpacked(p, NULL);
            parts[k]->data[i] ^= 0x01;
            tried++;
        }
    CHECK(opened == 0 && tried > 100);
    /* b's box is untouched by flips in a's: b still opens. */
    Enlace__SealedPart *p = NULL;
    CHECK(s_open(&m.c, &b, &p) == SEAL_OK);
    if (p)
        enlace__sealed_part__free_unpacked(p, NULL);
    /* a's box under b's key: a box opens only with its own key. */
    ProtobufCBinaryData t = m.sealed.keys[0]->box;
    m.sealed.keys[0]->box = m.sealed.keys[1]->box;
    CHECK(s_open(&m.c, &a, &p) == SEAL_EBAD && p == NULL);
    m.sealed.keys[0]->box = t;
    seal_sealed_fini(&m.sealed);
}

/* Encrypts a hand-made part (not one from seal_move) for key k. */
static void
s_seal_part(msg_t *m, const Enlace__SealedPart *part, const char *form, const key_t_ *k)
{
    uint8_t keys[1][32];
    memcpy(keys[0], k->ed_pk, 32);
    Enlace__SealedPart ignored;
    enlace__sealed__init(&m->sealed);
    m->sealed.form = (char *)form;
    seal_move(&m->c, &ignored);
    m->c.sealed = &m->sealed;
    CHECK(seal_encrypt(&m->c, part, (const uint8_t(*)[32])keys, 1) == SEAL_OK);
}

static void
a_part_unlike_its_envelope_does_not_open(void)
{
    key_t_ k;
    s_key(&k);
    msg_t m;
    s_msg(&m);
    /* The envelope says "child"; the part holds a death form. */
    Enlace__SealedPart part = ENLACE__SEALED_PART__INIT;
    part.form = &m.form;
    s_seal_part(&m, &part, "child", &k);
    Enlace__SealedPart *p = NULL;
    CHECK(s_open(&m.c, &k, &p) == SEAL_EBAD && p == NULL);
    seal_sealed_fini(&m.sealed);
    /* A form inside, none announced. */
    s_msg(&m);
    s_seal_part(&m, &part, "", &k);
    CHECK(s_open(&m.c, &k, &p) == SEAL_EBAD && p == NULL);
    seal_sealed_fini(&m.sealed);
    /* A NUL inside a text field: protobuf-c would show less than was
     * signed. Sealed by hand: field 3 (headline) "ab\0cd". */
    s_msg(&m);
    static const uint8_t raw[] = {0x1a, 0x05, 'a', 'b', 0x00, 'c', 'd'};
    Enlace__SealedPart ignored;
    enlace__sealed__init(&m.sealed);
    m.sealed.form = "";
    m.c.form = NULL;
    seal_move(&m.c, &ignored);
    m.c.sealed = &m.sealed;
    uint8_t key[32], nonce[24], box[80], ct[sizeof raw + 16];
    crypto_aead_xchacha20poly1305_ietf_keygen(key);
    randombytes_buf(nonce, sizeof nonce);
    crypto_box_seal(box, key, sizeof key, k.cpk);
    uint8_t *aad = NULL;
    size_t aad_len = 0;
    CHECK(seal_aad(&m.c, &aad, &aad_len) == 0);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, raw, sizeof raw, aad, aad_len, NULL,
        nonce, key);
    free(aad);
    Enlace__SealedKey sk = ENLACE__SEALED_KEY__INIT;
    Enlace__SealedKey *skp = &sk;
    sk.recipient_key.data = k.ed_pk;
    sk.recipient_key.len = 32;
    sk.box.data = box;
    sk.box.len = sizeof box;
    m.sealed.nonce.data = nonce;
    m.sealed.nonce.len = sizeof nonce;
    m.sealed.ciphertext.data = ct;
    m.sealed.ciphertext.len = (size_t)clen;
    m.sealed.keys = &skp;
    m.sealed.n_keys = 1;
    CHECK(s_open(&m.c, &k, &p) == SEAL_EBAD && p == NULL);
    /* The same, without the NUL, opens: the refusal was the NUL's. */
    static const uint8_t clean[] = {0x1a, 0x05, 'a', 'b', 'x', 'c', 'd'};
    CHECK(seal_aad(&m.c, &aad, &aad_len) == 0);
    crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, clean, sizeof clean, aad, aad_len, NULL,
        nonce, key);
    free(aad);
    CHECK(s_open(&m.c, &k, &p) == SEAL_OK && p && !strcmp(p->headline, "abxcd"));
    if (p)
        enlace__sealed_part__free_unpacked(p, NULL);
}

static void
the_hub_refuses_a_malformed_seal(void)
{
    key_t_ k;
    s_key(&k);
    uint8_t keys[2][32];
    memcpy(keys[0], k.ed_pk, 32);
    memcpy(keys[1], k.ed_pk, 32);
    msg_t m;
    s_msg(&m);
    CHECK(s_seal(&m, (const uint8_t(*)[32])keys, 2) == SEAL_EBAD); /* a key twice */
    s_msg(&m);
    CHECK(s_seal(&m, (const uint8_t(*)[32])keys, 1) == SEAL_OK);
    CHECK(seal_check_shape(&m.c, 1 << 20) == NULL);
    CHECK(seal_check_shape(&m.c, 8) != NULL); /* over the size limit */
    m.c.body.data = (uint8_t *)"x";
    m.c.body.len = 1;
    CHECK(strstr(seal_check_shape(&m.c, 1 << 20), "none in the clear") != NULL);
    m.c.body.len = 0;
    m.alert.headline = "visible";
    CHECK(seal_check_shape(&m.c, 1 << 20) != NULL);
    m.alert.headline = "";
    m.sealed.nonce.len = 23;
    CHECK(seal_check_shape(&m.c, 1 << 20) != NULL);
    m.sealed.nonce.len = 24;
    m.sealed.keys[0]->box.len = 79;
    CHECK(seal_check_shape(&m.c, 1 << 20) != NULL);
    m.sealed.keys[0]->box.len = 80;
    m.sealed.form = "poem";
    CHECK(strstr(seal_check_shape(&m.c, 1 << 20), "unknown case form") != NULL);
    m.sealed.form = "death";
    CHECK(seal_check_shape(&m.c, 1 << 20) == NULL);
    CHECK(seal_has_key(&m.sealed, k.ed_pk) && !seal_has_key(&m.sealed, m.author));
    seal_sealed_fini(&m.sealed);
}

/* ---------------------------------------------------------------- encrypted files */

typedef struct {
    uint8_t *p;
    size_t len, cap, at;
    size_t limit; /* reads stop here (a file cut short) */
} mem_t;

static int
s_mem_write(void *arg, const void *p, size_t n)
{
    mem_t *m = arg;
    if (m->len + n > m->cap) {
        size_t cap = (m->len + n) * 2;
        uint8_t *g = realloc(m->p, cap);
        if (!g)
            return -1;
        m->p = g;
        m->cap = cap;
    }
    memcpy(m->p + m->len, p, n);
    m->len += n;
    return 0;
}

static long
s_mem_read(void *arg, void *p, size_t n)
{
    mem_t *m = arg;
    size_t end = m->limit < m->len ? m->limit : m->len;
    size_t left = end > m->at ? end - m->at : 0;
    if (n > left)
        n = left;
    memcpy(p, m->p + m->at, n);
    m->at += n;
    return (long)n;
}

static void
s_encrypt(mem_t *out, const key_t_ *k, const uint8_t *plain, size_t n)
{
    memset(out, 0, sizeof *out);
    out->limit = SIZE_MAX;
    char err[128];
    encfile_writer_t *w = encfile_writer_new(ENCFILE_KIND_BACKUP, k->ed_pk, s_mem_write, out, err,
        sizeof err);
    CHECK(w != NULL);
    /* In uneven pieces, across record boundaries. */
    for (size_t at = 0; w && at < n;) {
        size_t piece = (at * 7 + 1000) % 70001 + 1;
        if (piece > n - at)
            piece = n - at;
        CHECK(encfile_write(w, plain + at, piece) == 0);
        at += piece;
    }
    CHECK(w && encfile_finish(w) == 0);
    encfile_writer_destroy(&w);
}

static int
s_decrypt(mem_t *in, const key_t_ *k, mem_t *plain, char *kind, uint8_t named[32])
{
    memset(plain, 0, sizeof *plain);
    in->at = 0;
    char err[256];
    return encfile_read(s_mem_read, in, s_mem_write, plain, k->ed_pk, k->cpk, k->csk, kind, named,
        err, sizeof err);
}

static void
an_encrypted_file_round_trips(void)
{
    key_t_ k;
    s_key(&k);
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 200000, 3 * 65536};
    uint8_t *plain = malloc(200000); /* the largest size */
    randombytes_buf(plain, 200000);
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        mem_t enc, dec;
        s_encrypt(&enc, &k, plain, sizes[i]);
        char kind = 0;
        CHECK(s_decrypt(&enc, &k, &dec, &kind, NULL) == ENCFILE_OK);
        CHECK(kind == ENCFILE_KIND_BACKUP && dec.len == sizes[i]
            && (sizes[i] == 0 || !memcmp(dec.p, plain, sizes[i])));
        CHECK(encfile_is_encrypted(enc.p, enc.len));
        free(enc.p);
        free(dec.p);
    }
    free(plain);
}

static void
an_encrypted_file_refuses_the_wrong_key_and_names_the_right_one(void)
{
    key_t_ k, other;
    s_key(&k);
    s_key(&other);
    mem_t enc, dec;
    s_encrypt(&enc, &k, (const uint8_t *)"zqsecret", 8);
    uint8_t named[32];
    char kind;
    CHECK(s_decrypt(&enc, &other, &dec, &kind, named) == ENCFILE_EWRONGKEY);
    CHECK(dec.len == 0 && !memcmp(named, k.ed_pk, 32));
    free(enc.p);
    free(dec.p);
}

static void
a_cut_changed_or_longer_file_never_decrypts(void)
{
    key_t_ k;
    s_key(&k);
    size_t n = 2 * 65536 + 100;
    uint8_t *plain = malloc(n);
    randombytes_buf(plain, n);
    mem_t enc, dec;
    s_encrypt(&enc, &k, plain, n);
    char kind;
    int ok = 0, cuts = 0;
    /* Cut at every length around the header and the records' edges. */
    for (size_t cut = 0; cut < enc.len; cut += cut < 400 ? 1 : 997) {
        enc.limit = cut;
        ok += s_decrypt(&enc, &k, &dec, &kind, NULL) == ENCFILE_OK;
        free(dec.p);
        cuts++;
    }
    enc.limit = enc.len - 1;
    CHECK(s_decrypt(&enc, &k, &dec, &kind, NULL) == ENCFILE_ETRUNCATED);
    free(dec.p);
    enc.limit = SIZE_MAX;
    CHECK(ok == 0 && cuts > 400);
    /* A changed byte anywhere. */
    ok = 0;
    for (size_t i = 0; i < enc.len; i += i < 200 ? 1 : 4099) {
        enc.p[i] ^= 0x20;
        ok += s_decrypt(&enc, &k, &dec, &kind, NULL) == ENCFILE_OK;
        free(dec.p);
        enc.p[i] ^= 0x20;
    }
    CHECK(ok == 0);
    /* One byte too many. */
    uint8_t extra = 0;
    s_mem_write(&enc, &extra, 1);
    CHECK(s_decrypt(&enc, &k, &dec, &kind, NULL) == ENCFILE_EDAMAGED);
    free(dec.p);
    enc.len--;
    CHECK(s_decrypt(&enc, &k, &dec, &kind, NULL) == ENCFILE_OK && dec.len == n);
    free(dec.p);
    /* Not ours at all. */
    mem_t junk = {.p = (uint8_t *)"SQLite format 3", .len = 15, .limit = SIZE_MAX};
    CHECK(s_decrypt(&junk, &k, &dec, &kind, NULL) == ENCFILE_EFORMAT);
    free(dec.p);
    free(enc.p);
    free(plain);
}

int
main(void)
{
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    RUN(associated_data_is_the_envelope_byte_for_byte);
    RUN(opens_for_each_key_it_names_and_no_other);
    RUN(every_envelope_field_is_bound);
    RUN(every_byte_of_nonce_ciphertext_and_box_is_bound);
    RUN(a_part_unlike_its_envelope_does_not_open);
    RUN(the_hub_refuses_a_malformed_seal);
    RUN(an_encrypted_file_round_trips);
    RUN(an_encrypted_file_refuses_the_wrong_key_and_names_the_right_one);
    RUN(a_cut_changed_or_longer_file_never_decrypts);
    return CHECK_DONE();
}
