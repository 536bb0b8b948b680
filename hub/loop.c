/*
 * loop.c: the broker loop.
 *
 * Each turn: poll the ROUTER; receive a batch of frames and handle them in
 * order (dispatch.c), each request in a savepoint of one group transaction
 * (batch.h); run the timers (directory reload, alert and consultation
 * deadlines, idle sessions); write the cursors acknowledgements moved; commit once, and only
 * then send the replies and run what waits for the commit (a stored message
 * joins the ring, alerts are pushed out of band); pump deliveries to every
 * session (deliver.c).
 *
 * Invariants:
 *   - no reply leaves before the commit that holds what it says (a failed
 *     commit turns every queued reply into an error);
 *   - the sender of every frame is the User-Id that ZAP attached, re-checked
 *     against the current directory before anything else happens;
 *   - nothing a peer sends reaches an assert; every refusal is an Error reply
 *     and, for an authenticated peer, an audit record.
 */
#include "hub.h"
#include "hub_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "checkpoint.h"
#include "commit.h"
#include "config.h"
#include "consult.h"
#include "deliver.h"
#include "dirwatch.h"
#include "dispatch.h"
#include "escalate.h"
#include "handle.h"
#include "keys.h"
#include "log.h"
#include "send.h"
#include "sigcheck.h"
#include "status.h"
#include "zap.h"

#define CHECKPOINT_MS 100    /* the archive's checkpoint interval (checkpoint.h) */
#define RECENT_CAPACITY 8192 /* messages kept for live fan-out */
#define DIR_CHECK_MS 250
#define ALERT_CHECK_MS 250
#define EXPIRY_CHECK_MS 5000
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* draft option in libzmq 4.3 */
#endif

/* ---------------------------------------------------------------- timers */

static void
s_timers(hub_t *self, int64_t now)
{
    if (self->cfg->reload && *self->cfg->reload) {
        *self->cfg->reload = 0;
        log_notice("SIGHUP: reloading the directory");
        dirwatch_reload(self);
    }
    if (now >= self->next_status)
        status_refresh(self, now);
    if (now >= self->next_dir_check) {
        dirwatch_check(self);
        self->next_dir_check = now + DIR_CHECK_MS;
    }
    if (now >= self->next_alert_check) {
        hub_env_t env = {.cfg = self->cfg,
            .archive = self->archive,
            .dir = self->dir,
            .batch = self->batch,
            .notary = self->notary,
            .head = self->head};
        escalate_due(&env, now);
        consult_due(&env, now); /* the consultations' reminders, the same way */
        self->next_alert_check = now + ALERT_CHECK_MS;
    }
    if (now >= self->next_expiry) {
        session_t *s = sessions_next(self->sessions, NULL);
        while (s) {
            session_t *next = sessions_next(self->sessions, s);
            if (now - s->last_seen_ms > self->cfg->idle_timeout_ms)
                deliver_drop_session(self, s, "idle");
            s = next;
        }
        sessions_prune_keys(self->sessions, self->cfg->request_rate, self->cfg->request_burst, now);
        /* Often enough that a short idle timeout is kept to within a
         * quarter of itself. */
        int64_t every = self->cfg->idle_timeout_ms / 4;
        self->next_expiry = now
            + (every < EXPIRY_CHECK_MS ? (every > 100 ? every : 100) : EXPIRY_CHECK_MS);
    }
}

/* ---------------------------------------------------------------- set-up */

void
hub_config_defaults(hub_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->bind = "tcp://127.0.0.1:7440";
    cfg->window = 256;
    cfg->max_body = 256 * 1024;
    cfg->max_frame = 512 * 1024;
    cfg->max_subscriptions = 64;
    /* Far above what an officer or an integration sends, low enough that
     * one connection cannot fill the archive or the audit log at full
     * speed. Acknowledgements, pings and Bye are not counted. */
    cfg->request_rate = 2000;
    cfg->request_burst = 10000;
    /* An officer's listener, a few CLI commands and an integration or two;
     * far below what would let one key hold the hub's memory. */
    cfg->connections_per_key = 32;
    cfg->sync = ARCHIVE_SYNC_NORMAL;
    cfg->idle_timeout_ms = 60000;
    cfg->heartbeat_ms = 10000;
    cfg->deadline_urgent_ms = 30 * 60 * 1000;
    cfg->deadline_flash_ms = 5 * 60 * 1000;
    cfg->consult_days = 5; /* DOMAIN.md: each round, 5 business days */
    cfg->consult_silence = HUB_SILENCE_NO_ANSWER;
    cfg->log_level = LOG_INFO;
    snprintf(cfg->cluster.name, sizeof cfg->cluster.name, "enlace");
    cfg->cluster.lease_ms = 2000;
    cfg->cluster.etcd_timeout_ms = 1000;
}

