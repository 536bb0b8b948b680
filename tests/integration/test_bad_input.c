/*
 * test_bad_input: the hub keeps serving, loses nothing and says why.
 *
 * A well-behaved officer publishes a numbered message every ~20 ms from a
 * background thread while a second officer listens, for the whole run. Each
 * test meanwhile sends the hub one kind of bad input from another
 * connection: raw frames from a hand-driven CURVE DEALER (rawclient.c),
 * plaintext and wrongly keyed clients, and a thousand half-open TCP
 * connections. Every refused request must get exactly one Error with the
 * right code, and, when the sender was authenticated, an audit record
 * "refused:<code>" under its fingerprint. At the end every message the good
 * publisher saw stored must have reached the listener exactly once, and the
 * hub must still be running and shut down cleanly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zmq.h>

#include "enlace.pb-c.h"
#include "harness.h"
#include "keys.h"
#include "merkle.h"
#include "rawclient.h"

#define REPLY_TIMEOUT_MS 3000
#define NO_REPLY_WAIT_MS 1500
#define NCODES 14
#define GOOD_MAX 8192
#define GOOD_PERIOD_MS 20
#define GOOD_TOPIC "consular/good/MX"
#define HALF_OPEN 1000

#define FAILF(...) \
    do { \
        char m_[768]; \
        snprintf(m_, sizeof m_, __VA_ARGS__); \
        harness_fail(__FILE__, __LINE__, m_); \
    } while (0)

static hub_t hub;
static officer_t ana, luis, mallory, trudy, eve;

/* Error replies received by the raw clients, per code: compared with the
 * hub's audit log. */
static int s_received[NCODES];
/* Sweeps (hundreds of requests) log a summary instead of every request. */
static int s_quiet;

/* ---------------------------------------------------------------- helpers */

static void
s_check_hub_alive(void)
{
    if (!hub.pid) {
        FAILF("the hub is not running");
        return;
    }
    int st;
    if (waitpid(hub.pid, &st, WNOHANG) == hub.pid) {
        if (WIFSIGNALED(st))
            FAILF("the hub died of signal %d", WTERMSIG(st));
        else
            FAILF("the hub exited with status %d", WEXITSTATUS(st));
        fprintf(stderr, "  the hub's last log lines:\n");
        harness_sh("tail -n 40 '%s' >&2", hub.log);
        hub.pid = 0;
        hub_start(&hub); /* so later tests still say something */
    }
}

/* Waits for the reply to request_id and checks that it is an Error with
 * `code`. Returns 1 if so. */
#define EXPECT_ERROR(raw, rid, code, what) s_expect_error(__FILE__, __LINE__, raw, rid, code, what)
static int
s_expect_error(const char *file, int line, rawclient_t *raw, uint64_t rid, int code,
    const char *what)
{
    Enlace__Frame *f = rawclient_await(raw, rid, REPLY_TIMEOUT_MS);
    int is_error = f && f->body_case == ENLACE__FRAME__BODY_ERROR;
    if (is_error && (unsigned)f->error->code < NCODES)
        s_received[f->error->code]++;
    int ok = is_error && (int)f->error->code == code;
    if (!s_quiet || !ok)
        fprintf(stderr, "  %-58s -> %s%s%s\n", what, rawclient_describe(f), is_error ? ": " : "",
            is_error ? f->error->message : "");
    if (!ok) {
        char m[512];
        snprintf(m, sizeof m, "%s: expected error(%s), got %s", what, rawclient_code_name(code),
            rawclient_describe(f));
        harness_fail(file, line, m);
    }
    enlace__frame__free_unpacked(f, NULL);
    return ok;
}

/* Waits for the reply to rid and checks its body type. */
#define EXPECT_REPLY(raw, rid, body, what) s_expect_reply(__FILE__, __LINE__, raw, rid, body, what)
static Enlace__Frame *
s_expect_reply(const char *file, int line, rawclient_t *raw, uint64_t rid, int body,
    const char *what)
{
    Enlace__Frame *f = rawclient_await(raw, rid, REPLY_TIMEOUT_MS);
    if (f && f->body_case == ENLACE__FRAME__BODY_ERROR && (unsigned)f->error->code < NCODES)
        s_received[f->error->code]++;
    if (!s_quiet || !f || (int)f->body_case != body)
        fprintf(stderr, "  %-58s -> %s%s%s\n", what, rawclient_describe(f),
            f && f->body_case == ENLACE__FRAME__BODY_ERROR ? ": " : "",
            f && f->body_case == ENLACE__FRAME__BODY_ERROR ? f->error->message : "");
    if (!f || (int)f->body_case != body) {
        char m[512];
        snprintf(m, sizeof m, "%s: unexpected reply %s", what, rawclient_describe(f));
        harness_fail(file, line, m);
        enlace__frame__free_unpacked(f, NULL);
        return NULL;
    }
    return f;
}

/* The session still answers: Ping gets Pong. */
static void
s_expect_alive_session(rawclient_t *raw)
{
    uint64_t rid = rawclient_ping(raw);
    Enlace__Frame *f = EXPECT_REPLY(raw, rid, ENLACE__FRAME__BODY_PONG, "ping afterwards");
    enlace__frame__free_unpacked(f, NULL);
}

/* An authenticated raw connection for officer o, after the CURVE handshake
 * and, if hello, after Welcome. */
static rawclient_t *
s_raw_on(const hub_t *h, const officer_t *o, int hello)
{
    rawclient_opts_t opts = {.endpoint = h->endpoint,
        .hub_public = h->hub_public,
        .key_file = o->secret};
    char why[512];
    rawclient_t *raw = rawclient_new(&opts, why, sizeof why);
    if (!raw) {
        FAILF("raw client for %s: %s", o->name, why);
        return NULL;
    }
    if (!rawclient_wait_event(raw, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 5000)) {
        FAILF("no CURVE handshake for %s within 5 s", o->name);
        rawclient_destroy(&raw);
        return NULL;
    }
    int code;
    if (hello && rawclient_hello(raw, REPLY_TIMEOUT_MS, &code) != 0) {
        FAILF("Hello from %s not welcomed (code %d)", o->name, code);
        rawclient_destroy(&raw);
        return NULL;
    }
    return raw;
}

static rawclient_t *
s_raw(const officer_t *o, int hello)
{
    return s_raw_on(&hub, o, hello);
}

/* Exactly one reply per request: nothing arrives that nobody asked for. */
static void
s_raw_done(rawclient_t **raw)
{
    if (!*raw)
        return;
    rawclient_drain(*raw, 200);
    if (rawclient_strays(*raw) != 0)
        FAILF("%d replies arrived that answered nothing (more than one reply per request?)",
            rawclient_strays(*raw));
    rawclient_destroy(raw);
}

/* ---------------------------------------------------------------- audit */

typedef struct {
    int audit[NCODES];    /* "refused:<code>" records for the officer */
    int received[NCODES]; /* s_received at the time */
} audit_snap_t;

static void
s_audit_counts(const officer_t *o, int counts[NCODES])
{
    memset(counts, 0, NCODES * sizeof *counts);
    char path[400];
    snprintf(path, sizeof path, "%s/audit.txt", hub.dir);
    /* Into a file: the log grows past any buffer; the exit status counts. */
    if (CMD(0, NULL, 0, "%s audit %s/data > %s", getenv("ENLACE_HUB_BIN"), hub.dir, path) != 0)
        return;
    FILE *p = fopen(path, "r");
    if (!p) {
        FAILF("cannot read %s", path);
        return;
    }
    char line[4096];
    while (fgets(line, sizeof line, p)) {
        if (!strstr(line, o->fingerprint))
            continue;
        const char *r = strstr(line, "refused:");
        if (!r)
            continue;
        r += strlen("refused:");
        size_t n = strcspn(r, " \t\n");
        for (int c = 0; c < NCODES; c++)
            if (strlen(rawclient_code_name(c)) == n && strncmp(r, rawclient_code_name(c), n) == 0)
                counts[c]++;
    }
    fclose(p);
}

static void
s_audit_snapshot(const officer_t *o, audit_snap_t *snap)
{
    s_audit_counts(o, snap->audit);
    memcpy(snap->received, s_received, sizeof s_received);
}

/* Every Error received since the snapshot has its audit record under o's
 * fingerprint (the hub commits them at the end of its loop turn: wait a
 * little), and there are no others. */
static void
s_audit_check(const officer_t *o, const audit_snap_t *snap)
{
    int now[NCODES];
    int64_t deadline = harness_now_ms() + 3000;
    int mismatch;
    do {
        s_audit_counts(o, now);
        mismatch = 0;
        for (int c = 0; c < NCODES; c++)
            if (now[c] - snap->audit[c] != s_received[c] - snap->received[c])
                mismatch = 1;
        if (mismatch)
            usleep(100000);
    } while (mismatch && harness_now_ms() < deadline);
    for (int c = 0; c < NCODES; c++) {
        int audited = now[c] - snap->audit[c];
        int refused = s_received[c] - snap->received[c];
        if (audited != refused)
            FAILF("audit: %d refused:%s records for %s, but %d such errors were received", audited,
                rawclient_code_name(c), o->fingerprint, refused);
        else if (refused)
            fprintf(stderr, "  audit: %d x refused:%s under %s\n", audited, rawclient_code_name(c),
                o->fingerprint);
    }
}

/* ---------------------------------------------------------------- bytes */

static uint64_t s_rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
s_rng(void)
{
    uint64_t x = s_rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return s_rng_state = x;
}

/* Builds a Content by hand, signs it properly with signer, publishes it. */
static uint64_t
s_publish_signed(rawclient_t *raw, const keys_identity_t *signer, const rawclient_content_t *spec)
{
    rawbuf_t c = rawclient_content(spec, signer);
    uint8_t sig[KEYS_SIGNATURE_BYTES];
    if (keys_sign_content(signer, c.data, c.len, sig) != 0)
        FAILF("keys_sign_content failed");
    uint64_t rid = rawclient_publish(raw, c.data, c.len, sig, sizeof sig);
    free(c.data);
    return rid;
}

/* A valid, signed Publish frame of mallory's, packed. */
static uint8_t *
s_valid_publish_frame(rawclient_t *raw, const char *topic, uint64_t rid, size_t *len)
{
    const keys_identity_t *me = rawclient_identity(raw);
    rawclient_content_t spec = {.topic = topic, .body = "x"};
    rawbuf_t c = rawclient_content(&spec, me);
    uint8_t sig[KEYS_SIGNATURE_BYTES];
    if (keys_sign_content(me, c.data, c.len, sig) != 0)
        FAILF("keys_sign_content failed");
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Publish pub = ENLACE__PUBLISH__INIT;
    pub.content.data = c.data;
    pub.content.len = c.len;
    pub.signature.data = sig;
    pub.signature.len = sizeof sig;
    frame.version = 1;
    frame.request_id = rid;
    frame.body_case = ENLACE__FRAME__BODY_PUBLISH;
    frame.publish = &pub;
    uint8_t *out = rawclient_pack(&frame, len);
    free(c.data);
    return out;
}

