/*
 * fuzz_dispatch: the hub's real request handling, from a decoded frame to the
 * archive and back: s_preverify, s_handle_inbound and the end of the loop's
 * turn (commit, "stored" replies, deliveries), as `enlace-hub run` does them,
 * minus the network. One hub is opened once, on a real archive in a temporary
 * folder, with a directory of five keys: a focal point (MX; consular,
 * trafficking, child, crm), an officer (GT; consular), the ST, the ST's
 * administrator and an invited observer (IOM, child/# read-write).
 *
 * An input is: one byte choosing the sender (a key of the directory, or a
 * fingerprint the directory does not know), then up to 16 frames, each a
 * 2-byte little-endian header and that many bytes, handed to the hub as one
 * receive batch after a valid Hello on that connection, followed by a Bye so
 * every input starts from a fresh session (subscriptions, cursors and stored
 * messages stay in the archive, as they would). Every RESET_EVERY inputs the
 * hub is closed and reopened on a fresh copy of the set-up archive, so the
 * archive cannot grow for the whole run (the fuzzer slowed from about 1,000
 * to about 200 inputs a second without it) and a crash depends on at most
 * that many earlier inputs. The header's low 15 bits are the frame's
 * length; its top bit makes the frame arrive as the first part of a
 * multipart message, which the hub must refuse (error(malformed)) and
 * survive like any other. A Publish whose content
 * decodes and whose signature field starts with an even byte gets the
 * sender's key as author and is re-signed with it, so the fuzzer reaches
 * storing, indexing and delivery, not only the signature check; odd keeps
 * content and signature as sent. The request rate limit is off.
 *
 * Each sender's connection is a real DEALER on inproc with the routing id
 * the frames claim, so the hub's replies and deliveries are routed and then
 * drained (ROUTER_MANDATORY would otherwise refuse them).
 *
 * A property, besides not crashing: the set-up archive holds four messages
 * by a Costa Rican officer who never sends (RED to herself, sealed, AMBER+STRICT,
 * AMBER in consular, GREEN with personal data in child), each with a marker
 * word. After every input, every byte drained from a sender's connection is
 * searched for the marker of each of them that the sender may not see
 * (disclose.h, the archive path, with the directory as it is); a marker
 * found there, and in no message the fuzzer stored itself, is a leak: abort.
 * Inputs that change the directory (administration over the wire) are not
 * checked, since what a sender may see changed during them.
 *
 * The set-up archive also holds a consultation the PPT (a Honduran focal
 * point in crm who never sends) opened to the Troika, Honduras alone: no
 * sender's country is in it, so its title (the consultation's own facts,
 * disclose_consultation) and its text (an AMBER+STRICT message) carry
 * markers of their own, checked the same way, by the consultation as it is
 * in the archive at each check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "admin.h"
#include "attrs.h"
#include "consult.h"
#include "disclose.h"
#include "enlace.pb-c.h"
#include "hub.h"
#include "hub_int.h"
#include "keys.h"
#include "resign.h"
#include "seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SENDERS 5
#define MAX_FRAMES 16
#define RESET_EVERY 2000

/* The secrets of the set-up archive (see the header). */
#define SECRETS 4
static const struct {
    const char *topic;
    int tlp;
    int to_self; /* RED: named recipient is the author herself */
    int personal;
    const char *marker;
} s_secret[SECRETS] = {
    {"consular/secret/red", ENLACE__TLP__TLP_RED, 1, 0, "zqleakmarkred5c1f"},
    {"consular/secret/strict", ENLACE__TLP__TLP_AMBER_STRICT, 0, 0, "zqleakmarkstrict8d2"},
    {"consular/secret/amber", ENLACE__TLP__TLP_AMBER, 0, 0, "zqleakmarkamber9a4e"},
    {"child/secret/personal", ENLACE__TLP__TLP_GREEN, 0, 1, "zqleakmarkpersonal3b7"},
};

/* The consultation's markers, checked after the secrets (CHECKS in all). */
#define CONSULT_TITLE_MARK "zqleakmarkctitle7d3"
#define CONSULT_TEXT_MARK "zqleakmarkctext2f9"
#define CHECKS (SECRETS + 2)

