/*
 * scen_hub.c: scale (the hub's resident memory with thousands of connected,
 * authenticated, subscribed clients, and the session set-up rate) and the
 * archive (catch-up rate of a subscriber that was away).
 *
 * Scale uses raw clients (raw.c) in one shared context: a libenlace client
 * costs a ZeroMQ context, an I/O thread, a reaper thread and a monitor socket
 * each, which is the wrong thing to multiply by 5,000 in one process.
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

#define MAX_CONNECTING 100 /* handshakes in flight: a steady rate, not a SYN flood */

static void
s_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits (pumping) until every raw client is subscribed or failed, or the
 * deadline. Keeps at most MAX_CONNECTING clients between open and Welcome.
 * Returns the number subscribed; *last_welcome_ns is when the last Welcome
 * arrived. */
static int
s_connect_many(fixture_t *f, void *ctx, raw_client_t *c, int n, int first_officer, int64_t deadline,
    int64_t *last_welcome_ns, int *welcomed_out)
{
    int opened = 0, welcomed = 0, finished = 0, subscribed = 0, lo = 0;
    zmq_pollitem_t *items = calloc((size_t)n, sizeof *items);
    if (!items)
        return 0;
    while (finished < n && bench_now_ns() < deadline) {
        while (opened < n && opened - welcomed < MAX_CONNECTING) {
            if (raw_open(&c[opened], ctx, f, &f->officers[first_officer + opened], BENCH_PATTERN, 0)
                != 0) {
                bench_log("scale: cannot open raw client %d: %s", opened,
                    zmq_strerror(zmq_errno()));
                c[opened].state = RAW_FAILED;
                welcomed++; /* do not wait for it */
                finished++;
            }
            opened++;
        }
        int progress = 0, nitems = 0;
        for (int i = lo; i < opened; i++) {
            raw_client_t *r = &c[i];
            if (!r->sock || r->state == RAW_SUBSCRIBED || r->state == RAW_FAILED)
                continue;
            int before = r->state;
            if (raw_pump(r, 64))
                progress = 1;
            if (before == RAW_CONNECTING && r->state != RAW_CONNECTING) {
                welcomed++;
                if (r->state != RAW_FAILED)
                    *last_welcome_ns = bench_now_ns();
            }
            if (r->state == RAW_SUBSCRIBED || r->state == RAW_FAILED) {
                finished++;
                subscribed += r->state == RAW_SUBSCRIBED;
                continue;
            }
            items[nitems++] = (zmq_pollitem_t){r->sock, 0, ZMQ_POLLIN, 0};
        }
        while (lo < opened && (c[lo].state == RAW_SUBSCRIBED || c[lo].state == RAW_FAILED))
            lo++;
        if (!progress && nitems)
            zmq_poll(items, nitems, 1);
    }
    free(items);
    *welcomed_out = welcomed;
    return subscribed;
}