/* Does this buffer decode as a Frame? If so, fills what it holds. */
static int
s_decodes(const uint8_t *data, size_t len, int *body, uint64_t *rid, uint32_t *version)
{
    Enlace__Frame *f = enlace__frame__unpack(NULL, len, data);
    if (!f)
        return 0;
    if (body)
        *body = (int)f->body_case;
    if (rid)
        *rid = f->request_id;
    if (version)
        *version = f->version;
    enlace__frame__free_unpacked(f, NULL);
    return 1;
}

/* Messages in the archive matching `where`; a failed query fails the test
 * (and returns -1), so "never stored" cannot pass because sqlite3 did not run. */
#define s_sql_count(where) s_sql_count_at(__FILE__, __LINE__, where)
static long long
s_sql_count_at(const char *file, int line, const char *where)
{
    char db[300];
    snprintf(db, sizeof db, "%s/data/archive.db", hub.dir);
    return harness_sql_int_at(file, line, db, "SELECT count(*) FROM messages WHERE %s", where);
}

/* ---------------------------------------------------------------- the good officer */

typedef struct {
    pthread_t pub_thread, lis_thread;
    enlace_client_t *pub, *lis;
    atomic_int stop_pub, stop_lis;
    atomic_int delivered_total;
    /* written by the publisher thread, read after it is joined */
    int published;
    uint64_t stored_seq[GOOD_MAX]; /* 0: not seen stored */
    atomic_int stored;
    int failures;
    char first_failure[256];
    int64_t max_gap_ms;
    /* written by the listener thread, read after it is joined */
    int delivered_count[GOOD_MAX];
    uint64_t delivered_seq[GOOD_MAX];
    int foreign;     /* deliveries that are not ours */
    int recv_errors; /* enlace_recv failures other than timeouts */
    char first_recv_error[256];
    int started;
} good_t;

static good_t good;

static void *
s_good_publisher(void *arg)
{
    (void)arg;
    int64_t last_ok = harness_now_ms();
    while (!atomic_load(&good.stop_pub) && good.published < GOOD_MAX) {
        int n = good.published++;
        char body[32];
        snprintf(body, sizeof body, "good %d", n);
        int64_t t0 = harness_now_ms();
        uint64_t seq = 0;
        int rc = enlace_publish(good.pub, GOOD_TOPIC, body, strlen(body), NULL, &seq);
        int64_t t1 = harness_now_ms();
        if (rc == ENLACE_OK) {
            good.stored_seq[n] = seq;
            atomic_fetch_add(&good.stored, 1);
            if (t1 - last_ok > good.max_gap_ms)
                good.max_gap_ms = t1 - last_ok;
            last_ok = t1;
        } else if (good.failures++ == 0) {
            snprintf(good.first_failure, sizeof good.first_failure, "publish %d: %s: %s", n,
                enlace_strerror(rc), enlace_last_error(good.pub));
        }
        int64_t left = t0 + GOOD_PERIOD_MS - harness_now_ms();
        if (left > 0)
            usleep((useconds_t)left * 1000);
    }
    return NULL;
}

static void *
s_good_listener(void *arg)
{
    (void)arg;
    while (!atomic_load(&good.stop_lis)) {
        enlace_delivery_t *d = NULL;
        int rc = enlace_recv(good.lis, &d, 100);
        if (rc == ENLACE_ETIMEDOUT)
            continue;
        if (rc != ENLACE_OK) {
            if (good.recv_errors++ == 0)
                snprintf(good.first_recv_error, sizeof good.first_recv_error, "%s: %s",
                    enlace_strerror(rc), enlace_last_error(good.lis));
            usleep(10000);
            continue;
        }
        int n = -1;
        char body[32];
        snprintf(body, sizeof body, "%.*s", (int)d->body_len, (const char *)d->body);
        if (strcmp(d->topic, GOOD_TOPIC) == 0 && sscanf(body, "good %d", &n) == 1 && n >= 0
            && n < GOOD_MAX) {
            good.delivered_count[n]++;
            good.delivered_seq[n] = d->seq;
            atomic_fetch_add(&good.delivered_total, 1);
        } else {
            good.foreign++;
        }
        enlace_delivery_destroy(&d);
    }
    return NULL;
}

static void
s_good_start(void)
{
    int rc;
    char why[512];
    good.lis = client_connect(&hub, &luis, &rc, why, sizeof why);
    if (!good.lis) {
        FAILF("good listener: %s", why);
        return;
    }
    CHECK_RC(enlace_subscribe(good.lis, "consular/good/#", 0), ENLACE_OK);
    good.pub = client_connect(&hub, &ana, &rc, why, sizeof why);
    if (!good.pub) {
        FAILF("good publisher: %s", why);
        enlace_close(&good.lis);
        return;
    }
    pthread_create(&good.lis_thread, NULL, s_good_listener, NULL);
    pthread_create(&good.pub_thread, NULL, s_good_publisher, NULL);
    good.started = 1;
}

/* ---------------------------------------------------------------- the bad inputs */