static struct {
    char dir[64];
    unsigned inputs; /* since the hub was last opened */
    hub_config_t cfg;
    hub_t *hub;
    keys_identity_t *id[SENDERS];
    char fp[SENDERS][KEYS_FINGERPRINT_LEN];
    void *dealer[SENDERS + 1];
    keys_identity_t *author; /* the secrets' author: never a sender */
    char author_fp[KEYS_FINGERPRINT_LEN];
    uint64_t secret_seq[SECRETS];
    keys_identity_t *ppt; /* the consultation's opener: never a sender */
    char ppt_fp[KEYS_FINGERPRINT_LEN];
    uint64_t consult_id; /* the seq of its opening message */
    uint8_t *got;        /* the bytes drained from one connection */
    size_t ngot, capgot;
} s;

static void s_store_secrets(void);
static void s_store_consultation(void);

static const char *const s_roles[SENDERS][6] = {
    {"--country", "MX", "--network", "consular,trafficking,child,crm", "--role", "focal"},
    {"--country", "GT", "--network", "consular", "--role", "officer"},
    {"--org", "ST", "--role", "st", NULL, NULL},
    {"--org", "ST", "--role", "admin", NULL, NULL},
    {"--org", "IOM", "--role", "observer", NULL, NULL},
};

static void
s_run(int argc, const char **argv)
{
    if (admin_offline(argc, (char **)argv) != 0) {
        fprintf(stderr, "fuzz_dispatch: set-up failed: %s %s\n", argv[0], argv[1]);
        abort();
    }
}

static void
s_hub_close(void)
{
    for (int i = 0; i <= SENDERS; i++)
        if (s.dealer[i]) {
            zmq_close(s.dealer[i]);
            s.dealer[i] = NULL;
        }
    hub_test_close(&s.hub);
}

/* Opens the hub on DIR/data and connects one DEALER per sender. */
static void
s_hub_open(void)
{
    s.hub = hub_test_open(&s.cfg);
    if (!s.hub)
        abort();
    for (int i = 0; i <= SENDERS; i++) {
        s.dealer[i] = zmq_socket(s.hub->ctx, ZMQ_DEALER);
        uint8_t rid[2] = {'c', (uint8_t)('0' + i)};
        if (!s.dealer[i] || zmq_setsockopt(s.dealer[i], ZMQ_ROUTING_ID, rid, sizeof rid) != 0
            || zmq_connect(s.dealer[i], s.cfg.bind) != 0)
            abort();
    }
    usleep(50 * 1000); /* let the ROUTER learn the routing ids */
    s.inputs = 0;
}

/* Closes the hub, puts back the archive as the set-up left it, reopens. */
static void
s_hub_reset(void)
{
    s_hub_close();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/data' && cp -a '%s/template' '%s/data'", s.dir, s.dir,
        s.dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "fuzz_dispatch: could not reset %s/data\n", s.dir);
        abort();
    }
    s_hub_open();
}

static void
s_cleanup(void)
{
    s_hub_close();
    for (int i = 0; i < SENDERS; i++)
        keys_identity_destroy(&s.id[i]);
    keys_identity_destroy(&s.author);
    keys_identity_destroy(&s.ppt);
    free(s.got);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s.dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_dispatch: could not remove %s\n", s.dir);
}

