/*
 * test_keys.c: keys/keys.c, identities and their key files.
 *
 * Every test works in one private directory under /tmp, removed at the end.
 * Files an attacker or a careless operator could produce (edited, widened
 * permissions, the wrong kind of file) are written by hand.
 */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <sodium.h>

#include "keys.h"

static char s_dir[128];

/* dir/name into out (PATH_LEN bytes). */
#define PATH_LEN 256
static void
s_path(char out[PATH_LEN], const char *name)
{
    snprintf(out, PATH_LEN, "%s/%s", s_dir, name);
}

/* Reads a small text file into buf; returns its length or -1. */
static long
s_read(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return (long)n;
}

/* Writes text (of len bytes) to path with exactly this mode. */
static int
s_write(const char *path, const char *text, size_t len, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return -1;
    int rc = (fchmod(fd, mode) == 0 && write(fd, text, len) == (ssize_t)len) ? 0 : -1;
    close(fd);
    return rc;
}

/* Creates and saves a fresh identity as dir/name; returns it (caller owns). */
static keys_identity_t *
s_saved(const char *name, const char *passphrase)
{
    char prefix[PATH_LEN], err[KEYS_ERR_LEN] = "";
    s_path(prefix, name);
    keys_identity_t *id = keys_identity_new();
    CHECK(id != NULL);
    if (!id)
        return NULL;
    int rc = keys_identity_save(id, prefix, passphrase, err);
    if (rc != 0)
        fprintf(stderr, "  save %s: %s\n", prefix, err);
    CHECK(rc == 0);
    return id;
}

/* Copies src to dst (mode 0600), changing one hex digit of the value of the
 * line that starts with `field`. Returns 0 if the field was found. */
static int
s_tamper(const char *src, const char *dst, const char *field)
{
    char text[4096];
    if (s_read(src, text, sizeof text) < 0)
        return -1;
    char *line = strstr(text, field);
    if (!line)
        return -1;
    char *digit = line + strlen(field);
    while (*digit == ' ')
        digit++;
    digit += 7; /* somewhere inside the value */
    *digit = *digit == '0' ? '1' : '0';
    return s_write(dst, text, strlen(text), 0600);
}

/* ------------------------------------------------------------ round trip */

static void
loads_saved_identity_with_same_public_key(void)
{
    keys_identity_t *id = s_saved("alice", NULL);
    if (!id)
        return;
    char path[PATH_LEN], err[KEYS_ERR_LEN] = "";
    s_path(path, "alice.secret");
    keys_identity_t *loaded = NULL;
    CHECK(keys_identity_load(path, NULL, &loaded, err) == 0);
    CHECK(loaded != NULL);
    if (loaded) {
        CHECK(
            memcmp(keys_identity_public(loaded), keys_identity_public(id), KEYS_PUBLIC_BYTES) == 0);
        /* A signature from the loaded key verifies under the original key. */
        static const uint8_t msg[] = "informe consular 42";
        uint8_t sig[KEYS_SIGNATURE_BYTES];
        CHECK(keys_sign_content(loaded, msg, sizeof msg, sig) == 0);
        CHECK(keys_verify_content(keys_identity_public(id), msg, sizeof msg, sig) == 0);
    }
    uint8_t pk[KEYS_PUBLIC_BYTES];
    s_path(path, "alice.public");
    CHECK(keys_public_load(path, pk, err) == 0);
    CHECK(memcmp(pk, keys_identity_public(id), sizeof pk) == 0);
    /* The secret file's public line serves too. */
    memset(pk, 0, sizeof pk);
    s_path(path, "alice.secret");
    CHECK(keys_public_load(path, pk, err) == 0);
    CHECK(memcmp(pk, keys_identity_public(id), sizeof pk) == 0);
    keys_identity_destroy(&loaded);
    keys_identity_destroy(&id);
    CHECK(id == NULL);
    keys_identity_destroy(&id); /* NULL is accepted */
    keys_identity_destroy(NULL);
}

