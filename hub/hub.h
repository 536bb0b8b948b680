/*
 * hub: the broker loop. One ROUTER socket (CURVE server, ZAP-authenticated)
 * carries every request and every delivery; publishes are stored and
 * committed in groups before "stored" is sent; deliveries are pumped to each
 * session from the recent ring or the archive under credit-based flow control.
 */
#ifndef ENLACE_HUB_H
#define ENLACE_HUB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "archive.h"

/* What a country's silence at its consultation deadline is recorded as. */
enum {
    HUB_SILENCE_NO_ANSWER = 0, /* no answer: the PPT decides (the default) */
    HUB_SILENCE_NO_OBJECTION,  /* no objection (tacit consent) */
};

/* [cluster]: this hub as one node of a cluster that agrees through etcd
 * (hub/cluster/). Not enabled: the hub runs alone, with no etcd. */
typedef struct {
    int enabled;         /* the configuration has a [cluster] section */
    char name[64];       /* the cluster's name: its keys are /enlace/NAME/ in etcd */
    char node[64];       /* this node's name, unique in the cluster */
    char client[192];    /* the address clients reach this node at ("": bind) */
    char etcd[192];      /* comma-separated etcd endpoints, http://HOST:PORT */
    int lease_ms;        /* the leader key's lease: a dead leader is replaced after it */
    int etcd_timeout_ms; /* how long one request to etcd may take */
} hub_cluster_config_t;

typedef struct {
    const char *data_dir;         /* holds hub.secret and archive.db */
    const char *bind;             /* e.g. tcp://127.0.0.1:7440 */
    uint32_t window;              /* max deliveries in flight per session */
    size_t max_frame;             /* ZMQ_MAXMSGSIZE: larger frames drop the peer */
    size_t max_body;              /* largest message body accepted */
    int max_subscriptions;        /* per session */
    uint32_t request_rate;        /* requests a second per key, 0 = no limit */
    uint32_t request_burst;       /* ... and how many may come at once */
    uint32_t connections_per_key; /* sessions open at once per key, 0 = no limit */
    archive_sync_t sync;          /* what "stored" means, see README */
    int idle_timeout_ms;          /* a session silent this long is dropped */
    int heartbeat_ms;             /* ZMTP heartbeat interval */
    int64_t deadline_urgent_ms;   /* acknowledgement deadline of urgent alerts */
    int64_t deadline_flash_ms;    /* ... and of flash alerts */
    int consult_days;             /* business days a consultation round lasts */
    int consult_silence;          /* a country silent at its deadline: HUB_SILENCE_* */
    int64_t consult_day_ms;       /* tests only: a business day of this length, every
                                   * day one, no calendar (0: real business days) */
    int log_level;
    hub_cluster_config_t cluster;
    /* Set non-zero by SIGHUP: the loop reloads the directory at once and
     * clears it. May be NULL. */
    volatile sig_atomic_t *reload;
    /* Storage for data_dir and bind when they come from a configuration file
     * (config_load): the pointers above may point here, so a filled config is
     * not copied by value. */
    char data_dir_buf[4096];
    char bind_buf[256];
} hub_config_t;

void hub_config_defaults(hub_config_t *cfg);

typedef struct hub hub_t;

/* Runs until *stop becomes non-zero (signal handler). Returns 0 on a clean
 * shutdown, -1 if it could not start or the archive failed. */
int hub_run(const hub_config_t *cfg, volatile sig_atomic_t *stop);

/* A cluster leader's part in the loop (hub/cluster/node.c): the hub serves
 * only while it leads, and commits only what the cluster's log holds. */
typedef struct {
    /* Installed on the writer connection before anything is written. */
    archive_replicator_t replicator;
    /* Each turn, after the poll and before anything received is handled:
     * 0 to go on serving, non-zero to step down at once. */
    int (*tick)(void *arg);
    /* Adds the cluster's part to the status file's JSON object (a json_t *). */
    void (*status)(void *arg, void *object);
    void *arg;
} hub_leader_t;

/* hub_run for a cluster's leader: serves until *stop (0) or until it must
 * step down (1): then it tells every session that it no longer leads
 * (ERR_NOT_LEADER) and closes. -1 if it could not start. The status file is
 * left to the caller. */
int hub_serve(const hub_config_t *cfg, volatile sig_atomic_t *stop, const hub_leader_t *leader);

/* For the dispatch fuzzer (tests/fuzz/fuzz_dispatch.c): a hub opened from
 * cfg as `run` opens it (cfg->bind may be an inproc:// endpoint), without its
 * loop; NULL if it could not start (logged). */
hub_t *hub_test_open(const hub_config_t *cfg);

/* Hands the hub n frames as one receive batch from connection rid, whose
 * CURVE key ZAP authenticated as fingerprint user ("" or NULL: none), then
 * ends the turn as the loop does (commit, replies, deliveries).
 * multipart: NULL, or per frame non-zero if it is to arrive as the first
 * part of a multipart message (which the hub refuses, as it would one from
 * the socket). */
void hub_test_feed(hub_t *self, const char *user, const uint8_t *rid, size_t rid_len,
    const void *const *frames, const size_t *lens, const uint8_t *multipart, int n);

void hub_test_close(hub_t **self_p);

#endif
