/*
 * scen_fanout.c: fan-out (deliveries per second from one publisher to 10 and
 * 100 subscribers) and publish-to-delivery latency at a fixed rate.
 *
 * Fan-out runs twice: with libenlace subscribers (each verifies every
 * delivery's Ed25519 signature, as officers' clients do: on two cores that
 * verification, not the hub, is the ceiling) and with raw subscribers
 * (raw.c: no verification), which shows what the hub itself can push.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "bench.h"
#include "raw.h"

#define FANOUT_THREADS 8
#define STALL_NS (10 * 1000000000LL)

/* ---------------------------------------------------------------- libenlace */

typedef struct {
    enlace_client_t **clients; /* this thread's clients; not owned */
    long *got;                 /* per client */
    int n;
    long want;       /* per client */
    int64_t last_ns; /* out: time of this thread's last delivery */
} fan_arg_t;

/* Each client is visited in turn. enlace_recv with timeout 0 never reads the
 * socket (it checks the deadline before polling), so the shortest useful wait
 * is 1 ms; a client is drained of up to 64 deliveries per visit. */
static void *
s_fan_thread(void *arg)
{
    fan_arg_t *a = arg;
    int timeout = a->n == 1 ? 200 : 1;
    int64_t progress = bench_now_ns();
    for (;;) {
        int pending = 0;
        for (int i = 0; i < a->n; i++) {
            if (a->got[i] >= a->want)
                continue;
            pending = 1;
            for (int k = 0; k < 64 && a->got[i] < a->want; k++) {
                enlace_delivery_t *d;
                if (enlace_recv(a->clients[i], &d, timeout) != ENLACE_OK)
                    break;
                a->got[i]++;
                a->last_ns = progress = bench_now_ns();
                enlace_delivery_destroy(&d);
            }
        }
        if (!pending || bench_now_ns() - progress > STALL_NS)
            break;
    }
    return NULL;
}

typedef struct {
    enlace_client_t *c;
    long n;
    long failed;
    int64_t first_ns;
} fan_pub_t;

static void *
s_fan_publisher(void *arg)
{
    fan_pub_t *p = arg;
    p->failed = bench_publish_n(p->c, p->n, 1024, BENCH_WINDOW, &p->first_ns);
    return NULL;
}

double
fanout_round_lib(const bench_opts_t *o, int nsubs, long msgs)
{
    fixture_t f;
    double rate = NAN;
    int n = nsubs + 1;
    enlace_client_t **clients = calloc((size_t)n, sizeof *clients);
    long *got = calloc((size_t)n, sizeof *got);
    if (!clients || !got || fixture_new(&f, n, n) != 0) {
        free(clients);
        free(got);
        fixture_destroy(&f, o->keep);
        return NAN;
    }
    fixture_start(&f);
    for (int i = 0; i < n; i++)
        if (!(clients[i] = fixture_connect(&f, i)))
            goto out;
    for (int i = 1; i < n; i++)
        if (enlace_subscribe(clients[i], BENCH_PATTERN, 0) != ENLACE_OK) {
            bench_log("subscribe: %s", enlace_last_error(clients[i]));
            goto out;
        }
    int nthreads = nsubs < FANOUT_THREADS ? nsubs : FANOUT_THREADS;
    if (nsubs <= 10)
        nthreads = nsubs; /* one blocking subscriber per thread */
    fan_arg_t args[16];
    pthread_t threads[16], pub_thread;
    int per = nsubs / nthreads, extra = nsubs % nthreads, next = 1;
    for (int t = 0; t < nthreads; t++) {
        int count = per + (t < extra);
        args[t] =
            (fan_arg_t){.clients = &clients[next], .got = &got[next], .n = count, .want = msgs};
        next += count;
    }
    fan_pub_t pub = {.c = clients[0], .n = msgs};
    for (int t = 0; t < nthreads; t++)
        if (pthread_create(&threads[t], NULL, s_fan_thread, &args[t]) != 0)
            abort();
    if (pthread_create(&pub_thread, NULL, s_fan_publisher, &pub) != 0)
        abort();
    pthread_join(pub_thread, NULL);
    int64_t last = 0;
    for (int t = 0; t < nthreads; t++) {
        pthread_join(threads[t], NULL);
        if (args[t].last_ns > last)
            last = args[t].last_ns;
    }
    long total = 0;
    for (int i = 1; i < n; i++)
        total += got[i];
    if (pub.failed || total != msgs * nsubs) {
        bench_log("fan-out: %ld publishes failed, %ld of %ld deliveries", pub.failed, total,
            msgs * nsubs);
        goto out;
    }
    rate = (double)total / ((double)(last - pub.first_ns) / 1e9);
out:
    for (int i = 0; i < n; i++)
        enlace_close(&clients[i]);
    free(clients);
    free(got);
    fixture_destroy(&f, o->keep);
    return rate;
}

