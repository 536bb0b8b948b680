/*
 * test_flow_control: the credit-based flow control of the README's "Wire
 * format", against a real hub, with a subscriber that stops acknowledging.
 *
 * A hand-driven subscriber (rawclient.c: it acknowledges only when told
 * to) takes the hub's default window and subscribes; a publisher stores a
 * warm-up of 10,000 messages, then 100,000 more (20,000 in the sanitizer
 * build, whose allocator and speed are not the product's; it says so).
 * The subscriber, which acknowledges nothing but pings now and then like a
 * stuck consumer, receives exactly `window` deliveries, the first ones in
 * order, and nothing more; the hub's resident memory, sampled as the
 * archive grows, stays flat (printed; checked against a bound far below
 * what holding the undelivered messages would take). Then the subscriber
 * acknowledges as it goes and receives every other message, in order, with
 * no gap and no duplicate, up to the last one stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enlace.pb-c.h"
#include "harness.h"
#include "rawclient.h"

#define TOPIC "consular/flow/MX"
#define WARMUP 10000
#define MORE 100000
#define MORE_SANITIZED 20000
#define RSS_SAMPLES 10
/* Growth allowed while MORE messages are stored: the SQLite page cache and
 * malloc's arenas settling. Holding the undelivered messages (about 300
 * bytes each as delivery frames) would take 30 MB for 100,000. */
#define RSS_GROWTH_MAX_KIB (12 * 1024)

static hub_t hub;
static officer_t pub, sub;

/* The subscriber's view. */
typedef struct {
    rawclient_t *raw;
    uint32_t window;    /* granted in Welcome */
    uint64_t first_seq; /* of the first delivery */
    uint64_t last_seq;  /* of the last delivery */
    long next_body;     /* the publisher's counter expected next */
    long deliveries;
    long out_of_order; /* seq not last + 1, or body not the next counter */
    long other;        /* frames that are neither deliveries nor pongs */
} subscriber_t;

/* Handles one frame; returns 1 if it was a delivery. */
static int
s_take(subscriber_t *s, Enlace__Frame *f)
{
    if (f->body_case == ENLACE__FRAME__BODY_PONG)
        return 0;
    if (f->body_case != ENLACE__FRAME__BODY_DELIVERY) {
        s->other++;
        fprintf(stderr, "  unexpected frame: %s\n", rawclient_describe(f));
        return 0;
    }
    const Enlace__Delivery *d = f->delivery;
    Enlace__Content *c = enlace__content__unpack(NULL, d->content.len, d->content.data);
    long n = -1;
    if (c && c->body.len > 5 && c->body.len < 32) {
        char body[32];
        memcpy(body, c->body.data, c->body.len);
        body[c->body.len] = '\0';
        if (sscanf(body, "flow %ld", &n) != 1)
            n = -1;
    }
    enlace__content__free_unpacked(c, NULL);
    if (s->deliveries == 0)
        s->first_seq = d->seq;
    else if (d->seq != s->last_seq + 1 || n != s->next_body)
        s->out_of_order++;
    s->last_seq = d->seq;
    s->next_body = n + 1;
    s->deliveries++;
    return 1;
}

/* Receives for ms without acknowledging; returns the deliveries. */
static long
s_receive_quietly(subscriber_t *s, int ms)
{
    long got = 0;
    int64_t end = harness_now_ms() + ms;
    for (int64_t left = ms; left > 0; left = end - harness_now_ms()) {
        Enlace__Frame *f = rawclient_recv(s->raw, (int)left);
        if (!f)
            break;
        got += s_take(s, f);
        enlace__frame__free_unpacked(f, NULL);
    }
    return got;
}

static int
s_send_ack(subscriber_t *s, uint64_t seq)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__DeliveryAck ack = ENLACE__DELIVERY_ACK__INIT;
    ack.seq = seq;
    frame.version = 1;
    frame.body_case = ENLACE__FRAME__BODY_DELIVERY_ACK;
    frame.delivery_ack = &ack;
    return rawclient_send_frame(s->raw, &frame);
}