/* One scale step: n raw clients on a fresh hub. Records its rows. */
static void
s_scale_step(const bench_opts_t *o, int n)
{
    fixture_t f;
    char row[96];
    double rss_mib = NAN, hwm_mib = NAN, rate = NAN, base_mib = NAN, fan_ms = NAN;
    double idle_pct = NAN;
    void *ctx = raw_ctx_new(1, n + 64);
    raw_client_t *c = calloc((size_t)n, sizeof *c);
    enlace_client_t *pubc = NULL;
    int64_t t_gen = bench_now_ns();
    if (!ctx || !c || fixture_new(&f, n + 1, 1) != 0) {
        bench_log("scale: set-up failed");
        goto record;
    }
    bench_log("scale: %d officers generated and inserted in %.1f s", n + 1,
        (double)(bench_now_ns() - t_gen) / 1e9);
    fixture_start(&f);
    s_sleep_ms(300);
    base_mib = (double)bench_rss_kib(f.hub.pid) / 1024.0;
    int64_t t0 = bench_now_ns(), last_welcome = t0;
    int welcomed = 0;
    int subscribed = s_connect_many(&f, ctx, c, n, 1, t0 + 50 * 1000000000LL, &last_welcome,
        &welcomed);
    if (subscribed != n) {
        bench_log("scale: only %d of %d clients subscribed (%d welcomed)", subscribed, n, welcomed);
        goto out;
    }
    rate = (double)welcomed / ((double)(last_welcome - t0) / 1e9);
    s_sleep_ms(o->quick ? 300 : 1000); /* let the hub settle: pipes, buffers, malloc */
    rss_mib = (double)bench_rss_kib(f.hub.pid) / 1024.0;
    hwm_mib = (double)bench_hwm_kib(f.hub.pid) / 1024.0;
    /* What n quiet sessions cost: ZMTP heartbeats (every 5 s each) and the
     * hub's per-turn work. Keep the clients' heartbeats answered meanwhile. */
    double cpu0 = bench_cpu_seconds(f.hub.pid);
    int64_t ti = bench_now_ns();
    s_sleep_ms(o->quick ? 1000 : 5000);
    idle_pct = 100.0 * (bench_cpu_seconds(f.hub.pid) - cpu0)
        / ((double)(bench_now_ns() - ti) / 1e9);

    /* Prove they are subscribed: one publish reaches every one of them. */
    if ((pubc = fixture_connect(&f, 0))) {
        uint8_t body[1024];
        memset(body, 's', sizeof body);
        int64_t tp = bench_now_ns();
        uint64_t seq;
        long reached = 0;
        if (enlace_publish(pubc, BENCH_TOPIC, body, sizeof body, NULL, &seq) == ENLACE_OK) {
            int64_t deadline = tp + 20 * 1000000000LL;
            while (reached < n && bench_now_ns() < deadline) {
                int progress = 0;
                reached = 0;
                for (int i = 0; i < n; i++) {
                    progress += raw_pump(&c[i], 64);
                    reached += c[i].received > 0;
                }
                if (!progress)
                    s_sleep_ms(1);
            }
            if (reached == n)
                fan_ms = (double)(bench_now_ns() - tp) / 1e6;
            else
                bench_log("scale: the publish reached %ld of %d subscribers", reached, n);
        } else {
            bench_log("scale: publish failed: %s", enlace_last_error(pubc));
        }
    }
out:
    enlace_close(&pubc);
    for (int i = 0; c && i < n; i++)
        raw_close(&c[i]);
    fixture_destroy(&f, o->keep);
record:
    if (ctx)
        zmq_ctx_term(ctx);
    free(c);
    snprintf(row, sizeof row, "scale: hub VmRSS, %d clients subscribed", n);
    bench_record(row, "MiB", rss_mib);
    snprintf(row, sizeof row, "scale:   hub VmRSS idle, %d keys, no clients", n + 1);
    bench_record(row, "MiB", base_mib);
    snprintf(row, sizeof row, "scale:   per client, (VmRSS - idle) / %d", n);
    bench_record(row, "KiB", (rss_mib - base_mib) * 1024.0 / n);
    snprintf(row, sizeof row, "scale:   hub VmHWM (peak), %d clients", n);
    bench_record(row, "MiB", hwm_mib);
    snprintf(row, sizeof row, "scale:   hub CPU with %d idle subscribers", n);
    bench_record(row, "% core", idle_pct);
    snprintf(row, sizeof row, "scale: handshakes (CURVE+ZAP+Hello/Welcome), %d", n);
    bench_record(row, "hs/s", rate);
    snprintf(row, sizeof row, "scale: 1 publish delivered to all %d subscribers", n);
    bench_record(row, "ms", fan_ms);
}

void
scenario_scale(const bench_opts_t *o)
{
    int small = o->quick ? 200 : 1000, large = o->quick ? 500 : 5000;
    for (int run = 0; run < o->runs; run++) {
        s_scale_step(o, small);
        s_scale_step(o, large);
    }
    bench_note("scale: raw clients in one process (one ZeroMQ context, 1 I/O thread), at most "
               "%d handshakes in flight; set-up rate = clients / (last Welcome - first "
               "connect), and the bench's own CURVE work shares the 2 cores with the hub",
        MAX_CONNECTING);
}

/* ---------------------------------------------------------------- archive */

/* Receives `want` deliveries on a libenlace client; returns how many came. */
static long
s_lib_drain(enlace_client_t *c, long want)
{
    long got = 0;
    int64_t idle_since = bench_now_ns();
    while (got < want && bench_now_ns() - idle_since < 10 * 1000000000LL) {
        enlace_delivery_t *d;
        if (enlace_recv(c, &d, 200) != ENLACE_OK)
            continue;
        got++;
        idle_since = bench_now_ns();
        enlace_delivery_destroy(&d);
    }
    return got;
}

