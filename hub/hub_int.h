/*
 * hub_int: the broker's state and the helpers its request handlers share
 * (hub.c, alerts.c, cases.c). Not a public interface.
 */
#ifndef ENLACE_HUB_INT_H
#define ENLACE_HUB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "directory.h"
#include "enlace.pb-c.h"
#include "hub.h"
#include "keys.h"
#include "recent.h"
#include "session.h"
#include "zap.h"

/* The one version constant, from enlace.proto. */
#define PROTOCOL_VERSION ENLACE__PROTOCOL__PROTOCOL_VERSION

/* A Stored reply waiting for the batch's commit. */
typedef struct {
    uint8_t rid[SESSION_RID_MAX];
    size_t rid_len;
    uint64_t request_id;
    uint64_t seq;
    int duplicate;
    int64_t stored_ms;
    int push;                 /* after the commit: 1 push the alert, 2 push to recipients */
    char *push_to;            /* recipients for push 2; owned */
} pending_t;

typedef struct {
    const hub_config_t *cfg;  /* not owned */
    void *ctx;                /* ZeroMQ context; owned */
    void *router;             /* the one ROUTER socket; owned */
    zap_t *zap;               /* authenticator thread; owned */
    archive_t *archive;       /* the writer connection; owned */
    directory_t *dir;         /* current snapshot; owned */
    int64_t dir_version;      /* archive data_version when dir was loaded */
    sessions_t *sessions;     /* owned */
    recent_t *recent;         /* owned */
    uint64_t head;            /* highest committed seq */
    pending_t *pending;       /* Stored replies of the open batch; owned */
    recent_msg_t *pending_msgs; /* their delivery frames; owned */
    int npending;
    int64_t next_dir_check, next_flush, next_expiry, next_status;
    int64_t started_ms;       /* for the status file's uptime */
    uint64_t stored_total;    /* counters for the shutdown line */
    uint64_t delivered_total;
    keys_identity_t *key;     /* the hub's own identity: signs escalations; owned */
    char fingerprint[24];     /* the hub key's fingerprint */
    dir_entry_t self_entry;   /* how the hub appears as an author */
    struct verifier *verifier; /* signature checks in parallel; owned */
    struct checkpointer *ckpt; /* the archive's checkpoints, off this thread; owned */
    struct inbound *inbound;  /* the receive batch; owned (BATCH_MAX) */
    int presig;               /* for the publish being handled: 1 signature verified,
                               * 0 it failed, -1 not checked yet */
    int64_t next_alert_check;
} hub_t;

/* For the dispatch fuzzer (tests/fuzz/fuzz_dispatch.c): a hub opened from
 * cfg as `run` opens it (cfg->bind may be an inproc:// endpoint), without its
 * loop; NULL if it could not start (logged). */
hub_t *hub_test_open(const hub_config_t *cfg);

/* Hands the hub n frames as one receive batch from connection rid, whose
 * CURVE key ZAP authenticated as fingerprint user ("" or NULL: none), then
 * ends the turn as the loop does (commit, "stored" replies, deliveries). */
void hub_test_feed(hub_t *self, const char *user, const uint8_t *rid, size_t rid_len,
    const void *const *frames, const size_t *lens, int n);

void hub_test_close(hub_t **self_p);

/* 0 sent, 1 the peer's pipe is full, -1 the peer is gone. */
int hub_send_raw(hub_t *self, const uint8_t *rid, size_t rid_len, const void *data, size_t len);
int hub_send_frame(hub_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    Enlace__Frame *frame);
/* Replies with an Error and audits it when `who` is an authenticated officer. */
void hub_error(hub_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const dir_entry_t *who, const char *action, Enlace__ErrorCode code, const char *message);
void hub_ok(hub_t *self, session_t *s, uint64_t request_id);

/* Commits the open batch and sends its "stored" replies. Handlers that
 * change state call it before they answer, so no answer precedes the commit. */
int hub_commit(hub_t *self);

/* Stores a message the hub itself writes (signed with the hub key) in the
 * open batch; it is delivered like any other once the batch commits.
 * Returns its seq, or 0 on failure. */
uint64_t hub_store_own(hub_t *self, const char *topic, int tlp, const char *recipients,
    const Enlace__Content *content_template);

/* A Delivery for an archived row, for pages (history, search, case threads):
 * content and signature copied into one allocation returned in *buf (free
 * both *buf and the result). NULL on memory failure. */
Enlace__Delivery *hub_delivery_copy(hub_t *self, const archive_msg_t *m, uint8_t **buf);

/* Serializes a stored message as a Delivery frame (out_of_band as given). */
int hub_delivery_frame(hub_t *self, const archive_msg_t *m, int out_of_band, uint8_t **out,
    size_t *out_len);

#endif
