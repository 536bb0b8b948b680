/*
 * dispatch.c: from a received ZeroMQ message to its handler.
 *
 * A turn receives a batch of messages, verifies every publish's signature
 * at once on all cores (sigcheck.h), then handles them in arrival order.
 * Before anything else, each frame's sender is the key ZAP authenticated
 * (User-Id), checked against the directory as it is now; then the frame
 * must be one part, decode, speak this protocol version, carry a request
 * id above 0, come after Hello, and fit the key's request rate. Each
 * request runs in a savepoint of the batch (batch.h): a refusal undoes it,
 * is audited and answered; nothing a peer sends reaches an assert.
 */
#include "dispatch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "commit.h"
#include "connect.h"
#include "deliver.h"
#include "dirwatch.h"
#include "flow.h"
#include "handle.h"
#include "keys.h"
#include "log.h"
#include "rate.h"
#include "request.h"
#include "sigcheck.h"
#include "status.h"
#include "wire.h"

/* One received ZeroMQ message, between receiving and handling. */
typedef struct inbound {
    zmq_msg_t rid, body;
    int extra;                            /* it was multipart: refused */
    Enlace__Frame *frame;                 /* decoded by s_preverify, or NULL; owned */
    int sig;                              /* publish signature: 1 good, 0 bad, -1 not checked */
    char user[KEYS_FINGERPRINT_LEN];      /* ZAP's User-Id: the key's fingerprint, or "" */
    uint8_t covered[MERKLE_SIGNED_BYTES]; /* a batched publish's root, as signed */
} inbound_t;

static void s_refresh_status(void *arg);

struct inbound *
dispatch_inbound_new(void)
{
    return calloc(HUB_BATCH_MAX, sizeof(struct inbound));
}

void
dispatch_inbound_free(struct inbound **inbound_p)
{
    free(*inbound_p);
    *inbound_p = NULL;
}

/* What handlers get of the hub, as it is now. */
static hub_env_t
s_env(hub_t *self)
{
    return (hub_env_t){.cfg = self->cfg,
        .archive = self->archive,
        .dir = self->dir,
        .batch = self->batch,
        .notary = self->notary,
        .head = self->head,
        .verified = self->verified,
        .refresh_status = s_refresh_status,
        .arg = self};
}

static void
s_refresh_status(void *arg)
{
    status_refresh(arg, archive_now_ms());
}

/* Receives one message (routing id + parts) into in. 0, or -1 if nothing
 * was waiting. */
static int
s_recv_inbound(hub_t *self, inbound_t *in)
{
    zmq_msg_init(&in->rid);
    zmq_msg_init(&in->body);
    in->extra = 0;
    in->frame = NULL;
    in->sig = -1;
    if (zmq_msg_recv(&in->rid, self->router, ZMQ_DONTWAIT) < 0 || !zmq_msg_more(&in->rid)
        || zmq_msg_recv(&in->body, self->router, 0) < 0) {
        zmq_msg_close(&in->rid);
        zmq_msg_close(&in->body);
        return -1;
    }
    int extra = 0;
    while (zmq_msg_more(&in->body) || extra) {
        /* Multipart from a client: drain the rest and refuse it. */
        zmq_msg_t more;
        zmq_msg_init(&more);
        int ok = zmq_msg_recv(&more, self->router, 0) >= 0;
        int again = ok && zmq_msg_more(&more);
        zmq_msg_close(&more);
        extra = 1;
        if (!again)
            break;
    }
    in->extra = extra;
    /* The key ZAP authenticated. Copied, not pointed at: the body is moved
     * and closed while the handler still needs it. */
    const char *user = zmq_msg_gets(&in->body, "User-Id");
    if (!user || strlen(user) >= sizeof in->user)
        user = "";
    memcpy(in->user, user, strlen(user) + 1);
    return 0;
}

int
dispatch_receive(hub_t *self)
{
    int got = 0;
    while (got < HUB_BATCH_MAX) {
        int events = 0;
        size_t elen = sizeof events;
        if (zmq_getsockopt(self->router, ZMQ_EVENTS, &events, &elen) != 0 || !(events & ZMQ_POLLIN)
            || s_recv_inbound(self, &self->inbound[got]) != 0)
            break;
        got++;
    }
    return got;
}

int
dispatch_fake(hub_t *self, const char *user, const uint8_t *rid, size_t rid_len,
    const void *const *frames, const size_t *lens, const uint8_t *multipart, int n)
{
    int got = 0;
    for (int i = 0; i < n && got < HUB_BATCH_MAX; i++, got++) {
        inbound_t *in = &self->inbound[got];
        memset(in, 0, sizeof *in);
        zmq_msg_init_size(&in->rid, rid_len);
        memcpy(zmq_msg_data(&in->rid), rid, rid_len);
        zmq_msg_init_size(&in->body, lens[i]);
        if (lens[i])
            memcpy(zmq_msg_data(&in->body), frames[i], lens[i]);
        snprintf(in->user, sizeof in->user, "%s", user ? user : "");
        in->extra = multipart && multipart[i];
        in->sig = -1;
    }
    return got;
}

