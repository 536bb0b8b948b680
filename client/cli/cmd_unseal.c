/*
 * cmd_unseal.c: enlace unseal: opens sealed messages (PROTOCOL.md 6) with a
 * key given on the command line, typically the ST's archive key on the
 * ST's offline machine, and says whose key opened each.
 *
 *   enlace unseal --key ARCHIVE.secret SEQ... [--in PATTERN]
 *       the stored messages SEQ..., read over the wire (history, with this
 *       profile's own key: PATTERN, default '#', which the ST may read),
 *       each opened with --key (default: your own key)
 *   enlace unseal --key ARCHIVE.secret --export FILE
 *       every line of an `enlace-hub export` (plain, or encrypted with
 *       --encrypt-to: decrypted in memory), each signature checked, each
 *       sealed message opened: the lines again, as JSON, with what opened
 *
 * A message whose signature does not verify is reported, never opened; a
 * seal the key cannot open is said to be so, never shown as bytes.
 */
#define _GNU_SOURCE /* memfd_create: an encrypted export decrypted in memory only */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>

#include "passphrase.h"

/* The key to open with: --key FILE (asking for a sealed one's passphrase). */
static enlace_key_t *
s_load_key(const char *path)
{
    char why[256];
    char *pass = NULL;
    if (enlace_key_sealed(path) == 1) {
        pass = sodium_malloc(256);
        if (!pass
            || passphrase_read(_("Passphrase for the key: "), 0, pass, 256, why, sizeof why) != 0) {
            fprintf(stderr, "enlace: %s\n", pass ? why : _("out of memory"));
            if (pass)
                sodium_free(pass);
            return NULL;
        }
    }
    enlace_key_t *key = NULL;
    int rc = enlace_key_load(path, pass, &key, why, sizeof why);
    if (pass)
        sodium_free(pass);
    if (rc != ENLACE_OK) {
        fprintf(stderr, _("enlace: cannot load %s: %s\n"), path, why);
        return NULL;
    }
    return key;
}

/* What a sealed message showed once opened, as JSON (NULL if not UTF-8). */
static json_t *
s_opened_json(const enlace_delivery_t *d)
{
    json_t *o = json_pack("{s:s}", "opened_by", d->opened_by);
    if (!o)
        return NULL;
    json_object_set_new(o, "content_type", json_string(d->content_type));
    json_object_set_new(o, "body",
        json_stringn(d->body_len ? (const char *)d->body : "", d->body_len));
    if (d->is_alert)
        json_object_set_new(o, "headline", json_string(d->alert_headline));
    if (d->handling_text && *d->handling_text)
        json_object_set_new(o, "handling_text", json_string(d->handling_text));
    if (d->form)
        json_object_set_new(o, "form", cli_form_json(d->form));
    if (d->translation_language)
        json_object_set_new(o, "translation",
            json_pack("{s:s, s:s, s:s}", "language", d->translation_language, "headline",
                d->translation_headline, "description", d->translation_description));
    return o;
}

/* One opened message for people. */
static void
s_print_text(const enlace_delivery_t *d, uint64_t seq, const char *author, const char *key_file)
{
    char created[32];
    cli_time(d->created_ms, created, sizeof created);
    printf("#%llu %s %s [TLP:%s] %s", (unsigned long long)seq, created, d->topic,
        enlace_tlp_name(d->tlp), author);
    if (!d->sealed) {
        printf(_(": not sealed\n"));
    } else if (d->seal_status == ENLACE_ESEALED) {
        printf(_(": not sealed to key %s\n"), key_file);
        return;
    } else if (d->seal_status != ENLACE_OK) {
        printf(_(": the seal does not open (damaged): nothing shown\n"));
        return;
    } else {
        printf(_(": opened with key %s (%s)\n"), d->opened_by, key_file);
    }
    if (d->is_alert)
        printf(_("   headline: %s\n"), d->alert_headline);
    if (d->form) {
        json_t *form = cli_form_json(d->form);
        char *text = form ? json_dumps(form, JSON_COMPACT) : NULL;
        if (text)
            printf(_("   form: %s\n"), text);
        free(text);
        json_decref(form);
    }
    printf("   ");
    for (size_t i = 0; i < d->body_len; i++) {
        unsigned char c = d->body[i];
        putchar(c == '\n' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c);
    }
    putchar('\n');
}