static void
writes_secret_0600_and_public_readable(void)
{
    keys_identity_t *id = s_saved("modes", NULL);
    keys_identity_destroy(&id);
    char path[PATH_LEN];
    struct stat st;
    s_path(path, "modes.secret");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
    s_path(path, "modes.public");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0444) == 0444);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0022) == 0); /* nobody else writes it */
}

static void
refuses_to_overwrite_existing_key(void)
{
    keys_identity_t *first = s_saved("taken", NULL);
    if (!first)
        return;
    keys_identity_t *second = keys_identity_new();
    char prefix[PATH_LEN], path[PATH_LEN], err[KEYS_ERR_LEN] = "";
    s_path(prefix, "taken");
    CHECK(keys_identity_save(second, prefix, NULL, err) != 0);
    CHECK(*err != '\0');
    /* Both files still hold the first identity. */
    uint8_t pk[KEYS_PUBLIC_BYTES];
    s_path(path, "taken.public");
    CHECK(keys_public_load(path, pk, err) == 0);
    CHECK(memcmp(pk, keys_identity_public(first), sizeof pk) == 0);
    keys_identity_t *loaded = NULL;
    s_path(path, "taken.secret");
    CHECK(keys_identity_load(path, NULL, &loaded, err) == 0);
    CHECK(loaded
        && memcmp(keys_identity_public(loaded), keys_identity_public(first), KEYS_PUBLIC_BYTES)
            == 0);
    keys_identity_destroy(&loaded);
    keys_identity_destroy(&second);
    keys_identity_destroy(&first);
}

/* -------------------------------------------------------- refused files */

static void
refuses_secret_readable_by_group_or_others(void)
{
    keys_identity_t *id = s_saved("wide", NULL);
    keys_identity_destroy(&id);
    char path[PATH_LEN];
    s_path(path, "wide.secret");
    static const mode_t modes[] = {0640, 0604, 0660, 0644};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char err[KEYS_ERR_LEN] = "";
        keys_identity_t *loaded = NULL;
        CHECK(chmod(path, modes[i]) == 0);
        CHECK(keys_identity_load(path, NULL, &loaded, err) != 0);
        CHECK(loaded == NULL);
        CHECK(strstr(err, "chmod") != NULL);
    }
    /* And the same file is fine once fixed. */
    char err[KEYS_ERR_LEN] = "";
    keys_identity_t *loaded = NULL;
    CHECK(chmod(path, 0600) == 0);
    CHECK(keys_identity_load(path, NULL, &loaded, err) == 0);
    keys_identity_destroy(&loaded);
}

static void
refuses_secret_with_edited_seed(void)
{
    keys_identity_t *id = s_saved("seeded", NULL);
    keys_identity_destroy(&id);
    char src[PATH_LEN], dst[PATH_LEN], err[KEYS_ERR_LEN] = "";
    s_path(src, "seeded.secret");
    s_path(dst, "seeded-edit.secret");
    CHECK(s_tamper(src, dst, "seed:") == 0);
    keys_identity_t *loaded = NULL;
    CHECK(keys_identity_load(dst, NULL, &loaded, err) != 0);
    CHECK(loaded == NULL);
}

static void
refuses_secret_with_edited_public_line(void)
{
    keys_identity_t *id = s_saved("pubedit", NULL);
    keys_identity_destroy(&id);
    char src[PATH_LEN], dst[PATH_LEN], err[KEYS_ERR_LEN] = "";
    s_path(src, "pubedit.secret");
    s_path(dst, "pubedit-edit.secret");
    CHECK(s_tamper(src, dst, "ed25519:") == 0);
    keys_identity_t *loaded = NULL;
    CHECK(keys_identity_load(dst, NULL, &loaded, err) != 0);
    CHECK(loaded == NULL);
}

static void
refuses_public_file_with_edited_fingerprint(void)
{
    keys_identity_t *id = s_saved("fpedit", NULL);
    keys_identity_destroy(&id);
    char src[PATH_LEN], dst[PATH_LEN], text[4096], err[KEYS_ERR_LEN] = "";
    s_path(src, "fpedit.public");
    s_path(dst, "fpedit-edit.public");
    CHECK(s_read(src, text, sizeof text) > 0);
    char *fp = strstr(text, "fingerprint: ");
    CHECK(fp != NULL);
    if (!fp)
        return;
    fp += strlen("fingerprint: ");
    fp[0] = fp[0] == 'A' ? 'B' : 'A';
    CHECK(s_write(dst, text, strlen(text), 0644) == 0);
    uint8_t pk[KEYS_PUBLIC_BYTES];
    CHECK(keys_public_load(dst, pk, err) != 0);
    CHECK(*err != '\0');
}