/* ---------------------------------------------------------------- raw */

typedef struct {
    raw_client_t *subs;
    int n;
    long want;       /* per subscriber */
    int64_t last_ns; /* out */
    long total;      /* out */
} raw_fan_t;

static void *
s_raw_fan_thread(void *arg)
{
    raw_fan_t *a = arg;
    zmq_pollitem_t *items = calloc((size_t)a->n, sizeof *items);
    if (!items)
        return NULL;
    for (int i = 0; i < a->n; i++)
        items[i] = (zmq_pollitem_t){a->subs[i].sock, 0, ZMQ_POLLIN, 0};
    int64_t progress = bench_now_ns();
    long goal = a->want * a->n;
    while (a->total < goal && bench_now_ns() - progress < STALL_NS) {
        if (zmq_poll(items, a->n, 10) <= 0)
            continue;
        for (int i = 0; i < a->n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            uint64_t before = a->subs[i].received;
            raw_pump(&a->subs[i], 64);
            if (a->subs[i].received != before) {
                a->total += (long)(a->subs[i].received - before);
                a->last_ns = progress = bench_now_ns();
            }
        }
    }
    free(items);
    return NULL;
}

/* Opens raw subscribers for officers [first, first+n) and waits until all
 * are subscribed. Returns 0 or -1. */
