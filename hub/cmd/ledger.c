/*
 * ledger.c: `enlace-hub verify DATA|FILE`.
 *
 * WHAT IS CHAINED. Table `ledger` (id, kind, ref, ts_ms, content_hash,
 * prev_hash, hash) holds one row per record, ids 1, 2, 3, ... without gaps,
 * appended in the transaction that writes the record (hub/archive/):
 *
 *   kind       ref           the record, in its canonical encoding
 *   message    seq           B("message") I(seq) B(msg_id) B(topic) B(network)
 *                            I(author_id) I(tlp) B(recipients) I(created_ms)
 *                            I(stored_ms) B(content) B(signature), then,
 *                            only if batch_size > 0, I(batch_size)
 *                            I(batch_index) B(batch_path)
 *   audit      audit.id      B("audit") I(id) I(ts_ms) I(officer_id)
 *                            B(fingerprint) B(action) B(outcome) B(detail)
 *   officer    officers.id   after every directory change of that officer (add,
 *                            key revocation, membership set or removal):
 *                            B("officer"), B("officer") + its officers row,
 *                            B("key") + each officer_keys row by ed25519,
 *                            B("membership") + each (network, role) by network
 *   ppt        ppt.year      after every `ppt set`: B("ppt"), B("ppt") + the
 *                            year's row (year, country)
 *   invitation invitations.id  after the grant and after the revocation:
 *                            B("invitation"), B("invitation") + its row (id,
 *                            grantee, network, patterns, access, expires_ms,
 *                            created_ms, created_by, revoked_ms)
 *   reference  0             B("reference"), B("country") + each countries row,
 *                            B("organisation") + ..., B("network") + ...,
 *                            from schema 11 on B("zone") + each country_zones
 *                            row, B("holiday") + each holidays row
 *                            (whenever the seed or a calendar command changes
 *                            them)
 *
 * Fields: I(v) = 'i' + 8-byte big-endian signed; B(x) = 'b' + 4-byte
 * big-endian length + bytes (text as UTF-8); N = 'n' for SQL NULL. Directory
 * rows are encoded column by column in the order of the SELECTs in
 * archive_officer_hash, archive_ppt_hash, archive_invitation_hash and
 * archive_reference_hash, each by how SQLite stores it (INTEGER as I, TEXT
 * and BLOB as B, NULL as N).
 *
 *   content_hash = BLAKE2b-256(canonical encoding)
 *   hash         = BLAKE2b-256(B(prev_hash) B(kind) I(ref) I(ts_ms) B(content_hash))
 *   prev_hash    = the previous record's hash; 32 zero bytes for id 1
 *
 * messages.content is the author's signed Content exactly as received, and
 * the signature, by the key in Content.author_key (which must be registered
 * to messages.author_id), covers either "enlace-content-v1\0" || content
 * (batch_size 0: signed alone) or, for a message signed as one of a batch
 * (common/merkle.h), "enlace-batch-v1\0" || batch_size (4 bytes big-endian)
 * || the root that batch_path leads to from BLAKE2b-256(0x00 || content) at
 * batch_index (each step: BLAKE2b-256(0x01 || left || right), the sibling on
 * the left where the index's bit says so; see merkle_root_of_path).
 *
 * WHAT VERIFY CHECKS. Every link and record hash; every message and audit
 * row against its record; the current state of each officer, PPT year and
 * invitation and of the reference data against its latest record; for every
 * message, that the columns agree with the signed Content (Content.topic is
 * bytes: messages.topic must be exactly those bytes; messages.sealed, outside
 * the record, says whether the content is sealed), that the author key
 * belongs to the author and that the signature verifies; and that no
 * message, audit row, officer, PPT year or invitation exists without a
 * ledger record; and that the ST's archive key in the meta table is the one
 * the latest audited `archive-key set` named. What it cannot see: the
 * last records removed together with their ledger rows (the chain is still
 * a valid, shorter chain). Write the printed head down somewhere else
 * (a backup, the ST's paper register): a later head must extend it.
 *
 * BY HAND (python3, no enlace code):
 *
 *   import sqlite3, hashlib, struct
 *   H = lambda b: hashlib.blake2b(b, digest_size=32).digest()
 *   def F(v):
 *       if v is None: return b'n'
 *       if isinstance(v, int): return b'i' + struct.pack('>q', v)
 *       v = v.encode() if isinstance(v, str) else v
 *       return b'b' + struct.pack('>I', len(v)) + v
 *   db = sqlite3.connect('file:DATA/archive.db?mode=ro', uri=True)
 *   prev = bytes(32)
 *   for id, kind, ref, ts, ch, ph, h in db.execute('SELECT * FROM ledger ORDER BY id'):
 *       assert ph == prev and h == H(b''.join(map(F, (prev, kind, ref, ts, ch)))), id
 *       prev = h
 *   for row in db.execute('SELECT seq, msg_id, topic, network, author_id, tlp,'
 *           ' recipients, created_ms, stored_ms, content, signature,'
 *           ' batch_size, batch_index, batch_path FROM messages'):
 *       (ch,) = db.execute("SELECT content_hash FROM ledger WHERE kind = 'message'"
 *                          ' AND ref = ?', (row[0],)).fetchone()
 *       fields = row[:11] + (row[11:] if row[11] else ())
 *       assert ch == H(b''.join(map(F, ('message',) + fields))), row[0]
 *   print(prev.hex())   # the head
 *
 * (tests/integration/ledger_by_hand.py is this recipe, run by the tests.)
 */
