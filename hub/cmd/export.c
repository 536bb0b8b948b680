/*
 * export.c: `enlace-hub export DATA [--from TIME] [--to TIME] [--topic PATTERN]`.
 *
 * One JSON object per line (built with jansson, never by hand), one line per
 * message in sequence order:
 *
 *   seq, id (hex), topic, network, author {id, fingerprint, name}, tlp
 *   ("TLP:AMBER"), recipients [fingerprints], created, stored (ISO-8601 UTC
 *   with milliseconds), content (base64 of the signed Content bytes),
 *   signature (hex), for a message signed as one of a batch batch {size,
 *   index, path (hex: the audit path's 32-byte sibling hashes, leaf's
 *   sibling first)}, content_type, and body (the text, if it is valid UTF-8)
 *   or body_base64; for a sealed message (PROTOCOL.md 6) instead of those
 *   two, sealed {form, keys: the fingerprints of the keys that open it}.
 *
 * content + signature (+ batch) + the author's public key are enough to
 * re-check the signature anywhere: Ed25519 over "enlace-content-v1\0" ||
 * content, or, with batch, over "enlace-batch-v1\0" || size (4 bytes,
 * big-endian) || the Merkle root the path leads to (common/merkle.h;
 * PROTOCOL.md). --from and
 * --to select on the hub's stored time (from inclusive, to exclusive);
 * --topic uses the subscription pattern rules. This is an operator command
 * on the archive file: it applies no access rules (whoever can read the
 * file can read every message). With --encrypt-to ARCHIVE.public the lines
 * go out encrypted to the ST's archive key (common/encfile.h), readable
 * with `enlace unseal --key ARCHIVE.secret --export FILE`; a sealed
 * message's line carries its seal either way.
 */
#define _GNU_SOURCE /* fopencookie: the JSON lines written through the encryption */
#include "export.h"
#include "cluster.h"
#include "cmd.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "disclose.h"
#include "encfile.h"
#include "enlace.pb-c.h"
#include "keys.h"
#include "ledger.h"
#include "topic.h"

/* The directory, for author names: one entry per key. */
typedef struct {
    uint8_t pk[32];
    int64_t officer_id;
    char fingerprint[KEYS_FINGERPRINT_LEN];
    char *name;
} author_t;

typedef struct {
    export_filter_t *filter;
    FILE *out;
    author_t *authors;
    size_t nauthors, capauthors;
    uint64_t last_seq; /* highest seq seen in this batch */
    int seen;          /* rows seen in this batch */
    int64_t written;
    int failed; /* out of memory or a write error */
} export_t;

int
export_parse_time(const char *s, int64_t *ms)
{
    if (!s || !*s)
        return -1;
    size_t digits = strspn(s, "0123456789");
    if (digits == strlen(s)) {
        if (digits > 15) /* beyond year 33000 */
            return -1;
        *ms = strtoll(s, NULL, 10);
        return 0;
    }
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, frac = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return -1;
    const char *p = s + n;
    if (*p == 'T') {
        p++;
        if (sscanf(p, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
            return -1;
        p += n;
        if (*p == ':') {
            if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
                return -1;
            sec = (p[1] - '0') * 10 + (p[2] - '0');
            p += 3;
            if (*p == '.') {
                int scale = 100;
                for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
                    frac += (*p - '0') * scale;
            }
        }
        if (*p++ != 'Z')
            return -1;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
        .tm_mon = mo - 1,
        .tm_mday = d,
        .tm_hour = h,
        .tm_min = mi,
        .tm_sec = sec};
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d) /* timegm normalises 31 February */
        return -1;
    *ms = (int64_t)t * 1000 + frac;
    return 0;
}

static void
s_iso(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    int frac = (int)(ms % 1000);
    if (frac < 0) {
        frac += 1000;
        t--;
    }
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(out, cap, "invalid");
        return;
    }
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, cap, "%s.%03dZ", base, frac);
}

