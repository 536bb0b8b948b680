/*
 * scen_ingest.c: ingest (stored and acknowledged per second), end to end
 * (stored, acknowledged and delivered to one subscriber) and the hub's CPU
 * time per stored message.
 *
 * Publishers are libenlace clients, one per thread, each keeping up to
 * BENCH_WINDOW publishes outstanding; a run's rate is messages / (last
 * result - first publish) over all publishers.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

typedef struct {
    enlace_client_t *c;
    long n;
    size_t len;
    pthread_barrier_t *start;
    long failed;      /* out */
    int64_t first_ns; /* out: just before the first publish */
    int64_t end_ns;   /* out: after the last result */
} pub_arg_t;

static void *
s_publisher(void *arg)
{
    pub_arg_t *a = arg;
    pthread_barrier_wait(a->start);
    a->failed = bench_publish_n(a->c, a->n, a->len, BENCH_WINDOW, &a->first_ns);
    a->end_ns = bench_now_ns();
    return NULL;
}

typedef struct {
    enlace_client_t *c;
    long want;
    long got;        /* out */
    long bad;        /* out: not from the run (wrong size) */
    int64_t last_ns; /* out: time of the last delivery */
} sub_arg_t;

static void *
s_subscriber(void *arg)
{
    sub_arg_t *a = arg;
    int64_t idle_since = bench_now_ns();
    int64_t stall = 10 * 1000000000LL * bench_timeout_scale();
    while (a->got < a->want && bench_now_ns() - idle_since < stall) {
        enlace_delivery_t *d;
        if (enlace_recv(a->c, &d, 200) != ENLACE_OK)
            continue;
        a->last_ns = idle_since = bench_now_ns();
        a->got++;
        enlace_delivery_destroy(&d);
    }
    return NULL;
}

typedef struct {
    double seconds;          /* hub CPU seconds during the run */
    bench_cpu_split_t split; /* by thread */
    long messages;
} cpu_use_t;

/* One ingest run: npub publishers share `total` messages of len bytes; with
 * a subscriber (end to end) the clock stops at the last delivery. Returns
 * messages per second, NaN on failure. */
static double
s_ingest_run(const bench_opts_t *o, int npub, long total, size_t len, int with_sub, cpu_use_t *cpu)
{
    fixture_t f;
    double rate = NAN;
    int nclients = npub + (with_sub ? 1 : 0);
    if (fixture_new(&f, nclients, nclients) != 0) {
        fixture_destroy(&f, o->keep);
        return NAN;
    }
    fixture_start(&f);
    enlace_client_t *clients[8] = {0};
    pub_arg_t pubs[8];
    pthread_t threads[8], sub_thread;
    sub_arg_t sub = {0};
    pthread_barrier_t start;
    int started = 0, sub_started = 0;
    for (int i = 0; i < nclients; i++)
        if (!(clients[i] = fixture_connect(&f, i)))
            goto out;
    if (with_sub) {
        sub.c = clients[npub];
        sub.want = total;
        int rc = enlace_subscribe(sub.c, BENCH_PATTERN, 0);
        if (rc != ENLACE_OK) {
            bench_log("subscribe: %s", enlace_last_error(sub.c));
            goto out;
        }
    }
    pthread_barrier_init(&start, NULL, (unsigned)npub + 1);
    for (int i = 0; i < npub; i++) {
        pubs[i] = (pub_arg_t){.c = clients[i],
            .n = total / npub + (i < total % npub),
            .len = len,
            .start = &start};
        if (pthread_create(&threads[i], NULL, s_publisher, &pubs[i]) != 0)
            abort(); /* cannot run the benchmark at all */
        started++;
    }
    if (with_sub) {
        if (pthread_create(&sub_thread, NULL, s_subscriber, &sub) != 0)
            abort();
        sub_started = 1;
    }
    fixture_mark(&f, "ingest-start"); /* the publishers wait at the barrier */
    double cpu0 = bench_cpu_seconds(f.hub.pid);
    bench_cpu_split_t split0;
    bench_cpu_split(f.hub.pid, &split0);
    pthread_barrier_wait(&start);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (sub_started)
        pthread_join(sub_thread, NULL);
    double cpu1 = bench_cpu_seconds(f.hub.pid);
    fixture_mark(&f, "ingest-end");
    pthread_barrier_destroy(&start);
    long failed = 0;
    int64_t first = INT64_MAX, last = 0;
    for (int i = 0; i < started; i++) {
        failed += pubs[i].failed;
        if (pubs[i].first_ns < first)
            first = pubs[i].first_ns;
        if (pubs[i].end_ns > last)
            last = pubs[i].end_ns;
    }
    if (with_sub)
        last = sub.last_ns;
    if (failed) {
        bench_log("%ld of %ld publishes failed", failed, total);
        goto out;
    }
    if (with_sub && sub.got != total) {
        bench_log("the subscriber received %ld of %ld", sub.got, total);
        goto out;
    }
    rate = (double)total / ((double)(last - first) / 1e9);
    if (cpu) {
        bench_cpu_split_t split1;
        bench_cpu_split(f.hub.pid, &split1);
        cpu->seconds = cpu1 - cpu0;
        cpu->split.main = split1.main - split0.main;
        cpu->split.zmq_io = split1.zmq_io - split0.zmq_io;
        cpu->split.other = split1.other - split0.other;
        cpu->messages = total;
    }
out:
    for (int i = 0; i < nclients; i++)
        enlace_close(&clients[i]);
    fixture_destroy(&f, o->keep);
    return rate;
}