/* Decodes the batch's frames and verifies every publish's signature at once,
 * on all cores. Only what can be checked without the directory changing is
 * done here; the handler re-checks everything in order. */
static void
s_preverify(hub_t *self, inbound_t *in, int n)
{
    sigcheck_job_t jobs[HUB_BATCH_MAX];
    int job_of[HUB_BATCH_MAX]; /* the job whose outcome frame i takes, or -1 */
    size_t njobs = 0;
    int64_t now = archive_now_ms();
    for (int i = 0; i < n; i++)
        job_of[i] = -1;
    for (int i = 0; i < n; i++) {
        if (in[i].extra || zmq_msg_size(&in[i].body) == 0)
            continue;
        const dir_entry_t *who = in[i].user[0] ? directory_find(self->dir, in[i].user) : NULL;
        if (!who)
            continue;
        in[i].frame = enlace__frame__unpack(NULL, zmq_msg_size(&in[i].body),
            zmq_msg_data(&in[i].body));
        Enlace__Frame *f = in[i].frame;
        if (!f || f->body_case != ENLACE__FRAME__BODY_PUBLISH
            || f->publish->signature.len != KEYS_SIGNATURE_BYTES)
            continue;
        /* Not for a connection over its rate: the handler will refuse it
         * before looking at the signature, so verifying it is wasted. */
        const session_t *s = sessions_find(self->sessions, zmq_msg_data(&in[i].rid),
            zmq_msg_size(&in[i].rid));
        if (s && !rate_ready(&s->key->rate, self->cfg->request_rate, self->cfg->request_burst, now))
            continue;
        const uint8_t *msg;
        size_t len;
        int raw;
        if (sigcheck_covered(f->publish, in[i].covered, &msg, &len, &raw) != 0) {
            in[i].sig = 0; /* a batch proof that leads nowhere */
            continue;
        }
        const uint8_t *sig = f->publish->signature.data;
        if (raw && sigcache_known(self->verified, who->pk, msg, len, sig)) {
            in[i].sig = 1; /* its batch's root was verified before */
            continue;
        }
        /* One job per batch root in this receive batch, not one per message. */
        for (size_t j = 0; raw && j < njobs && job_of[i] < 0; j++)
            if (jobs[j].raw && !memcmp(jobs[j].pk, who->pk, KEYS_PUBLIC_BYTES)
                && !memcmp(jobs[j].msg, msg, len)
                && !memcmp(jobs[j].sig, sig, KEYS_SIGNATURE_BYTES))
                job_of[i] = (int)j;
        if (job_of[i] >= 0)
            continue;
        jobs[njobs] =
            (sigcheck_job_t){.pk = who->pk, .msg = msg, .len = len, .sig = sig, .raw = raw};
        job_of[i] = (int)njobs++;
    }
    sigcheck_run(self->sigcheck, jobs, njobs);
    for (size_t j = 0; j < njobs; j++)
        if (jobs[j].ok && jobs[j].raw)
            sigcache_add(self->verified, jobs[j].pk, jobs[j].msg, jobs[j].len, jobs[j].sig);
    for (int i = 0; i < n; i++)
        if (job_of[i] >= 0)
            in[i].sig = jobs[job_of[i]].ok;
}

/* Requests that count against a key's rate: all but the ones that keep a
 * session alive and deliveries flowing. */
static int
s_rate_counted(Enlace__Frame__BodyCase body)
{
    return body != ENLACE__FRAME__BODY_DELIVERY_ACK && body != ENLACE__FRAME__BODY_PING
        && body != ENLACE__FRAME__BODY_BYE && body != ENLACE__FRAME__BODY_HELLO;
}

/* Runs the handler of a request in a savepoint of its own: kept if it
 * answered, undone, audited and refused if it failed. */
