/*
 * bench.h: enlace-bench, the hand-run benchmark (tests/bench).
 *
 * Every scenario starts a real enlace-hub (CURVE, ZAP, signature checks,
 * commit before acknowledgement) on a free loopback port in a fresh data
 * directory, drives it with real clients and records one value per run and
 * row; bench.c prints the median and the spread (min-max) of each row.
 *
 * Two kinds of client: libenlace (what officers run: it signs every publish
 * and verifies every delivery) and "raw" (raw.c: one shared ZeroMQ context,
 * DEALER sockets speaking the wire format directly, no signature checks), used
 * where thousands of connections are needed or where the hub's own capacity
 * must be separated from the clients' verification cost on this small machine.
 *
 * Officers are generated in-process and inserted straight into the archive
 * with SQLite before the hub starts (one `officer add` process per officer is
 * far too slow for thousands); the hub's own directory code reads them.
 */
#ifndef ENLACE_BENCH_H
#define ENLACE_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "enlace.h"
#include "harness.h"

#define BENCH_MAX_RUNS 15
#define BENCH_TOPIC "consular/bench/MX"
#define BENCH_PATTERN "consular/#"
#define BENCH_WINDOW 256 /* outstanding async publishes per publisher */

/* ---------------------------------------------------------------- options */

typedef struct {
    int runs;         /* runs per row (--runs) */
    int quick;        /* small counts: a smoke check (--quick) */
    const char *only; /* run one scenario (--only), or NULL */
    long fill;        /* archive: messages bulk-inserted before the hub starts */
    int keep;         /* keep data directories (--keep) */
    int rates[8];     /* latency: messages per second (--rates) */
    int nrates;
    long count; /* ingest1k: messages (--count), 0 for the default */
} bench_opts_t;

/* ---------------------------------------------------------------- results */

/* Records one run's value for a row (rows print in first-recorded order).
 * A NaN value marks a failed run. */
void bench_record(const char *row, const char *unit, double value);
/* A row whose value is a text, not a figure (e.g. "run with --fill 1000000"). */
void bench_text(const char *row, const char *text);
/* Attaches a note printed under the table (once per distinct text). */
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints row beside anchor_row after the table, with the ratio of their
 * medians (row / anchor_row) under label (a few words). */
void bench_pair(const char *label, const char *row, const char *anchor_row);
/* Progress on stderr. */
void bench_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---------------------------------------------------------------- fixture */

typedef struct {
    char name[32];
    char secret[320]; /* key file for libenlace, "" for in-memory officers */
    uint8_t pk[32];   /* Ed25519 public key */
    uint8_t curve_pk[32];
    uint8_t curve_sk[32]; /* for raw clients; wiped by fixture_destroy */
    char fingerprint[24];
    int64_t officer_id;
} bench_officer_t;

typedef struct {
    hub_t hub;                 /* harness: data dir, endpoint, pid */
    bench_officer_t *officers; /* owned */
    int nofficers;
    uint8_t hub_curve[32]; /* the hub's CurveZMQ public key */
} fixture_t;

/* Creates a fresh data dir with nofficers officers (country MX, network
 * consular, role officer); the first nfiles also get key files so that
 * libenlace can load them. Does not start the hub. Returns 0 or -1. */
int fixture_new(fixture_t *f, int nofficers, int nfiles);
/* A new fixture holding a copy of src's data directory and key files (same
 * officers, same hub key, same archive) on a fresh port. src must be stopped.
 * Returns 0 or -1. */
int fixture_clone(fixture_t *f, const fixture_t *src);
/* Size of the archive (archive.db plus its WAL) in bytes. */
long long fixture_archive_bytes(const fixture_t *f);
/* Starts the hub (harness hub_start: exits the program if it cannot). With
 * ENLACE_HUB_WRAPPER set (a command prefix, e.g. "valgrind --tool=callgrind"),
 * runs the hub under it and waits bench_timeout_scale() times longer. */
void fixture_start(fixture_t *f);
/* Runs "$ENLACE_BENCH_MARK <label> <hub pid>" if that is set (the callgrind
 * script's `callgrind_control -d`: dump the counts so far), and waits for
 * it; does nothing otherwise. */