static json_t *
s_hex(const uint8_t *p, size_t len)
{
    char *hex = malloc(2 * len + 1);
    if (!hex)
        return NULL;
    keys_hex_encode(p, len, hex);
    json_t *s = json_string(hex);
    free(hex);
    return s;
}

static json_t *
s_base64(const uint8_t *p, size_t len)
{
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b = malloc(cap);
    if (!b)
        return NULL;
    sodium_bin2base64(b, cap, p, len, sodium_base64_VARIANT_ORIGINAL);
    json_t *s = json_string(b);
    free(b);
    return s;
}

static const char *
s_tlp_name(int tlp)
{
    static const char *names[] = {"TLP:AMBER", "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
        "TLP:AMBER+STRICT", "TLP:RED"};
    return tlp >= 0 && tlp <= 5 ? names[tlp] : "unknown";
}

static int
s_collect_author(const archive_key_row_t *row, void *arg)
{
    export_t *x = arg;
    if (x->nauthors == x->capauthors) {
        size_t cap = x->capauthors ? x->capauthors * 2 : 64;
        author_t *grown = realloc(x->authors, cap * sizeof *grown);
        if (!grown)
            return x->failed = 1;
        x->authors = grown;
        x->capauthors = cap;
    }
    author_t *a = &x->authors[x->nauthors];
    memcpy(a->pk, row->pk, 32);
    a->officer_id = row->officer_id;
    snprintf(a->fingerprint, sizeof a->fingerprint, "%s", row->fingerprint);
    a->name = strdup(row->name);
    if (!a->name)
        return x->failed = 1;
    x->nauthors++;
    return 0;
}

/* The author by the signing key, else the officer's first key. */
static const author_t *
s_author(const export_t *x, const Enlace__Content *c, int64_t officer_id)
{
    if (c && c->author_key.len == 32)
        for (size_t i = 0; i < x->nauthors; i++)
            if (!memcmp(x->authors[i].pk, c->author_key.data, 32))
                return &x->authors[i];
    for (size_t i = 0; i < x->nauthors; i++)
        if (x->authors[i].officer_id == officer_id)
            return &x->authors[i];
    return NULL;
}