/* Opens a raw client as officer 1 and waits until it is subscribed. */
static int
s_raw_subscribe_one(fixture_t *f, void *ctx, raw_client_t *r)
{
    if (raw_open(r, ctx, f, &f->officers[1], BENCH_PATTERN, 0) != 0)
        return -1;
    zmq_pollitem_t item = {r->sock, 0, ZMQ_POLLIN, 0};
    int64_t deadline = bench_now_ns() + 10 * 1000000000LL;
    while (r->state != RAW_SUBSCRIBED && r->state != RAW_FAILED && bench_now_ns() < deadline)
        if (zmq_poll(&item, 1, 100) > 0)
            raw_pump(r, 64);
    return r->state == RAW_SUBSCRIBED ? 0 : -1;
}

/* Receives `want` deliveries on a raw client. */
static long
s_raw_drain(raw_client_t *r, long want)
{
    zmq_pollitem_t item = {r->sock, 0, ZMQ_POLLIN, 0};
    int64_t idle_since = bench_now_ns();
    while ((long)r->received < want && bench_now_ns() - idle_since < 10 * 1000000000LL) {
        if (zmq_poll(&item, 1, 100) > 0 && raw_pump(r, 64) > 0)
            idle_since = bench_now_ns();
    }
    return (long)r->received;
}

/* ---------------------------------------------------------------- history */

/* Runs one history query to the end: pages until `want` items or no more.
 * Returns its duration in microseconds (NaN on failure); *requests counts
 * the round trips it took. Items are verified by libenlace like deliveries. */
static double
s_history_query(enlace_client_t *c, enlace_history_query_t q, unsigned want, int *requests)
{
    int64_t t0 = bench_now_ns();
    unsigned got = 0;
    *requests = 0;
    q.limit = want;
    for (;;) {
        enlace_page_t *page = NULL;
        int rc = enlace_history(c, &q, &page);
        ++*requests;
        if (rc != ENLACE_OK) {
            bench_log("history: %s: %s", enlace_strerror(rc), enlace_last_error(c));
            return NAN;
        }
        got += (unsigned)enlace_page_count(page);
        int more = enlace_page_more(page);
        q.after_seq = enlace_page_next(page);
        enlace_page_destroy(&page);
        if (got >= want || !more)
            break;
        q.limit = want - got;
    }
    return (double)(bench_now_ns() - t0) / 1e3;
}

/* Microseconds to collect the first `want` matches of a full-text search,
 * page by page (each page verified by libenlace). */
static double
s_search_query(enlace_client_t *c, const char *words, unsigned want)
{
    int64_t t0 = bench_now_ns();
    unsigned got = 0;
    uint64_t after = 0;
    for (;;) {
        enlace_page_t *page = NULL;
        int rc = enlace_search(c, words, after, want - got, &page);
        if (rc != ENLACE_OK) {
            bench_log("search: %s: %s", enlace_strerror(rc), enlace_last_error(c));
            return NAN;
        }
        got += (unsigned)enlace_page_count(page);
        int more = enlace_page_more(page);
        after = enlace_page_next(page);
        enlace_page_destroy(&page);
        if (got >= want || !more)
            break;
    }
    if (got < want) {
        bench_log("search '%s': %u of %u found", words, got, want);
        return NAN;
    }
    return (double)(bench_now_ns() - t0) / 1e3;
}

/* stored_ms of the message right after `after` (0 if none). */
static int64_t
s_stored_after(enlace_client_t *c, uint64_t after)
{
    enlace_history_query_t q = {.pattern = BENCH_PATTERN, .after_seq = after, .limit = 1};
    enlace_page_t *page = NULL;
    int64_t ms = 0;
    if (enlace_history(c, &q, &page) == ENLACE_OK && enlace_page_count(page) > 0)
        ms = enlace_page_item(page, 0)->stored_ms;
    enlace_page_destroy(&page);
    return ms;
}

static int
s_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Records p50 and p99 (nearest rank) of k samples under name. */
static void
s_record_p(const char *name, double *v, int k)
{
    char row[96];
    int ok = 0;
    for (int i = 0; i < k; i++)
        if (!isnan(v[i]))
            v[ok++] = v[i];
    qsort(v, (size_t)ok, sizeof *v, s_cmp_double);
    snprintf(row, sizeof row, "%s: p50", name);
    bench_record(row, "ms", ok == k && k ? v[k / 2] / 1e3 : NAN);
    snprintf(row, sizeof row, "%s: p99", name);
    int i99 = (int)((double)k * 0.99);
    bench_record(row, "ms", ok == k && k ? v[i99 < k ? i99 : k - 1] / 1e3 : NAN);
}

/* History against an archive of `total` messages (seq 1..total) through
 * officer 1's client: a page of 100 from a random position; the first 100
 * of a one-day window (1/365 of the stored time span); the first 100 by a
 * sparse author (officer 1: one in 1000 with --fill, none otherwise, which
 * makes it a full scan). */