static int
s_raw_subscribe_all(fixture_t *f, void *ctx, raw_client_t *subs, int first, int n)
{
    for (int i = 0; i < n; i++)
        if (raw_open(&subs[i], ctx, f, &f->officers[first + i], BENCH_PATTERN, 0) != 0)
            return -1;
    int64_t deadline = bench_now_ns() + STALL_NS;
    for (;;) {
        int done = 0;
        for (int i = 0; i < n; i++) {
            raw_pump(&subs[i], 64);
            if (subs[i].state == RAW_FAILED)
                return -1;
            done += subs[i].state == RAW_SUBSCRIBED;
        }
        if (done == n)
            return 0;
        if (bench_now_ns() > deadline)
            return -1;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

double
fanout_round_raw(const bench_opts_t *o, int nsubs, long msgs)
{
    fixture_t f;
    double rate = NAN;
    void *ctx = raw_ctx_new(1, nsubs + 16);
    raw_client_t *subs = calloc((size_t)nsubs, sizeof *subs);
    enlace_client_t *pubc = NULL;
    if (!ctx || !subs || fixture_new(&f, nsubs + 1, 1) != 0) {
        free(subs);
        if (ctx)
            zmq_ctx_term(ctx);
        fixture_destroy(&f, o->keep);
        return NAN;
    }
    fixture_start(&f);
    if (!(pubc = fixture_connect(&f, 0)))
        goto out;
    if (s_raw_subscribe_all(&f, ctx, subs, 1, nsubs) != 0) {
        bench_log("raw subscribers did not all subscribe");
        goto out;
    }
    raw_fan_t arg = {.subs = subs, .n = nsubs, .want = msgs};
    fan_pub_t pub = {.c = pubc, .n = msgs};
    pthread_t thread, pub_thread;
    if (pthread_create(&thread, NULL, s_raw_fan_thread, &arg) != 0
        || pthread_create(&pub_thread, NULL, s_fan_publisher, &pub) != 0)
        abort();
    pthread_join(pub_thread, NULL);
    pthread_join(thread, NULL);
    if (pub.failed || arg.total != msgs * nsubs) {
        bench_log("raw fan-out: %ld publishes failed, %ld of %ld deliveries", pub.failed, arg.total,
            msgs * nsubs);
        goto out;
    }
    rate = (double)arg.total / ((double)(arg.last_ns - pub.first_ns) / 1e9);
out:
    enlace_close(&pubc);
    for (int i = 0; i < nsubs; i++)
        raw_close(&subs[i]);
    free(subs);
    zmq_ctx_term(ctx);
    fixture_destroy(&f, o->keep);
    return rate;
}

long
fanout_messages(const bench_opts_t *o, int nsubs, int raw)
{
    if (raw)
        return nsubs <= 10 ? (o->quick ? 1000 : 10000) : (o->quick ? 200 : 2000);
    return nsubs <= 10 ? (o->quick ? 400 : 2000) : (o->quick ? 40 : 200);
}

void
scenario_fanout(const bench_opts_t *o)
{
    long m10 = fanout_messages(o, 10, 0), m100 = fanout_messages(o, 100, 0);
    long r10 = fanout_messages(o, 10, 1), r100 = fanout_messages(o, 100, 1);
    for (int run = 0; run < o->runs; run++) {
        bench_record(FANOUT_LIB10_ROW, "deliv/s", fanout_round_lib(o, 10, m10));
        bench_record("fan-out: 1 pub -> 100 subs (libenlace, verifying)", "deliv/s",
            fanout_round_lib(o, 100, m100));
        bench_record(FANOUT_RAW10_ROW, "deliv/s", fanout_round_raw(o, 10, r10));
        bench_record("fan-out: 1 pub -> 100 subs (raw, hub only)", "deliv/s",
            fanout_round_raw(o, 100, r100));
    }
    bench_note("fan-out: 1 KiB bodies; messages per run: libenlace %ld (10 subs) and %ld "
               "(100 subs, 8 threads polling with enlace_recv timeout 1 ms), raw %ld and %ld; "
               "rate = all deliveries / (last delivery - first publish)",
        m10, m100, r10, r100);
    bench_note("raw subscribers: one ZeroMQ context, CURVE DEALER sockets speaking the wire "
               "format, cumulative DeliveryAck every 64, no signature verification: they "
               "measure the hub, not the recipients");
}

/* ---------------------------------------------------------------- latency */

typedef struct {
    enlace_client_t *c;
    long want;
    int64_t *lat; /* out: ns per delivery, in order */
    int64_t *hub; /* out: publish -> stored_ms (wall clock, ms resolution) */
    long got;     /* out */
} lat_sub_t;

static int64_t
s_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The body starts with the monotonic and the wall-clock send times. */
static void *
s_lat_subscriber(void *arg)
{
    lat_sub_t *a = arg;
    int64_t idle_since = bench_now_ns();
    while (a->got < a->want && bench_now_ns() - idle_since < 3 * 1000000000LL) {
        enlace_delivery_t *d;
        if (enlace_recv(a->c, &d, 200) != ENLACE_OK)
            continue;
        int64_t now = bench_now_ns(), sent[2];
        idle_since = now;
        if (d->body_len >= sizeof sent) {
            memcpy(sent, d->body, sizeof sent);
            /* stored_ms is truncated to the ms: take the middle of it */
            a->hub[a->got] = d->stored_ms * 1000000 + 500000 - sent[1];
            a->lat[a->got++] = now - sent[0];
        }
        enlace_delivery_destroy(&d);
    }
    return NULL;
}

static int
s_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    double p50, p99, p999, max; /* microseconds */
    double hub50, hub99;        /* publish -> stored, microseconds (1 ms resolution) */
    double behind_ms;           /* worst lag of the publisher behind its schedule */
} lat_result_t;

/* Publishes at `rate` per second for `seconds`, embedding the monotonic send
 * time in each 1 KiB body; the subscriber thread computes delivery - send.
 * The first 250 ms are warm-up and not counted. Returns 0 or -1. */
static int
s_latency_run(const bench_opts_t *o, int rate, double seconds, lat_result_t *res)
{
    fixture_t f;
    int rc = -1;
    long count = (long)(rate * seconds);
    enlace_client_t *pubc = NULL;
    lat_sub_t sub = {.want = count,
        .lat = calloc((size_t)count, sizeof(int64_t)),
        .hub = calloc((size_t)count, sizeof(int64_t))};
    if (!sub.lat || !sub.hub || fixture_new(&f, 2, 2) != 0) {
        free(sub.lat);
        free(sub.hub);
        fixture_destroy(&f, o->keep);
        return -1;
    }
    fixture_start(&f);
    pthread_t thread;
    int started = 0;
    uint8_t body[1024];
    memset(body, 'l', sizeof body);
    if (!(pubc = fixture_connect(&f, 0)) || !(sub.c = fixture_connect(&f, 1)))
        goto out;
    if (enlace_subscribe(sub.c, BENCH_PATTERN, 0) != ENLACE_OK)
        goto out;
    if (pthread_create(&thread, NULL, s_lat_subscriber, &sub) != 0)
        abort();
    started = 1;
    int64_t interval = 1000000000LL / rate, next = bench_now_ns() + 1000000, behind = 0;
    long failed = 0;
    for (long i = 0; i < count; i++) {
        struct timespec ts = {(time_t)(next / 1000000000LL), (long)(next % 1000000000LL)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
            ;
        int64_t now = bench_now_ns();
        if (now - next > behind)
            behind = now - next;
        int64_t stamps[2] = {now, s_wall_ns()};
        memcpy(body, stamps, sizeof stamps);
        int prc = enlace_publish_async(pubc, BENCH_TOPIC, body, sizeof body, NULL, NULL);
        if (prc != ENLACE_OK) {
            failed++;
            bench_log("latency publish: %s", enlace_last_error(pubc));
            break;
        }
        next += interval;
        /* Collect one answer per send once a few are outstanding, so the
         * count stays flat while the hub keeps up. A timeout of 0 would
         * never read the socket (enlace_publish_result checks its deadline
         * before polling), so 1 ms is the shortest wait; block only when
         * the window is full. */
        uint64_t t, s;
        if (enlace_publish_outstanding(pubc) > 32) {
            int r = enlace_publish_result(pubc, &t, &s, 1);
            failed += r != ENLACE_OK && r != ENLACE_ETIMEDOUT;
        }
        while (enlace_publish_outstanding(pubc) >= BENCH_WINDOW) {
            int r = enlace_publish_result(pubc, &t, &s, 1000);
            if (r == ENLACE_ETIMEDOUT)
                break;
            failed += r != ENLACE_OK;
        }
    }
    while (enlace_publish_outstanding(pubc) > 0) {
        uint64_t t, s;
        int r = enlace_publish_result(pubc, &t, &s, 5000);
        if (r == ENLACE_ETIMEDOUT)
            break;
        failed += r != ENLACE_OK;
    }
    pthread_join(thread, NULL);
    started = 0;
    long skip = rate / 4;
    if (failed || sub.got != count || count <= skip) {
        bench_log("latency: %ld publishes failed, %ld of %ld delivered", failed, sub.got, count);
        goto out;
    }
    int64_t *l = sub.lat + skip;
    long n = count - skip;
    qsort(l, (size_t)n, sizeof *l, s_cmp_i64);
    res->p50 = (double)l[n / 2] / 1e3;
    res->p99 = (double)l[(long)((double)n * 0.99)] / 1e3;
    res->p999 = (double)l[(long)((double)n * 0.999)] / 1e3;
    res->max = (double)l[n - 1] / 1e3;
    res->behind_ms = (double)behind / 1e6;
    int64_t *h = sub.hub + skip;
    qsort(h, (size_t)n, sizeof *h, s_cmp_i64);
    res->hub50 = (double)h[n / 2] / 1e3;
    res->hub99 = (double)h[(long)((double)n * 0.99)] / 1e3;
    rc = 0;
out:
    if (started)
        pthread_join(thread, NULL);
    enlace_close(&pubc);
    enlace_close(&sub.c);
    free(sub.lat);
    free(sub.hub);
    fixture_destroy(&f, o->keep);
    return rc;
}

void
scenario_latency(const bench_opts_t *o)
{
    double seconds = o->quick ? 1.0 : 5.0;
    const int *rates = o->rates;
    for (int run = 0; run < o->runs; run++)
        for (int k = 0; k < o->nrates; k++) {
            lat_result_t r;
            char row[96];
            int ok = s_latency_run(o, rates[k], seconds, &r) == 0;
            snprintf(row, sizeof row, "latency @ %d msg/s: p50", rates[k]);
            bench_record(row, "us", ok ? r.p50 : NAN);
            snprintf(row, sizeof row, "latency @ %d msg/s: p99", rates[k]);
            bench_record(row, "us", ok ? r.p99 : NAN);
            snprintf(row, sizeof row, "latency @ %d msg/s: p99.9", rates[k]);
            bench_record(row, "us", ok ? r.p999 : NAN);
            snprintf(row, sizeof row, "latency @ %d msg/s: max", rates[k]);
            bench_record(row, "us", ok ? r.max : NAN);
            snprintf(row, sizeof row, "latency @ %d msg/s:   of which publish->stored p50",
                rates[k]);
            bench_record(row, "us", ok ? r.hub50 : NAN);
            snprintf(row, sizeof row, "latency @ %d msg/s:   of which publish->stored p99",
                rates[k]);
            bench_record(row, "us", ok ? r.hub99 : NAN);
            snprintf(row, sizeof row, "latency @ %d msg/s: publisher's worst lag", rates[k]);
            bench_record(row, "ms", ok ? r.behind_ms : NAN);
        }
    bench_note("latency: 1 KiB, %.1f s per rate, paced with clock_nanosleep; latency = "
               "CLOCK_MONOTONIC at delivery (after the subscriber's signature check) - time "
               "written in the body just before enlace_publish_async (which signs); first "
               "250 ms not counted; publish->stored = the hub's stored_ms (wall clock, "
               "whole ms, +0.5 ms) - wall-clock send time; publisher's lag = worst delay behind "
               "its schedule",
        seconds);
}