long
ingest_messages(const bench_opts_t *o)
{
    return o->quick ? 3000 : 40000;
}

double
ingest_round(const bench_opts_t *o, int npub, long total, size_t len, int with_sub)
{
    return s_ingest_run(o, npub, total, len, with_sub, NULL);
}

void
scenario_ingest(const bench_opts_t *o)
{
    long n = ingest_messages(o);
    static const struct {
        int npub;
        size_t len;
        const char *row;
    } cases[] = {
        {1, 128, "ingest: 1 publisher, 128 B"},
        {1, 1024, "ingest: 1 publisher, 1 KiB"},
        {4, 128, "ingest: 4 publishers, 128 B"},
        {4, 1024, "ingest: 4 publishers, 1 KiB"},
    };
    for (int run = 0; run < o->runs; run++) {
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
            bench_record(cases[k].row, "msg/s", ingest_round(o, cases[k].npub, n, cases[k].len, 0));
        bench_record(INGEST_E2E_ROW, "msg/s", ingest_round(o, 1, n, 1024, 1));
    }
    bench_note("ingest: %ld messages per run, window %d outstanding per publisher "
               "(enlace_publish_async), rate = messages / (last Stored - first publish); "
               "end to end: until the subscriber (libenlace, verifies each signature) "
               "has received the last one; every hub here runs with --request-rate 0 "
               "(the default limit, 2,000 requests/s per key, would cap one "
               "publisher)",
        n, BENCH_WINDOW);
}

void
scenario_cpu(const bench_opts_t *o)
{
    long n = ingest_messages(o);
    for (int run = 0; run < o->runs; run++) {
        cpu_use_t cpu = {0};
        double rate = s_ingest_run(o, 1, n, 1024, 0, &cpu);
        if (isnan(rate) || cpu.messages == 0) {
            bench_record("cpu: hub CPU per stored message (1 pub, 1 KiB)", "us/msg", NAN);
            continue;
        }
        double per = 1e6 / (double)cpu.messages;
        bench_record("cpu: hub CPU per stored message (1 pub, 1 KiB)", "us/msg", cpu.seconds * per);
        bench_record("cpu:   of which main thread (verify, SQLite, loop)", "us/msg",
            cpu.split.main * per);
        bench_record("cpu:   of which ZeroMQ I/O thread (CURVE, TCP)", "us/msg",
            cpu.split.zmq_io * per);
        bench_record("cpu:   of which other threads (ZAP, reaper)", "us/msg",
            cpu.split.other * per);
        bench_record("cpu: hub CPU utilisation during the run", "cores",
            cpu.seconds / ((double)cpu.messages / rate));
    }
    bench_note("cpu: utime+stime of the hub from /proc/PID/stat and /proc/PID/task/*/stat "
               "(clock ticks of %ld Hz) around a 1-publisher 1 KiB ingest of %ld messages",
        sysconf(_SC_CLK_TCK), n);
}

/* The profile's workload (contrib/bench/callgrind-hub.sh): one publisher,
 * 1 KiB, BENCH_WINDOW outstanding, --count messages; fixture_mark brackets
 * the publishing so that a profiler can count it apart from start-up. */
void
scenario_ingest1k(const bench_opts_t *o)
{
    long n = o->count > 0 ? o->count : ingest_messages(o);
    for (int run = 0; run < o->runs; run++)
        bench_record("ingest1k: 1 publisher, 1 KiB", "msg/s", ingest_round(o, 1, n, 1024, 0));
    bench_note("ingest1k: %ld messages of 1 KiB per run from one publisher, window %d "
               "outstanding; rate = messages / (last Stored - first publish)%s",
        n, BENCH_WINDOW,
        bench_timeout_scale() > 1 ? "; the hub ran under ENLACE_HUB_WRAPPER: the rate is "
                                    "the wrapper's, not the hub's"
                                  : "");
}