static void
s_history_bench(const bench_opts_t *o, enlace_client_t *c, const fixture_t *f, long total)
{
    enum { K_MAX = 200 };
    double v[K_MAX];
    int reqs, kpage = o->quick ? 10 : 100, kwin = o->quick ? 3 : 10, kauth = o->quick ? 2 : 5;
    char name[96];
    unsigned seed = (unsigned)bench_now_ns();
    if (total < 200)
        return;
    for (int i = 0; i < kpage; i++) {
        enlace_history_query_t q = {.pattern = BENCH_PATTERN,
            .after_seq = (uint64_t)(rand_r(&seed) % (total - 100))};
        v[i] = s_history_query(c, q, 100, &reqs);
    }
    snprintf(name, sizeof name, "archive: history @ %ld msgs: 100 from a random seq", total);
    s_record_p(name, v, kpage);

    int64_t first = s_stored_after(c, 0), last = s_stored_after(c, (uint64_t)total - 1);
    int64_t span = last - first, day = span / 365 > 0 ? span / 365 : 1;
    double req_sum = 0;
    for (int i = 0; i < kwin; i++) {
        int64_t from = first + (int64_t)((double)rand_r(&seed) / RAND_MAX * (double)(span - day));
        enlace_history_query_t q = {.pattern = BENCH_PATTERN, .from_ms = from, .to_ms = from + day};
        v[i] = s_history_query(c, q, 100, &reqs);
        req_sum += reqs;
    }
    snprintf(name, sizeof name, "archive: history @ %ld msgs: 1-day window, first 100", total);
    s_record_p(name, v, kwin);
    snprintf(name, sizeof name, "archive: history @ %ld msgs: 1-day window, round trips", total);
    bench_record(name, "req", req_sum / kwin);

    req_sum = 0;
    for (int i = 0; i < kauth; i++) {
        enlace_history_query_t q = {.pattern = BENCH_PATTERN, .author = f->officers[1].fingerprint};
        v[i] = s_history_query(c, q, 100, &reqs);
        req_sum += reqs;
    }
    snprintf(name, sizeof name, "archive: history @ %ld msgs: sparse author, first 100", total);
    s_record_p(name, v, kauth);
    snprintf(name, sizeof name, "archive: history @ %ld msgs: sparse author, round trips", total);
    bench_record(name, "req", req_sum / kauth);

    /* Full-text search over every message (--fill rows are indexed as the
     * hub indexes a publish): a word in every message, then one in 1 of
     * BENCH_LOTS. */
    int ksearch = o->quick ? 5 : 20;
    for (int i = 0; i < ksearch; i++)
        v[i] = s_search_query(c, "fronterizo consulado", 100);
    snprintf(name, sizeof name, "archive: search @ %ld msgs: 2 common words, first 100", total);
    s_record_p(name, v, ksearch);
    for (int i = 0; i < ksearch; i++) {
        char word[32];
        snprintf(word, sizeof word, "lote%d", rand_r(&seed) % BENCH_LOTS);
        v[i] = s_search_query(c, word, 100);
    }
    snprintf(name, sizeof name, "archive: search @ %ld msgs: a word in 1%%, first 100", total);
    s_record_p(name, v, ksearch);
}

/* The away subscriber: subscribe, leave (Bye: the hub saves the cursor),
 * N published meanwhile, come back and catch up. raw selects the client
 * kind for the subscriber. Records deliveries per second under row (then,
 * for libenlace, the history figures on the same hub). With a
 * filled template (--fill) the run works on a copy of it, and *ingest gets
 * the publisher's rate on top of the filled archive. */