static void
refuses_public_file_with_overlong_fingerprint_line(void)
{
    /* A fingerprint line too long to hold a fingerprint is still an edited
     * fingerprint line: it must not be treated as absent. */
    keys_identity_t *id = s_saved("fplong", NULL);
    keys_identity_destroy(&id);
    char src[PATH_LEN], dst[PATH_LEN], text[4096], edited[4200], err[KEYS_ERR_LEN] = "";
    s_path(src, "fplong.public");
    s_path(dst, "fplong-edit.public");
    CHECK(s_read(src, text, sizeof text) > 0);
    char *fp = strstr(text, "fingerprint: ");
    CHECK(fp != NULL);
    if (!fp)
        return;
    *fp = '\0';
    snprintf(edited, sizeof edited, "%sfingerprint: %s\n", text,
        "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH-IIII");
    CHECK(s_write(dst, edited, strlen(edited), 0644) == 0);
    uint8_t pk[KEYS_PUBLIC_BYTES];
    CHECK(keys_public_load(dst, pk, err) != 0);
}

static void
refuses_public_file_loaded_as_secret(void)
{
    keys_identity_t *id = s_saved("pubonly", NULL);
    keys_identity_destroy(&id);
    char path[PATH_LEN], err[KEYS_ERR_LEN] = "";
    s_path(path, "pubonly.public");
    keys_identity_t *loaded = NULL;
    CHECK(keys_identity_load(path, NULL, &loaded, err) != 0);
    CHECK(loaded == NULL);
    /* Even with a secret's mode, it is named for what it is. */
    CHECK(chmod(path, 0600) == 0);
    err[0] = '\0';
    CHECK(keys_identity_load(path, NULL, &loaded, err) != 0);
    CHECK(loaded == NULL);
    CHECK(strstr(err, "public") != NULL);
}

static void
refuses_garbage_files(void)
{
#define GARBAGE(s) \
    { \
        s, sizeof s - 1 \
    }
    static const struct {
        const char *text;
        size_t len;
    } garbage[] = {
        GARBAGE(""),
        GARBAGE("hello world\n"),
        GARBAGE("enlace-secret-key v1\n"),                        /* magic only */
        GARBAGE("enlace-secret-key v1\ned25519: zz\nseed: 00\n"), /* bad hex */
        GARBAGE("enlace-secret-key v2\nseed: 00\n"),
        GARBAGE("enlace-secret-key v1\0\nseed: 00\n"), /* NUL byte */
        GARBAGE("enlace-public-key v1\ned25519: 0011\n"),
    };
#undef GARBAGE
    char path[PATH_LEN];
    s_path(path, "garbage.secret");
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        char err[KEYS_ERR_LEN] = "";
        CHECK(s_write(path, garbage[i].text, garbage[i].len, 0600) == 0);
        keys_identity_t *loaded = NULL;
        int rc = keys_identity_load(path, NULL, &loaded, err);
        if (rc == 0)
            fprintf(stderr, "  garbage #%zu loaded as a secret\n", i);
        CHECK(rc != 0);
        CHECK(loaded == NULL);
        CHECK(*err != '\0');
        uint8_t pk[KEYS_PUBLIC_BYTES];
        CHECK(keys_public_load(path, pk, err) != 0);
    }
    /* Neither is a file that does not exist. */
    char err[KEYS_ERR_LEN] = "";
    keys_identity_t *loaded = NULL;
    s_path(path, "missing.secret");
    CHECK(keys_identity_load(path, NULL, &loaded, err) != 0);
    CHECK(strstr(err, "missing.secret") != NULL);
}

/* ------------------------------------------------------------ sealed keys */