static json_t *
s_message_json(const export_t *x, const archive_msg_t *m)
{
    Enlace__Content *c = enlace__content__unpack(NULL, m->content_len, m->content);
    const author_t *a = s_author(x, c, m->author_id);
    char created[40], stored[40];
    s_iso(m->created_ms, created, sizeof created);
    s_iso(m->stored_ms, stored, sizeof stored);
    json_t *recipients = json_array();
    if (recipients && m->recipients && *m->recipients) {
        const char *p = m->recipients;
        while (*p) {
            size_t n = strcspn(p, ",");
            json_array_append_new(recipients, json_stringn(p, n));
            p += n + (p[n] == ',');
        }
    }
    json_t *o = json_pack(
        "{s:I, s:o, s:s?, s:s?, s:{s:I, s:s?, s:s?}, s:s, s:o, s:s, s:s, s:o, s:o}", "seq",
        (json_int_t)m->seq, "id", s_hex(m->msg_id, 16), "topic", m->topic, "network", m->network,
        "author", "id", (json_int_t)m->author_id, "fingerprint", a ? a->fingerprint : NULL, "name",
        a ? a->name : NULL, "tlp", s_tlp_name(m->tlp), "recipients", recipients, "created", created,
        "stored", stored, "content", s_base64(m->content, m->content_len), "signature",
        s_hex(m->signature, 64));
    if (o && m->batch_size)
        json_object_set_new(o, "batch",
            json_pack("{s:I, s:I, s:o}", "size", (json_int_t)m->batch_size, "index",
                (json_int_t)m->batch_index, "path",
                s_hex(m->batch_path ? m->batch_path : (const uint8_t *)"", m->batch_path_len)));
    if (o && c) {
        /* Handling and evaluation come first for the reader, as for listeners. */
        static const char *handling[] = {"", "H0", "H1", "H2", "H3"};
        if ((unsigned)m->handling >= 1 && (unsigned)m->handling <= 4)
            json_object_set_new(o, "handling", json_string(handling[m->handling]));
        if (*c->handling_text)
            json_object_set_new(o, "handling_text", json_string(c->handling_text));
        if (c->reliability && c->accuracy) {
            char ev[3] = {"?ABCX"[c->reliability % 5], (char)('0' + c->accuracy % 5), 0};
            json_object_set_new(o, "evaluation", json_string(ev));
        }
        if (m->personal)
            json_object_set_new(o, "personal_data", json_true());
        if (c->forward_of)
            json_object_set_new(o, "forward_of", json_integer((json_int_t)c->forward_of));
        if (c->sealed) {
            /* The body, headline, form and translations are in the seal:
             * the keys it opens with, by fingerprint ("enlace unseal" opens
             * the line with one of them). */
            json_t *keys = json_array();
            for (size_t i = 0; keys && i < c->sealed->n_keys; i++) {
                char fp[KEYS_FINGERPRINT_LEN];
                if (c->sealed->keys[i]->recipient_key.len != KEYS_PUBLIC_BYTES)
                    continue;
                keys_fingerprint(c->sealed->keys[i]->recipient_key.data, fp);
                json_array_append_new(keys, json_string(fp));
            }
            json_object_set_new(o, "sealed",
                json_pack("{s:s, s:o}", "form", c->sealed->form, "keys", keys));
        } else {
            json_object_set_new(o, "content_type", json_string(c->content_type));
            /* An empty body comes as data == NULL, which json_stringn refuses. */
            json_t *body = json_stringn(c->body.len ? (const char *)c->body.data : "", c->body.len);
            if (body)
                json_object_set_new(o, "body", body);
            else
                json_object_set_new(o, "body_base64", s_base64(c->body.data, c->body.len));
        }
    } else if (o) {
        json_object_set_new(o, "content_error", json_string("content does not decode"));
    }
    if (c)
        enlace__content__free_unpacked(c, NULL);
    return o;
}

static int
s_message(const archive_msg_t *m, void *arg)
{
    export_t *x = arg;
    x->last_seq = m->seq;
    x->seen++;
    export_filter_t *f = x->filter;
    if ((f->from_ms && m->stored_ms < f->from_ms) || (f->to_ms && m->stored_ms >= f->to_ms)
        || (f->pattern && (!m->topic || !topic_match(f->pattern, m->topic))))
        return 0;
    /* The author's label and handling code travel with the data: an export
     * passes messages on, which the disclosure rules for the operator forbid
     * for RED, AMBER+STRICT and H1-H3 unless asked (audited either way by
     * export_cmd). */
    disclose_reader_t operator= {.who = NULL, .restricted = f->restricted};
    disclose_msg_t dm = {.seq = m->seq,
        .topic = m->topic,
        .network = m->network,
        .tlp = m->tlp,
        .recipients = m->recipients,
        .author_id = m->author_id,
        .personal = m->personal,
        .handling = m->handling};
    if (!disclose_all(&operator, & dm, DISCLOSE_EXPORT)) {
        f->withheld++;
        return 0;
    }
    json_t *o = s_message_json(x, m);
    if (!o) {
        fprintf(stderr,
            "enlace-hub: message %llu cannot be exported (damaged? run"
            " 'enlace-hub verify')\n",
            (unsigned long long)m->seq);
        return x->failed = 1;
    }
    int rc = json_dumpf(o, x->out, JSON_COMPACT);
    json_decref(o);
    if (rc != 0 || fputc('\n', x->out) == EOF)
        return x->failed = 1;
    x->written++;
    return 0;
}