#include "ledger.h"
#include "cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "enlace.pb-c.h"
#include "keys.h"
#include "sigcache.h"

/* The latest record seen for one directory entry (officer, PPT year,
 * invitation) or the reference data. */
typedef struct {
    const char *kind; /* one of the ARCHIVE_KIND_* strings */
    int64_t ref;
    int64_t ledger_id;
    uint8_t hash[ARCHIVE_HASH_BYTES];
} latest_t;

typedef struct {
    archive_t *archive;
    ledger_report_t *report;
    FILE *out;
    int max_lines;
    int64_t expect_id;                /* next ledger id */
    uint8_t prev[ARCHIVE_HASH_BYTES]; /* hash of the previous record */
    int64_t last_message;             /* refs increase along the chain */
    int64_t last_audit;
    latest_t *entries; /* every directory record, in ledger order */
    size_t nentries, capentries;
    latest_t reference; /* ledger_id 0: none */
    int failed;         /* could not read: stop */
} verify_t;

static void
s_problem(verify_t *v, const char *what)
{
    ledger_report_t *r = v->report;
    if (r->problems == 0)
        snprintf(r->first_problem, sizeof r->first_problem, "%s", what);
    if (v->out && r->problems < v->max_lines)
        fprintf(v->out, "FAIL %s\n", what);
    r->problems++;
}

/* Gathers the failed checks of one record into one line. */
typedef struct {
    char text[512];
    size_t len;
} why_t;