static void
refuses_random_bytes_as_malformed(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    int sent = 0, skipped = 0, ok = 0;
    s_quiet = 1;
    for (int i = 0; i < 40; i++) {
        size_t len = 1 + s_rng() % 600;
        uint8_t *b = malloc(len);
        for (size_t j = 0; j < len; j++)
            b[j] = (uint8_t)s_rng();
        if (s_decodes(b, len, NULL, NULL, NULL)) {
            skipped++; /* happens to be a valid protobuf: not "random bytes" */
            free(b);
            continue;
        }
        rawclient_send(raw, b, len);
        free(b);
        sent++;
        char what[64];
        snprintf(what, sizeof what, "%zu random bytes", len);
        ok += EXPECT_ERROR(raw, 0, ENLACE__ERROR_CODE__ERR_MALFORMED, what);
    }
    s_quiet = 0;
    fprintf(stderr, "  random bytes: %d/%d buffers got error(malformed); %d skipped (decoded)\n",
        ok, sent, skipped);
    CHECK(sent >= 30);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_truncated_frames_as_malformed(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    size_t len;
    uint64_t rid = rawclient_next_id(raw);
    uint8_t *frame = s_valid_publish_frame(raw, "consular/bad/truncated", rid, &len);
    int sent = 0, skipped = 0, ok = 0;
    s_quiet = 1;
    for (size_t cut = 1; cut < len; cut++) {
        if (s_decodes(frame, cut, NULL, NULL, NULL)) {
            skipped++; /* cut at a field boundary: a shorter but valid frame */
            continue;
        }
        rawclient_send(raw, frame, cut);
        sent++;
        char what[64];
        snprintf(what, sizeof what, "valid %zu-byte frame cut to %zu bytes", len, cut);
        ok += EXPECT_ERROR(raw, 0, ENLACE__ERROR_CODE__ERR_MALFORMED, what);
    }
    s_quiet = 0;
    fprintf(stderr,
        "  truncated: %d/%d cuts of a %zu-byte publish got error(malformed); %d cuts decode "
        "and were not sent\n",
        ok, sent, len, skipped);
    free(frame);
    CHECK(sent > 0);
    CHECK(s_sql_count("topic = 'consular/bad/truncated'") == 0);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_corrupted_frames_and_never_stores_them(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    size_t len;
    uint64_t rid = rawclient_next_id(raw);
    uint8_t *frame = s_valid_publish_frame(raw, "consular/bad/corrupted", rid, &len);
    uint8_t *copy = malloc(len);
    int undecodable = 0, refused = 0, skipped = 0, ok = 0;
    s_quiet = 1;
    /* Every single byte inverted, then 64 copies with three random flips. */
    for (size_t v = 0; v < len + 64; v++) {
        memcpy(copy, frame, len);
        if (v < len) {
            copy[v] ^= 0xff;
        } else {
            for (int k = 0; k < 3; k++)
                copy[s_rng() % len] ^= (uint8_t)(1u << (s_rng() % 8));
        }
        int body;
        uint64_t got_rid;
        uint32_t version;
        char what[96];
        if (!s_decodes(copy, len, &body, &got_rid, &version)) {
            rawclient_send(raw, copy, len);
            undecodable++;
            snprintf(what, sizeof what, "publish with corruption %zu (does not decode)", v);
            ok += EXPECT_ERROR(raw, 0, ENLACE__ERROR_CODE__ERR_MALFORMED, what);
        } else if (body == ENLACE__FRAME__BODY_PUBLISH && got_rid == rid && version == 1) {
            /* Still a publish: the signed bytes or the signature changed, so
             * it must be refused, whatever the reason given. */
            rawclient_send(raw, copy, len);
            refused++;
            Enlace__Frame *f = rawclient_await(raw, rid, REPLY_TIMEOUT_MS);
            if (f && f->body_case == ENLACE__FRAME__BODY_ERROR) {
                if ((unsigned)f->error->code < NCODES)
                    s_received[f->error->code]++;
                ok++;
            } else {
                FAILF("corrupted publish (variant %zu) got %s instead of an error", v,
                    rawclient_describe(f));
            }
            enlace__frame__free_unpacked(f, NULL);
        } else {
            skipped++; /* became another request (version, id or body type) */
        }
    }
    s_quiet = 0;
    fprintf(stderr,
        "  corrupted: %d undecodable -> error(malformed), %d still-decodable publishes -> "
        "some error, %d correct; %d variants not sent\n",
        undecodable, refused, ok, skipped);
    free(copy);
    free(frame);
    CHECK(s_sql_count("topic LIKE 'consular/bad/corr%'") == 0);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_other_protocol_versions(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    const uint32_t versions[] = {2, 0, 0xffffffffu};
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__Ping ping = ENLACE__PING__INIT;
        frame.version = versions[i];
        frame.request_id = rawclient_next_id(raw);
        frame.body_case = ENLACE__FRAME__BODY_PING;
        frame.ping = &ping;
        rawclient_send_frame(raw, &frame);
        char what[64];
        snprintf(what, sizeof what, "ping with version %u", versions[i]);
        EXPECT_ERROR(raw, frame.request_id, ENLACE__ERROR_CODE__ERR_VERSION, what);
    }
    /* Request ids are above 0 (0 is the deliveries'): a Ping with id 0 is
     * refused as malformed, not answered with a Pong a client would take
     * for a delivery. */
    {
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__Ping ping = ENLACE__PING__INIT;
        frame.version = ENLACE__PROTOCOL__PROTOCOL_VERSION;
        frame.request_id = 0;
        frame.body_case = ENLACE__FRAME__BODY_PING;
        frame.ping = &ping;
        rawclient_send_frame(raw, &frame);
        EXPECT_ERROR(raw, 0, ENLACE__ERROR_CODE__ERR_MALFORMED, "ping with request id 0");
    }
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_unknown_body_types(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    /* Field numbers far from any this protocol defines (bodies grow from 10
     * and from 40), as bytes or as a varint. */
    const uint32_t fields[] = {1000, 99, 536870911, 2000};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        rawbuf_t b = {0};
        uint64_t rid = rawclient_next_id(raw);
        rawbuf_field_varint(&b, 1, 1);
        rawbuf_field_varint(&b, 2, rid);
        /* Varint bodies first: protobuf-c reads a known field's number with
         * a wrong wire type as a decoding error, an unknown one is kept. */
        if (i % 2)
            rawbuf_field_varint(&b, fields[i], 7);
        else
            rawbuf_field_bytes(&b, fields[i], "\x08\x01", 2);
        rawclient_send(raw, b.data, b.len);
        free(b.data);
        char what[64];
        snprintf(what, sizeof what, "frame with unknown body field %u", fields[i]);
        EXPECT_ERROR(raw, rid, ENLACE__ERROR_CODE__ERR_UNKNOWN_REQUEST, what);
    }
    /* Hub-to-client bodies sent by a client (built by hand, so the test
     * does not depend on those messages' fields). */
    static const struct {
        uint32_t field;
        const char *body;
        size_t len;
        const char *what;
    } replies[] = {
        {ENLACE__FRAME__BODY_OK, "", 0, "client sends an Ok (hub-to-client body)"},
        {ENLACE__FRAME__BODY_DELIVERY, "\x08\x01", 2,
            "client sends a Delivery (hub-to-client body)"},
        {ENLACE__FRAME__BODY_ERROR, "\x08\x0c", 2, "client sends an Error (hub-to-client body)"},
        {ENLACE__FRAME__BODY_WELCOME, "\x08\x01", 2, "client sends a Welcome (hub-to-client body)"},
    };
    for (size_t i = 0; i < sizeof replies / sizeof *replies; i++) {
        uint64_t rid = rawclient_next_id(raw);
        rawbuf_t b = rawbuf_frame(1, rid, replies[i].field, replies[i].body, replies[i].len);
        rawclient_send(raw, b.data, b.len);
        free(b.data);
        EXPECT_ERROR(raw, rid, ENLACE__ERROR_CODE__ERR_UNKNOWN_REQUEST, replies[i].what);
    }
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
drops_connection_on_frame_over_size_limit(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    const keys_identity_t *me = rawclient_identity(raw);

    /* Under the frame limit but over the body limit: refused with a reason. */
    size_t big = 256 * 1024 + 1;
    char *body = malloc(300 * 1024);
    memset(body, 'b', 300 * 1024);
    rawclient_content_t spec = {.topic = "consular/bad/large", .body = body, .body_len = big};
    uint64_t rid = s_publish_signed(raw, me, &spec);
    EXPECT_ERROR(raw, rid, ENLACE__ERROR_CODE__ERR_TOO_LARGE, "publish with a 256 KiB + 1 body");
    spec.body_len = 300 * 1024;
    rid = s_publish_signed(raw, me, &spec);
    EXPECT_ERROR(raw, rid, ENLACE__ERROR_CODE__ERR_TOO_LARGE, "publish with a 300 KiB body");
    free(body);

    /* Over ZMQ_MAXMSGSIZE (512 KiB): libzmq drops the connection, and only
     * that one: a second session of the same officer carries on. */
    rawclient_t *other = s_raw(&mallory, 1);
    size_t huge = 1024 * 1024;
    uint8_t *content = malloc(huge);
    memset(content, 'h', huge);
    uint8_t sig[KEYS_SIGNATURE_BYTES] = {0};
    rawclient_clear_events(raw);
    int64_t t0 = harness_now_ms();
    rid = rawclient_publish(raw, content, huge, sig, sizeof sig);
    free(content);
    int ev = rawclient_wait_event(raw, ZMQ_EVENT_DISCONNECTED, 5000);
    fprintf(stderr, "  %-58s -> %s after %lld ms\n", "1 MiB frame (limit 512 KiB)",
        ev ? "connection dropped" : "connection NOT dropped", (long long)(harness_now_ms() - t0));
    CHECK(ev & ZMQ_EVENT_DISCONNECTED);
    Enlace__Frame *f = rawclient_await(raw, rid, 500);
    CHECK(f == NULL); /* no reply: the frame never reached the hub's code */
    enlace__frame__free_unpacked(f, NULL);
    /* The DEALER reconnects: a new connection, so a new (absent) session.
     * (Events were cleared before the big frame: this handshake is new.) */
    CHECK(rawclient_wait_event(raw, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, 5000) != 0);
    rid = rawclient_ping(raw);
    EXPECT_ERROR(raw, rid, ENLACE__ERROR_CODE__ERR_NO_SESSION,
        "ping on the reconnected connection, before Hello");
    int code;
    CHECK(rawclient_hello(raw, REPLY_TIMEOUT_MS, &code) == 0);
    s_expect_alive_session(raw);
    if (other) {
        CHECK(!(rawclient_events(other) & ZMQ_EVENT_DISCONNECTED));
        s_expect_alive_session(other); /* the same session: no new Hello */
    }
    s_raw_done(&other);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_empty_frame_as_malformed(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    for (int i = 0; i < 3; i++) {
        rawclient_send(raw, "", 0);
        EXPECT_ERROR(raw, 0, ENLACE__ERROR_CODE__ERR_MALFORMED, "empty frame");
    }
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_multipart_message_as_malformed(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Ping ping = ENLACE__PING__INIT;
    frame.version = 1;
    frame.body_case = ENLACE__FRAME__BODY_PING;
    frame.ping = &ping;
    size_t l1, l2;
    frame.request_id = rawclient_next_id(raw);
    uint8_t *p1 = rawclient_pack(&frame, &l1);
    frame.request_id = rawclient_next_id(raw);
    uint8_t *p2 = rawclient_pack(&frame, &l2);

    const void *two[] = {p1, p2};
    size_t two_len[] = {l1, l2};
    rawclient_send_parts(raw, two, two_len, 2);
    EXPECT_ERROR(raw, 0, ENLACE__ERROR_CODE__ERR_MALFORMED,
        "two valid pings as one 2-part message");

    const void *three[] = {"", p1, p2};
    size_t three_len[] = {0, l1, l2};
    rawclient_send_parts(raw, three, three_len, 3);
    EXPECT_ERROR(raw, 0, ENLACE__ERROR_CODE__ERR_MALFORMED, "3-part message, first part empty");

    const void *many[40];
    size_t many_len[40];
    for (int i = 0; i < 40; i++) {
        many[i] = i % 2 ? (const void *)p2 : (const void *)p1;
        many_len[i] = i % 2 ? l2 : l1;
    }
    rawclient_send_parts(raw, many, many_len, 40);
    EXPECT_ERROR(raw, 0, ENLACE__ERROR_CODE__ERR_MALFORMED, "40-part message");
    free(p1);
    free(p2);
    /* No part was handled as a request of its own: the next reply is the
     * next ping's, and nothing else arrives (s_raw_done). */
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

/* Subscribe (or unsubscribe and forget) built by hand: patterns are
 * length-delimited on the wire whether the schema says string or bytes. */
static uint64_t
s_send_subscribe(rawclient_t *raw, const char *pattern, size_t len, int unsubscribe)
{
    rawbuf_t sub = {0};
    uint64_t rid = rawclient_next_id(raw);
    rawbuf_field_bytes(&sub, 1, pattern, len);
    if (unsubscribe)
        rawbuf_field_varint(&sub, 2, 1); /* forget */
    rawbuf_t b = rawbuf_frame(1, rid,
        unsubscribe ? ENLACE__FRAME__BODY_UNSUBSCRIBE : ENLACE__FRAME__BODY_SUBSCRIBE, sub.data,
        sub.len);
    rawclient_send(raw, b.data, b.len);
    free(sub.data);
    free(b.data);
    return rid;
}

static void
refuses_requests_before_hello(void)
{
    rawclient_t *raw = s_raw(&mallory, 0);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    uint64_t rid = rawclient_ping(raw);
    EXPECT_ERROR(raw, rid, ENLACE__ERROR_CODE__ERR_NO_SESSION, "ping before Hello");
    rawclient_content_t spec = {.topic = "consular/bad/before-hello"};
    rid = s_publish_signed(raw, rawclient_identity(raw), &spec);
    EXPECT_ERROR(raw, rid, ENLACE__ERROR_CODE__ERR_NO_SESSION, "valid publish before Hello");
    rid = s_send_subscribe(raw, "consular/#", 10, 0);
    EXPECT_ERROR(raw, rid, ENLACE__ERROR_CODE__ERR_NO_SESSION, "subscribe before Hello");
    {
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__Bye bye = ENLACE__BYE__INIT;
        frame.version = 1;
        frame.request_id = rawclient_next_id(raw);
        frame.body_case = ENLACE__FRAME__BODY_BYE;
        frame.bye = &bye;
        rawclient_send_frame(raw, &frame);
        EXPECT_ERROR(raw, frame.request_id, ENLACE__ERROR_CODE__ERR_NO_SESSION, "bye before Hello");
    }
    CHECK(s_sql_count("topic = 'consular/bad/before-hello'") == 0);
    int code;
    CHECK(rawclient_hello(raw, REPLY_TIMEOUT_MS, &code) == 0);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

/* Publishes a properly signed message whose only fault is its topic. */
static void
s_publish_topic(rawclient_t *raw, const char *topic, size_t len, const char *what, int want)
{
    rawclient_content_t spec = {.topic = topic, .topic_len = len};
    uint64_t rid = s_publish_signed(raw, rawclient_identity(raw), &spec);
    if (want) {
        EXPECT_ERROR(raw, rid, want, what);
    } else {
        Enlace__Frame *f = EXPECT_REPLY(raw, rid, ENLACE__FRAME__BODY_STORED, what);
        enlace__frame__free_unpacked(f, NULL);
    }
}

/* Subscribes to a pattern given as raw bytes (a NUL too). */
static void
s_subscribe_raw(rawclient_t *raw, const char *pattern, size_t len, const char *what, int want)
{
    uint64_t rid = s_send_subscribe(raw, pattern, len, 0);
    if (want) {
        EXPECT_ERROR(raw, rid, want, what);
    } else {
        Enlace__Frame *f = EXPECT_REPLY(raw, rid, ENLACE__FRAME__BODY_SUBSCRIBED, what);
        enlace__frame__free_unpacked(f, NULL);
    }
}

static void
refuses_bad_topics(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    const int BAD = ENLACE__ERROR_CODE__ERR_BAD_TOPIC;
    char t[600];

    s_publish_topic(raw, "", 0, "publish to an empty topic", BAD);
    /* 256 bytes is the limit: accepted; 257 is not. */
    memset(t, 'a', sizeof t);
    memcpy(t, "consular/bad/", 13);
    s_publish_topic(raw, t, 256, "publish to a 256-byte topic (the limit)", 0);
    s_publish_topic(raw, t, 257, "publish to a 257-byte topic", BAD);
    s_publish_topic(raw, t, 599, "publish to a 599-byte topic", BAD);
    /* 16 segments is the limit: accepted; 17 is not. */
    snprintf(t, sizeof t, "consular/bad");
    for (int i = 2; i < 16; i++)
        strcat(t, "/s");
    s_publish_topic(raw, t, strlen(t), "publish to a topic of 16 segments (the limit)", 0);
    strcat(t, "/s");
    s_publish_topic(raw, t, strlen(t), "publish to a topic of 17 segments", BAD);
    for (int i = 0; i < 20; i++)
        strcat(t, "/s");
    s_publish_topic(raw, t, strlen(t), "publish to a topic of 37 segments", BAD);
    s_publish_topic(raw, "consular/bad/+", 0, "publish to consular/bad/+ (wildcard)", BAD);
    s_publish_topic(raw, "consular/bad/#", 0, "publish to consular/bad/# (wildcard)", BAD);
    s_publish_topic(raw, "consular/+/x", 0, "publish to consular/+/x (wildcard)", BAD);
    s_publish_topic(raw, "#", 0, "publish to # (wildcard)", BAD);
    s_publish_topic(raw, "consular/bad/\xff", 0, "publish to a topic with byte 0xff", BAD);
    s_publish_topic(raw, "consular/bad/\xc0\xaf", 0, "publish to a topic with overlong UTF-8", BAD);
    s_publish_topic(raw, "consular/bad/\xed\xa0\x80", 0,
        "publish to a topic with a UTF-16 surrogate", BAD);
    s_publish_topic(raw, "consular/bad/\xe2\x82", 0, "publish to a topic with a cut UTF-8 sequence",
        BAD);
    s_publish_topic(raw, "consular/bad/nul\0hidden", 23, "publish to consular/bad/nul<NUL>hidden",
        BAD);
    s_publish_topic(raw, "consular/bad/nul-end\0", 21, "publish to consular/bad/nul-end<NUL>", BAD);
    s_publish_topic(raw, "\0consular/bad", 13, "publish to <NUL>consular/bad", BAD);
    s_publish_topic(raw, "consular/bad/\x01", 0, "publish to a topic with a control character",
        BAD);
    s_publish_topic(raw, "consular//bad", 0, "publish to a topic with an empty segment", BAD);
    /* Patterns. */
    s_subscribe_raw(raw, "", 0, "subscribe to an empty pattern", BAD);
    s_subscribe_raw(raw, "consular/#/x", 12, "subscribe to consular/#/x", BAD);
    s_subscribe_raw(raw, "consular/a+", 11, "subscribe to consular/a+", BAD);
    memset(t, 'a', sizeof t);
    memcpy(t, "consular/", 9);
    s_subscribe_raw(raw, t, 257, "subscribe to a 257-byte pattern", BAD);
    s_subscribe_raw(raw, "consular/\xff", 10, "subscribe to a pattern with byte 0xff", BAD);
    s_subscribe_raw(raw, "consular/bad\0/x", 15, "subscribe to consular/bad<NUL>/x", BAD);
    s_subscribe_raw(raw, "consular/bad/ok", 15, "subscribe to consular/bad/ok (control)", 0);

    /* Nothing with a NUL or a bad topic was stored; the controls were. */
    CHECK(s_sql_count("instr(topic, 'nul') > 0 OR topic = 'consular/bad' OR topic = ''") == 0);
    CHECK(s_sql_count("topic LIKE 'consular/bad/aaaa%' AND length(topic) = 256") == 1);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_nul_inside_recipient(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    const keys_identity_t *me = rawclient_identity(raw);
    char rcpt[64];
    size_t fp_len = strlen(luis.fingerprint);
    memcpy(rcpt, luis.fingerprint, fp_len);
    memcpy(rcpt + fp_len, "\0,EVIL", 6);
    /* AMBER+STRICT, not RED: the hub refuses RED that is not sealed, and
     * what is tested here is the NUL in a recipient, not the seal. */
    rawclient_content_t spec = {.topic = "consular/bad/recipient",
        .tlp = ENLACE__TLP__TLP_AMBER_STRICT,
        .recipient = rcpt,
        .recipient_len = fp_len + 6};
    /* The signed bytes name a recipient that is not a fingerprint: a hub
     * reading it as a C string routes to luis what the signature says was
     * for "<luis>\0,EVIL". Not in the directory (NOT_FOUND), or not a
     * well-formed fingerprint (MALFORMED): either way refused. */
    const char *what = "AMBER+STRICT publish to <luis's fingerprint><NUL>,EVIL";
    Enlace__Frame *f = rawclient_await(raw, s_publish_signed(raw, me, &spec), REPLY_TIMEOUT_MS);
    int code = f && f->body_case == ENLACE__FRAME__BODY_ERROR ? (int)f->error->code : -1;
    if (code >= 0 && code < NCODES)
        s_received[code]++;
    fprintf(stderr, "  %-58s -> %s\n", what, rawclient_describe(f));
    if (code != ENLACE__ERROR_CODE__ERR_NOT_FOUND && code != ENLACE__ERROR_CODE__ERR_MALFORMED)
        FAILF("%s: expected error(not-found) or error(malformed), got %s", what,
            rawclient_describe(f));
    enlace__frame__free_unpacked(f, NULL);
    spec.recipient_len = fp_len;
    f = EXPECT_REPLY(raw, s_publish_signed(raw, me, &spec), ENLACE__FRAME__BODY_STORED,
        "AMBER+STRICT publish to luis's fingerprint (control)");
    enlace__frame__free_unpacked(f, NULL);
    CHECK(s_sql_count("topic = 'consular/bad/recipient'") == 1);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_signature_that_does_not_match(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    const keys_identity_t *me = rawclient_identity(raw);
    const int BAD = ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE;
    rawclient_content_t spec = {.topic = "consular/bad/signature", .body = "signed"};
    rawbuf_t c = rawclient_content(&spec, me);
    uint8_t sig[KEYS_SIGNATURE_BYTES + 1];
    if (keys_sign_content(me, c.data, c.len, sig) != 0)
        FAILF("keys_sign_content failed");

    uint8_t bad[KEYS_SIGNATURE_BYTES + 1];
    memcpy(bad, sig, sizeof bad);
    bad[10] ^= 0x01;
    EXPECT_ERROR(raw, rawclient_publish(raw, c.data, c.len, bad, KEYS_SIGNATURE_BYTES), BAD,
        "publish with one signature bit flipped");
    memset(bad, 0, sizeof bad);
    EXPECT_ERROR(raw, rawclient_publish(raw, c.data, c.len, bad, KEYS_SIGNATURE_BYTES), BAD,
        "publish with an all-zero signature");
    EXPECT_ERROR(raw, rawclient_publish(raw, c.data, c.len, sig, KEYS_SIGNATURE_BYTES - 1), BAD,
        "publish with a 63-byte signature");
    EXPECT_ERROR(raw, rawclient_publish(raw, c.data, c.len, sig, KEYS_SIGNATURE_BYTES + 1), BAD,
        "publish with a 65-byte signature");
    EXPECT_ERROR(raw, rawclient_publish(raw, c.data, c.len, NULL, 0), BAD,
        "publish without a signature");
    /* The signature of other content. */
    rawclient_content_t other = {.topic = "consular/bad/signature", .body = "other"};
    rawbuf_t c2 = rawclient_content(&other, me);
    EXPECT_ERROR(raw, rawclient_publish(raw, c2.data, c2.len, sig, KEYS_SIGNATURE_BYTES), BAD,
        "publish with the signature of other content");
    /* The signed bytes changed after signing (one body byte). */
    c.data[c.len - 1] ^= 0x20;
    EXPECT_ERROR(raw, rawclient_publish(raw, c.data, c.len, sig, KEYS_SIGNATURE_BYTES), BAD,
        "publish whose body changed after signing");
    c.data[c.len - 1] ^= 0x20;
    CHECK(s_sql_count("topic = 'consular/bad/signature'") == 0);
    /* Control: the untouched pair is stored. */
    Enlace__Frame *f = EXPECT_REPLY(raw,
        rawclient_publish(raw, c.data, c.len, sig, KEYS_SIGNATURE_BYTES),
        ENLACE__FRAME__BODY_STORED, "the same publish, correctly signed (control)");
    enlace__frame__free_unpacked(f, NULL);
    free(c.data);
    free(c2.data);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

/* A batch of n contents signed once (merkle.h), built here independently
 * of libenlace's outbox: the contents, their leaves, the signature of the
 * root, each message's audit path. */
#define TB_MAX 8
typedef struct {
    rawbuf_t c[TB_MAX];
    merkle_hash_t leaf[TB_MAX];
    merkle_hash_t path[TB_MAX][MERKLE_MAX_DEPTH];
    size_t depth[TB_MAX];
    uint8_t sig[KEYS_SIGNATURE_BYTES];
    size_t n;
} test_batch_t;

/* The leaves, paths and root signature of b's contents, signed by signer. */
static void
s_batch_sign(test_batch_t *b, const keys_identity_t *signer)
{
    size_t n = b->n;
    for (size_t i = 0; i < n; i++)
        merkle_leaf(b->c[i].data, b->c[i].len, b->leaf[i]);
    for (size_t i = 0; i < n; i++)
        if (merkle_path(b->leaf, n, i, b->path[i], &b->depth[i]) != 0)
            FAILF("merkle_path(%zu of %zu) failed", i, n);
    merkle_hash_t root;
    uint8_t signed_bytes[MERKLE_SIGNED_BYTES];
    if (merkle_root(b->leaf, n, root) != 0)
        FAILF("merkle_root failed");
    merkle_signed((uint32_t)n, root, signed_bytes);
    if (keys_sign_bytes(signer, signed_bytes, sizeof signed_bytes, b->sig) != 0)
        FAILF("keys_sign_bytes failed");
}

/* specs[i] authored as they say (default: author), the root signed by
 * signer. */
static void
s_batch_build(test_batch_t *b, const rawclient_content_t *specs, size_t n,
    const keys_identity_t *author, const keys_identity_t *signer)
{
    memset(b, 0, sizeof *b);
    b->n = n;
    for (size_t i = 0; i < n; i++)
        b->c[i] = rawclient_content(&specs[i], author);
    s_batch_sign(b, signer);
}

static void
s_batch_free(test_batch_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->c[i].data);
}

/* Publishes content i of b with the proof given (path: depth hashes). */
static uint64_t
s_batch_publish(rawclient_t *raw, const test_batch_t *b, size_t content, uint32_t index,
    const merkle_hash_t *path, size_t depth)
{
    return rawclient_publish_batch(raw, b->c[content].data, b->c[content].len, b->sig,
        sizeof b->sig, index, (uint32_t)b->n, (const uint8_t *)path, depth * MERKLE_HASH_BYTES);
}

/* One signature per batch (issue 14): a message's audit path must lead to
 * the root its author signed, or it is refused as bad-signature, audited,
 * and never stored; the rest of the batch is unaffected. */
static void
refuses_batch_proofs_that_do_not_lead_to_the_signed_root(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    rawclient_t *lraw = raw ? s_raw(&trudy, 1) : NULL;
    if (!lraw) {
        rawclient_destroy(&raw);
        return;
    }
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    const keys_identity_t *me = rawclient_identity(raw);
    const keys_identity_t *lu = rawclient_identity(lraw);
    const int BAD = ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE;
    const char *topic = "consular/bad/batch";
    rawclient_content_t specs[5];
    for (size_t i = 0; i < 5; i++)
        specs[i] = (rawclient_content_t){.topic = topic, .body = "batched"};
    test_batch_t b;
    s_batch_build(&b, specs, 5, me, me); /* depths: 3 for 0..3, 1 for 4 */

    /* Control: message 0 with its own proof is stored. */
    Enlace__Frame *f = EXPECT_REPLY(raw, s_batch_publish(raw, &b, 0, 0, b.path[0], b.depth[0]),
        ENLACE__FRAME__BODY_STORED, "batched message 0 with its own proof (control)");
    enlace__frame__free_unpacked(f, NULL);
    /* Now the root is verified and cached: nothing below may ride on it. */
    EXPECT_ERROR(raw, s_batch_publish(raw, &b, 1, 0, b.path[0], b.depth[0]), BAD,
        "message 1 with message 0's index and path");
    EXPECT_ERROR(raw, s_batch_publish(raw, &b, 1, 2, b.path[1], b.depth[1]), BAD,
        "message 1 with a wrong index (2)");
    EXPECT_ERROR(raw, s_batch_publish(raw, &b, 1, 5, b.path[1], b.depth[1]), BAD,
        "message 1 with an index past the batch");
    merkle_hash_t swapped[MERKLE_MAX_DEPTH];
    memcpy(swapped, b.path[1], sizeof swapped);
    memcpy(swapped[0], b.path[1][1], MERKLE_HASH_BYTES);
    memcpy(swapped[1], b.path[1][0], MERKLE_HASH_BYTES);
    EXPECT_ERROR(raw, s_batch_publish(raw, &b, 1, 1, swapped, b.depth[1]), BAD,
        "message 1 with two siblings swapped");
    EXPECT_ERROR(raw, s_batch_publish(raw, &b, 1, 1, b.path[1], b.depth[1] - 1), BAD,
        "message 1 with its path truncated");
    EXPECT_ERROR(raw,
        rawclient_publish_batch(raw, b.c[1].data, b.c[1].len, b.sig, sizeof b.sig, 1, 5,
            (const uint8_t *)b.path[1], b.depth[1] * MERKLE_HASH_BYTES - 1),
        BAD, "message 1 with a path one byte short");
    /* Deeper than the bound: nine hashes, and a size past 256. */
    uint8_t deep[(MERKLE_MAX_DEPTH + 1) * MERKLE_HASH_BYTES];
    memset(deep, 0x5a, sizeof deep);
    memcpy(deep, b.path[1], b.depth[1] * MERKLE_HASH_BYTES);
    EXPECT_ERROR(raw,
        rawclient_publish_batch(raw, b.c[1].data, b.c[1].len, b.sig, sizeof b.sig, 1, 5, deep,
            sizeof deep),
        BAD, "message 1 with a path of nine hashes");
    EXPECT_ERROR(raw,
        rawclient_publish_batch(raw, b.c[1].data, b.c[1].len, b.sig, sizeof b.sig, 1,
            MERKLE_MAX_LEAVES + 1, deep, sizeof deep),
        BAD, "a batch of 257 with a path of nine hashes");
    EXPECT_ERROR(raw,
        rawclient_publish_batch(raw, b.c[1].data, b.c[1].len, b.sig, sizeof b.sig, 0, 0, NULL, 0),
        BAD, "a batch of size 0");
    /* The content signed alone, sent as a batch of one (and the other way):
     * the two contexts never cover each other's bytes. */
    uint8_t alone[KEYS_SIGNATURE_BYTES];
    if (keys_sign_content(me, b.c[2].data, b.c[2].len, alone) != 0)
        FAILF("keys_sign_content failed");
    EXPECT_ERROR(raw,
        rawclient_publish_batch(raw, b.c[2].data, b.c[2].len, alone, sizeof alone, 0, 1, NULL, 0),
        BAD, "a single signature presented as a batch of one");
    test_batch_t one;
    s_batch_build(&one, &specs[0], 1, me, me);
    EXPECT_ERROR(raw, rawclient_publish(raw, one.c[0].data, one.c[0].len, one.sig, sizeof one.sig),
        BAD, "a batch-of-one root signature presented without its proof");
    /* The root signed by another key (trudy signs mallory's batch). */
    test_batch_t other;
    s_batch_build(&other, specs, 3, me, lu);
    EXPECT_ERROR(raw, s_batch_publish(raw, &other, 0, 0, other.path[0], other.depth[0]), BAD,
        "a batch whose root another officer signed");
    /* A batch mixing two authors, signed by mallory: trudy's content is
     * refused over mallory's connection (trudy is not the sender) and, below,
     * over trudy's (mallory's signature is not hers); mallory's own is
     * stored. */
    rawclient_content_t mixed[2] = {{.topic = topic, .body = "mallory's"},
        {.topic = topic,
            .body = "trudy's",
            .author_key = keys_identity_public(lu),
            .author_key_len = KEYS_PUBLIC_BYTES}};
    test_batch_t mix;
    s_batch_build(&mix, mixed, 2, me, me);
    EXPECT_ERROR(raw, s_batch_publish(raw, &mix, 1, 1, mix.path[1], mix.depth[1]), BAD,
        "trudy's content from a batch mallory signed, over mallory's connection");
    f = EXPECT_REPLY(raw, s_batch_publish(raw, &mix, 0, 0, mix.path[0], mix.depth[0]),
        ENLACE__FRAME__BODY_STORED, "mallory's content of the mixed batch");
    enlace__frame__free_unpacked(f, NULL);
    /* The same message id in two batches: with the same content it is the
     * same message (duplicate, first seq); with other content, a conflict. */
    uint8_t id[16];
    memset(id, 0xb7, sizeof id);
    rawclient_content_t again[2] = {{.topic = topic, .body = "filler"},
        {.id = id, .topic = topic, .body = "first"}};
    test_batch_t b1, b2, b3;
    s_batch_build(&b1, again, 2, me, me);
    /* b2: another filler, and b1's second content byte for byte. */
    memset(&b2, 0, sizeof b2);
    b2.n = 2;
    again[0].body = "other filler";
    b2.c[0] = rawclient_content(&again[0], me);
    b2.c[1].data = malloc(b1.c[1].len);
    if (b2.c[1].data)
        memcpy(b2.c[1].data, b1.c[1].data, b1.c[1].len);
    b2.c[1].len = b2.c[1].data ? b1.c[1].len : 0;
    s_batch_sign(&b2, me);
    uint64_t seq = 0;
    f = EXPECT_REPLY(raw, s_batch_publish(raw, &b1, 1, 1, b1.path[1], b1.depth[1]),
        ENLACE__FRAME__BODY_STORED, "a message id first stored in one batch");
    if (f)
        seq = f->stored->seq;
    enlace__frame__free_unpacked(f, NULL);
    f = EXPECT_REPLY(raw, s_batch_publish(raw, &b2, 1, 1, b2.path[1], b2.depth[1]),
        ENLACE__FRAME__BODY_STORED, "the same content under another batch");
    if (f)
        CHECK(f->stored->duplicate && f->stored->seq == seq);
    enlace__frame__free_unpacked(f, NULL);
    again[1].body = "second, different";
    s_batch_build(&b3, again, 2, me, me);
    EXPECT_ERROR(raw, s_batch_publish(raw, &b3, 1, 1, b3.path[1], b3.depth[1]),
        ENLACE__ERROR_CODE__ERR_CONFLICT, "the same message id under another batch, other content");

    /* The rest of the first batch, untouched, is stored. */
    for (size_t i = 1; i < 5; i++) {
        f = EXPECT_REPLY(raw, s_batch_publish(raw, &b, i, (uint32_t)i, b.path[i], b.depth[i]),
            ENLACE__FRAME__BODY_STORED, "the rest of the batch, each with its own proof");
        enlace__frame__free_unpacked(f, NULL);
    }
    /* 5 of the first batch, mallory's mixed one, the 0xb7 id once. */
    CHECK(s_sql_count("topic = 'consular/bad/batch'") == 7);
    CHECK(s_sql_count("hex(msg_id) = 'B7B7B7B7B7B7B7B7B7B7B7B7B7B7B7B7'") == 1);
    s_batch_free(&b);
    s_batch_free(&one);
    s_batch_free(&other);
    s_batch_free(&b1);
    s_batch_free(&b2);
    s_batch_free(&b3);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);

    /* Trudy's content of mallory's batch, over trudy's own connection: the
     * root signature is not hers. */
    s_audit_snapshot(&trudy, &snap);
    EXPECT_ERROR(lraw, s_batch_publish(lraw, &mix, 1, 1, mix.path[1], mix.depth[1]), BAD,
        "trudy's content from a batch mallory signed, over trudy's connection");
    CHECK(s_sql_count("topic = 'consular/bad/batch'") == 7);
    s_batch_free(&mix);
    s_expect_alive_session(lraw);
    s_raw_done(&lraw);
    s_audit_check(&trudy, &snap);
    s_check_hub_alive();
}

static void
refuses_author_key_other_than_connection_key(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    const keys_identity_t *me = rawclient_identity(raw);
    const int BAD = ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE;
    keys_identity_t *luis_id = NULL;
    char kerr[KEYS_ERR_LEN];
    if (keys_identity_load(luis.secret, NULL, &luis_id, kerr) != 0) {
        FAILF("loading luis's key: %s", kerr);
        rawclient_destroy(&raw);
        return;
    }
    /* Luis's key as author, signed by mallory. */
    rawclient_content_t spec = {.topic = "consular/bad/author",
        .author_key = keys_identity_public(luis_id),
        .author_key_len = KEYS_PUBLIC_BYTES};
    EXPECT_ERROR(raw, s_publish_signed(raw, me, &spec), BAD,
        "publish naming another officer as author, signed by sender");
    /* Content really written and signed by luis, replayed over mallory's
     * connection: the signature verifies, but luis is not the sender. */
    spec.author_key = NULL;
    EXPECT_ERROR(raw, s_publish_signed(raw, luis_id, &spec), BAD,
        "publish authored and signed by another officer");
    uint8_t short_key[31];
    memcpy(short_key, keys_identity_public(me), sizeof short_key);
    spec.author_key = short_key;
    spec.author_key_len = sizeof short_key;
    EXPECT_ERROR(raw, s_publish_signed(raw, me, &spec), BAD, "publish with a 31-byte author key");
    spec.author_key = (const uint8_t *)"";
    spec.author_key_len = 0;
    EXPECT_ERROR(raw, s_publish_signed(raw, me, &spec), BAD, "publish with an empty author key");
    keys_identity_destroy(&luis_id);
    CHECK(s_sql_count("topic = 'consular/bad/author'") == 0);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
refuses_message_id_reused_with_other_content(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    const keys_identity_t *me = rawclient_identity(raw);
    uint8_t id[16];
    memset(id, 0xc3, sizeof id);
    rawclient_content_t spec = {.id = id, .topic = "consular/bad/conflict", .body = "first"};
    rawbuf_t c = rawclient_content(&spec, me);
    uint8_t sig[KEYS_SIGNATURE_BYTES];
    if (keys_sign_content(me, c.data, c.len, sig) != 0)
        FAILF("keys_sign_content failed");
    uint64_t seq = 0;
    int64_t stored_ms = 0;
    Enlace__Frame *f = EXPECT_REPLY(raw, rawclient_publish(raw, c.data, c.len, sig, sizeof sig),
        ENLACE__FRAME__BODY_STORED, "publish with a fresh message id");
    if (f) {
        seq = f->stored->seq;
        stored_ms = f->stored->stored_ms;
    }
    enlace__frame__free_unpacked(f, NULL);
    spec.body = "second, different";
    EXPECT_ERROR(raw, s_publish_signed(raw, me, &spec), ENLACE__ERROR_CODE__ERR_CONFLICT,
        "same message id, other body");
    spec.body = "first";
    spec.topic = "consular/bad/conflict2";
    EXPECT_ERROR(raw, s_publish_signed(raw, me, &spec), ENLACE__ERROR_CODE__ERR_CONFLICT,
        "same message id, other topic");
    /* An identical retry is not a conflict, and is answered with the
     * original's stored time, not the retry's (10 ms later). */
    nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    f = EXPECT_REPLY(raw, rawclient_publish(raw, c.data, c.len, sig, sizeof sig),
        ENLACE__FRAME__BODY_STORED, "identical retry");
    if (f)
        CHECK(f->stored->duplicate && f->stored->seq == seq && f->stored->stored_ms == stored_ms);
    enlace__frame__free_unpacked(f, NULL);
    free(c.data);
    CHECK(s_sql_count("hex(msg_id) = 'C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3'") == 1);
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

static void
limits_subscriptions_per_session(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (!raw)
        return;
    audit_snap_t snap;
    s_audit_snapshot(&mallory, &snap);
    char pattern[64], what[96];
    int subscribed = 0;
    s_quiet = 1;
    for (int i = 0; i < 64; i++) {
        snprintf(pattern, sizeof pattern, "consular/flood/%d/#", i);
        Enlace__Frame *f = EXPECT_REPLY(raw, s_send_subscribe(raw, pattern, strlen(pattern), 0),
            ENLACE__FRAME__BODY_SUBSCRIBED, pattern);
        subscribed += f != NULL;
        enlace__frame__free_unpacked(f, NULL);
    }
    s_quiet = 0;
    fprintf(stderr, "  %-58s -> %d subscribed\n", "64 distinct patterns", subscribed);
    CHECK(subscribed == 64);
    int limited = 0;
    s_quiet = 1;
    for (int i = 64; i < 164; i++) {
        snprintf(pattern, sizeof pattern, "consular/flood/%d/#", i);
        snprintf(what, sizeof what, "subscription #%d", i + 1);
        limited += EXPECT_ERROR(raw, s_send_subscribe(raw, pattern, strlen(pattern), 0),
            ENLACE__ERROR_CODE__ERR_LIMIT, what);
    }
    s_quiet = 0;
    fprintf(stderr, "  %-58s -> %d x error(limit)\n", "subscriptions #65 to #164", limited);
    /* The same pattern again is not a new subscription. */
    Enlace__Frame *f = EXPECT_REPLY(raw, s_send_subscribe(raw, "consular/flood/0/#", 18, 0),
        ENLACE__FRAME__BODY_SUBSCRIBED, "an existing pattern again at the limit");
    enlace__frame__free_unpacked(f, NULL);
    /* The limit counts what the session holds now. */
    f = EXPECT_REPLY(raw, s_send_subscribe(raw, "consular/flood/1/#", 18, 1),
        ENLACE__FRAME__BODY_OK, "unsubscribe one");
    enlace__frame__free_unpacked(f, NULL);
    f = EXPECT_REPLY(raw, s_send_subscribe(raw, "consular/flood/200/#", 20, 0),
        ENLACE__FRAME__BODY_SUBSCRIBED, "a new pattern after unsubscribing one");
    enlace__frame__free_unpacked(f, NULL);
    EXPECT_ERROR(raw, s_send_subscribe(raw, "consular/flood/201/#", 20, 0),
        ENLACE__ERROR_CODE__ERR_LIMIT, "and one more");
    s_expect_alive_session(raw);
    s_raw_done(&raw);
    s_audit_check(&mallory, &snap);
    s_check_hub_alive();
}

/* The request rate limit, on a hub of its own started with a low one (100 a
 * second, bursts of 200) so that the suite's other tests keep the default.
 * A flooding connection gets error(limit) with when to retry, for publishes
 * and other requests alike; what it was told "stored" is exactly what the
 * archive holds; at most one refusal a second is audited; another officer
 * publishing meanwhile is not limited; a second connection with the
 * flooder's key shares its empty bucket (a fresh connection does not buy a
 * fresh burst); the flooder may publish again once its bucket refills. */
static void
limits_request_rate_per_key(void)
{
    enum { FLOOD = 1000, CHUNK = 100, RATE = 100, BURST = 200 };
    hub_t h;
    officer_t flooder, other;
    hub_init(&h);
    h.extra[0] = "--request-rate";
    h.extra[1] = "100";
    h.extra[2] = "--request-burst";
    h.extra[3] = "200";
    officer_new(&h, &flooder, "flooder", "--country HN --network consular --role officer");
    officer_new(&h, &other, "other", "--country MX --network consular --role officer");
    hub_start(&h);
    rawclient_t *raw = s_raw_on(&h, &flooder, 1);
    int rc;
    char why[256];
    enlace_client_t *good_client = client_connect(&h, &other, &rc, why, sizeof why);
    if (!raw || !good_client) {
        FAILF("could not connect to the rate-limited hub: %s", why);
        goto done;
    }
    int stored = 0, limited = 0, other_reply = 0, retry_said = 0, good_stored = 0;
    int64_t t0 = harness_now_ms();
    for (int sent = 0; sent < FLOOD; sent += CHUNK) {
        uint64_t rids[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            rawclient_content_t spec = {.topic = "consular/flood/HN", .body = "flood"};
            rids[i] = s_publish_signed(raw, rawclient_identity(raw), &spec);
        }
        /* Refusals are answered at once, "stored" after the commit: the
         * replies come out of order, so take them as they come. */
        int seen[CHUNK] = {0};
        for (int i = 0; i < CHUNK; i++) {
            Enlace__Frame *f = rawclient_recv(raw, REPLY_TIMEOUT_MS);
            int k = -1;
            for (int j = 0; f && j < CHUNK; j++)
                if (rids[j] == f->request_id && !seen[j])
                    k = j;
            if (k >= 0)
                seen[k] = 1;
            else {
                enlace__frame__free_unpacked(f, NULL);
                f = NULL;
            }
            if (f && f->body_case == ENLACE__FRAME__BODY_STORED)
                stored++;
            else if (f && f->body_case == ENLACE__FRAME__BODY_ERROR
                && f->error->code == ENLACE__ERROR_CODE__ERR_LIMIT) {
                limited++;
                retry_said += strstr(f->error->message, "retry in") != NULL;
            } else
                other_reply++;
            enlace__frame__free_unpacked(f, NULL);
        }
        /* The other officer publishes while the flood goes on. */
        uint64_t seq = 0;
        good_stored += enlace_publish(good_client, "consular/ok/MX", "fine", 4, NULL, &seq)
            == ENLACE_OK;
    }
    /* Other requests count too: ten history requests from the flooder at
     * once, while its bucket refills by one every 10 ms. */
    enum { HIST = 10 };
    uint64_t hist_ids[HIST];
    /* After these the bucket holds less than a token: from here on it can
     * only have gained RATE a second. */
    int64_t emptied_ms = harness_now_ms();
    for (int i = 0; i < HIST; i++) {
        Enlace__Frame hist_frame = ENLACE__FRAME__INIT;
        Enlace__History hist = ENLACE__HISTORY__INIT;
        hist.pattern.data = (uint8_t *)"consular/#";
        hist.pattern.len = strlen("consular/#");
        hist.limit = 1;
        hist_frame.version = 1;
        hist_frame.request_id = hist_ids[i] = rawclient_next_id(raw);
        hist_frame.body_case = ENLACE__FRAME__BODY_HISTORY;
        hist_frame.history = &hist;
        rawclient_send_frame(raw, &hist_frame);
    }
    int history_limited = 0;
    for (int i = 0; i < HIST; i++) {
        Enlace__Frame *f = rawclient_await(raw, hist_ids[i], REPLY_TIMEOUT_MS);
        history_limited += f && f->body_case == ENLACE__FRAME__BODY_ERROR
            && f->error->code == ENLACE__ERROR_CODE__ERR_LIMIT;
        enlace__frame__free_unpacked(f, NULL);
    }
    CHECK(history_limited >= HIST / 2);
    double elapsed_s = (double)(harness_now_ms() - t0) / 1000.0;
    fprintf(stderr,
        "  %d publishes in %.2f s at rate %d, burst %d -> %d stored, %d x "
        "error(limit); then %d of %d history requests refused; other officer "
        "%d/%d stored\n",
        FLOOD, elapsed_s, RATE, BURST, stored, limited, history_limited, HIST, good_stored,
        FLOOD / CHUNK);
    CHECK(other_reply == 0);
    CHECK(stored + limited == FLOOD);
    CHECK(stored >= BURST);
    CHECK(stored <= BURST + (int)(RATE * elapsed_s) + 1);
    CHECK(limited > 0 && retry_said == limited);
    CHECK(good_stored == FLOOD / CHUNK);
    /* Nothing refused was stored, nothing told "stored" is missing. */
    char db[300];
    snprintf(db, sizeof db, "%s/data/archive.db", h.dir);
    CHECK(SQL_INT(db, "SELECT count(*) FROM messages WHERE topic = 'consular/flood/HN'") == stored);
    /* One audited refusal a second at most, and at least one. */
    int audited = (int)SQL_INT(db, "SELECT count(*) FROM audit WHERE outcome = 'refused:limit'");
    fprintf(stderr, "  audit: %d x refused:limit for %d refusals\n", audited,
        limited + history_limited);
    CHECK(audited >= 1);
    CHECK(audited <= (int)elapsed_s + 2);
    /* A second connection with the same key finds the key's bucket as the
     * history requests left it: emptied, refilling one token every 10 ms. Of
     * 300 publishes sent at once it may store at most what refilled since
     * (a fresh bucket per connection would store its burst of 200 at once,
     * however slow the machine). */
    enum { SECOND = 300 };
    rawclient_t *raw2 = s_raw_on(&h, &flooder, 1);
    int second_stored = 0, second_limited = 0;
    if (raw2) {
        uint64_t ids[SECOND];
        for (int i = 0; i < SECOND; i++) {
            rawclient_content_t spec2 = {.topic = "consular/flood/HN", .body = "second"};
            ids[i] = s_publish_signed(raw2, rawclient_identity(raw2), &spec2);
        }
        /* Refusals come at once, "stored" after the commit: take replies
         * in the order they come. */
        for (int i = 0; i < SECOND; i++) {
            Enlace__Frame *r = rawclient_recv(raw2, REPLY_TIMEOUT_MS);
            int known = 0;
            for (int j = 0; r && j < SECOND; j++)
                known |= r->request_id == ids[j];
            if (!known) {
                enlace__frame__free_unpacked(r, NULL);
                continue;
            }
            second_stored += r->body_case == ENLACE__FRAME__BODY_STORED;
            second_limited += r->body_case == ENLACE__FRAME__BODY_ERROR
                && r->error->code == ENLACE__ERROR_CODE__ERR_LIMIT
                && strstr(r->error->message, "with this key") != NULL;
            enlace__frame__free_unpacked(r, NULL);
        }
        rawclient_destroy(&raw2);
    }
    double refill_s = (double)(harness_now_ms() - emptied_ms) / 1000.0;
    fprintf(stderr,
        "  second connection, same key: %d stored, %d x error(limit) of %d, "
        "%.2f s after the history requests\n",
        second_stored, second_limited, SECOND, refill_s);
    CHECK(second_stored + second_limited == SECOND);
    CHECK(second_stored <= (int)(RATE * refill_s) + 2);
    CHECK(second_limited > 0);
    /* The bucket refills: after a pause the flooder may publish again. */
    usleep(1100 * 1000);
    rawclient_content_t spec = {.topic = "consular/flood/HN", .body = "after the pause"};
    Enlace__Frame *f = rawclient_await(raw, s_publish_signed(raw, rawclient_identity(raw), &spec),
        REPLY_TIMEOUT_MS);
    CHECK(f && f->body_case == ENLACE__FRAME__BODY_STORED);
    enlace__frame__free_unpacked(f, NULL);
done:
    enlace_close(&good_client);
    rawclient_destroy(&raw);
    hub_cleanup(&h);
}

/* The Hellos a key had refused at the cap, and when (the test's clock):
 * from the start of the first refused attempt to the end of the last. */
typedef struct {
    int refused;
    int64_t first_ms, last_ms;
} refusals_t;

static void
s_refused(refusals_t *r, int64_t started_ms)
{
    if (!r->refused++)
        r->first_ms = started_ms;
    r->last_ms = harness_now_ms();
}

/* Connects `o` to h, retrying for up to 5 s while the hub refuses it at the
 * cap (a session being dropped races the new Hello); every refusal must be
 * error(limit), and is counted in r. Returns the client or NULL; *tries says
 * how many attempts it took. */
static enlace_client_t *
s_connect_retrying(hub_t *h, const officer_t *o, int *tries, refusals_t *r)
{
    enlace_client_t *c = NULL;
    int rc;
    char why[512];
    for (*tries = 1; *tries <= 50; (*tries)++) {
        int64_t t0 = harness_now_ms();
        if ((c = client_connect(h, o, &rc, why, sizeof why)))
            return c;
        CHECK_RC(rc, ENLACE_ELIMIT);
        s_refused(r, t0);
        usleep(100 * 1000);
    }
    fprintf(stderr, "  still refused after 50 tries: %s\n", why);
    return NULL;
}

/* The cap on sessions per key, on a hub of its own started with 2: a third
 * connection with the same key is refused at Hello with error(limit) saying
 * why, and audited, and a burst of such refusals is audited at most once a
 * second; another officer is not affected. A client that dies
 * without Bye frees its place at once (the hub finds its peer gone), not
 * after the idle timeout; one that says Bye too. */
static void
limits_connections_per_key(void)
{
    hub_t h;
    officer_t holder, other;
    hub_init(&h);
    h.extra[0] = "--connections-per-key";
    h.extra[1] = "2";
    officer_new(&h, &holder, "holder", "--country HN --network consular --role officer");
    officer_new(&h, &other, "other", "--country MX --network consular --role officer");
    hub_start(&h);
    int rc;
    char why[512] = "";
    refusals_t refusals = {0};
    enlace_client_t *c1 = client_connect(&h, &holder, &rc, why, sizeof why);
    CHECK_RC(rc, ENLACE_OK);
    rawclient_t *dies = s_raw_on(&h, &holder, 1); /* will end without Bye */
    CHECK(dies != NULL);
    why[0] = '\0';
    int64_t t3 = harness_now_ms();
    enlace_client_t *c3 = client_connect(&h, &holder, &rc, why, sizeof why);
    CHECK(c3 == NULL);
    CHECK_RC(rc, ENLACE_ELIMIT);
    s_refused(&refusals, t3);
    fprintf(stderr, "  third connection: %s\n", why);
    CHECK(strstr(why, "already holds 2 connections") != NULL);
    /* A burst of refused Hellos: each is answered, one a second audited. */
    for (int i = 0; i < 5; i++) {
        int64_t t = harness_now_ms();
        enlace_client_t *again = client_connect(&h, &holder, &rc, why, sizeof why);
        CHECK(again == NULL);
        CHECK_RC(rc, ENLACE_ELIMIT);
        enlace_close(&again);
        s_refused(&refusals, t);
    }
    /* Another key is not limited by this one's. */
    enlace_client_t *o = client_connect(&h, &other, &rc, why, sizeof why);
    CHECK_RC(rc, ENLACE_OK);
    /* The sessions still work (the probe a refusal sends is ignored). */
    CHECK_RC(enlace_publish(c1, "consular/cap/HN", "sigo", 4, NULL, NULL), ENLACE_OK);
    /* The raw client's socket closes without Bye, as when its process dies:
     * well within the idle timeout (60 s), its place is free. */
    int64_t t0 = harness_now_ms();
    rawclient_destroy(&dies);
    int tries = 0;
    enlace_client_t *c4 = s_connect_retrying(&h, &holder, &tries, &refusals);
    fprintf(stderr, "  after a client died without Bye: connected in %lld ms, %d tries\n",
        (long long)(harness_now_ms() - t0), tries);
    CHECK(c4 != NULL);
    CHECK(harness_now_ms() - t0 < 10000);
    /* c1 says Bye: its session is dropped and the key may connect again. */
    enlace_close(&c1);
    enlace_client_t *c5 = s_connect_retrying(&h, &holder, &tries, &refusals);
    CHECK(c5 != NULL);
    char db[300];
    snprintf(db, sizeof db, "%s/data/archive.db", h.dir);
    int audited = (int)SQL_INT(db,
        "SELECT count(*) FROM audit WHERE outcome = "
        "'refused:limit' AND action = 'hello'");
    /* One refusal a second is audited: the third connection's, and of the
     * retries that raced a session being dropped, one for each second that
     * began after the first refusal. The refusals all fell within the span
     * the test measured around them (the hub's clock cannot see a longer
     * one), so at most 1 + that span in whole seconds, and never more than
     * there were refusals. */
    int64_t span_ms = refusals.last_ms - refusals.first_ms;
    int most = 1 + (int)(span_ms / 1000);
    if (most > refusals.refused)
        most = refusals.refused;
    fprintf(stderr,
        "  audit: %d x refused:limit on hello for %d refused Hellos over %lld ms"
        " (at most %d may be audited)\n",
        audited, refusals.refused, (long long)span_ms, most);
    CHECK(audited >= 1);
    CHECK(audited <= most);
    enlace_close(&c4);
    enlace_close(&c5);
    enlace_close(&o);
    hub_cleanup(&h);
}

/* A connection that must not come up: no handshake, no reply to Hello. */
static void
s_expect_no_session(rawclient_t *raw, const char *what)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    frame.version = 1;
    frame.request_id = rawclient_next_id(raw);
    frame.body_case = ENLACE__FRAME__BODY_HELLO;
    frame.hello = &hello;
    rawclient_send_frame(raw, &frame);
    Enlace__Frame *f = rawclient_await(raw, frame.request_id, NO_REPLY_WAIT_MS);
    int ev = rawclient_events(raw);
    fprintf(stderr, "  %-58s -> %s; handshake %s%s%s%s\n", what,
        f ? rawclient_describe(f) : "no reply",
        ev & ZMQ_EVENT_HANDSHAKE_SUCCEEDED ? "SUCCEEDED" : "never succeeded",
        ev & ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ? " (failed: auth)" : "",
        ev & ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ? " (failed: protocol)" : "",
        ev & ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ? " (failed: no detail)" : "");
    CHECK(f == NULL);
    CHECK(!(ev & ZMQ_EVENT_HANDSHAKE_SUCCEEDED));
    enlace__frame__free_unpacked(f, NULL);
    CHECK(rawclient_drain(raw, 100) == 0);
}

/* After a refused connection, authenticated clients are still served. */
static void
s_expect_hub_serves(void)
{
    rawclient_t *raw = s_raw(&mallory, 1);
    if (raw) {
        s_expect_alive_session(raw);
        s_raw_done(&raw);
    }
}

static void
plaintext_client_gets_no_reply(void)
{
    rawclient_opts_t opts = {.endpoint = hub.endpoint};
    char why[256];
    rawclient_t *raw = rawclient_new(&opts, why, sizeof why);
    if (!raw) {
        FAILF("plaintext client: %s", why);
        return;
    }
    s_expect_no_session(raw, "plaintext (NULL mechanism) client sends Hello");
    rawclient_destroy(&raw);
    s_expect_hub_serves();
    s_check_hub_alive();
}

static void
wrong_hub_key_gets_no_session(void)
{
    uint8_t pk[KEYS_PUBLIC_BYTES], curve[KEYS_CURVE_BYTES];
    char kerr[KEYS_ERR_LEN];
    if (keys_public_load(luis.public_, pk, kerr) != 0 || keys_curve_from_public(pk, curve) != 0) {
        FAILF("luis's key: %s", kerr);
        return;
    }
    rawclient_opts_t opts = {.endpoint = hub.endpoint,
        .hub_public = hub.hub_public,
        .key_file = mallory.secret,
        .server_curve_override = curve};
    char why[256];
    rawclient_t *raw = rawclient_new(&opts, why, sizeof why);
    if (!raw) {
        FAILF("wrong-hub-key client: %s", why);
        return;
    }
    s_expect_no_session(raw, "registered key, wrong hub key, sends Hello");
    rawclient_destroy(&raw);
    /* libenlace says so too. */
    enlace_options_t eo = {.endpoint = hub.endpoint,
        .hub_key_file = luis.public_,
        .key_file = mallory.secret,
        .timeout_ms = 2000};
    enlace_client_t *c = NULL;
    int rc = enlace_connect(&eo, &c, why, sizeof why);
    fprintf(stderr, "  %-58s -> %s: %s\n", "libenlace with the wrong hub key", enlace_strerror(rc),
        why);
    CHECK_RC(rc, ENLACE_EHANDSHAKE);
    CHECK(c == NULL);
    enlace_close(&c);
    s_expect_hub_serves();
    s_check_hub_alive();
}

static void
unknown_key_is_refused(void)
{
    int rc;
    char why[512] = "";
    int64_t t0 = harness_now_ms();
    enlace_client_t *c = client_connect(&hub, &eve, &rc, why, sizeof why);
    fprintf(stderr, "  %-58s -> %s: %s (%lld ms)\n", "libenlace with an unregistered key",
        enlace_strerror(rc), why, (long long)(harness_now_ms() - t0));
    CHECK(c == NULL);
    CHECK_RC(rc, ENLACE_EAUTH);
    enlace_close(&c);
    /* And by hand: the hub's ZAP handler refuses the handshake. */
    rawclient_opts_t opts = {.endpoint = hub.endpoint,
        .hub_public = hub.hub_public,
        .key_file = eve.secret};
    rawclient_t *raw = rawclient_new(&opts, why, sizeof why);
    if (!raw) {
        FAILF("unknown-key client: %s", why);
        return;
    }
    CHECK(rawclient_wait_event(raw, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 3000) != 0);
    s_expect_no_session(raw, "unregistered key, raw, sends Hello");
    rawclient_destroy(&raw);
    s_expect_hub_serves();
    s_check_hub_alive();
}

static void
survives_thousand_half_open_handshakes(void)
{
    int port = atoi(strrchr(hub.endpoint, ':') + 1);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static int fds[HALF_OPEN];
    static struct pollfd pfd[HALF_OPEN];
    int stored_before = atomic_load(&good.stored);
    int64_t t0 = harness_now_ms();
    for (int i = 0; i < HALF_OPEN; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fds[i] < 0) {
            FAILF("socket %d: %s", i, strerror(errno));
            continue;
        }
        if (connect(fds[i], (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
    /* Wait until they are connected, then some send a little. */
    int connected = 0;
    for (int i = 0; i < HALF_OPEN; i++) {
        pfd[i].fd = fds[i];
        pfd[i].events = POLLOUT;
    }
    int64_t deadline = harness_now_ms() + 3000;
    while (harness_now_ms() < deadline) {
        int pending = 0;
        for (int i = 0; i < HALF_OPEN; i++)
            pending += pfd[i].fd >= 0;
        if (!pending)
            break;
        if (poll(pfd, HALF_OPEN, 100) <= 0)
            continue;
        for (int i = 0; i < HALF_OPEN; i++) {
            if (pfd[i].fd < 0 || !pfd[i].revents)
                continue;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len);
            pfd[i].fd = -1;
            if (err != 0)
                continue;
            connected++;
            /* a third say nothing, a third start a ZMTP greeting, a third
             * send something else */
            static const uint8_t greeting[] = {0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3};
            if (i % 3 == 1)
                (void)!send(fds[i], greeting, sizeof greeting, MSG_NOSIGNAL);
            else if (i % 3 == 2)
                (void)!send(fds[i], "GET / HTTP/1.0\r\n", 16, MSG_NOSIGNAL);
        }
    }
    fprintf(stderr, "  %d/%d TCP connections open after %lld ms; holding them 1 s\n", connected,
        HALF_OPEN, (long long)(harness_now_ms() - t0));
    CHECK(connected >= HALF_OPEN * 9 / 10);
    /* While they hang: a new connection still gets in and is served. */
    int rc;
    char why[512];
    int64_t c0 = harness_now_ms();
    enlace_client_t *c = client_connect(&hub, &ana, &rc, why, sizeof why);
    fprintf(stderr, "  %-58s -> %s%s%s (%lld ms)\n", "new libenlace connection meanwhile",
        enlace_strerror(rc), c ? "" : ": ", c ? "" : why, (long long)(harness_now_ms() - c0));
    CHECK_RC(rc, ENLACE_OK);
    if (c)
        CHECK_RC(enlace_ping(c), ENLACE_OK);
    enlace_close(&c);
    int64_t left = t0 + 1000 - harness_now_ms();
    int64_t hold_start = harness_now_ms();
    if (left < 1000)
        left = 1000; /* hold a full second after they are all open */
    usleep((useconds_t)left * 1000);
    int stored_during = atomic_load(&good.stored) - stored_before;
    for (int i = 0; i < HALF_OPEN; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    fprintf(stderr, "  the good officer stored %d messages while they were open (%lld ms)\n",
        stored_during, (long long)(harness_now_ms() - t0));
    /* ~50 in a second at one per 20 ms; a stalled hub stores none. */
    CHECK(stored_during >= (int)((harness_now_ms() - hold_start) / GOOD_PERIOD_MS / 3));
    /* Afterwards too. */
    c = client_connect(&hub, &ana, &rc, why, sizeof why);
    CHECK_RC(rc, ENLACE_OK);
    if (c)
        CHECK_RC(enlace_ping(c), ENLACE_OK);
    enlace_close(&c);
    s_check_hub_alive();
}

static void
good_officer_lost_nothing(void)
{
    if (!good.started) {
        FAILF("the good officer never started");
        return;
    }
    atomic_store(&good.stop_pub, 1);
    pthread_join(good.pub_thread, NULL);
    int stored = atomic_load(&good.stored);
    /* Let the listener catch up with everything stored. */
    int64_t deadline = harness_now_ms() + 10000;
    while (atomic_load(&good.delivered_total) < stored && harness_now_ms() < deadline)
        usleep(50000);
    usleep(500000); /* and give duplicates a chance to show */
    atomic_store(&good.stop_lis, 1);
    pthread_join(good.lis_thread, NULL);

    int missing = 0, duplicated = 0, wrong_seq = 0, unannounced = 0;
    for (int n = 0; n < good.published; n++) {
        if (good.stored_seq[n]) {
            if (good.delivered_count[n] == 0 && missing++ < 10)
                fprintf(stderr, "  good %d (seq %llu) was stored but never delivered\n", n,
                    (unsigned long long)good.stored_seq[n]);
            if (good.delivered_count[n] > 0 && good.delivered_seq[n] != good.stored_seq[n])
                wrong_seq++;
        } else if (good.delivered_count[n]) {
            unannounced++; /* delivered, but its publish failed: only counted */
        }
        if (good.delivered_count[n] > 1 && duplicated++ < 10)
            fprintf(stderr, "  good %d delivered %d times\n", n, good.delivered_count[n]);
    }
    fprintf(stderr,
        "  good officer: %d published, %d stored, %d publish failures, longest wait for a "
        "stored reply %lld ms; %d deliveries; missing %d, duplicated %d, wrong seq %d, "
        "delivered but not acknowledged %d, foreign %d\n",
        good.published, stored, good.failures, (long long)good.max_gap_ms,
        atomic_load(&good.delivered_total), missing, duplicated, wrong_seq, unannounced,
        good.foreign);
    if (good.failures)
        fprintf(stderr, "  first publish failure: %s\n", good.first_failure);
    if (good.recv_errors)
        fprintf(stderr, "  %d receive errors, the first: %s\n", good.recv_errors,
            good.first_recv_error);
    CHECK(stored > 100);
    CHECK(missing == 0);
    CHECK(duplicated == 0);
    CHECK(wrong_seq == 0);
    CHECK(good.failures == 0);
    CHECK(good.foreign == 0);
    CHECK(good.recv_errors == 0);
    CHECK(good.max_gap_ms < 3000);
    CHECK(enlace_bad_signatures(good.lis) == 0);
    enlace_close(&good.pub);
    enlace_close(&good.lis);
    /* The good officers were never refused anything. */
    int counts[NCODES];
    for (int k = 0; k < 2; k++) {
        const officer_t *o = k ? &luis : &ana;
        s_audit_counts(o, counts);
        for (int code = 0; code < NCODES; code++)
            if (counts[code])
                FAILF("audit: %d refused:%s records for good officer %s", counts[code],
                    rawclient_code_name(code), o->name);
    }
    s_check_hub_alive();
}

static void
hub_shuts_down_cleanly_without_sanitizer_reports(void)
{
    s_check_hub_alive();
    /* Fails the test unless the exit is clean, and for any sanitizer report
     * (the harness gives every product process its own report file). */
    hub_stop(&hub);
    char out[4096] = "";
    /* Reports that went to the log anyway (a sanitizer that ignored
     * log_path, an assert): grep exits 1 when it finds none. */
    CMD(1, out, sizeof out,
        "grep -m 20 -E 'runtime error|AddressSanitizer|LeakSanitizer|Assertion|assert' '%s'",
        hub.log);
    if (out[0]) {
        fprintf(stderr, "%s", out);
        FAILF("the hub's log has sanitizer or assertion reports");
    }
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN);
    hub_init(&hub);
    officer_new(&hub, &ana, "ana", "--country MX --network consular --role focal");
    officer_new(&hub, &luis, "luis", "--country GT --network consular --role officer");
    officer_new(&hub, &mallory, "mallory", "--country HN --network consular --role officer");
    officer_new(&hub, &trudy, "trudy", "--country SV --network consular --role officer");
    officer_keys_only(&hub, &eve, "eve");
    hub_start(&hub);
    s_good_start();
    int64_t t0 = harness_now_ms();
    harness_run("refuses_random_bytes_as_malformed", refuses_random_bytes_as_malformed);
    harness_run("refuses_truncated_frames_as_malformed", refuses_truncated_frames_as_malformed);
    harness_run("refuses_corrupted_frames_and_never_stores_them",
        refuses_corrupted_frames_and_never_stores_them);
    harness_run("refuses_other_protocol_versions", refuses_other_protocol_versions);
    harness_run("refuses_unknown_body_types", refuses_unknown_body_types);
    harness_run("drops_connection_on_frame_over_size_limit",
        drops_connection_on_frame_over_size_limit);
    harness_run("refuses_empty_frame_as_malformed", refuses_empty_frame_as_malformed);
    harness_run("refuses_multipart_message_as_malformed", refuses_multipart_message_as_malformed);
    harness_run("refuses_requests_before_hello", refuses_requests_before_hello);
    harness_run("refuses_bad_topics", refuses_bad_topics);
    harness_run("refuses_nul_inside_recipient", refuses_nul_inside_recipient);
    harness_run("refuses_signature_that_does_not_match", refuses_signature_that_does_not_match);
    harness_run("refuses_batch_proofs_that_do_not_lead_to_the_signed_root",
        refuses_batch_proofs_that_do_not_lead_to_the_signed_root);
    harness_run("refuses_author_key_other_than_connection_key",
        refuses_author_key_other_than_connection_key);
    harness_run("refuses_message_id_reused_with_other_content",
        refuses_message_id_reused_with_other_content);
    harness_run("limits_subscriptions_per_session", limits_subscriptions_per_session);
    harness_run("limits_request_rate_per_key", limits_request_rate_per_key);
    harness_run("limits_connections_per_key", limits_connections_per_key);
    harness_run("plaintext_client_gets_no_reply", plaintext_client_gets_no_reply);
    harness_run("wrong_hub_key_gets_no_session", wrong_hub_key_gets_no_session);
    harness_run("unknown_key_is_refused", unknown_key_is_refused);
    harness_run("survives_thousand_half_open_handshakes", survives_thousand_half_open_handshakes);
    harness_run("good_officer_lost_nothing", good_officer_lost_nothing);
    harness_run("hub_shuts_down_cleanly_without_sanitizer_reports",
        hub_shuts_down_cleanly_without_sanitizer_reports);
    fprintf(stderr, "bad-input suite ran for %lld ms\n", (long long)(harness_now_ms() - t0));
    hub_cleanup(&hub);
    return harness_finish();
}