void fixture_mark(const fixture_t *f, const char *label);
/* 1, or BENCH_WRAPPED_SLOWDOWN when the hub runs under ENLACE_HUB_WRAPPER:
 * the factor on every wait for the hub (start, connect, publish results). */
#define BENCH_WRAPPED_SLOWDOWN 30
int bench_timeout_scale(void);
/* Stops the hub (SIGTERM), removes the directory unless kept. */
void fixture_destroy(fixture_t *f, int keep);
/* Connects officer i through libenlace; NULL (with a log line) on failure. */
enlace_client_t *fixture_connect(fixture_t *f, int i);
/* Stores n signed messages of body_len bytes on BENCH_TOPIC through the
 * hub's archive module (row, ledger record, full-text index: as the hub
 * stores a publish), bodies of words as bench_publish_n's, stored times
 * spread evenly over the past year; officer
 * 0 authors them but one in 1000, which officer 1 authors (a sparse author
 * for filtered history). Needs key files for both. The hub must not be
 * running. Returns 0 or -1. */
int fixture_fill(fixture_t *f, long n, size_t body_len);

/* ---------------------------------------------------------------- process */

int64_t bench_now_ns(void);    /* CLOCK_MONOTONIC */
long bench_rss_kib(pid_t pid); /* VmRSS, -1 if unknown */
long bench_hwm_kib(pid_t pid); /* VmHWM, -1 if unknown */
/* utime+stime of a process (all threads), in seconds. */
double bench_cpu_seconds(pid_t pid);
/* Per-thread CPU seconds: main thread, ZeroMQ I/O threads, others. */
typedef struct {
    double main, zmq_io, other;
} bench_cpu_split_t;
void bench_cpu_split(pid_t pid, bench_cpu_split_t *out);

/* ---------------------------------------------------------------- helpers */

/* Publishes n messages of len bytes on topic with at most `window`
 * outstanding, collecting every result. Returns the number that failed
 * (0 is success); *first_ns (if not NULL) is set just before the first
 * publish. The bodies are words, as a report's are (the hub indexes them
 * for search): message i starts with "lote<i % BENCH_LOTS>". */
#define BENCH_LOTS 100
long bench_publish_n(enlace_client_t *c, long n, size_t len, int window, int64_t *first_ns);

/* ---------------------------------------------------------------- scenarios */

void scenario_ingest(const bench_opts_t *o);
void scenario_fanout(const bench_opts_t *o);
void scenario_latency(const bench_opts_t *o);
void scenario_scale(const bench_opts_t *o);
void scenario_archive(const bench_opts_t *o);
void scenario_cpu(const bench_opts_t *o);
void scenario_ingest1k(const bench_opts_t *o);
void scenario_anchor(const bench_opts_t *o);
void scenario_sealed(const bench_opts_t *o);
void scenario_cluster(const bench_opts_t *o);

/* ---------------------------------------------------------------- rounds */

/* One run of a scenario's row, as the scenario runs it, for callers that
 * interleave rounds of different systems (scen_anchor.c). Each starts and
 * stops its own hub and returns the row's value, NaN on failure. */

#define INGEST_E2E_ROW "ingest end to end: 1 pub -> 1 sub, 1 KiB (delivered)"
#define FANOUT_LIB10_ROW "fan-out: 1 pub -> 10 subs (libenlace, verifying)"
#define FANOUT_RAW10_ROW "fan-out: 1 pub -> 10 subs (raw, hub only)"

/* Messages per ingest run (all publishers together). */
long ingest_messages(const bench_opts_t *o);
/* Stored (with_sub 0) or delivered (with_sub 1: one libenlace subscriber)
 * messages/s: npub publishers share `total` messages of len bytes, each
 * keeping BENCH_WINDOW publishes outstanding. */
double ingest_round(const bench_opts_t *o, int npub, long total, size_t len, int with_sub);
/* Messages per fan-out run to nsubs subscribers, libenlace or raw ones. */
long fanout_messages(const bench_opts_t *o, int nsubs, int raw);
/* Deliveries/s of msgs 1 KiB publishes to nsubs libenlace subscribers (each
 * verifying every signature), or to nsubs raw ones (the hub alone). */
double fanout_round_lib(const bench_opts_t *o, int nsubs, long msgs);
double fanout_round_raw(const bench_opts_t *o, int nsubs, long msgs);

#endif