int
export_run(archive_t *archive, export_filter_t *filter, FILE *out, int64_t *count, char *err,
    size_t errlen)
{
    enum { BATCH = 1000 };
    export_t x = {.filter = filter, .out = out};
    int rc = -1;
    if (filter->pattern && topic_check_pattern(filter->pattern, strlen(filter->pattern))) {
        snprintf(err, errlen, "'%s' is not a topic pattern: %s", filter->pattern,
            topic_check_pattern(filter->pattern, strlen(filter->pattern)));
        return -1;
    }
    if (archive_read_begin(archive) != 0) {
        snprintf(err, errlen, "%s", archive_error(archive));
        return -1;
    }
    if (archive_keys_each(archive, s_collect_author, &x) != 0 || x.failed) {
        snprintf(err, errlen, "%s", x.failed ? "out of memory" : archive_error(archive));
        goto out;
    }
    do {
        x.seen = 0;
        if (archive_messages_after(archive, x.last_seq, BATCH, s_message, &x) != 0) {
            snprintf(err, errlen, "%s (run 'enlace-hub verify')", archive_error(archive));
            goto out;
        }
        if (x.failed) {
            snprintf(err, errlen, "writing the export failed");
            goto out;
        }
    } while (x.seen == BATCH);
    rc = 0;
out:
    archive_read_end(archive);
    for (size_t i = 0; i < x.nauthors; i++)
        free(x.authors[i].name);
    free(x.authors);
    *count = x.written;
    return rc;
}

/* stdio over an encrypted file: what is written is encrypted. */
static ssize_t
s_cookie_write(void *cookie, const char *buf, size_t size)
{
    return encfile_write(cookie, buf, size) == 0 ? (ssize_t)size : -1;
}

