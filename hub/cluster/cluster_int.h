/*
 * cluster_int: what the cluster's files share: the node's state and the
 * calls one makes into another. Not for use outside hub/cluster/.
 *
 *   node.c      the node's life: follow, campaign, lead, step down, stop
 *   leader.c    the leader key: campaign, lease keep-alive, resign
 *   replog.c    the log in etcd: keys, the fenced append, reading, trimming
 *   apply.c     one entry into the archive, with every check
 *   redirect.c  a follower's server: every request answered ERR_NOT_LEADER
 *   report.c    the node's report in etcd, status.json's "cluster" part,
 *               `enlace-hub cluster status`
 *   etcd.c, etcd_json.c, entry.c: see their headers
 */
#ifndef ENLACE_CLUSTER_INT_H
#define ENLACE_CLUSTER_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "cluster.h"
#include "entry.h"
#include "etcd.h"
#include "hub.h"
#include "keys.h"

#define NODE_KEY_MAX 256
/* Entries fetched per read of the log. */
#define NODE_READ_BATCH 16
/* A follower reads the log this often when nothing is coming (ms). */
#define NODE_POLL_MS 25
#define NODE_REPORT_MS 1000
#define NODE_TRIM_MS 5000
#define NODE_HEALTH_MS 5000
/* Entries kept whatever the nodes have applied, and at most. */
#define NODE_RETAIN_MIN 100
#define NODE_RETAIN_MAX 20000

typedef struct {
    const hub_config_t *cfg; /* not owned */
    const hub_cluster_config_t *cl;
    volatile sig_atomic_t *stop;
    etcd_t *etcd;                  /* owned */
    keys_identity_t *key;          /* the hub identity: signs entries; owned */
    uint8_t pk[KEYS_PUBLIC_BYTES]; /* ... and checks them */
    const char *client;            /* this node's client address (cl->client or bind) */
    char archive_path[4200];
    /* etcd keys */
    char prefix[NODE_KEY_MAX]; /* /enlace/NAME/ */
    char leader_key[NODE_KEY_MAX];
    char log_prefix[NODE_KEY_MAX]; /* /enlace/NAME/log/ */
    char nodes_prefix[NODE_KEY_MAX];
    char node_key[NODE_KEY_MAX];
    /* The archive, and where it is in the log. */
    archive_t *archive; /* the follower's connection; NULL while leading */
    int schema;         /* its PRAGMA user_version */
    uint64_t applied;   /* the last entry the file holds */
    int64_t head_id;    /* its ledger head */
    uint8_t head[32];
    /* The log and the leader as last read from etcd. */
    uint64_t first_index; /* 0: the log is empty */
    int caught_up;        /* the last read found nothing after applied */
    char leader_node[64];
    char leader_client[192];
    int64_t leader_rev; /* the leader key's create_revision, 0: none */
    /* Leading. */
    int leading;
    int64_t lease_id;
    int64_t term;        /* our leader key's create_revision */
    int64_t lease_until; /* monotonic ms until which the lease surely holds */
    int64_t next_keepalive;
    int lost;         /* leadership lost: step down */
    uint64_t pending; /* entry written, its COMMIT not yet confirmed */
    int64_t pending_head_id;
    uint8_t pending_head[32];
    /* Counters and timers. */
    uint64_t entries_written, entries_applied, bytes_written;
    int64_t last_append_ms;                                   /* how long the last append took */
    int64_t next_report, next_trim, next_health, next_status; /* monotonic ms */
    int64_t started_ms;                                       /* wall clock */
    const char *state; /* follower, candidate, leader, behind, diverged */
    int stuck;         /* cannot apply the log: never campaigns */
    char problem[320]; /* why this node cannot apply or lead, "" if none */
    void *health;      /* json_t: etcd members as last checked; owned */
    void *nodes;       /* json_t: the nodes' reports as last read; owned */
} node_t;

int64_t node_mono_ms(void);

/* leader.c */
/* Tries to become leader: 1 won (term, lease set), 0 another leads,
 * -1 etcd unavailable. */
int leader_campaign(node_t *n);
/* Keeps the lease alive when due; sets n->lost when it may have lapsed.
 * 0 still leading, -1 lost. */
int leader_keepalive(node_t *n);
/* Gives the leadership up: deletes the key if it is still ours, revokes
 * the lease (best effort). */
void leader_resign(node_t *n);
/* A following node that finds the leader key naming itself (a term of
 * its own it lost: etcd unreachable when it stepped down, or before a
 * restart) deletes it if it is still that term's, so that a new leader is
 * chosen now rather than when the old lease lapses. 1 deleted, 0 not. */
int leader_clear_stale(node_t *n);
/* The leader key's value for this node. */
void leader_value(const node_t *n, char *out, size_t cap);
/* Reads who leads from a leader key's value into n. */
void leader_parse(node_t *n, const etcd_kv_t *kv);

/* replog.c */
/* log/INDEX for index. */
void replog_key(const node_t *n, uint64_t index, char *out, size_t cap);
/* INDEX of a log key, 0 if it is not one. */
uint64_t replog_index(const node_t *n, const uint8_t *key, size_t len);
/* Writes entry bytes as index, fenced on our term: 0 etcd holds them
 * (also when an earlier try did), -1 not (n->lost set unless the entry was
 * only too large). */
int replog_append(node_t *n, uint64_t index, const uint8_t *bytes, size_t len);
/* One read of the leader key and the next entries after n->applied
 * (at most NODE_READ_BATCH) and the first index: applies them. 1 applied
 * some, 0 nothing new, -1 etcd unavailable, -2 an entry could not be
 * applied (n->problem says why). */
int replog_follow(node_t *n);
/* Deletes the entries every node has applied, within the bounds, and
 * compacts etcd (the leader, every NODE_TRIM_MS). */
void replog_trim(node_t *n);

/* apply.c */
/* Applies entry bytes as index to n->archive: 0, or -1 with n->problem. */
int apply_entry(node_t *n, uint64_t index, const uint8_t *bytes, size_t len);
/* Reads applied index and ledger head from n->archive into n. */
int apply_load_state(node_t *n);

/* redirect.c */
typedef struct redirect redirect_t;
/* Binds the hub's address with its key and a ZAP handler over the archive
 * at archive_path; NULL if it could not (logged). */
redirect_t *redirect_start(node_t *n);
/* Answers what came within wait_ms: every request ERR_NOT_LEADER naming
 * the leader n knows of. */
void redirect_turn(redirect_t *self, node_t *n, int wait_ms);
void redirect_stop(redirect_t **self_p);

/* report.c */
/* Puts nodes/NODE (every NODE_REPORT_MS), reads the others' reports and
 * etcd's health (every NODE_HEALTH_MS) for the status file. */
void report_tick(node_t *n);
/* Adds "cluster" to the status object (a json_t *). */
void report_status(node_t *n, void *object);
/* Writes DATA/status.json while following (no sessions). */
void report_write_status(node_t *n);

#endif
