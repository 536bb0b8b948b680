/*
 * status: the hub's health, for operators and monitoring.
 *
 * The running hub writes DATA/status.json every STATUS_INTERVAL_MS (a new
 * file renamed over the old one, mode 0640): its pid, uptime, sessions,
 * connected officers per country, organisation and network, queue depths
 * and archive size. `enlace-hub status DATA` reads it, checks that the hub is
 * alive (the pid exists and the file is at most STATUS_STALE_MS old), and
 * adds what the hub loop should not spend time on: the messages stored per
 * network, open alerts and overdue acknowledgements, counted in the archive.
 */
#ifndef ENLACE_STATUS_H
#define ENLACE_STATUS_H

#include <stdint.h>
#include <stdio.h>

#include "directory.h"
#include "hub.h"
#include "session.h"

#define STATUS_FILE "status.json"
#define STATUS_INTERVAL_MS 2000
#define STATUS_STALE_MS 10000

/* What the hub loop counts itself. */
typedef struct {
    const char *data_dir;
    const char *bind;
    int64_t started_ms;       /* wall clock, archive_now_ms() */
    uint64_t last_seq;        /* highest committed sequence */
    uint64_t stored_total;    /* messages stored this run */
    uint64_t delivered_total; /* deliveries sent this run */
    /* A cluster node's part: adds it to the status object (a json_t *); NULL
     * for a hub that runs alone. */
    void (*extra)(void *arg, void *object);
    void *extra_arg;
} status_counters_t;

/* Writes DATA/status.json from the counters, the live sessions and the
 * directory they are checked against. 0, or -1 (logged: a hub that cannot
 * write its status keeps serving). */
/* Writes the running hub's status file from its counters as of now, and
 * when the next write is due. */
void status_refresh(hub_t *hub, int64_t now_ms);

int status_write(const status_counters_t *counters, sessions_t *sessions, const directory_t *dir,
    int64_t now_ms);

/* Removes DATA/status.json (clean shutdown). */
void status_remove(const char *data_dir);

/* `enlace-hub status DATA [--json | --prometheus]`. Exit status: 0 running,
 * 3 not running (the report still shows what the archive holds), 1 error,
 * 2 usage. */
int status_show(int argc, char **argv);

typedef enum {
    STATUS_TEXT,      /* for a person */
    STATUS_JSON,      /* the whole report */
    STATUS_PROMETHEUS /* text exposition format 0.0.4, for scrapers */
} status_format_t;

/* The report of `enlace-hub status` for data directory data, written to out
 * in format; reasons to errs. Returns 0 running, 3 not running, 1 error.
 * Used offline and by `enlace admin status` (st, admin). */
int status_report(const char *data, status_format_t format, FILE *out, FILE *errs);

#endif