int
cmd_export(int argc, char **argv)
{
    export_filter_t f = {0};
    const char *encrypt_to = NULL;
    const char *data = argc > 0 ? argv[0] : NULL;
    int bad = !data || data[0] == '-';
    for (int i = 1; !bad && i < argc; i += 2) {
        if (!strcmp(argv[i], "--restricted")) {
            f.restricted = 1;
            i--; /* a flag: no value */
            continue;
        }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            bad = 1;
        else if (!strcmp(argv[i], "--from"))
            bad = export_parse_time(v, &f.from_ms) != 0;
        else if (!strcmp(argv[i], "--to"))
            bad = export_parse_time(v, &f.to_ms) != 0;
        else if (!strcmp(argv[i], "--topic"))
            f.pattern = v;
        else if (!strcmp(argv[i], "--encrypt-to"))
            encrypt_to = v;
        else
            bad = 1;
        if (bad && v && (!strcmp(argv[i], "--from") || !strcmp(argv[i], "--to")))
            fprintf(stderr,
                "enlace-hub: %s '%s': give ISO-8601 UTC (2026-11-21T10:00:00Z) or Unix ms\n",
                argv[i], v);
    }
    if (bad) {
        fprintf(stderr,
            "usage: enlace-hub export DATA|FILE [--from TIME] [--to TIME] [--topic PATTERN]\n"
            "         [--restricted] [--encrypt-to ARCHIVE.public]\n"
            "  TIME is ISO-8601 UTC (2026-11-21T10:00:00Z) or Unix milliseconds; --from and\n"
            "  --to select on the stored time, from inclusive, to exclusive. Messages whose\n"
            "  label (TLP:RED, AMBER+STRICT) or handling code (H1-H3) forbids passing them on\n"
            "  are withheld unless --restricted; both are recorded in the audit log.\n"
            "  --encrypt-to writes the lines encrypted to the ST's archive key (binary).\n");
        return 2;
    }
    char path[4200], err[512];
    ledger_archive_path(data, path, sizeof path);
    /* A cluster node's data directory is written only through the log (the
     * export's audit record would be this node's alone); a copy of one is
     * exported without an audit record, so that it stays fit to restore a
     * node from. */
    char cluster[128];
    int member = cluster_archive_member(path, cluster, sizeof cluster);
    struct stat dst;
    if (member == 1 && stat(data, &dst) == 0 && S_ISDIR(dst.st_mode)) {
        cluster_refuse_offline(path, "export", stderr);
        return 1;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "enlace-hub: %s has no archive (%s does not exist)\n", data, path);
        return 1;
    }
    if (keys_init() != 0) {
        fprintf(stderr, "enlace-hub: libsodium failed to initialise\n");
        return 1;
    }
    encfile_writer_t *enc = NULL;
    FILE *out = stdout;
    int fd = STDOUT_FILENO; /* the encryption writes here (it keeps &fd) */
    if (encrypt_to) {
        uint8_t archive_key[KEYS_PUBLIC_BYTES];
        char kerr[KEYS_ERR_LEN];
        if (keys_public_load(encrypt_to, archive_key, kerr) != 0) {
            fprintf(stderr, "enlace-hub: --encrypt-to: %s\n", kerr);
            return 1;
        }
        if (isatty(fd)) {
            fprintf(stderr, "enlace-hub: an encrypted export is binary: redirect it to a file\n");
            return 1;
        }
        enc = encfile_writer_new(ENCFILE_KIND_EXPORT, archive_key, encfile_fd_write, &fd, err,
            sizeof err);
        cookie_io_functions_t io = {.write = s_cookie_write};
        out = enc ? fopencookie(enc, "w", io) : NULL;
        if (!out) {
            fprintf(stderr, "enlace-hub: export: %s\n", enc ? "out of memory" : err);
            encfile_writer_destroy(&enc);
            return 1;
        }
    }
    archive_t *a = archive_open_readonly(path, err, sizeof err);
    if (!a) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        if (enc) {
            fclose(out);
            encfile_writer_destroy(&enc);
        }
        return 1;
    }
    int64_t n = 0;
    int rc = export_run(a, &f, out, &n, err, sizeof err);
    archive_destroy(&a);
    if (enc) {
        /* The last record says FINAL: a reader knows the export is whole. A
         * failed export never gets one, so that no reader takes it for all. */
        if (fclose(out) != 0 && rc == 0) {
            snprintf(err, sizeof err, "writing the export failed");
            rc = -1;
        }
        if (rc == 0 && encfile_finish(enc) != 0) {
            snprintf(err, sizeof err, "writing the export failed");
            rc = -1;
        }
        encfile_writer_destroy(&enc);
    }
    if (fflush(stdout) != 0 && rc == 0) {
        snprintf(err, sizeof err, "writing the export failed");
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "enlace-hub: export: %s\n", err);
        return 1;
    }
    fprintf(stderr, "enlace-hub: exported %lld message%s\n", (long long)n, n == 1 ? "" : "s");
    if (f.withheld)
        fprintf(stderr,
            "enlace-hub: withheld %lld message%s whose label (TLP:RED, AMBER+STRICT) or handling "
            "code (H1-H3) forbids passing them on; --restricted includes them (audited)\n",
            (long long)f.withheld, f.withheld == 1 ? "" : "s");
    /* Record the export in the audit log (a writable connection of its own:
     * the export itself read from a snapshot). A backup file has no hub to
     * answer to: it is audited only when exporting a data directory. */
    archive_t *w = member == 1 ? NULL : archive_open(path, 0, ARCHIVE_SYNC_FULL, err, sizeof err);
    if (member == 1)
        fprintf(stderr,
            "enlace-hub: a copy of cluster %s's archive: the export is not "
            "recorded in it\n",
            cluster);
    if (w) {
        char detail[160];
        snprintf(detail, sizeof detail, "%lld exported, %lld withheld%s%s", (long long)n,
            (long long)f.withheld, f.restricted ? ", restricted messages included" : "",
            encrypt_to ? ", encrypted to the archive key" : "");
        if (archive_audit(w, 0, NULL, "export", f.withheld ? "refused:restricted" : "ok", detail)
            != 0)
            fprintf(stderr, "enlace-hub: audit: %s\n", archive_error(w));
        archive_destroy(&w);
    }
    return 0;
}
