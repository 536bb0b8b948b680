/*
 * handle: what a request handler is given, and the handlers.
 *
 * A handler reads and writes through env (the archive, inside its own
 * savepoint of the open batch), queues its replies and post-commit actions
 * in env->batch, and returns 0. To refuse, it returns req_fail(...): the
 * dispatcher then undoes the request's savepoint, audits the refusal and
 * answers the error. Handlers never begin, commit or roll back, never send
 * on the socket, and never reach into the hub's state.
 */
#ifndef ENLACE_HANDLE_H
#define ENLACE_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "batch.h"
#include "directory.h"
#include "enlace.pb-c.h"
#include "hub.h"
#include "notary.h"
#include "session.h"
#include "sigcache.h"

/* What every handler may use. */
typedef struct {
    const hub_config_t *cfg;
    archive_t *archive;     /* the writer connection, in the open batch */
    const directory_t *dir; /* the directory as it is now */
    batch_t *batch;         /* where replies and post-commit actions go */
    notary_t *notary;       /* the hub's identity and notices */
    uint64_t head;          /* the highest committed seq */
    sigcache_t *verified;   /* batch root signatures already verified */
    /* Refreshes the status file (for `admin status`: the counters as of now). */
    void (*refresh_status)(void *arg);
    void *arg;
} hub_env_t;

/* One request. */
typedef struct {
    const hub_env_t *env;
    session_t *s;           /* the sender's session */
    const dir_entry_t *who; /* the sender, from the key ZAP authenticated */
    const uint8_t *rid;     /* its connection */
    size_t rid_len;
    uint64_t id; /* request_id */
    int64_t now;
    int sig;            /* Publish: 1 the signature verified, 0 not, -1 not checked */
    const char *action; /* what the audit calls it: "publish", "history", ... */
    int err_code;       /* the refusal (req_fail) */
    char err_msg[320];
} req_t;

/* ---------------------------------------------------------------- reply.c */

/* Queues frame as the reply to the request. 0, or -1 (hub out of memory). */
int req_reply(req_t *r, Enlace__Frame *frame);
/* Queues an Ok. */
int req_ok(req_t *r);
/* Records the refusal and returns -1 (for `return req_fail(...)`). */
int req_fail(req_t *r, Enlace__ErrorCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Queues an Error reply and, when `who` is an authenticated officer,
 * writes its audit record (in its own savepoint of the batch). */
void reply_refusal(const hub_env_t *env, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const dir_entry_t *who, const char *action, int code, const char *message);

/* ---------------------------------------------------------------- handlers */

int handle_publish(req_t *r, const Enlace__Publish *p);
int handle_subscribe(req_t *r, const Enlace__Subscribe *sub);
int handle_unsubscribe(req_t *r, const Enlace__Unsubscribe *u);
int handle_history(req_t *r, const Enlace__History *q);
int handle_search(req_t *r, const Enlace__Search *q);
int handle_alert_ack(req_t *r, const Enlace__AlertAck *a);
int handle_alerts_query(req_t *r, const Enlace__AlertsQuery *q);
int handle_cap(req_t *r, const Enlace__CapExport *q);
int handle_case_open(req_t *r, const Enlace__CaseOpen *q);
int handle_case_show(req_t *r, const Enlace__CaseShow *q);
int handle_case_list(req_t *r, const Enlace__CaseQuery *q);
int handle_case_state(req_t *r, const Enlace__CaseSetState *q);
int handle_case_approve(req_t *r, const Enlace__CaseApprove *q);
int handle_review(req_t *r, const Enlace__Review *q);
int handle_relabel(req_t *r, const Enlace__Relabel *q);
int handle_release_request(req_t *r, const Enlace__ReleaseRequest *q);
int handle_admin(req_t *r, const Enlace__Admin *a);
int handle_consult_list(req_t *r, const Enlace__ConsultQuery *q);
int handle_consult_show(req_t *r, const Enlace__ConsultShow *q);
int handle_keys_query(req_t *r, const Enlace__KeysQuery *q);

#endif
