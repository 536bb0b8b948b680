/*
 * scen_sealed.c: what sealing costs (PROTOCOL.md 6, issue 16).
 *
 * Rows:
 *   - the format alone, in this process (common/seal.c): sealing a 1 KiB
 *     part for 3 keys (a recipient, the author, the archive key: what a
 *     RED message to one officer is sealed to) and opening it with one;
 *   - one libenlace publisher storing 1 KiB messages to one named officer,
 *     TLP:RED (sealed: each publish first asks the hub for the keys, one
 *     round trip) beside AMBER+STRICT to the same officer (not sealed), and
 *     the same end to end, delivered to that officer, who opens each one;
 *   - the hub's CPU time per stored message, sealed and not.
 * Each run is a fresh hub with an archive key registered.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bench.h"
#include "seal.h"

/* ---------------------------------------------------------------- the format */

static void
s_format_rows(const bench_opts_t *o)
{
    long n = o->quick ? 200 : 5000;
    uint8_t pk[3][32], sk[3][64];
    for (int i = 0; i < 3; i++)
        crypto_sign_keypair(pk[i], sk[i]);
    uint8_t cpk[32], csk[32];
    if (crypto_sign_ed25519_pk_to_curve25519(cpk, pk[0]) != 0
        || crypto_sign_ed25519_sk_to_curve25519(csk, sk[0]) != 0)
        return;
    uint8_t body[1024], id[16] = {1};
    randombytes_buf(body, sizeof body);
    char *to[] = {"AAAA-BBBB-CCCC-DDDD"};
    int64_t seal_ns = 0, open_ns = 0;
    long failed = 0;
    for (long i = 0; i < n; i++) {
        Enlace__Content c = ENLACE__CONTENT__INIT;
        Enlace__Sealed sealed = ENLACE__SEALED__INIT;
        Enlace__SealedPart part;
        c.message_id.data = id;
        c.message_id.len = sizeof id;
        c.topic.data = (uint8_t *)BENCH_TOPIC;
        c.topic.len = strlen(BENCH_TOPIC);
        c.author_key.data = pk[1];
        c.author_key.len = 32;
        c.tlp = ENLACE__TLP__TLP_RED;
        c.recipients = to;
        c.n_recipients = 1;
        c.content_type = "text/plain; charset=utf-8";
        c.body.data = body;
        c.body.len = sizeof body;
        sealed.form = "";
        int64_t t0 = bench_now_ns();
        seal_move(&c, &part);
        c.sealed = &sealed;
        int rc = seal_encrypt(&c, &part, (const uint8_t(*)[32])pk, 3);
        int64_t t1 = bench_now_ns();
        Enlace__SealedPart *opened = NULL;
        if (rc == SEAL_OK && seal_open(&c, pk[0], cpk, csk, &opened) != SEAL_OK)
            rc = -1;
        int64_t t2 = bench_now_ns();
        failed += rc != SEAL_OK;
        seal_ns += t1 - t0;
        open_ns += t2 - t1;
        if (opened)
            enlace__sealed_part__free_unpacked(opened, NULL);
        seal_sealed_fini(&sealed);
    }
    bench_record("sealed: seal 1 KiB for 3 keys (format alone)", "us/msg",
        failed ? NAN : seal_ns / 1e3 / (double)n);
    bench_record("sealed: open 1 KiB with 1 key (format alone)", "us/msg",
        failed ? NAN : open_ns / 1e3 / (double)n);
}

/* ---------------------------------------------------------------- through a hub */

typedef struct {
    enlace_client_t *c;
    long want, got, unopened;
    int64_t last_ns;
} sub_t;

static void *
s_subscriber(void *arg)
{
    sub_t *a = arg;
    int64_t idle_since = bench_now_ns();
    int64_t stall = 10 * 1000000000LL * bench_timeout_scale();
    while (a->got < a->want && bench_now_ns() - idle_since < stall) {
        enlace_delivery_t *d;
        if (enlace_recv(a->c, &d, 200) != ENLACE_OK)
            continue;
        a->last_ns = idle_since = bench_now_ns();
        a->got++;
        a->unopened += d->sealed && d->seal_status != ENLACE_OK;
        enlace_delivery_destroy(&d);
    }
    return NULL;
}

/* Publishes n messages of 1 KiB to officer 1 with the window; returns how
 * many failed. */