static void
sealed_key_needs_the_right_passphrase(void)
{
    keys_identity_t *id = s_saved("sealed", "correct horse battery staple");
    if (!id)
        return;
    char path[PATH_LEN], text[4096], err[KEYS_ERR_LEN] = "";
    s_path(path, "sealed.secret");
    CHECK(s_read(path, text, sizeof text) > 0);
    CHECK(strstr(text, "seed:") == NULL); /* the seed is not in clear */
    CHECK(strstr(text, "sealed: argon2id ") != NULL);

    keys_identity_t *loaded = NULL;
    CHECK(keys_identity_load(path, "correct horse battery staple", &loaded, err) == 0);
    CHECK(loaded
        && memcmp(keys_identity_public(loaded), keys_identity_public(id), KEYS_PUBLIC_BYTES) == 0);
    keys_identity_destroy(&loaded);

    CHECK(keys_identity_load(path, "correct horse battery stapler", &loaded, err) != 0);
    CHECK(loaded == NULL);
    CHECK(keys_identity_load(path, NULL, &loaded, err) != 0);
    CHECK(loaded == NULL);
    CHECK(keys_identity_load(path, "", &loaded, err) != 0);
    CHECK(loaded == NULL);
    keys_identity_destroy(&id);
}

static void
reports_whether_secret_is_sealed(void)
{
    keys_identity_t *a = s_saved("is-sealed", "pass");
    keys_identity_t *b = s_saved("is-plain", NULL);
    keys_identity_t *c = s_saved("is-plain-empty", ""); /* empty: not sealed */
    char path[PATH_LEN];
    s_path(path, "is-sealed.secret");
    CHECK(keys_secret_is_sealed(path) == 1);
    s_path(path, "is-plain.secret");
    CHECK(keys_secret_is_sealed(path) == 0);
    s_path(path, "is-plain-empty.secret");
    CHECK(keys_secret_is_sealed(path) == 0);
    s_path(path, "is-plain.public");
    CHECK(keys_secret_is_sealed(path) == -1);
    s_path(path, "nowhere.secret");
    CHECK(keys_secret_is_sealed(path) == -1);
    keys_identity_destroy(&a);
    keys_identity_destroy(&b);
    keys_identity_destroy(&c);
}

/* ------------------------------------------------------------- signatures */

static void
signature_fails_over_modified_content(void)
{
    keys_identity_t *id = keys_identity_new();
    keys_identity_t *other = keys_identity_new();
    uint8_t msg[] = "alerta: menor no acompañado";
    uint8_t sig[KEYS_SIGNATURE_BYTES];
    CHECK(keys_sign_content(id, msg, sizeof msg, sig) == 0);
    CHECK(keys_verify_content(keys_identity_public(id), msg, sizeof msg, sig) == 0);
    CHECK(keys_verify_content(keys_identity_public(id), msg, sizeof msg - 1, sig) != 0);
    msg[0] ^= 1;
    CHECK(keys_verify_content(keys_identity_public(id), msg, sizeof msg, sig) != 0);
    msg[0] ^= 1;
    sig[10] ^= 0x80;
    CHECK(keys_verify_content(keys_identity_public(id), msg, sizeof msg, sig) != 0);
    sig[10] ^= 0x80;
    CHECK(keys_verify_content(keys_identity_public(other), msg, sizeof msg, sig) != 0);
    keys_identity_destroy(&other);
    keys_identity_destroy(&id);
}

static void
signs_empty_content(void)
{
    keys_identity_t *id = keys_identity_new();
    uint8_t sig[KEYS_SIGNATURE_BYTES];
    static const uint8_t one = 'x';
    CHECK(keys_sign_content(id, NULL, 0, sig) == 0);
    CHECK(keys_verify_content(keys_identity_public(id), NULL, 0, sig) == 0);
    CHECK(keys_verify_content(keys_identity_public(id), &one, 1, sig) != 0);
    keys_identity_destroy(&id);
}