static int
s_setopt_int(void *socket, int option, int value)
{
    return zmq_setsockopt(socket, option, &value, sizeof value);
}

void *
hub_router_open(void *ctx, const hub_config_t *cfg, const keys_identity_t *hub_key)
{
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    if (!router)
        return NULL;
    uint8_t curve_sk[KEYS_CURVE_BYTES];
    keys_identity_curve_secret(hub_key, curve_sk);
    int64_t maxmsg = (int64_t)cfg->max_frame;
    /* A client may have a full publish window (1024) of "stored" replies and
     * a window of deliveries queued at once: never refuse those for lack of
     * room (a refused send would lose a reply). */
    int hwm = (int)cfg->window * 2 + 4096;
    int rc = s_setopt_int(router, ZMQ_CURVE_SERVER, 1);
    rc |= zmq_setsockopt(router, ZMQ_CURVE_SECRETKEY, curve_sk, sizeof curve_sk);
    sodium_memzero(curve_sk, sizeof curve_sk);
    rc |= zmq_setsockopt(router, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN));
    rc |= s_setopt_int(router, ZMQ_ROUTER_MANDATORY, 1);
    rc |= zmq_setsockopt(router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    rc |= s_setopt_int(router, ZMQ_HANDSHAKE_IVL, 5000);
    rc |= s_setopt_int(router, ZMQ_HEARTBEAT_IVL, cfg->heartbeat_ms);
    rc |= s_setopt_int(router, ZMQ_HEARTBEAT_TIMEOUT, cfg->heartbeat_ms * 3);
    rc |= s_setopt_int(router, ZMQ_HEARTBEAT_TTL, cfg->heartbeat_ms * 3);
    rc |= s_setopt_int(router, ZMQ_SNDHWM, hwm);
    rc |= s_setopt_int(router, ZMQ_RCVHWM, 4096);
    rc |= s_setopt_int(router, ZMQ_LINGER, 1000);
    /* Many officers reconnect at once after an outage. */
    rc |= s_setopt_int(router, ZMQ_BACKLOG, 1024);
    if (rc != 0) {
        zmq_close(router);
        return NULL;
    }
    /* Draft in libzmq 4.3: refuse, rather than admit, when no ZAP handler
     * answers. Our handler is always bound first, so failing to set it is
     * not fatal. */
    if (s_setopt_int(router, ZMQ_ZAP_ENFORCE_DOMAIN, 1) != 0)
        log_debug("ZMQ_ZAP_ENFORCE_DOMAIN not available; relying on the ZAP handler bound first");
    if (zmq_bind(router, cfg->bind) != 0) {
        log_error("cannot bind %s: %s", cfg->bind, zmq_strerror(zmq_errno()));
        zmq_close(router);
        return NULL;
    }
    return router;
}

static int
s_last_stored_row(const archive_msg_t *m, void *arg)
{
    batch_set_last_stored(arg, m->stored_ms);
    return 1;
}

/* Records the hub key in the archive so that verify can check the hub's
 * own notices, also in a backup. */
static void
s_record_hub_key(hub_t *self, const uint8_t pk[KEYS_PUBLIC_BYTES])
{
    char hex[2 * KEYS_PUBLIC_BYTES + 1], old[2 * KEYS_PUBLIC_BYTES + 1];
    keys_hex_encode(pk, KEYS_PUBLIC_BYTES, hex);
    int have = archive_meta_get(self->archive, "hub_ed25519", old, sizeof old);
    if (have < 0 || have == 0 || strcmp(old, hex) != 0) {
        if (have == 1)
            log_warn("the hub key differs from the one recorded in the archive; "
                     "recording the new one (verify checks notices against the latest)");
        /* A cluster leader writes nothing outside a transaction: this one
         * goes through the log like any batch. */
        int txn = self->leader && archive_begin(self->archive) == 0;
        if (archive_meta_set(self->archive, "hub_ed25519", hex) != 0
            || (txn && archive_commit(self->archive) != 0))
            log_error("archive: %s", archive_error(self->archive));
        if (txn && archive_in_transaction(self->archive))
            archive_rollback(self->archive);
    }
}