/* enlace unseal SEQ...: from the archive, over the wire. */
static int
s_unseal_seqs(cli_settings_t *st, const enlace_key_t *key, const char *key_file,
    const char *pattern, uint64_t *seqs, int nseqs)
{
    enlace_client_t *client;
    if (cli_connect(st, &client) != 0)
        return 1;
    int status = 0;
    for (int i = 0; i < nseqs; i++) {
        enlace_history_query_t q = {.pattern = pattern, .after_seq = seqs[i] - 1, .limit = 1};
        enlace_page_t *page = NULL;
        int rc = enlace_history(client, &q, &page);
        const enlace_delivery_t *d = rc == ENLACE_OK ? enlace_page_item(page, 0) : NULL;
        if (rc != ENLACE_OK || !d || d->seq != seqs[i]) {
            fprintf(stderr, _("enlace: no message %llu that you may read under %s\n"),
                (unsigned long long)seqs[i], pattern);
            enlace_page_destroy(&page);
            status = 1;
            continue;
        }
        enlace_delivery_t *o = NULL;
        char why[256];
        rc = enlace_message_open(d->content, d->content_len, d->signature, 64, d->batch_size,
            d->batch_index, d->batch_path, d->batch_path_len, key, &o, why, sizeof why);
        if (rc != ENLACE_OK) {
            fprintf(stderr, _("enlace: message %llu: %s\n"), (unsigned long long)seqs[i], why);
            status = 1;
        } else if (st->json) {
            json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b}", "seq", (json_int_t)d->seq, "topic",
                d->topic, "tlp", enlace_tlp_name(d->tlp), "author", d->author_fingerprint, "sealed",
                o->sealed);
            if (j && o->sealed)
                json_object_set_new(j, "unsealed",
                    o->seal_status == ENLACE_OK
                        ? s_opened_json(o)
                        : json_pack("{s:s}", "error", _(enlace_strerror(o->seal_status))));
            cli_print_line(j);
        } else {
            char author[256];
            snprintf(author, sizeof author, "%s (%s, %s)", d->author_name, d->author_country,
                d->author_fingerprint);
            s_print_text(o, d->seq, author, key_file);
        }
        if (o && o->sealed && o->seal_status != ENLACE_OK)
            status = 1;
        enlace_delivery_destroy(&o);
        enlace_page_destroy(&page);
    }
    enlace_close(&client);
    return status;
}