static void
s_setup(void)
{
    snprintf(s.dir, sizeof s.dir, "/tmp/fuzz-dispatch-XXXXXX");
    if (!mkdtemp(s.dir) || keys_init() != 0)
        abort();
    atexit(s_cleanup);
    char data[96];
    snprintf(data, sizeof data, "%s/data", s.dir);
    char *init[] = {data};
    if (admin_init(1, init) != 0)
        abort();
    for (int i = 0; i < SENDERS; i++) {
        s.id[i] = keys_identity_new();
        if (!s.id[i])
            abort();
        keys_fingerprint(keys_identity_public(s.id[i]), s.fp[i]);
        char hex[2 * KEYS_PUBLIC_BYTES + 1], name[16];
        keys_hex_encode(keys_identity_public(s.id[i]), KEYS_PUBLIC_BYTES, hex);
        snprintf(name, sizeof name, "fuzz%d", i);
        const char *argv[16] = {"officer", "add", data, "--public-key", hex, "--name", name};
        int argc = 7;
        for (int k = 0; k < 6 && s_roles[i][k]; k++)
            argv[argc++] = s_roles[i][k];
        s_run(argc, argv);
    }
    const char *invite[] = {"invite", "grant", data, "--to", "IOM", "--network", "child",
        "--topics", "child/#", "--access", "readwrite", "--for", "3650d"};
    s_run(13, invite);
    s.author = keys_identity_new();
    if (!s.author)
        abort();
    keys_fingerprint(keys_identity_public(s.author), s.author_fp);
    {
        char hex[2 * KEYS_PUBLIC_BYTES + 1];
        keys_hex_encode(keys_identity_public(s.author), KEYS_PUBLIC_BYTES, hex);
        const char *argv[] = {"officer", "add", data, "--public-key", hex, "--name", "secretos",
            "--country", "CR", "--network", "consular,child", "--role", "officer"};
        s_run(13, argv);
    }
    s.ppt = keys_identity_new();
    if (!s.ppt)
        abort();
    keys_fingerprint(keys_identity_public(s.ppt), s.ppt_fp);
    {
        char hex[2 * KEYS_PUBLIC_BYTES + 1];
        keys_hex_encode(keys_identity_public(s.ppt), KEYS_PUBLIC_BYTES, hex);
        const char *argv[] = {"officer", "add", data, "--public-key", hex, "--name", "presidencia",
            "--country", "HN", "--network", "crm", "--role", "focal"};
        s_run(13, argv);
        const char *ppt[] = {"ppt", "set", data, "--country", "HN"};
        s_run(5, ppt);
    }
    hub_config_defaults(&s.cfg);
    s.cfg.data_dir = strdup(data);
    s.cfg.bind = "inproc://fuzz-dispatch";
    s.cfg.sync = ARCHIVE_SYNC_OFF;
    /* Thousands of inputs a second on a few connections: without this the
     * rate limit would answer most of them, and hide the rest of the hub. */
    s.cfg.request_rate = 0;
    s.cfg.log_level = 0; /* quiet: only LOG_EMERG */
    s_hub_open();
    s_store_secrets();
    s_store_consultation();
    s_hub_close();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cp -a '%s' '%s/template'", data, s.dir);
    if (system(cmd) != 0)
        abort();
    s_hub_open();
}

static uint8_t *s_pack(Enlace__Frame *f, uint64_t request_id, size_t *len);

/* Drains what the hub sent to the connection into s.got. */
static void
s_drain(void *dealer)
{
    s.ngot = 0;
    zmq_msg_t m;
    zmq_msg_init(&m);
    while (zmq_msg_recv(&m, dealer, ZMQ_DONTWAIT) >= 0) {
        size_t len = zmq_msg_size(&m);
        if (s.ngot + len > s.capgot) {
            size_t cap = (s.ngot + len) * 2;
            uint8_t *grown = realloc(s.got, cap);
            if (!grown)
                abort();
            s.got = grown;
            s.capgot = cap;
        }
        memcpy(s.got + s.ngot, zmq_msg_data(&m), len);
        s.ngot += len;
    }
    zmq_msg_close(&m);
}

/* Whether word occurs in the n bytes at p, compared a byte at a time (not
 * with memcmp or memmem, whose arguments libFuzzer watches: it would learn
 * the markers and publish them itself). */
static int
s_has(const uint8_t *p, size_t n, const char *word)
{
    size_t len = strlen(word);
    for (size_t i = 0; i + len <= n; i++) {
        size_t k = 0;
        while (k < len && p[i + k] == (uint8_t)word[k])
            k++;
        if (k == len)
            return 1;
    }
    return 0;
}

typedef struct {
    const char *marker;
    int foreign; /* a message other than the secrets holds the marker */
} marker_scan_t;