/* Everything the loop needs: key, archive, directory, sockets, workers.
 * 0, or -1 (logged); either way s_close undoes what was done. */
static int
s_open(hub_t *self, const hub_config_t *cfg)
{
    int rc = -1;
    char path[4096], err[512], kerr[KEYS_ERR_LEN];
    keys_identity_t *hub_key = NULL;
    self->cfg = cfg;
    log_set_level(cfg->log_level);
    if (keys_init() != 0) {
        log_error("libsodium failed to initialise");
        return -1;
    }
    snprintf(path, sizeof path, "%s/hub.secret", cfg->data_dir);
    if (keys_identity_load(path, getenv("ENLACE_HUB_PASSPHRASE"), &hub_key, kerr) != 0) {
        log_error("%s (run 'enlace-hub init %s' first?)", kerr, cfg->data_dir);
        return -1;
    }
    snprintf(path, sizeof path, "%s/" ARCHIVE_FILE, cfg->data_dir);
    self->archive = archive_open(path, 0, cfg->sync, err, sizeof err);
    if (!self->archive) {
        log_error("%s", err);
        goto out;
    }
    if (self->leader && archive_replicate(self->archive, &self->leader->replicator) != 0) {
        log_error("archive: %s", archive_error(self->archive));
        goto out;
    }
    /* Checkpoints on their own thread; the writer's automatic one (64 MiB of
     * log at 4 KiB pages) only bounds the log if that thread falls behind. */
    self->ckpt = checkpointer_start(path, CHECKPOINT_MS, cfg->sync, err, sizeof err);
    if (!self->ckpt) {
        log_error("%s", err);
        goto out;
    }
    archive_wal_autocheckpoint(self->archive, 16384);
    self->dir = directory_load(self->archive);
    self->sessions = sessions_new();
    self->recent = recent_new(RECENT_CAPACITY);
    self->batch = batch_new(self->archive);
    if (self->batch && self->leader)
        batch_set_failure(self->batch, ENLACE__ERROR_CODE__ERR_NOT_LEADER,
            "the cluster's log did not take this batch and this hub stops leading: nothing "
            "was stored here; send it again to the cluster's next leader");
    self->inbound = dispatch_inbound_new();
    {
        /* One verifying worker per extra core: the main thread verifies too. */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        self->sigcheck = sigcheck_new(cores > 1 ? (int)(cores - 1) : 0);
    }
    self->verified = sigcache_new(4096);
    if (!self->dir || !self->sessions || !self->recent || !self->batch || !self->inbound
        || !self->sigcheck || !self->verified
        || archive_data_version(self->archive, &self->dir_version) != 0) {
        log_error("start-up failed: %s", archive_error(self->archive));
        goto out;
    }
    self->head = archive_last_seq(self->archive);
    if (self->head
        && archive_message_read(self->archive, self->head, s_last_stored_row, self->batch) < 0) {
        log_error("start-up failed: %s", archive_error(self->archive));
        goto out;
    }
    self->ctx = zmq_ctx_new();
    if (!self->ctx)
        goto out;
    /* Two I/O threads: CURVE work and libzmq's per-connection timers are
     * spread over both cores (with thousands of connections one I/O thread
     * spends much of its time managing heartbeat timers). */
    zmq_ctx_set(self->ctx, ZMQ_IO_THREADS, 2);
    /* The authenticator must be bound before the server socket exists. */
    self->zap = zap_start(self->ctx, path, err, sizeof err);
    if (!self->zap) {
        log_error("%s", err);
        goto out;
    }
    self->router = hub_router_open(self->ctx, cfg, hub_key);
    if (!self->router) {
        log_error("cannot open the server socket: %s", zmq_strerror(zmq_errno()));
        goto out;
    }
    s_record_hub_key(self, keys_identity_public(hub_key));
    /* Kept: the hub signs its notices with it. */
    self->notary = notary_new(&hub_key);
    if (!self->notary)
        goto out;
    log_notice("enlace-hub %s listening on %s, hub key %s, %d keys in the directory, "
               "last sequence %llu",
        ENLACE_VERSION, cfg->bind, notary_fingerprint(self->notary), directory_count(self->dir),
        (unsigned long long)self->head);
    rc = 0;
    self->started_ms = archive_now_ms();
out:
    keys_identity_destroy(&hub_key);
    return rc;
}

/* The end of a loop turn, after the batch was handled: timers, commit and
 * what waits for it, deliveries, and a second commit for what the pump
 * wrote (cursors of dropped sessions). */
