/*
 * hub_int: the broker's state, shared by the files that run the loop
 * (loop.c, commit.c, dirwatch.c), take requests in (dispatch.c, connect.c)
 * and send out (send.c, deliver.c, push.c). Request handlers do not see it:
 * they get a req_t (handle.h) holding what they may use. Only the struct
 * lives here; each file's functions are in its own header. Not a public
 * interface.
 */
#ifndef ENLACE_HUB_INT_H
#define ENLACE_HUB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "batch.h"
#include "directory.h"
#include "hub.h"
#include "notary.h"
#include "recent.h"
#include "session.h"
#include "sigcache.h"

#define HUB_BATCH_MAX 512 /* frames handled per commit */
/* A cluster leader commits once its batch's changes reach this size (an
 * estimate), so that the batch fits one log entry (entry.h: ENTRY_MAX)
 * even with the largest request on top. */
#define HUB_ENTRY_SOFT_MAX (512 * 1024)

struct inbound;
struct keys_identity;
struct sigcheck;
struct checkpointer;
struct zap;

struct hub {
    const hub_config_t *cfg;    /* not owned */
    const hub_leader_t *leader; /* a cluster leader's hooks, or NULL (alone); not owned */
    void *ctx;                  /* ZeroMQ context; owned */
    void *router;               /* the one ROUTER socket; owned */
    struct zap *zap;            /* authenticator thread; owned */
    archive_t *archive;         /* the writer connection; owned */
    batch_t *batch;             /* the open group transaction and its replies; owned */
    directory_t *dir;           /* current snapshot; owned */
    int64_t dir_version;        /* archive data_version when dir was loaded (-1: reload) */
    sessions_t *sessions;       /* owned */
    recent_t *recent;           /* owned */
    notary_t *notary;           /* the hub's own identity and notices; owned */
    uint64_t head;              /* highest committed seq */
    int64_t next_dir_check, next_expiry, next_status, next_alert_check;
    int64_t started_ms;    /* for the status file's uptime */
    uint64_t stored_total; /* counters for the shutdown line and status */
    uint64_t delivered_total;
    struct sigcheck *sigcheck; /* signature checks in parallel; owned */
    sigcache_t *verified;      /* batch root signatures already verified; owned */
    struct checkpointer *ckpt; /* the archive's checkpoints, off this thread; owned */
    struct inbound *inbound;   /* the receive batch (HUB_BATCH_MAX); owned */
};

/* The hub's ROUTER socket in ctx, CURVE server with the hub key, ZAP
 * domain and every limit set, bound to cfg->bind: the leader's (loop.c)
 * and a cluster follower's (cluster/redirect.c). NULL if it failed
 * (logged). */
void *hub_router_open(void *ctx, const hub_config_t *cfg, const struct keys_identity *hub_key);

#endif