/* Connects, says Hello (window 0: the hub's default) and subscribes. */
static int
s_subscriber_start(subscriber_t *s)
{
    rawclient_opts_t opts = {.endpoint = hub.endpoint,
        .hub_public = hub.hub_public,
        .key_file = sub.secret};
    char why[512];
    s->raw = rawclient_new(&opts, why, sizeof why);
    if (!s->raw) {
        fprintf(stderr, "  subscriber: %s\n", why);
        return -1;
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Hello hello = ENLACE__HELLO__INIT;
    hello.client = "test_flow_control";
    frame.version = 1;
    frame.request_id = rawclient_next_id(s->raw);
    frame.body_case = ENLACE__FRAME__BODY_HELLO;
    frame.hello = &hello;
    rawclient_send_frame(s->raw, &frame);
    Enlace__Frame *w = rawclient_await(s->raw, frame.request_id, 5000);
    if (!w || w->body_case != ENLACE__FRAME__BODY_WELCOME) {
        fprintf(stderr, "  subscriber: Hello got %s\n", rawclient_describe(w));
        enlace__frame__free_unpacked(w, NULL);
        return -1;
    }
    s->window = w->welcome->window;
    enlace__frame__free_unpacked(w, NULL);
    rawbuf_t sb = {0};
    rawbuf_field_bytes(&sb, 1, "consular/flow/#", strlen("consular/flow/#"));
    uint64_t rid = rawclient_next_id(s->raw);
    rawbuf_t fb = rawbuf_frame(1, rid, ENLACE__FRAME__BODY_SUBSCRIBE, sb.data, sb.len);
    rawclient_send(s->raw, fb.data, fb.len);
    free(sb.data);
    free(fb.data);
    Enlace__Frame *r = rawclient_await(s->raw, rid, 5000);
    int ok = r && r->body_case == ENLACE__FRAME__BODY_SUBSCRIBED;
    if (!ok)
        fprintf(stderr, "  subscriber: Subscribe got %s\n", rawclient_describe(r));
    enlace__frame__free_unpacked(r, NULL);
    return ok ? 0 : -1;
}

/* Publishes bodies "flow FROM" .. "flow FROM+N-1" with up to 256 in
 * flight; returns how many were stored, and the last seq in *last. Every
 * `ping_every` stored, the subscriber pings (alive, acknowledging nothing)
 * and, if rss is not NULL, the hub's RSS is sampled into it. */
static long
s_publish(enlace_client_t *c, long from, long n, uint64_t *last, subscriber_t *s, long ping_every,
    long *rss, int *nrss)
{
    long sent = 0, stored = 0, failed = 0;
    char body[32];
    while (stored + failed < n) {
        uint64_t ticket, seq;
        if (sent < n && enlace_publish_outstanding(c) < 256) {
            snprintf(body, sizeof body, "flow %ld", from + sent);
            if (enlace_publish_async(c, TOPIC, body, strlen(body), NULL, &ticket) != ENLACE_OK) {
                fprintf(stderr, "  publish: %s\n", enlace_last_error(c));
                failed++;
            }
            sent++;
            continue;
        }
        int rc = enlace_publish_result(c, &ticket, &seq, 20000);
        if (rc != ENLACE_OK) {
            fprintf(stderr, "  publish: %s\n", enlace_last_error(c));
            failed++;
            if (rc == ENLACE_ETIMEDOUT)
                break;
            continue;
        }
        if (seq > *last)
            *last = seq;
        if (++stored % ping_every == 0) {
            rawclient_ping(s->raw);
            if (rss && *nrss < RSS_SAMPLES)
                rss[(*nrss)++] = harness_rss_kib(hub.pid);
        }
    }
    CHECK(failed == 0);
    return stored;
}

static void
stalled_subscriber_gets_a_window_and_resumes_without_gap(void)
{
    int sanitized = harness_asan_build();
    long more = sanitized ? MORE_SANITIZED : MORE;
    if (sanitized)
        printf("sanitizer build: %d messages while the subscriber is stalled, not %d (ASan's"
               " allocator and speed are not the product's)\n",
            MORE_SANITIZED, MORE);
    subscriber_t s = {0};
    CHECK(s_subscriber_start(&s) == 0);
    int rc;
    char why[512];
    enlace_client_t *c = client_connect(&hub, &pub, &rc, why, sizeof why);
    if (!c)
        fprintf(stderr, "  publisher: %s\n", why);
    CHECK(c != NULL);
    if (!s.raw || !c)
        goto out;
    printf("window granted: %u\n", s.window);
    CHECK(s.window == 256); /* the README's default */

    /* Warm-up: the recent-message ring (8,192) fills, SQLite's cache too. */
    uint64_t last = 0;
    int64_t t0 = harness_now_ms();
    long stored = s_publish(c, 0, WARMUP, &last, &s, 1000, NULL, NULL);
    CHECK(stored == WARMUP);
    long got = s_receive_quietly(&s, 1000);
    printf("warm-up: %ld stored in %lld ms; the subscriber, acknowledging nothing, received %ld"
           " (seq %llu to %llu)\n",
        stored, (long long)(harness_now_ms() - t0), got, (unsigned long long)s.first_seq,
        (unsigned long long)s.last_seq);
    CHECK(got == (long)s.window);
    CHECK(s.out_of_order == 0 && s.next_body == (long)s.window); /* the first ones, in order */

    /* Stalled: the archive grows by `more` messages; the hub's memory does not. */
    long rss[RSS_SAMPLES];
    int nrss = 0;
    long rss0 = harness_rss_kib(hub.pid);
    t0 = harness_now_ms();
    stored = s_publish(c, WARMUP, more, &last, &s, more / RSS_SAMPLES, rss, &nrss);
    int64_t ms = harness_now_ms() - t0;
    long rss1 = harness_rss_kib(hub.pid);
    CHECK(stored == more);
    long extra = s_receive_quietly(&s, 1000);
    long peak = rss0;
    printf("stalled: %ld more stored in %lld ms (%.0f msg/s); hub RSS %ld KiB before, then", stored,
        (long long)ms, ms ? stored * 1000.0 / ms : 0.0, rss0);
    for (int i = 0; i < nrss; i++) {
        printf(" %ld", rss[i]);
        if (rss[i] > peak)
            peak = rss[i];
    }
    if (rss1 > peak)
        peak = rss1;
    printf(", %ld KiB after: growth %ld KiB (peak %+ld KiB); deliveries meanwhile: %ld\n", rss1,
        rss1 - rss0, peak - rss0, extra);
    CHECK(extra == 0);
    CHECK(rss0 > 0 && rss1 > 0);
    CHECK(peak - rss0 < RSS_GROWTH_MAX_KIB);

    /* Resumed: acknowledging as it goes, it gets everything else, in order. */
    long total = WARMUP + more;
    t0 = harness_now_ms();
    uint64_t acked = 0;
    CHECK(s_send_ack(&s, s.last_seq) == 0);
    acked = s.last_seq;
    int64_t quiet_since = harness_now_ms();
    while (s.deliveries < total && harness_now_ms() - quiet_since < 10000) {
        Enlace__Frame *f = rawclient_recv(s.raw, 1000);
        if (!f)
            continue;
        if (s_take(&s, f))
            quiet_since = harness_now_ms();
        enlace__frame__free_unpacked(f, NULL);
        /* Cumulative acknowledgements, half a window at a time. */
        if (s.last_seq >= acked + s.window / 2) {
            CHECK(s_send_ack(&s, s.last_seq) == 0);
            acked = s.last_seq;
        }
    }
    CHECK(s_send_ack(&s, s.last_seq) == 0);
    extra = s_receive_quietly(&s, 500);
    ms = harness_now_ms() - t0;
    printf("resumed: %ld deliveries in all (%ld expected) in %lld ms, seq %llu to %llu (last"
           " stored %llu); %ld out of order or missing, %ld after the last, %ld other frames\n",
        s.deliveries, total, (long long)ms, (unsigned long long)s.first_seq,
        (unsigned long long)s.last_seq, (unsigned long long)last, s.out_of_order, extra, s.other);
    CHECK(s.deliveries == total);
    CHECK(s.out_of_order == 0);
    CHECK(s.last_seq == last && s.last_seq - s.first_seq + 1 == (uint64_t)total);
    CHECK(s.next_body == total);
    CHECK(extra == 0 && s.other == 0);
out:
    enlace_close(&c);
    rawclient_destroy(&s.raw);
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    hub_init(&hub);
    officer_new(&hub, &pub, "pub", "--country MX --network consular --role focal");
    officer_new(&hub, &sub, "sub", "--country GT --network consular --role officer");
    /* As fast as the hub stores: the request rate (2,000 a second) is not
     * what this test is about. */
    hub.extra[0] = "--request-rate";
    hub.extra[1] = "0";
    /* Under ASan, freed memory waits in a quarantine of up to 256 MB before
     * it is reused: the hub's RSS would measure the quarantine. */
    static char asan[1200];
    if (harness_asan_build()) {
        snprintf(asan, sizeof asan,
            "ASAN_OPTIONS=%s:quarantine_size_mb=0"
            ":thread_local_quarantine_size_kb=0",
            getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "");
        hub.env[0] = asan;
    }
    hub_start(&hub);
    harness_run("stalled_subscriber_gets_a_window_and_resumes_without_gap",
        stalled_subscriber_gets_a_window_and_resumes_without_gap);
    hub_cleanup(&hub);
    return harness_finish();
}