static int
s_marker_row(const archive_msg_t *m, void *arg)
{
    marker_scan_t *ms = arg;
    int secret = m->seq == s.consult_id;
    for (int i = 0; i < SECRETS; i++)
        secret |= m->seq == s.secret_seq[i];
    if (!secret && s_has(m->content, m->content_len, ms->marker))
        ms->foreign = 1;
    return 0;
}

/* 1 if a message the fuzzer stored itself holds the marker. */
static int
s_marker_elsewhere(const char *marker)
{
    marker_scan_t ms = {marker, 0};
    uint64_t after = 0;
    for (;;) {
        uint64_t before = after;
        if (archive_messages_after(s.hub->archive, after, 256, s_marker_row, &ms) != 0)
            return 1; /* cannot tell: do not call it a leak */
        after = archive_last_seq(s.hub->archive);
        if (after <= before || ms.foreign)
            return ms.foreign;
    }
}

/* Which secrets each sender may see now (disclose.h, the archive path),
 * then the consultation's title and text. */
static void
s_visibility(int may[SENDERS + 1][CHECKS])
{
    consult_row_t c;
    int have = consult_load(s.hub->archive, s.consult_id, &c) == 1;
    attrs_t text;
    int have_text = attrs_load(s.hub->archive, s.hub->dir, s.consult_id, &text) == 1;
    const dir_entry_t *author = directory_find(s.hub->dir, s.author_fp);
    for (int sender = 0; sender <= SENDERS; sender++) {
        const dir_entry_t *who = sender < SENDERS ? directory_find(s.hub->dir, s.fp[sender]) : NULL;
        disclose_reader_t r = {.dir = s.hub->dir, .who = who, .now_ms = archive_now_ms()};
        for (int i = 0; i < SECRETS; i++) {
            disclose_msg_t m = {.seq = s.secret_seq[i],
                .topic = s_secret[i].topic,
                .network = s_secret[i].topic[0] == 'c' ? "consular" : "child",
                .tlp = s_secret[i].tlp,
                .recipients = s_secret[i].to_self ? s.author_fp : "",
                .author_id = author ? author->officer_id : 0,
                .author_home = "CR",
                .personal = s_secret[i].personal};
            /* A revoked author: not a question this property asks. */
            may[sender][i] = !author || (who && disclose_all(&r, &m, DISCLOSE_ARCHIVE));
        }
        /* Cannot tell (not found): do not call it a leak. */
        may[sender][SECRETS] = !have || (who && consult_visible(s.hub->dir, who, &c, r.now_ms));
        may[sender][SECRETS + 1] = !have_text
            || (who
                && attrs_level(&text, s.hub->dir, who, DISCLOSE_ARCHIVE, r.now_ms) == DISCLOSE_ALL);
    }
}

/* The property: no byte drained from the sender's connection holds the
 * marker of a secret that sender could see neither before the input nor
 * after it. */
static void
s_check_leaks(int sender, int before[SENDERS + 1][CHECKS], int after[SENDERS + 1][CHECKS])
{
    if (s.ngot == 0)
        return;
    for (int i = 0; i < CHECKS; i++) {
        int may = before[sender][i] || after[sender][i];
        const char *marker = i < SECRETS ? s_secret[i].marker
            : i == SECRETS               ? CONSULT_TITLE_MARK
                                         : CONSULT_TEXT_MARK;
        if (!may && s_has(s.got, s.ngot, marker) && !s_marker_elsewhere(marker)) {
            fprintf(stderr, "fuzz_dispatch: LEAK: sender %d received the marker of %s\n", sender,
                i < SECRETS ? s_secret[i].topic : marker);
            abort();
        }
    }
}