static void
s_replay_run(const bench_opts_t *o, const char *row, long n, int raw, double *ingest,
    const fixture_t *filled)
{
    fixture_t f;
    double rate = NAN;
    int recorded = 0;
    enlace_client_t *pubc = NULL, *sub = NULL;
    void *ctx = raw ? raw_ctx_new(1, 16) : NULL;
    raw_client_t rc = {0};
    int made = filled ? fixture_clone(&f, filled) : fixture_new(&f, 2, 2);
    if (made != 0 || (raw && !ctx))
        goto done;
    fixture_start(&f);
    /* 1. subscribe, then leave */
    if (raw) {
        if (s_raw_subscribe_one(&f, ctx, &rc) != 0)
            goto done;
        raw_bye(&rc);
        s_sleep_ms(200);
        raw_close(&rc);
    } else {
        if (!(sub = fixture_connect(&f, 1)) || enlace_subscribe(sub, BENCH_PATTERN, 0) != 0)
            goto done;
        enlace_close(&sub);
    }
    /* 2. n published while away */
    if (!(pubc = fixture_connect(&f, 0)))
        goto done;
    int64_t tp0;
    if (bench_publish_n(pubc, n, 1024, BENCH_WINDOW, &tp0) != 0)
        goto done;
    if (ingest && filled)
        *ingest = (double)n / ((double)(bench_now_ns() - tp0) / 1e9);
    enlace_close(&pubc);
    /* 3. come back and catch up */
    int64_t t0 = bench_now_ns();
    long got;
    if (raw) {
        if (raw_open(&rc, ctx, &f, &f.officers[1], BENCH_PATTERN, 0) != 0)
            goto done;
        got = s_raw_drain(&rc, n);
    } else {
        if (!(sub = fixture_connect(&f, 1)) || enlace_subscribe(sub, BENCH_PATTERN, 0) != 0)
            goto done;
        got = s_lib_drain(sub, n);
    }
    int64_t t1 = bench_now_ns();
    if (got != n) {
        bench_log("replay: %ld of %ld caught up", got, n);
        goto done;
    }
    rate = (double)n / ((double)(t1 - t0) / 1e9);
    if (!raw) {
        bench_record(row, "msg/s", rate);
        recorded = 1;
        s_history_bench(o, sub, &f, n + o->fill);
    }
done:
    enlace_close(&pubc);
    enlace_close(&sub);
    raw_close(&rc);
    if (ctx)
        zmq_ctx_term(ctx);
    fixture_destroy(&f, o->keep);
    if (!recorded)
        bench_record(row, "msg/s", rate);
}

void
scenario_archive(const bench_opts_t *o)
{
    long n = o->quick ? 10000 : 40000;
    fixture_t tmpl;
    int have_tmpl = 0;
    if (o->fill > 0) {
        /* Filled once (signing and inserting a million takes minutes), then
         * copied for every run. */
        int64_t t0 = bench_now_ns();
        if (fixture_new(&tmpl, 2, 2) == 0 && fixture_fill(&tmpl, o->fill, 1024) == 0) {
            have_tmpl = 1;
            double secs = (double)(bench_now_ns() - t0) / 1e9;
            bench_note("archive: --fill %ld: signed and inserted in %.0f s (%.0f/s), archive "
                       "%.0f MiB%s%s",
                o->fill, secs, (double)o->fill / secs,
                (double)fixture_archive_bytes(&tmpl) / (1024.0 * 1024.0),
                o->keep ? ", kept in " : "", o->keep ? tmpl.hub.dir : "");
        } else {
            bench_log("archive: the fill failed");
        }
    }
    const fixture_t *filled = have_tmpl ? &tmpl : NULL;
    for (int run = 0; run < o->runs && (o->fill == 0 || have_tmpl); run++) {
        double ingest = NAN;
        s_replay_run(o, "archive: replay to a returning subscriber (libenlace)", n, 0, &ingest,
            filled);
        if (filled) {
            char row[96];
            snprintf(row, sizeof row, "archive: ingest 1 pub 1 KiB on top of %ld messages",
                o->fill);
            bench_record(row, "msg/s", ingest);
        }
        s_replay_run(o, "archive: replay to a returning subscriber (raw)", n, 1, NULL, filled);
    }
    if (have_tmpl)
        fixture_destroy(&tmpl, o->keep);
    if (o->fill < 1000000)
        bench_text("archive: history @ 1M msgs", "run with --fill 1000000");
    bench_note("archive: %ld messages of 1 KiB published while the subscriber was away (it "
               "subscribed, said Bye, came back); rate = messages / (last delivery - start "
               "of the reconnect); the hub's recent ring holds 8192, the rest is read from "
               "SQLite%s",
        n, o->fill ? "" : "; --fill N puts N more (signed) messages under them first");
    bench_note("history: enlace_history (pages verified by libenlace), followed page by page "
               "until 100 items or the end; one-day window = 1/365 of the stored time span "
               "(--fill spreads its messages over a year); sparse author = 1 message in "
               "1000 with --fill, none without (a full scan)");
    bench_note("search: enlace_search (accent-folded FTS5 words, pages verified by libenlace) "
               "over every message (published and --fill), whose 1 KiB bodies are Spanish words; "
               "\"a word in 1%%\" = lote0..lote%d",
        BENCH_LOTS - 1);
}