static long
s_publish(fixture_t *f, enlace_client_t *c, long n, int sealed)
{
    uint8_t body[1024];
    memset(body, 'x', sizeof body);
    const char *to[] = {f->officers[1].fingerprint};
    enlace_publish_opts_t opts = {.tlp = sealed ? ENLACE_TLP_RED : ENLACE_TLP_AMBER_STRICT,
        .recipients = to,
        .nrecipients = 1};
    long sent = 0, done = 0, failed = 0;
    while (done < n) {
        while (sent < n && (long)enlace_publish_outstanding(c) < BENCH_WINDOW) {
            int rc = enlace_publish_async(c, BENCH_TOPIC, body, sizeof body, &opts, NULL);
            if (rc != ENLACE_OK) {
                bench_log("publish: %s: %s", enlace_strerror(rc), enlace_last_error(c));
                return failed + n - done;
            }
            sent++;
        }
        if (enlace_publish_outstanding(c) == 0)
            break;
        uint64_t ticket, seq;
        int rc = enlace_publish_result(c, &ticket, &seq, 10000 * bench_timeout_scale());
        if (rc == ENLACE_ETIMEDOUT)
            return failed + n - done;
        done++;
        failed += rc != ENLACE_OK;
    }
    return failed;
}

/* One run: messages per second (end to end: delivered and opened), and the
 * hub's CPU microseconds per stored message in *cpu_us. */
static double
s_run(const bench_opts_t *o, long n, int sealed, int end_to_end, double *cpu_us)
{
    fixture_t f;
    double rate = NAN;
    *cpu_us = NAN;
    if (fixture_new(&f, 2, 2) != 0) {
        fixture_destroy(&f, o->keep);
        return NAN;
    }
    officer_t archive;
    officer_keys_only(&f.hub, &archive, "archive");
    if (harness_sh("%s archive-key set %s/data %s >/dev/null", getenv("ENLACE_HUB_BIN"), f.hub.dir,
            archive.public_)
        != 0) {
        fixture_destroy(&f, o->keep);
        return NAN;
    }
    fixture_start(&f);
    enlace_client_t *pub = fixture_connect(&f, 0), *rcpt = fixture_connect(&f, 1);
    sub_t sub = {.c = rcpt, .want = n};
    pthread_t thread;
    int started = 0;
    if (!pub || !rcpt || (end_to_end && enlace_subscribe(rcpt, BENCH_PATTERN, 0) != ENLACE_OK))
        goto out;
    if (end_to_end) {
        if (pthread_create(&thread, NULL, s_subscriber, &sub) != 0)
            abort();
        started = 1;
    }
    double cpu0 = bench_cpu_seconds(f.hub.pid);
    int64_t t0 = bench_now_ns();
    long failed = s_publish(&f, pub, n, sealed);
    int64_t t1 = bench_now_ns();
    if (started) {
        pthread_join(thread, NULL);
        started = 0;
        t1 = sub.last_ns;
    }
    double cpu1 = bench_cpu_seconds(f.hub.pid);
    if (failed == 0 && (!end_to_end || (sub.got == n && sub.unopened == 0)) && t1 > t0) {
        rate = n / ((double)(t1 - t0) / 1e9);
        *cpu_us = (cpu1 - cpu0) * 1e6 / (double)n;
    } else {
        bench_log("sealed run: %ld failed, %ld of %ld delivered, %ld not opened", failed, sub.got,
            n, sub.unopened);
    }
out:
    if (started)
        pthread_join(thread, NULL);
    enlace_close(&pub);
    enlace_close(&rcpt);
    fixture_destroy(&f, o->keep);
    return rate;
}

void
scenario_sealed(const bench_opts_t *o)
{
    long n = o->quick ? 300 : 5000;
    for (int run = 0; run < o->runs; run++) {
        s_format_rows(o);
        double cpu_sealed, cpu_plain, ignore;
        bench_record("sealed ingest: 1 pub, 1 KiB TLP:RED to 1 officer", "msg/s",
            s_run(o, n, 1, 0, &cpu_sealed));
        bench_record("unsealed ingest: 1 pub, 1 KiB AMBER+STRICT to 1 officer", "msg/s",
            s_run(o, n, 0, 0, &cpu_plain));
        bench_record("sealed end to end: 1 pub -> the recipient, opening", "msg/s",
            s_run(o, n, 1, 1, &ignore));
        bench_record("unsealed end to end: 1 pub -> the recipient", "msg/s",
            s_run(o, n, 0, 1, &ignore));
        bench_record("sealed: hub CPU per stored message, RED 1 KiB", "us/msg", cpu_sealed);
        bench_record("unsealed: hub CPU per stored message, AMBER+STRICT 1 KiB", "us/msg",
            cpu_plain);
    }
    bench_pair("sealed / unsealed ingest", "sealed ingest: 1 pub, 1 KiB TLP:RED to 1 officer",
        "unsealed ingest: 1 pub, 1 KiB AMBER+STRICT to 1 officer");
    bench_pair("sealed / unsealed end to end", "sealed end to end: 1 pub -> the recipient, opening",
        "unsealed end to end: 1 pub -> the recipient");
    bench_note("sealed: %ld messages per run; sealed to the recipient's key, the author's and "
               "the archive key (3 boxes); every sealed publish first asks the hub for the keys "
               "(KeysQuery, one round trip, not pipelined), and the recipient opens every "
               "delivery (one X25519 box and XChaCha20-Poly1305) after checking its signature",
        n);
}