/* Stores the secrets, published by their author (who never sends again). */
static void
s_store_secrets(void)
{
    uint8_t rid[2] = {'s', 'x'};
    void *dealer = zmq_socket(s.hub->ctx, ZMQ_DEALER);
    if (!dealer || zmq_setsockopt(dealer, ZMQ_ROUTING_ID, rid, sizeof rid) != 0
        || zmq_connect(dealer, s.cfg.bind) != 0)
        abort();
    usleep(50 * 1000);
    Enlace__Frame hello_frame = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    hello_frame.body_case = ENLACE__FRAME__BODY_HELLO;
    hello_frame.hello = &hello;
    size_t len;
    uint8_t *buf = s_pack(&hello_frame, 1, &len);
    const void *frames[1] = {buf};
    hub_test_feed(s.hub, s.author_fp, rid, sizeof rid, frames, &len, NULL, 1);
    free(buf);
    for (int i = 0; i < SECRETS; i++) {
        Enlace__Content c = ENLACE__CONTENT__INIT;
        uint8_t id[16];
        for (int k = 0; k < 16; k++)
            id[k] = (uint8_t)(i * 16 + k + 1);
        c.message_id = (ProtobufCBinaryData){.len = 16, .data = id};
        c.topic = (ProtobufCBinaryData){.len = strlen(s_secret[i].topic),
            .data = (uint8_t *)s_secret[i].topic};
        c.author_key = (ProtobufCBinaryData){.len = KEYS_PUBLIC_BYTES,
            .data = (uint8_t *)keys_identity_public(s.author)};
        c.tlp = (Enlace__Tlp)s_secret[i].tlp;
        char *to[1] = {s.author_fp};
        if (s_secret[i].to_self) {
            c.recipients = to;
            c.n_recipients = 1;
        }
        c.personal_data = s_secret[i].personal;
        c.body = (ProtobufCBinaryData){.len = strlen(s_secret[i].marker),
            .data = (uint8_t *)s_secret[i].marker};
        /* RED is sealed (to the author, its one recipient), as libenlace
         * seals it: the hub refuses RED in the clear. */
        Enlace__Sealed sealed = ENLACE__SEALED__INIT;
        Enlace__SealedPart part;
        if (c.tlp == ENLACE__TLP__TLP_RED) {
            sealed.form = "";
            seal_move(&c, &part);
            c.sealed = &sealed;
            if (seal_encrypt(&c, &part, (const uint8_t(*)[32])keys_identity_public(s.author), 1)
                != SEAL_OK)
                abort();
        }
        size_t clen = enlace__content__get_packed_size(&c);
        uint8_t *cbuf = malloc(clen), sig[KEYS_SIGNATURE_BYTES];
        if (!cbuf)
            abort();
        enlace__content__pack(&c, cbuf);
        seal_sealed_fini(&sealed);
        if (keys_sign_content(s.author, cbuf, clen, sig) != 0)
            abort();
        Enlace__Frame f = ENLACE__FRAME__INIT;
        Enlace__Publish p = ENLACE__PUBLISH__INIT;
        p.content = (ProtobufCBinaryData){.len = clen, .data = cbuf};
        p.signature = (ProtobufCBinaryData){.len = sizeof sig, .data = sig};
        f.body_case = ENLACE__FRAME__BODY_PUBLISH;
        f.publish = &p;
        buf = s_pack(&f, (uint64_t)(i + 2), &len);
        frames[0] = buf;
        uint64_t before = archive_last_seq(s.hub->archive);
        hub_test_feed(s.hub, s.author_fp, rid, sizeof rid, frames, &len, NULL, 1);
        s.secret_seq[i] = archive_last_seq(s.hub->archive);
        if (s.secret_seq[i] != before + 1) {
            fprintf(stderr, "fuzz_dispatch: set-up: secret %d was not stored\n", i);
            abort();
        }
        free(buf);
        free(cbuf);
    }
    zmq_close(dealer);
}

/* The consultation: opened by the PPT, AMBER+STRICT to the Troika's only
 * country (Honduras: the PPT herself is its addressee). */
