/*
 * harness: start a real enlace-hub on a free loopback port in a fresh data
 * directory, register officers with real keys through the real CLI, and
 * connect to it with the real client library. Binaries come from the
 * environment set by meson (ENLACE_HUB_BIN, ENLACE_KEYGEN_BIN, ENLACE_CLI_BIN).
 *
 * Checks use CHECK(), which records a failure with file and line and goes on;
 * a test program returns harness_finish().
 *
 * Every product process a test starts is checked twice: its exit status
 * (shell commands run under bash -o pipefail, so a product at the head of a
 * pipeline counts too), and its sanitizer output. The harness points
 * ASAN_OPTIONS and UBSAN_OPTIONS of every child at a log_path in a directory
 * of its own, before main(); a report file that appears there (a leak, an
 * overflow, undefined behaviour, even after the process printed the right
 * thing and exited 0) fails the test that was running, with the report.
 */
#ifndef ENLACE_HARNESS_H
#define ENLACE_HARNESS_H

#include <stdint.h>
#include <sys/types.h>

#include "enlace.h"

#define CHECK(cond) \
    do { \
        if (!(cond)) \
            harness_fail(__FILE__, __LINE__, #cond); \
    } while (0)

#define CHECK_RC(expr, want) \
    do { \
        int rc_ = (expr); \
        if (rc_ != (want)) \
            harness_fail_rc(__FILE__, __LINE__, #expr, rc_, (want)); \
    } while (0)

typedef struct {
    char dir[256];     /* data directory */
    char endpoint[64]; /* tcp://127.0.0.1:PORT */
    char hub_public[300];
    char log[300];        /* the hub's stderr */
    pid_t pid;            /* 0 when not running */
    const char *extra[8]; /* extra arguments for `run` */
    const char *env[4];   /* extra NAME=VALUE environment entries for `run` */
} hub_t;

typedef struct {
    char name[64];
    char secret[300];
    char public_[300];
    char fingerprint[24];
} officer_t;

void harness_fail(const char *file, int line, const char *what);
void harness_fail_rc(const char *file, int line, const char *what, int got, int want);
/* Runs a named test function and prints its outcome. */
void harness_run(const char *name, void (*fn)(void));
int harness_finish(void);

/* Creates a data dir with `enlace-hub init`. Does not start the hub. */
void hub_init(hub_t *hub);
/* Starts `enlace-hub run` and waits until it accepts connections. */
void hub_start(hub_t *hub);
/* SIGTERM and wait; fails the test unless the hub exits 0. */
void hub_stop(hub_t *hub);
/* SIGKILL and wait; fails the test if the hub had already died otherwise. */
void hub_kill(hub_t *hub);
void hub_cleanup(hub_t *hub); /* stop if running, remove the directory */

/* Generates a key pair and registers it. role_args is the rest of the
 * `officer add` command line, e.g. "--country MX --network consular --role focal". */
void officer_new(hub_t *hub, officer_t *o, const char *name, const char *role_args);
/* Generates a key pair without registering it. */
void officer_keys_only(hub_t *hub, officer_t *o, const char *name);
void officer_revoke(hub_t *hub, const officer_t *o);

/* Connects an officer; returns NULL (and fills why) on failure. */
enlace_client_t *client_connect(hub_t *hub, const officer_t *o, int *rc, char *why, size_t cap);

/* Runs a shell command (bash -o pipefail -c); returns its exit status, or
 * 128 + N if signal N ended it. Output goes to the test log. */
int harness_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a shell command (bash -o pipefail -c) and captures its stdout
 * (NUL-terminated, truncated to cap - 1 bytes; the rest is read and dropped,
 * so the command never dies of SIGPIPE). Returns its exit status. */
int harness_capture(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* CMD(want, out, cap, fmt, ...): harness_capture (out may be NULL), and a
 * failed check naming the command and what it printed unless its exit
 * status is `want`. Returns the status. */
#define CMD(want, out, cap, ...) harness_cmd_at(__FILE__, __LINE__, want, out, cap, __VA_ARGS__)
int harness_cmd_at(const char *file, int line, int want, char *out, size_t cap, const char *fmt,
    ...) __attribute__((format(printf, 6, 7)));

/* SQL_INT(db, fmt, ...): runs one query that yields one integer with the
 * sqlite3 CLI on the file db. A failed query (sqlite3's exit status, an
 * error, or output that is not exactly one integer) fails the test and
 * returns -1: a count can never read 0 because the query did not run. */
#define SQL_INT(db, ...) harness_sql_int_at(__FILE__, __LINE__, db, __VA_ARGS__)
long long harness_sql_int_at(const char *file, int line, const char *db, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Starts argv (argv[0] a path) in the background, stdout and stderr
 * appended to log; returns its pid (exits the test program if fork fails).
 * The caller must reap it with harness_reap. */
pid_t harness_spawn(const char *log, const char *const argv[]);
/* Sends sig (unless 0), waits for pid, and returns its exit status, or
 * 128 + N if signal N ended it. */
int harness_reap(pid_t pid, int sig);

/* Fails the current test for every sanitizer report a product process has
 * written since the last call, printing each. Called by harness_run after
 * each test, by hub_stop and by harness_finish; a test may call it sooner. */
void harness_check_sanitizers(void);
/* 1 if this program was built with AddressSanitizer (the product too). */
int harness_asan_build(void);

/* A free TCP port on 127.0.0.1 (free when asked). */
int harness_free_port(void);

/* ---------------------------------------------------------------- etcd
 *
 * etcd members on loopback for the cluster tests and the benchmark's
 * cluster row (Debian's etcd-server): each a child process with a data
 * directory of its own, killed by its pid. */

#define HARNESS_ETCD_MAX 5

typedef struct {
    char name[8];
    char dir[300];
    char log[300];
    int client_port, peer_port;
    pid_t pid; /* 0 when not running */
} etcd_member_t;

typedef struct {
    etcd_member_t m[HARNESS_ETCD_MAX];
    int n;
    char dir[64];        /* holds every member's data and log */
    char endpoints[256]; /* the client URLs, comma-separated ([cluster] etcd) */
    char initial[512];   /* --initial-cluster */
} etcd_cluster_t;

/* 1 if etcd and etcdctl are installed. */
int etcd_available(void);
/* n members on free ports under a fresh directory; none started. */
void etcd_cluster_init(etcd_cluster_t *c, int n);
/* Starts member i (again: its data directory is kept). */
void etcd_member_start(etcd_cluster_t *c, int i);
/* SIGKILL and reap member i (its data stays). */
void etcd_member_kill(etcd_cluster_t *c, int i);
/* 1 once every member answers with a leader, within ms. */
int etcd_cluster_healthy(const etcd_cluster_t *c, int ms);
/* Kills the members and removes the directory (unless ENLACE_KEEP_TEST_DIRS). */
void etcd_cluster_cleanup(etcd_cluster_t *c);

/* The resident set size of a process in KiB (VmRSS), or -1. */
long harness_rss_kib(pid_t pid);

int64_t harness_now_ms(void);

#endif