/* Decodes hex or base64 JSON text into a new buffer. */
static uint8_t *
s_decode(const json_t *v, int base64, size_t *len)
{
    const char *text = json_string_value(v);
    if (!text)
        return NULL;
    size_t n = strlen(text);
    uint8_t *out = malloc(n + 1);
    if (!out)
        return NULL;
    int rc = base64
        ? sodium_base642bin(out, n + 1, text, n, NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL)
        : sodium_hex2bin(out, n + 1, text, n, NULL, len, NULL);
    if (rc != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* One export line: the line again, with what was checked and opened. */
static json_t *
s_export_line(json_t *line, const enlace_key_t *key, int *sealed, int *opened, int *bad)
{
    size_t clen = 0, slen = 0, plen = 0;
    uint8_t *content = s_decode(json_object_get(line, "content"), 1, &clen);
    uint8_t *sig = s_decode(json_object_get(line, "signature"), 0, &slen);
    json_t *batch = json_object_get(line, "batch");
    uint8_t *path = batch ? s_decode(json_object_get(batch, "path"), 0, &plen) : NULL;
    enlace_delivery_t *d = NULL;
    char why[256] = "";
    int rc = content && sig ? enlace_message_open(content, clen, sig, slen,
                 (uint32_t)json_integer_value(json_object_get(batch, "size")),
                 (uint32_t)json_integer_value(json_object_get(batch, "index")), path, plen, key, &d,
                 why, sizeof why)
                            : ENLACE_EPROTO;
    free(content);
    free(sig);
    free(path);
    if (rc != ENLACE_OK) {
        (*bad)++;
        json_object_set_new(line, "verified", json_false());
        json_object_set_new(line, "error", json_string(why[0] ? why : _("no content")));
        return line;
    }
    json_object_set_new(line, "verified", json_true());
    if (d->sealed) {
        (*sealed)++;
        if (d->seal_status == ENLACE_OK) {
            (*opened)++;
            json_object_set_new(line, "unsealed", s_opened_json(d));
        } else {
            json_object_set_new(line, "unsealed",
                json_pack("{s:s}", "error", _(enlace_strerror(d->seal_status))));
        }
    }
    enlace_delivery_destroy(&d);
    return line;
}

/* enlace unseal --export FILE. */
static int
s_unseal_export(const enlace_key_t *key, const char *path)
{
    int in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        fprintf(stderr, _("enlace: cannot read %s: %s\n"), path, strerror(errno));
        return 1;
    }
    char magic[16] = "";
    ssize_t got = read(in, magic, sizeof magic);
    lseek(in, 0, SEEK_SET);
    FILE *lines = NULL;
    if (got == (ssize_t)sizeof magic && !memcmp(magic, "enlace-encrypted", sizeof magic)) {
        /* Decrypted into memory, never onto a disk. */
        int mem = memfd_create("enlace-export", MFD_CLOEXEC);
        char why[256], kind = 0;
        int rc = mem < 0 ? ENLACE_EIO : enlace_decrypt_stream(key, in, mem, &kind, why, sizeof why);
        if (rc == ENLACE_OK && kind != 'E') {
            snprintf(why, sizeof why,
                _("an encrypted backup, not an export (enlace-hub restore "
                  "--key opens it)"));
            rc = ENLACE_EINVAL;
        }
        if (rc != ENLACE_OK) {
            fprintf(stderr, _("enlace: %s: %s\n"), path, mem < 0 ? strerror(errno) : why);
            if (mem >= 0)
                close(mem);
            close(in);
            return 1;
        }
        lseek(mem, 0, SEEK_SET);
        lines = fdopen(mem, "r");
        close(in);
    } else {
        lines = fdopen(in, "r");
    }
    if (!lines) {
        fprintf(stderr, _("enlace: cannot read %s: %s\n"), path, strerror(errno));
        return 1;
    }
    char *buf = NULL;
    size_t cap = 0;
    int n = 0, sealed = 0, opened = 0, bad = 0;
    ssize_t len;
    while ((len = getline(&buf, &cap, lines)) > 0) {
        json_error_t e;
        json_t *line = json_loadb(buf, (size_t)len, 0, &e);
        n++;
        if (!json_is_object(line)) {
            fprintf(stderr, _("enlace: %s: line %d is not a JSON object\n"), path, n);
            json_decref(line);
            bad++;
            continue;
        }
        cli_print_line(s_export_line(line, key, &sealed, &opened, &bad));
    }
    if (buf)
        sodium_memzero(buf, cap);
    free(buf);
    fclose(lines);
    fprintf(stderr,
        _("enlace: %d messages, %d sealed: %d opened with key %s, %d not; %d did not "
          "verify\n"),
        n, sealed, opened, enlace_key_fingerprint(key), sealed - opened, bad);
    return bad || opened < sealed ? 1 : 0;
}

int
cmd_unseal(cli_settings_t *st, int argc, char **argv)
{
    const char *key_file = NULL, *export = NULL, *pattern = "#";
    uint64_t seqs[64];
    int nseqs = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--json")) {
            st->json = 1;
        } else if ((!strcmp(a, "--key") || !strcmp(a, "--export") || !strcmp(a, "--in")) && v) {
            *(!strcmp(a, "--key") ? &key_file : !strcmp(a, "--export") ? &export : &pattern) = v;
            i++;
        } else if (a[0] != '-' && nseqs < 64) {
            if (cli_number("SEQ", a, 1, UINT64_MAX, &seqs[nseqs++]) != 0)
                return 2;
        } else {
            nseqs = -1;
            break;
        }
    }
    if (nseqs < 0 || (export ? nseqs != 0 || !key_file : nseqs == 0)) {
        fprintf(stderr,
            _("usage: enlace unseal [--key FILE.secret] SEQ... [--in PATTERN] "
              "[--json]\n"
              "       enlace unseal --key FILE.secret --export FILE\n"));
        return 2;
    }
    if (!key_file)
        key_file = st->key; /* your own key */
    if (!key_file[0]) {
        fprintf(stderr, _("enlace: unseal needs --key FILE.secret (or your profile's key)\n"));
        return 2;
    }
    enlace_key_t *key = s_load_key(key_file);
    if (!key)
        return 1;
    int rc = export ? s_unseal_export(key, export)
                    : s_unseal_seqs(st, key, key_file, pattern, seqs, nseqs);
    enlace_key_destroy(&key);
    return rc;
}