static void
s_store_consultation(void)
{
    uint8_t rid[2] = {'s', 'p'};
    void *dealer = zmq_socket(s.hub->ctx, ZMQ_DEALER);
    if (!dealer || zmq_setsockopt(dealer, ZMQ_ROUTING_ID, rid, sizeof rid) != 0
        || zmq_connect(dealer, s.cfg.bind) != 0)
        abort();
    usleep(50 * 1000);
    Enlace__Frame hello_frame = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    hello_frame.body_case = ENLACE__FRAME__BODY_HELLO;
    hello_frame.hello = &hello;
    size_t len;
    uint8_t *buf = s_pack(&hello_frame, 1, &len);
    const void *frames[1] = {buf};
    hub_test_feed(s.hub, s.ppt_fp, rid, sizeof rid, frames, &len, NULL, 1);
    free(buf);
    Enlace__Content c = ENLACE__CONTENT__INIT;
    Enlace__Consult k = ENLACE__CONSULT__INIT;
    uint8_t id[16];
    for (int i = 0; i < 16; i++)
        id[i] = (uint8_t)(0xc0 + i);
    k.step = ENLACE__CONSULT_STEP__CONSULT_OPEN;
    k.title = "Consulta " CONSULT_TITLE_MARK;
    c.message_id = (ProtobufCBinaryData){.len = 16, .data = id};
    c.topic = (ProtobufCBinaryData){.len = strlen("crm/members/consult"),
        .data = (uint8_t *)"crm/members/consult"};
    c.author_key = (ProtobufCBinaryData){.len = KEYS_PUBLIC_BYTES,
        .data = (uint8_t *)keys_identity_public(s.ppt)};
    c.tlp = ENLACE__TLP__TLP_AMBER_STRICT;
    char *to[1] = {s.ppt_fp};
    c.recipients = to;
    c.n_recipients = 1;
    c.body = (ProtobufCBinaryData){.len = strlen(CONSULT_TEXT_MARK),
        .data = (uint8_t *)CONSULT_TEXT_MARK};
    c.consult = &k;
    size_t clen = enlace__content__get_packed_size(&c);
    uint8_t *cbuf = malloc(clen), sig[KEYS_SIGNATURE_BYTES];
    if (!cbuf)
        abort();
    enlace__content__pack(&c, cbuf);
    if (keys_sign_content(s.ppt, cbuf, clen, sig) != 0)
        abort();
    Enlace__Frame f = ENLACE__FRAME__INIT;
    Enlace__Publish p = ENLACE__PUBLISH__INIT;
    p.content = (ProtobufCBinaryData){.len = clen, .data = cbuf};
    p.signature = (ProtobufCBinaryData){.len = sizeof sig, .data = sig};
    f.body_case = ENLACE__FRAME__BODY_PUBLISH;
    f.publish = &p;
    buf = s_pack(&f, 2, &len);
    frames[0] = buf;
    uint64_t before = archive_last_seq(s.hub->archive);
    hub_test_feed(s.hub, s.ppt_fp, rid, sizeof rid, frames, &len, NULL, 1);
    s.consult_id = archive_last_seq(s.hub->archive);
    consult_row_t row;
    if (s.consult_id != before + 1 || consult_load(s.hub->archive, s.consult_id, &row) != 1) {
        fprintf(stderr, "fuzz_dispatch: set-up: the consultation was not opened\n");
        abort();
    }
    free(buf);
    free(cbuf);
    zmq_close(dealer);
}

/* A Frame holding one request, packed into a malloc'd buffer. */
static uint8_t *
s_pack(Enlace__Frame *f, uint64_t request_id, size_t *len)
{
    f->version = ENLACE__PROTOCOL__PROTOCOL_VERSION;
    f->request_id = request_id;
    *len = enlace__frame__get_packed_size(f);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (!buf)
        abort();
    enlace__frame__pack(f, buf);
    return buf;
}

/* The frame as given; or, when it is a publish whose signature field starts
 * with an even byte and whose content decodes with a 32-byte author key, the
 * content with the sender's key as author, re-encoded and signed by the
 * sender. Returns a malloc'd buffer. */