static void s_why(why_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
s_why(why_t *w, const char *fmt, ...)
{
    if (w->len + 3 >= sizeof w->text)
        return;
    if (w->len) {
        memcpy(w->text + w->len, "; ", 3);
        w->len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->text + w->len, sizeof w->text - w->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len += (size_t)n < sizeof w->text - w->len ? (size_t)n : sizeof w->text - w->len - 1;
}

static void
s_name(const char *kind, int64_t ref, char *out, size_t cap)
{
    if (!strcmp(kind, ARCHIVE_KIND_MESSAGE))
        snprintf(out, cap, "message seq %lld", (long long)ref);
    else if (!strcmp(kind, ARCHIVE_KIND_AUDIT))
        snprintf(out, cap, "audit id %lld", (long long)ref);
    else if (!strcmp(kind, ARCHIVE_KIND_OFFICER))
        snprintf(out, cap, "officer %lld", (long long)ref);
    else if (!strcmp(kind, ARCHIVE_KIND_PPT))
        snprintf(out, cap, "PPT %lld", (long long)ref);
    else if (!strcmp(kind, ARCHIVE_KIND_INVITATION))
        snprintf(out, cap, "invitation %lld", (long long)ref);
    else if (!strcmp(kind, ARCHIVE_KIND_REFERENCE))
        snprintf(out, cap, "reference data");
    else if (!strcmp(kind, "archive key"))
        snprintf(out, cap, "the archive key");
    else
        snprintf(out, cap, "%.40s %lld", kind, (long long)ref);
}

static void
s_report(verify_t *v, const char *kind, int64_t ref, int64_t ledger_id, const why_t *w)
{
    char name[96], line[700];
    s_name(kind, ref, name, sizeof name);
    if (ledger_id)
        snprintf(line, sizeof line, "%s (ledger #%lld): %s", name, (long long)ledger_id, w->text);
    else
        snprintf(line, sizeof line, "%s: %s", name, w->text);
    s_problem(v, line);
}

/* The checks that need no ledger: does the row agree with what its author
 * signed, and did that author sign it? */
static void
s_check_message(verify_t *v, const archive_msg_row_t *row, why_t *w)
{
    const archive_msg_t *m = &row->msg;
    uint8_t digest[32];
    crypto_generichash(digest, sizeof digest, m->content, m->content_len, NULL, 0);
    if (row->content_hash_len != 32 || sodium_memcmp(digest, m->content_hash, 32) != 0)
        s_why(w, "content_hash column is not the BLAKE2b of content");
    if (row->msg_id_len != 16)
        s_why(w, "msg_id is %zu bytes, not 16", row->msg_id_len);
    if (row->signature_len != KEYS_SIGNATURE_BYTES) {
        s_why(w, "signature is %zu bytes, not 64", row->signature_len);
        return;
    }
    Enlace__Content *c = enlace__content__unpack(NULL, m->content_len, m->content);
    if (!c) {
        s_why(w, "content does not decode as Content");
        return;
    }
    if (row->msg_id_len != 16 || c->message_id.len != 16
        || memcmp(c->message_id.data, m->msg_id, 16) != 0)
        s_why(w, "msg_id differs from the signed message_id");
    /* Content.topic is bytes (an embedded NUL must not cut it short): the
     * messages.topic column has to be exactly those bytes. */
    const char *topic = c->topic.data ? (const char *)c->topic.data : "";
    size_t topic_len = c->topic.data ? c->topic.len : 0;
    if (!m->topic || strlen(m->topic) != topic_len || memcmp(m->topic, topic, topic_len) != 0)
        s_why(w, "topic differs from the signed topic");
    const char *slash = topic_len ? memchr(topic, '/', topic_len) : NULL;
    size_t netlen = slash ? (size_t)(slash - topic) : topic_len;
    if (!m->network || strlen(m->network) != netlen || memcmp(topic, m->network, netlen) != 0)
        s_why(w, "network is not the signed topic's first segment");
    if (c->created_ms != m->created_ms)
        s_why(w, "created_ms differs from the signed time");
    int tlp = c->tlp == ENLACE__TLP__TLP_UNSPECIFIED ? ENLACE__TLP__TLP_AMBER : (int)c->tlp;
    if (tlp != m->tlp)
        s_why(w, "tlp differs from the signed label");
    size_t at = 0, rlen = m->recipients ? strlen(m->recipients) : 0;
    int same = m->recipients != NULL;
    for (size_t i = 0; same && i < c->n_recipients; i++) {
        size_t n = strlen(c->recipients[i]);
        if (i && (at >= rlen || m->recipients[at++] != ','))
            same = 0;
        else if (at + n > rlen || strncmp(m->recipients + at, c->recipients[i], n) != 0)
            same = 0;
        else
            at += n;
    }
    if (!same || at != rlen)
        s_why(w, "recipients differ from the signed recipients");
    if ((c->sealed != NULL) != (m->sealed != 0))
        s_why(w, "the sealed column differs from the signed content");
    int64_t owner = 0;
    int found = c->author_key.len == KEYS_PUBLIC_BYTES
        ? archive_key_owner(v->archive, c->author_key.data, &owner)
        : 0;
    if (found == 0 && m->author_id == 0 && c->author_key.len == KEYS_PUBLIC_BYTES) {
        /* The hub's own notices (escalations): signed with the hub key that
         * the hub recorded in the archive. */
        char hex[2 * KEYS_PUBLIC_BYTES + 1], want[2 * KEYS_PUBLIC_BYTES + 1];
        keys_hex_encode(c->author_key.data, KEYS_PUBLIC_BYTES, hex);
        if (archive_meta_get(v->archive, "hub_ed25519", want, sizeof want) == 1
            && !strcmp(hex, want)) {
            found = 1;
            owner = 0;
        }
    }
    if (found < 0) {
        v->failed = 1;
    } else if (found == 0) {
        s_why(w, "the signing key is not in the directory");
    } else if (owner != m->author_id) {
        s_why(w, "the signing key belongs to officer %lld, not to author %lld", (long long)owner,
            (long long)m->author_id);
    } else if (m->batch_size == 0
            ? keys_verify_content(c->author_key.data, m->content, m->content_len, m->signature) != 0
            : sigcache_verify_batched(NULL, c->author_key.data, m->content, m->content_len,
                  m->signature, m->batch_index, m->batch_size, m->batch_path, m->batch_path_len)
                != 0) {
        s_why(w,
            m->batch_size ? "the author's batch signature does not verify with this"
                            " message's index and audit path"
                          : "the author's signature does not verify");
    } else if (w->len == 0) {
        v->report->signatures++;
    }
    enlace__content__free_unpacked(c, NULL);
}

/* kind is a directory kind (ARCHIVE_KIND_OFFICER, _PPT, _INVITATION) or
 * the reference data. */
static void
s_remember(verify_t *v, const char *kind, const archive_ledger_row_t *row)
{
    latest_t l = {.kind = kind, .ref = row->ref, .ledger_id = row->id};
    memcpy(l.hash, row->content_hash, sizeof l.hash);
    if (!strcmp(kind, ARCHIVE_KIND_REFERENCE)) {
        v->reference = l;
        return;
    }
    if (v->nentries == v->capentries) {
        size_t cap = v->capentries ? v->capentries * 2 : 64;
        latest_t *grown = realloc(v->entries, cap * sizeof *grown);
        if (!grown) {
            v->failed = 1;
            return;
        }
        v->entries = grown;
        v->capentries = cap;
    }
    v->entries[v->nentries++] = l;
}

static int
s_record(const archive_ledger_row_t *row, void *arg)
{
    verify_t *v = arg;
    ledger_report_t *r = v->report;
    why_t w = {.len = 0};
    r->records++;

    /* The link. */
    if (row->id != v->expect_id)
        s_why(&w, "ledger ids jump from #%lld to #%lld (records removed from the ledger)",
            (long long)v->expect_id - 1, (long long)row->id);
    v->expect_id = row->id + 1;
    int sizes_ok = row->content_hash_len == 32 && row->prev_hash_len == 32 && row->hash_len == 32;
    uint8_t link[ARCHIVE_HASH_BYTES];
    if (!sizes_ok) {
        s_why(&w, "the ledger row is damaged (a hash is not 32 bytes)");
        memset(link, 0, sizeof link);
    } else {
        if (sodium_memcmp(row->prev_hash, v->prev, 32) != 0)
            s_why(&w, "prev_hash is not the hash of the record before it");
        archive_chain_hash(row->prev_hash, row->kind, row->ref, row->ts_ms, row->content_hash,
            link);
        if (sodium_memcmp(link, row->hash, 32) != 0)
            s_why(&w, "the ledger row was altered (its hash does not match its fields)");
        memcpy(link, row->hash, sizeof link); /* one bad link is reported once */
    }
    memcpy(v->prev, link, sizeof v->prev);
    memcpy(r->head, link, sizeof r->head);
    r->head_id = row->id;

    /* The record. */
    if (!strcmp(row->kind, ARCHIVE_KIND_MESSAGE)) {
        r->messages++;
        if (row->ref <= v->last_message)
            s_why(&w, "recorded twice or out of order (after seq %lld)",
                (long long)v->last_message);
        else
            v->last_message = row->ref;
        archive_msg_row_t m;
        int found = row->ref > 0 ? archive_message_get(v->archive, (uint64_t)row->ref, &m) : 0;
        if (found < 0)
            return v->failed = 1;
        if (found == 0) {
            s_why(&w, "the message row is missing (deleted)");
        } else {
            if (sizes_ok && sodium_memcmp(m.record_hash, row->content_hash, 32) != 0)
                s_why(&w, "the message row differs from what was recorded");
            s_check_message(v, &m, &w);
        }
    } else if (!strcmp(row->kind, ARCHIVE_KIND_AUDIT)) {
        r->audits++;
        if (row->ref <= v->last_audit)
            s_why(&w, "recorded twice or out of order (after id %lld)", (long long)v->last_audit);
        else
            v->last_audit = row->ref;
        archive_audit_row_t a;
        uint8_t h[ARCHIVE_HASH_BYTES];
        int found = archive_audit_get(v->archive, row->ref, &a, h);
        if (found < 0)
            return v->failed = 1;
        if (found == 0)
            s_why(&w, "the audit row is missing (deleted)");
        else if (sizes_ok && sodium_memcmp(h, row->content_hash, 32) != 0)
            s_why(&w, "the audit row differs from what was recorded");
    } else if (!strcmp(row->kind, ARCHIVE_KIND_OFFICER) || !strcmp(row->kind, ARCHIVE_KIND_PPT)
        || !strcmp(row->kind, ARCHIVE_KIND_INVITATION)
        || !strcmp(row->kind, ARCHIVE_KIND_REFERENCE)) {
        /* Only the latest state is still in the tables: compared at the end. */
        const char *kind;
        if (!strcmp(row->kind, ARCHIVE_KIND_OFFICER)) {
            kind = ARCHIVE_KIND_OFFICER;
            r->officers++;
        } else if (!strcmp(row->kind, ARCHIVE_KIND_PPT)) {
            kind = ARCHIVE_KIND_PPT;
            r->ppt++;
        } else if (!strcmp(row->kind, ARCHIVE_KIND_INVITATION)) {
            kind = ARCHIVE_KIND_INVITATION;
            r->invitations++;
        } else {
            kind = ARCHIVE_KIND_REFERENCE;
            r->references++;
        }
        if (sizes_ok)
            s_remember(v, kind, row);
    } else {
        r->others++;
    }
    if (w.len)
        s_report(v, row->kind, row->ref, row->id, &w);
    return v->failed;
}

/* Groups the records of one entry together, its latest last. */
static int
s_by_entry_then_id(const void *a, const void *b)
{
    const latest_t *x = a, *y = b;
    int k = strcmp(x->kind, y->kind);
    if (k)
        return k;
    if (x->ref != y->ref)
        return x->ref < y->ref ? -1 : 1;
    return x->ledger_id < y->ledger_id ? -1 : x->ledger_id > y->ledger_id;
}

/* The directory as it is now against its latest records. */
static int
s_check_directory(verify_t *v)
{
    if (v->nentries) /* none, in an archive without officers: entries is NULL */
        qsort(v->entries, v->nentries, sizeof *v->entries, s_by_entry_then_id);
    for (size_t i = 0; i < v->nentries; i++) {
        const latest_t *l = &v->entries[i];
        if (i + 1 < v->nentries && v->entries[i + 1].ref == l->ref
            && !strcmp(v->entries[i + 1].kind, l->kind))
            continue; /* not the latest */
        uint8_t h[ARCHIVE_HASH_BYTES];
        int found = archive_directory_hash(v->archive, l->kind, l->ref, h);
        if (found < 0)
            return -1;
        why_t w = {.len = 0};
        if (found == 0)
            s_why(&w, "the directory entry is missing (deleted)");
        else if (sodium_memcmp(h, l->hash, 32) != 0)
            s_why(&w, "the directory entry (%s) differs from its last recorded state",
                !strcmp(l->kind, ARCHIVE_KIND_OFFICER)   ? "officer row, keys or memberships"
                    : !strcmp(l->kind, ARCHIVE_KIND_PPT) ? "the year's PPT row"
                                                         : "invitation row");
        if (w.len)
            s_report(v, l->kind, l->ref, l->ledger_id, &w);
    }
    uint8_t h[ARCHIVE_HASH_BYTES];
    if (archive_reference_hash(v->archive, h) != 0)
        return -1;
    if (v->reference.ledger_id && sodium_memcmp(h, v->reference.hash, 32) != 0) {
        why_t w = {.len = 0};
        s_why(&w, "countries, organisations or networks differ from their last recorded state");
        s_report(v, ARCHIVE_KIND_REFERENCE, 0, v->reference.ledger_id, &w);
    }
    return 0;
}

static int
s_unledgered(const char *kind, int64_t ref, void *arg)
{
    verify_t *v = arg;
    why_t w = {.len = 0};
    s_why(&w, "not in the ledger (written behind the hub's back)");
    s_report(v, kind ? kind : "?", ref, 0, &w);
    return 0;
}

typedef struct {
    char hex[2 * KEYS_PUBLIC_BYTES + 1]; /* "" until an entry is seen */
} key_entry_t;

static int
s_archive_key_entry(const archive_audit_row_t *row, void *arg)
{
    key_entry_t *k = arg;
    const char *p = row->detail ? row->detail : "";
    if (row->action && !strcmp(row->action, "archive-key.set") && row->outcome
        && !strcmp(row->outcome, "ok") && !strncmp(p, "ed25519 ", 8))
        snprintf(k->hex, sizeof k->hex, "%.64s", p + 8);
    return 0;
}

/* The archive key in the meta table (what the hub seals to) is the one the
 * latest audited `archive-key set` named: the audit log is chained, the
 * meta table is not. */
static int
s_check_archive_key(verify_t *v)
{
    char meta[2 * KEYS_PUBLIC_BYTES + 8] = "";
    int found = archive_meta_get(v->archive, "archive_key", meta, sizeof meta);
    key_entry_t k = {.hex = ""};
    if (found < 0 || archive_audit_each(v->archive, s_archive_key_entry, &k) != 0)
        return -1;
    why_t w = {.len = 0};
    if (found == 1 && strcmp(meta, k.hex) != 0)
        s_why(&w,
            k.hex[0] ? "the archive key is not the one the last audited archive-key set "
                       "named (changed behind the hub's back)"
                     : "an archive key is set that no audited archive-key set named "
                       "(written behind the hub's back)");
    else if (found == 0 && k.hex[0])
        s_why(&w, "the archive key the audit log names is missing (deleted)");
    if (w.len)
        s_report(v, "archive key", 0, 0, &w);
    return 0;
}

int
ledger_verify(archive_t *archive, ledger_report_t *report, FILE *out, int max_lines)
{
    memset(report, 0, sizeof *report);
    verify_t v = {.archive = archive,
        .report = report,
        .out = out,
        .max_lines = max_lines,
        .expect_id = 1};
    if (archive_read_begin(archive) != 0)
        return -1;
    int rc = archive_ledger_each(archive, s_record, &v);
    if (rc == 0 && !v.failed)
        rc = s_check_directory(&v);
    if (rc == 0 && !v.failed)
        rc = archive_unledgered_each(archive, s_unledgered, &v);
    if (rc == 0 && !v.failed)
        rc = s_check_archive_key(&v);
    archive_read_end(archive);
    free(v.entries);
    return rc == 0 && !v.failed ? 0 : -1;
}

void
ledger_archive_path(const char *arg, char *out, size_t cap)
{
    struct stat st;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(out, cap, "%s/" ARCHIVE_FILE, arg);
    else
        snprintf(out, cap, "%s", arg);
}

int
cmd_verify(int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') {
        fprintf(stderr, "usage: enlace-hub verify DATA|FILE\n");
        return 2;
    }
    char path[4200], err[512];
    ledger_archive_path(argv[0], path, sizeof path);
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "enlace-hub: %s has no archive (%s does not exist)\n", argv[0], path);
        return 1;
    }
    if (keys_init() != 0) {
        fprintf(stderr, "enlace-hub: libsodium failed to initialise\n");
        return 1;
    }
    archive_t *a = archive_open_readonly(path, err, sizeof err);
    if (!a) {
        fprintf(stderr, "enlace-hub: %s\n", err);
        return 1;
    }
    ledger_report_t r;
    const int max_lines = 50;
    if (ledger_verify(a, &r, stdout, max_lines) != 0) {
        fprintf(stderr, "enlace-hub: verify could not read the archive: %s\n", archive_error(a));
        archive_destroy(&a);
        return 1;
    }
    archive_destroy(&a);
    char head[2 * ARCHIVE_HASH_BYTES + 1];
    keys_hex_encode(r.head, sizeof r.head, head);
    if (r.problems) {
        if (r.problems > max_lines)
            printf("... and %lld more\n", (long long)(r.problems - max_lines));
        printf("verify: %s does NOT match its ledger: %lld problem%s; the first:\n  %s\n", path,
            (long long)r.problems, r.problems == 1 ? "" : "s", r.first_problem);
        return 1;
    }
    printf("archive    %s\n", path);
    printf("records    %lld: %lld messages, %lld audit entries, %lld directory changes"
           " (%lld officer, %lld PPT, %lld invitation), %lld reference-data snapshots",
        (long long)r.records, (long long)r.messages, (long long)r.audits,
        (long long)(r.officers + r.ppt + r.invitations), (long long)r.officers, (long long)r.ppt,
        (long long)r.invitations, (long long)r.references);
    if (r.others)
        printf(", %lld of other kinds (chain checked only)", (long long)r.others);
    printf("\nchain      intact, #1 to #%lld\n", (long long)r.head_id);
    printf("signatures %lld of %lld messages verify with their author's registered key\n",
        (long long)r.signatures, (long long)r.messages);
    printf("head       #%lld %s\n", (long long)r.head_id, head);
    printf("verified: every record matches its row and nothing is missing or unrecorded\n");
    return 0;
}