static void
content_signature_is_bound_to_its_context(void)
{
    uint8_t seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    memset(seed, 7, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    static const uint8_t msg[] = "payload";
    crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
    CHECK(keys_verify_content(pk, msg, sizeof msg, sig) != 0);
    /* Signed with the documented context, it verifies. */
    uint8_t ctx[sizeof "enlace-content-v1" + sizeof msg];
    memcpy(ctx, "enlace-content-v1", sizeof "enlace-content-v1"); /* with its NUL */
    memcpy(ctx + sizeof "enlace-content-v1", msg, sizeof msg);
    crypto_sign_detached(sig, NULL, ctx, sizeof ctx, sk);
    CHECK(keys_verify_content(pk, msg, sizeof msg, sig) == 0);
    sodium_memzero(sk, sizeof sk);
}

/* ------------------------------------------------------------ fingerprints */

/* An independent RFC 4648 base32 of the first 10 bytes of BLAKE2b-256. */
static void
s_reference_fingerprint(const uint8_t pk[32], char out[KEYS_FINGERPRINT_LEN])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint8_t hash[32];
    crypto_generichash(hash, sizeof hash, pk, 32, NULL, 0);
    uint64_t acc = 0;
    int bits = 0, digits = 0;
    size_t o = 0;
    for (int i = 0; i < 10; i++) {
        acc = (acc << 8) | hash[i];
        bits += 8;
        while (bits >= 5) {
            if (digits && digits % 4 == 0)
                out[o++] = '-';
            out[o++] = alphabet[(acc >> (bits - 5)) & 31];
            bits -= 5;
            digits++;
        }
    }
    out[o] = '\0';
}

static int
s_fingerprint_well_formed(const char *fp)
{
    if (strlen(fp) != KEYS_FINGERPRINT_LEN - 1)
        return 0;
    for (int i = 0; i < KEYS_FINGERPRINT_LEN - 1; i++) {
        if (i % 5 == 4) {
            if (fp[i] != '-')
                return 0;
        } else if (!((fp[i] >= 'A' && fp[i] <= 'Z') || (fp[i] >= '2' && fp[i] <= '7')))
            return 0;
    }
    return 1;
}

