/*
 * hub_int: the broker's state, shared by the files that run the loop
 * (loop.c), take requests in (dispatch.c) and send deliveries out
 * (deliver.c, push.c). Request handlers do not see it: they get a req_t
 * (handle.h) holding what they may use. Not a public interface.
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

#define HUB_BATCH_MAX 512 /* frames handled per commit */

struct inbound;
struct sigcheck;
struct checkpointer;
struct zap;

struct hub {
    const hub_config_t *cfg;  /* not owned */
    void *ctx;                /* ZeroMQ context; owned */
    void *router;             /* the one ROUTER socket; owned */
    struct zap *zap;          /* authenticator thread; owned */
    archive_t *archive;       /* the writer connection; owned */
    batch_t *batch;           /* the open group transaction and its replies; owned */
    directory_t *dir;         /* current snapshot; owned */
    int64_t dir_version;      /* archive data_version when dir was loaded (-1: reload) */
    sessions_t *sessions;     /* owned */
    recent_t *recent;         /* owned */
    notary_t *notary;         /* the hub's own identity and notices; owned */
    uint64_t head;            /* highest committed seq */
    int64_t next_dir_check, next_expiry, next_status, next_alert_check;
    int64_t started_ms;       /* for the status file's uptime */
    uint64_t stored_total;    /* counters for the shutdown line and status */
    uint64_t delivered_total;
    struct sigcheck *sigcheck;    /* signature checks in parallel; owned */
    struct checkpointer *ckpt;    /* the archive's checkpoints, off this thread; owned */
    struct inbound *inbound;      /* the receive batch (HUB_BATCH_MAX); owned */
};

/* ---------------------------------------------------------------- loop.c */

/* Sends one serialized frame to a connection: 0 sent, 1 the peer's pipe is
 * full, -1 the peer is gone. */
int hub_send_raw(hub_t *self, const uint8_t *rid, size_t rid_len, const void *data, size_t len);

/* Reloads the directory if the archive changed (or was asked to), and
 * closes the sessions of keys revoked since. */
void hub_check_directory(hub_t *self);

/* Commits the open batch and sends what waits for it. */
void hub_commit(hub_t *self);

/* Writes the status file (status.h) with the counters as of now. */
void hub_write_status(hub_t *self, int64_t now);

/* ---------------------------------------------------------------- dispatch.c */

/* The receive batch's slots (HUB_BATCH_MAX of them); NULL on no memory. */
struct inbound *dispatch_inbound_new(void);
void dispatch_inbound_free(struct inbound **inbound_p);

/* Receives up to HUB_BATCH_MAX frames into self->inbound; returns how many. */
int dispatch_receive(hub_t *self);
/* Handles n received frames (already in self->inbound) as one batch. */
void dispatch_handle(hub_t *self, int n);

/* For the dispatch fuzzer: puts n frames from connection rid, authenticated
 * as fingerprint user, into self->inbound (see hub_test_feed). */
int dispatch_fake(hub_t *self, const char *user, const uint8_t *rid, size_t rid_len,
    const void *const *frames, const size_t *lens, int n);

#endif