static void
s_end_turn(hub_t *self, int64_t now)
{
    s_timers(self, now);
    commit_batch(self);
    deliver_pump_all(self);
    commit_batch(self);
}

/* One turn of the loop: wait up to 100 ms for messages, receive a batch,
 * handle it in arrival order. 0, -1 if the socket failed, 1 if a cluster
 * leader must step down (checked after the wait, before anything that
 * came during it is handled: a leader stopped past its lease answers
 * nothing when it wakes). */
static int
s_turn(hub_t *self)
{
    int64_t now = archive_now_ms();
    zmq_pollitem_t item = {self->router, 0, ZMQ_POLLIN, 0};
    int n = zmq_poll(&item, 1, 100);
    if (n < 0 && zmq_errno() != EINTR) {
        log_error("poll: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    if (self->leader && self->leader->tick(self->leader->arg) != 0)
        return 1;
    if (n > 0)
        dispatch_handle(self, dispatch_receive(self));
    s_end_turn(self, now);
    return 0;
}

/* Frees what s_open made (whatever part of it was made). */
static void
s_close(hub_t *self)
{
    notary_destroy(&self->notary);
    if (self->router)
        zmq_close(self->router);
    zap_stop(&self->zap);
    if (self->ctx)
        zmq_ctx_term(self->ctx);
    batch_destroy(&self->batch);
    dispatch_inbound_free(&self->inbound);
    sigcheck_destroy(&self->sigcheck);
    sigcache_destroy(&self->verified);
    recent_destroy(&self->recent);
    sessions_destroy(&self->sessions);
    directory_destroy(&self->dir);
    checkpointer_stop(&self->ckpt);
    archive_destroy(&self->archive);
}

/* Tells every session that this hub no longer leads (an unsolicited
 * ERR_NOT_LEADER): its client moves on to the next hub now rather than
 * when its next request goes unanswered. */
static void
s_tell_not_leader(hub_t *self)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Error err = ENLACE__ERROR__INIT;
    err.code = ENLACE__ERROR_CODE__ERR_NOT_LEADER;
    err.message = "this hub no longer leads its cluster; nothing more was done here: "
                  "connect to another hub of the cluster";
    err.leader = "";
    frame.version = ENLACE__PROTOCOL__PROTOCOL_VERSION;
    frame.body_case = ENLACE__FRAME__BODY_ERROR;
    frame.error = &err;
    uint8_t buf[512];
    size_t len = enlace__frame__get_packed_size(&frame);
    if (len > sizeof buf)
        return;
    enlace__frame__pack(&frame, buf);
    for (session_t *s = sessions_next(self->sessions, NULL); s;
         s = sessions_next(self->sessions, s))
        send_raw(self, s->rid, s->rid_len, buf, len);
}

int
hub_serve(const hub_config_t *cfg, volatile sig_atomic_t *stop, const hub_leader_t *leader)
{
    hub_t hub = {0};
    hub_t *self = &hub;
    self->leader = leader;
    int rc = s_open(self, cfg);
    if (rc == 0) {
        while (!*stop && rc == 0)
            rc = s_turn(self);
        log_notice("%s: %llu messages stored, %llu deliveries this run",
            rc == 1 ? "stepping down" : "shutting down", (unsigned long long)self->stored_total,
            (unsigned long long)self->delivered_total);
        if (rc == 1)
            s_tell_not_leader(self);
        else
            commit_batch(self); /* the cursors acknowledgements moved */
        if (!leader)
            status_remove(cfg->data_dir);
    }
    s_close(self);
    return rc;
}

int
hub_run(const hub_config_t *cfg, volatile sig_atomic_t *stop)
{
    return hub_serve(cfg, stop, NULL);
}

/* ---------------------------------------------------------------- for fuzz_dispatch */

hub_t *
hub_test_open(const hub_config_t *cfg)
{
    hub_t *self = calloc(1, sizeof *self);
    if (self && s_open(self, cfg) != 0) {
        s_close(self);
        free(self);
        return NULL;
    }
    return self;
}

void
hub_test_feed(hub_t *self, const char *user, const uint8_t *rid, size_t rid_len,
    const void *const *frames, const size_t *lens, const uint8_t *multipart, int n)
{
    dispatch_handle(self, dispatch_fake(self, user, rid, rid_len, frames, lens, multipart, n));
    s_end_turn(self, archive_now_ms());
}

void
hub_test_close(hub_t **self_p)
{
    if (!*self_p)
        return;
    s_close(*self_p);
    free(*self_p);
    *self_p = NULL;
}