static void
fingerprint_is_four_groups_of_base32(void)
{
    uint8_t seed[crypto_sign_SEEDBYTES], pk[32], sk[crypto_sign_SECRETKEYBYTES];
    for (size_t i = 0; i < sizeof seed; i++)
        seed[i] = (uint8_t)i;
    crypto_sign_seed_keypair(pk, sk, seed);
    char a[KEYS_FINGERPRINT_LEN], b[KEYS_FINGERPRINT_LEN], ref[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(pk, a);
    keys_fingerprint(pk, b);
    CHECK(s_fingerprint_well_formed(a));
    CHECK_STREQ(a, b);
    s_reference_fingerprint(pk, ref);
    CHECK_STREQ(a, ref);

    seed[0] ^= 1;
    crypto_sign_seed_keypair(pk, sk, seed);
    keys_fingerprint(pk, b);
    CHECK(s_fingerprint_well_formed(b));
    CHECK(strcmp(a, b) != 0);
    sodium_memzero(sk, sizeof sk);
}

static void
fingerprint_matches_known_value(void)
{
    /* Pinned so that a change of hash, truncation or alphabet shows: every
     * officer reads these aloud to check keys. BLAKE2b-256 of bytes 0..31,
     * first 80 bits, base32 (computed with Python's hashlib/base64). */
    uint8_t pk[32];
    for (size_t i = 0; i < sizeof pk; i++)
        pk[i] = (uint8_t)i;
    char fp[KEYS_FINGERPRINT_LEN];
    keys_fingerprint(pk, fp);
    CHECK_STREQ(fp, "ZMXV-CYH4-D57A-LJK6");
    memset(pk, 0, sizeof pk);
    keys_fingerprint(pk, fp);
    CHECK_STREQ(fp, "RHVQ-22UK-NEO2-4LGR");
}

static void
saved_files_carry_the_fingerprint(void)
{
    keys_identity_t *id = s_saved("fpfile", NULL);
    if (!id)
        return;
    char fp[KEYS_FINGERPRINT_LEN], line[64], path[PATH_LEN], text[4096];
    keys_fingerprint(keys_identity_public(id), fp);
    snprintf(line, sizeof line, "fingerprint: %s\n", fp);
    s_path(path, "fpfile.public");
    CHECK(s_read(path, text, sizeof text) > 0 && strstr(text, line) != NULL);
    s_path(path, "fpfile.secret");
    CHECK(s_read(path, text, sizeof text) > 0 && strstr(text, line) != NULL);
    keys_identity_destroy(&id);
}

/* ------------------------------------------------------------- curve keys */

static void
curve_keys_derive_from_the_identity(void)
{
    keys_identity_t *id = keys_identity_new();
    uint8_t from_id[KEYS_CURVE_BYTES], from_pk[KEYS_CURVE_BYTES], secret[KEYS_CURVE_BYTES];
    uint8_t from_secret[KEYS_CURVE_BYTES];
    keys_identity_curve_public(id, from_id);
    CHECK(keys_curve_from_public(keys_identity_public(id), from_pk) == 0);
    CHECK(memcmp(from_id, from_pk, sizeof from_id) == 0);
    /* The curve secret is the one that goes with the curve public key. */
    keys_identity_curve_secret(id, secret);
    CHECK(crypto_scalarmult_base(from_secret, secret) == 0);
    CHECK(memcmp(from_secret, from_id, sizeof from_id) == 0);
    sodium_memzero(secret, sizeof secret);

    keys_identity_t *other = keys_identity_new();
    keys_identity_curve_public(other, from_pk);
    CHECK(memcmp(from_id, from_pk, sizeof from_id) != 0);
    keys_identity_destroy(&other);
    keys_identity_destroy(&id);
}

static void
refuses_curve_key_of_small_order_point(void)
{
    uint8_t identity_point[KEYS_PUBLIC_BYTES] = {1}; /* the neutral element */
    uint8_t out[KEYS_CURVE_BYTES];
    CHECK(keys_curve_from_public(identity_point, out) != 0);
}

/* ------------------------------------------------------------------- hex */

static void
hex_decode_wants_exactly_the_digits(void)
{
    uint8_t out[2];
    CHECK(keys_hex_decode("0aFf", out, 2) == 0 && out[0] == 0x0a && out[1] == 0xff);
    CHECK(keys_hex_decode("0a", out, 2) != 0);
    CHECK(keys_hex_decode("0a0b0c", out, 2) != 0);
    CHECK(keys_hex_decode("0g0b", out, 2) != 0);
    CHECK(keys_hex_decode("0a b", out, 2) != 0);
    char hex[5];
    keys_hex_encode((const uint8_t *)"\x01\xab", 2, hex);
    CHECK_STREQ(hex, "01ab");
}

int
main(void)
{
    if (keys_init() != 0) {
        fprintf(stderr, "libsodium failed to initialise\n");
        return EXIT_FAILURE;
    }
    if (check_tempdir(s_dir, sizeof s_dir, "keys") != 0)
        return EXIT_FAILURE;
    RUN(loads_saved_identity_with_same_public_key);
    RUN(writes_secret_0600_and_public_readable);
    RUN(refuses_to_overwrite_existing_key);
    RUN(refuses_secret_readable_by_group_or_others);
    RUN(refuses_secret_with_edited_seed);
    RUN(refuses_secret_with_edited_public_line);
    RUN(refuses_public_file_with_edited_fingerprint);
    RUN(refuses_public_file_with_overlong_fingerprint_line);
    RUN(refuses_public_file_loaded_as_secret);
    RUN(refuses_garbage_files);
    RUN(sealed_key_needs_the_right_passphrase);
    RUN(reports_whether_secret_is_sealed);
    RUN(signature_fails_over_modified_content);
    RUN(signs_empty_content);
    RUN(content_signature_is_bound_to_its_context);
    RUN(fingerprint_is_four_groups_of_base32);
    RUN(fingerprint_matches_known_value);
    RUN(saved_files_carry_the_fingerprint);
    RUN(curve_keys_derive_from_the_identity);
    RUN(refuses_curve_key_of_small_order_point);
    RUN(hex_decode_wants_exactly_the_digits);
    check_tempdir_remove(s_dir);
    return CHECK_DONE();
}