static void
s_route(hub_t *self, const hub_env_t *env, req_t *r, const Enlace__Frame *frame)
{
    if (batch_begin(self->batch) != 0) {
        reply_refusal(env, r->rid, r->rid_len, r->id, r->who, "frame",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable; nothing was stored");
        return;
    }
    int rc;
    switch (frame->body_case) {
    case ENLACE__FRAME__BODY_PUBLISH:
        r->action = "publish";
        rc = handle_publish(r, frame->publish);
        break;
    case ENLACE__FRAME__BODY_SUBSCRIBE:
        r->action = "subscribe";
        rc = handle_subscribe(r, frame->subscribe);
        break;
    case ENLACE__FRAME__BODY_UNSUBSCRIBE:
        r->action = "unsubscribe";
        rc = handle_unsubscribe(r, frame->unsubscribe);
        break;
    case ENLACE__FRAME__BODY_HISTORY:
        r->action = "history";
        rc = handle_history(r, frame->history);
        break;
    case ENLACE__FRAME__BODY_SEARCH:
        r->action = "search";
        rc = handle_search(r, frame->search);
        break;
    case ENLACE__FRAME__BODY_ALERT_ACK:
        r->action = "ack";
        rc = handle_alert_ack(r, frame->alert_ack);
        break;
    case ENLACE__FRAME__BODY_ALERTS_QUERY:
        r->action = "alerts";
        rc = handle_alerts_query(r, frame->alerts_query);
        break;
    case ENLACE__FRAME__BODY_CAP_EXPORT:
        r->action = "cap";
        rc = handle_cap(r, frame->cap_export);
        break;
    case ENLACE__FRAME__BODY_CASE_OPEN:
        r->action = "case.open";
        rc = handle_case_open(r, frame->case_open);
        break;
    case ENLACE__FRAME__BODY_CASE_SHOW:
        r->action = "case.show";
        rc = handle_case_show(r, frame->case_show);
        break;
    case ENLACE__FRAME__BODY_CASE_QUERY:
        r->action = "case.list";
        rc = handle_case_list(r, frame->case_query);
        break;
    case ENLACE__FRAME__BODY_CASE_SET_STATE:
        r->action = "case.state";
        rc = handle_case_state(r, frame->case_set_state);
        break;
    case ENLACE__FRAME__BODY_CASE_APPROVE:
        r->action = "case.approve";
        rc = handle_case_approve(r, frame->case_approve);
        break;
    case ENLACE__FRAME__BODY_REVIEW:
        r->action = "review";
        rc = handle_review(r, frame->review);
        break;
    case ENLACE__FRAME__BODY_RELABEL:
        r->action = "relabel";
        rc = handle_relabel(r, frame->relabel);
        break;
    case ENLACE__FRAME__BODY_RELEASE_REQUEST:
        r->action = "release-request";
        rc = handle_release_request(r, frame->release_request);
        break;
    case ENLACE__FRAME__BODY_ADMIN:
        r->action = "admin";
        rc = handle_admin(r, frame->admin);
        break;
    case ENLACE__FRAME__BODY_CONSULT_QUERY:
        r->action = "consult.list";
        rc = handle_consult_list(r, frame->consult_query);
        break;
    case ENLACE__FRAME__BODY_CONSULT_SHOW:
        r->action = "consult.show";
        rc = handle_consult_show(r, frame->consult_show);
        break;
    case ENLACE__FRAME__BODY_KEYS_QUERY:
        r->action = "keys";
        rc = handle_keys_query(r, frame->keys_query);
        break;
    case ENLACE__FRAME__BODY__NOT_SET:
        r->action = "frame";
        if (frame->base.n_unknown_fields == 0) {
            rc = req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED, "a frame without a request");
            break;
        }
        /* a body type from a newer protocol */
        __attribute__((fallthrough));
    default:
        r->action = "frame";
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_UNKNOWN_REQUEST,
            "unknown or unexpected request type");
        break;
    }
    if (batch_end(self->batch, rc == 0) != 0 && rc == 0)
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL,
            "archive write failed; nothing was stored");
    if (rc != 0)
        reply_refusal(env, r->rid, r->rid_len, r->id, r->who, r->action, r->err_code, r->err_msg);
}

