/*
 * harness: start a real enlace-hub on a free loopback port in a fresh data
 * directory, register officers with real keys through the real CLI, and
 * connect to it with the real client library. Binaries come from the
 * environment set by meson (ENLACE_HUB_BIN, ENLACE_KEYGEN_BIN, ENLACE_CLI_BIN).
 *
 * Checks use CHECK(), which records a failure with file and line and goes on;
 * a test program returns harness_finish().
 */
#ifndef ENLACE_HARNESS_H
#define ENLACE_HARNESS_H

#include <stdint.h>
#include <sys/types.h>

#include "enlace.h"

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond))                                                                 \
            harness_fail(__FILE__, __LINE__, #cond);                                 \
    } while (0)

#define CHECK_RC(expr, want)                                                         \
    do {                                                                             \
        int rc_ = (expr);                                                            \
        if (rc_ != (want))                                                           \
            harness_fail_rc(__FILE__, __LINE__, #expr, rc_, (want));                 \
    } while (0)

typedef struct {
    char dir[256];      /* data directory */
    char endpoint[64];  /* tcp://127.0.0.1:PORT */
    char hub_public[300];
    char log[300];      /* the hub's stderr */
    pid_t pid;          /* 0 when not running */
    const char *extra[8]; /* extra arguments for `run` */
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
void hub_stop(hub_t *hub);       /* SIGTERM and wait */
void hub_kill(hub_t *hub);       /* SIGKILL and wait */
void hub_cleanup(hub_t *hub);    /* stop if running, remove the directory */

/* Generates a key pair and registers it. role_args is the rest of the
 * `officer add` command line, e.g. "--country MX --network consular --role focal". */
void officer_new(hub_t *hub, officer_t *o, const char *name, const char *role_args);
/* Generates a key pair without registering it. */
void officer_keys_only(hub_t *hub, officer_t *o, const char *name);
void officer_revoke(hub_t *hub, const officer_t *o);

/* Connects an officer; returns NULL (and fills why) on failure. */
enlace_client_t *client_connect(hub_t *hub, const officer_t *o, int *rc, char *why, size_t cap);

/* Runs a shell command; returns its exit status. Output goes to the test log. */
int harness_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a shell command and captures its stdout (NUL-terminated, truncated). */
int harness_capture(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int64_t harness_now_ms(void);

#endif