static uint8_t *
s_maybe_resign(int sender, const uint8_t *p, size_t n, size_t *len)
{
    Enlace__Frame *f = sender < SENDERS ? enlace__frame__unpack(NULL, n, p) : NULL;
    uint8_t sig[KEYS_SIGNATURE_BYTES], *cbuf = NULL;
    size_t clen = 0;
    if (f && f->body_case == ENLACE__FRAME__BODY_PUBLISH && f->publish->signature.len > 0
        && f->publish->signature.data[0] % 2 == 0)
        cbuf = fuzz_resign_content(s.id[sender], f->publish->content, f->publish->batch, &clen,
            sig);
    if (cbuf) {
        ProtobufCBinaryData old_content = f->publish->content, old_sig = f->publish->signature;
        f->publish->content = (ProtobufCBinaryData){.len = clen, .data = cbuf};
        f->publish->signature = (ProtobufCBinaryData){.len = sizeof sig, .data = sig};
        uint8_t *out = s_pack(f, f->request_id, len);
        f->publish->content = old_content; /* restored: freed with the frame */
        f->publish->signature = old_sig;
        free(cbuf);
        enlace__frame__free_unpacked(f, NULL);
        return out;
    }
    enlace__frame__free_unpacked(f, NULL);
    uint8_t *out = malloc(n ? n : 1);
    if (!out)
        abort();
    memcpy(out, p, n);
    *len = n;
    return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s.hub)
        s_setup();
    else if (++s.inputs >= RESET_EVERY)
        s_hub_reset();
    if (size < 1)
        return 0;
    int sender = data[0] % (SENDERS + 1);
    const char *user = sender < SENDERS ? s.fp[sender] : "AAAA-BBBB-CCCC-DDDD";
    uint8_t rid[2] = {'c', (uint8_t)('0' + sender)};

    const void *frames[MAX_FRAMES + 2];
    size_t lens[MAX_FRAMES + 2];
    uint8_t *owned[MAX_FRAMES + 2];
    uint8_t multipart[MAX_FRAMES + 2] = {0};
    int n = 0;
    Enlace__Frame hello_frame = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    hello_frame.body_case = ENLACE__FRAME__BODY_HELLO;
    hello_frame.hello = &hello;
    owned[n] = s_pack(&hello_frame, 1, &lens[n]);
    frames[n] = owned[n];
    n++;
    size_t at = 1;
    while (n < MAX_FRAMES + 1 && at + 2 <= size) {
        size_t header = (size_t)data[at] | (size_t)data[at + 1] << 8;
        size_t len = header & 0x7fff;
        multipart[n] = (header & 0x8000) != 0;
        at += 2;
        if (len > size - at)
            len = size - at;
        owned[n] = s_maybe_resign(sender, data + at, len, &lens[n]);
        frames[n] = owned[n];
        n++;
        at += len;
    }
    Enlace__Frame bye_frame = ENLACE__FRAME__INIT;
    Enlace__Bye bye = ENLACE__BYE__INIT;
    bye_frame.body_case = ENLACE__FRAME__BODY_BYE;
    bye_frame.bye = &bye;
    owned[n] = s_pack(&bye_frame, 2, &lens[n]);
    frames[n] = owned[n];
    n++;
    /* Hello alone first (the session must exist before the batch is
     * pre-verified, as when a client's Hello came in an earlier turn). */
    static int before[SENDERS + 1][CHECKS], after[SENDERS + 1][CHECKS];
    s_visibility(before);
    const directory_t *dir_before = s.hub->dir;
    int64_t version_before = s.hub->dir_version;
    hub_test_feed(s.hub, user, rid, sizeof rid, frames, lens, NULL, 1);
    hub_test_feed(s.hub, user, rid, sizeof rid, frames + 1, lens + 1, multipart + 1, n - 2);
    hub_test_feed(s.hub, user, rid, sizeof rid, frames + n - 1, lens + n - 1, NULL, 1);
    for (int i = 0; i < n; i++)
        free(owned[i]);
    int dir_changed = s.hub->dir != dir_before || s.hub->dir_version != version_before;
    s_visibility(after);
    for (int i = 0; i <= SENDERS; i++) {
        s_drain(s.dealer[i]);
        if (!dir_changed)
            s_check_leaks(i, before, after);
    }
    return 0;
}