/* Handles one received message (and frees it). */
static void
s_handle_inbound(hub_t *self, inbound_t *in)
{
    zmq_msg_t rid, body;
    zmq_msg_init(&rid);
    zmq_msg_init(&body);
    zmq_msg_move(&rid, &in->rid);
    zmq_msg_move(&body, &in->body);
    zmq_msg_close(&in->rid);
    zmq_msg_close(&in->body);
    const uint8_t *rp = zmq_msg_data(&rid);
    size_t rlen = zmq_msg_size(&rid);
    const char *user = in->user[0] ? in->user : NULL;
    const dir_entry_t *who = user ? directory_find(self->dir, user) : NULL;
    if (user && !who) {
        /* ZAP admitted a key our snapshot does not know yet: it was added
         * since the last reload. Reload now rather than refuse it. */
        dirwatch_check(self);
        who = directory_find(self->dir, user);
    }
    hub_env_t env = s_env(self);
    session_t *s = sessions_find(self->sessions, rp, rlen);
    int64_t now = archive_now_ms();
    Enlace__Frame *frame = NULL;

    if (!who || !directory_entry_active(who, now)) {
        reply_refusal(&env, rp, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_REVOKED,
            who ? "your key has been revoked; this connection is closed"
                : "your key is not in the directory");
        if (s)
            deliver_drop_session(self, s, "key revoked");
        goto out;
    }
    if (s && strcmp(s->fingerprint, who->fingerprint) != 0) {
        reply_refusal(&env, rp, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_DENIED,
            "connection identity changed");
        goto out;
    }
    if (in->extra) {
        reply_refusal(&env, rp, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_MALFORMED,
            "one frame per message: multipart messages are refused");
        goto out;
    }
    if (zmq_msg_size(&body) == 0) {
        reply_refusal(&env, rp, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_MALFORMED,
            "empty frame");
        goto out;
    }
    frame = in->frame ? in->frame
                      : enlace__frame__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
    in->frame = NULL; /* ours now: freed below */
    if (!frame) {
        reply_refusal(&env, rp, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_MALFORMED,
            "frame does not decode as an enlace protocol message");
        goto out;
    }
    uint64_t req = frame->request_id;
    if (frame->version != ENLACE__PROTOCOL__PROTOCOL_VERSION) {
        char msg[96];
        snprintf(msg, sizeof msg, "protocol version %u is not supported (this hub speaks %d)",
            frame->version, ENLACE__PROTOCOL__PROTOCOL_VERSION);
        reply_refusal(&env, rp, rlen, req, who, "frame", ENLACE__ERROR_CODE__ERR_VERSION, msg);
        goto out;
    }
    if (req == 0 && frame->body_case != ENLACE__FRAME__BODY_DELIVERY_ACK
        && frame->body_case != ENLACE__FRAME__BODY__NOT_SET) {
        /* Request ids are above 0: 0 is the id of deliveries, so a reply
         * with it would be taken for one (or dropped). */
        reply_refusal(&env, rp, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_MALFORMED,
            "a request needs a request_id above 0");
        goto out;
    }
    if (s)
        s->last_seen_ms = now;
    if (frame->body_case == ENLACE__FRAME__BODY_HELLO) {
        connect_hello(self, &env, rp, rlen, req, who, s, frame->hello);
        s = sessions_find(self->sessions, rp, rlen);
        if (s)
            s->last_seen_ms = now;
        goto out;
    }
    if (!s) {
        reply_refusal(&env, rp, rlen, req, who, "frame", ENLACE__ERROR_CODE__ERR_NO_SESSION,
            "say Hello first");
        goto out;
    }
    if (s_rate_counted(frame->body_case) && connect_rate(self, &env, s, who, req, now) != 0)
        goto out;
    switch (frame->body_case) {
    case ENLACE__FRAME__BODY_DELIVERY_ACK:
        flow_ack(s, frame->delivery_ack->seq);
        break;
    case ENLACE__FRAME__BODY_PING: {
        Enlace__Frame reply = ENLACE__FRAME__INIT;
        Enlace__Pong pong = ENLACE__PONG__INIT;
        pong.hub_ms = now;
        reply.body_case = ENLACE__FRAME__BODY_PONG;
        reply.pong = &pong;
        req_t r = {.env = &env, .s = s, .who = who, .rid = rp, .rid_len = rlen, .id = req};
        if (req_reply(&r, &reply) != 0)
            log_error("hub out of memory: a Pong could not be queued");
        break;
    }
    case ENLACE__FRAME__BODY_BYE:
        connect_bye(self, &env, s, req);
        break;
    default: {
        req_t r = {.env = &env,
            .s = s,
            .who = who,
            .rid = rp,
            .rid_len = rlen,
            .id = req,
            .now = now,
            .sig = in->sig,
            .action = "frame"};
        s_route(self, &env, &r, frame);
        break;
    }
    }
out:
    enlace__frame__free_unpacked(frame, NULL);
    enlace__frame__free_unpacked(in->frame, NULL); /* decoded but not reached */
    in->frame = NULL;
    zmq_msg_close(&rid);
    zmq_msg_close(&body);
}

void
dispatch_handle(hub_t *self, int n)
{
    s_preverify(self, self->inbound, n);
    for (int i = 0; i < n; i++) {
        s_handle_inbound(self, &self->inbound[i]);
        /* Rather than hold many large replies (history pages), commit early;
         * in a cluster, also before the batch outgrows one log entry. */
        if (batch_pending_bytes(self->batch) > 16 * 1024 * 1024
            || archive_replica_pending(self->archive) > HUB_ENTRY_SOFT_MAX)
            commit_batch(self);
    }
}
