/*
 * connect.c: sessions and the limits per key (see connect.h).
 */
#include "connect.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "deliver.h"
#include "flow.h"
#include "log.h"
#include "send.h"
#include "rate.h"
#include "request.h"
#include "wire.h"

/* Answers ERR_LIMIT; audits one refusal a second per key, with the count
 * of those answered since without an audit record. */
static void
s_limit_refuse(const hub_env_t *env, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const dir_entry_t *who, session_key_t *key, const char *action, const char *why, int64_t now)
{
    if (key->audit_ms != 0 && now - key->audit_ms < 1000) {
        key->unaudited++;
        reply_refusal(env, rid, rid_len, request_id, NULL, action, ENLACE__ERROR_CODE__ERR_LIMIT,
            why);
        return;
    }
    char msg[320];
    snprintf(msg, sizeof msg, "%s", why);
    if (key->unaudited)
        snprintf(msg + strlen(msg), sizeof msg - strlen(msg), " (+%u refused unaudited)",
            key->unaudited);
    key->audit_ms = now;
    key->unaudited = 0;
    reply_refusal(env, rid, rid_len, request_id, who, action, ENLACE__ERROR_CODE__ERR_LIMIT, msg);
}

/* Drops the sessions of key whose peer is gone. ROUTER tells nothing when a
 * peer disconnects (ZMQ_ROUTER_NOTIFY is a draft API, not in Debian's
 * libzmq), so a client that died without Bye keeps its session until the
 * idle timeout. Each of the key's sessions is sent an unsolicited Pong
 * (request_id 0: clients drop it); ROUTER_MANDATORY refuses it at once for
 * a peer whose connection is gone. */
static void
s_drop_gone_sessions(hub_t *self, const session_key_t *key)
{
    Enlace__Frame probe = ENLACE__FRAME__INIT;
    Enlace__Pong pong = ENLACE__PONG__INIT;
    pong.hub_ms = archive_now_ms();
    probe.body_case = ENLACE__FRAME__BODY_PONG;
    probe.pong = &pong;
    uint8_t *buf;
    size_t len;
    if (wire_pack(&probe, 0, &buf, &len) != 0)
        return;
    session_t *s = sessions_next(self->sessions, NULL);
    while (s) {
        session_t *next = sessions_next(self->sessions, s);
        if (s->key == key && send_raw(self, s->rid, s->rid_len, buf, len) < 0)
            deliver_drop_session(self, s, "peer gone");
        s = next;
    }
    free(buf);
}

void
connect_hello(hub_t *self, const hub_env_t *env, const uint8_t *rid, size_t rid_len,
    uint64_t request_id, const dir_entry_t *who, session_t *s, const Enlace__Hello *hello)
{
    if (!s) {
        uint32_t cap = self->cfg->connections_per_key;
        session_key_t *key = cap ? sessions_key(self->sessions, who->fingerprint) : NULL;
        if (key && key->sessions >= cap)
            s_drop_gone_sessions(self, key);
        if (key && key->sessions >= cap) {
            char msg[200];
            snprintf(msg, sizeof msg,
                "this key already holds %u connection%s, the most the hub allows: close "
                "one, or wait for a silent one to time out",
                key->sessions, key->sessions == 1 ? "" : "s");
            s_limit_refuse(env, rid, rid_len, request_id, who, key, "hello", msg, archive_now_ms());
            return;
        }
        uint32_t window = hello->window ? hello->window : self->cfg->window;
        if (window > self->cfg->window)
            window = self->cfg->window;
        s = sessions_add(self->sessions, rid, rid_len, window, who->fingerprint);
        if (!s) {
            reply_refusal(env, rid, rid_len, request_id, who, "hello",
                ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
            return;
        }
        s->officer_id = who->officer_id;
        s->pos = FLOW_UNSET;
        log_info("session opened: %s (%s, %s)", who->fingerprint, who->name,
            who->country[0] ? who->country : who->org);
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Welcome w = ENLACE__WELCOME__INIT;
    char nets[DIR_MAX_NETWORKS][2 * DIR_NAME_LEN + 2];
    char *netp[DIR_MAX_NETWORKS];
    for (int i = 0; i < who->nmemberships; i++) {
        snprintf(nets[i], sizeof nets[i], "%s:%s", who->memberships[i].network,
            who->memberships[i].role);
        netp[i] = nets[i];
    }
    w.protocol = ENLACE__PROTOCOL__PROTOCOL_VERSION;
    w.officer_name = (char *)who->name;
    w.fingerprint = (char *)who->fingerprint;
    w.country = (char *)who->country;
    w.organisation = (char *)who->org;
    w.n_networks = (size_t)who->nmemberships;
    w.networks = netp;
    w.window = s->window;
    w.max_frame = self->cfg->max_frame;
    w.hub_version = ENLACE_VERSION;
    frame.body_case = ENLACE__FRAME__BODY_WELCOME;
    frame.welcome = &w;
    uint8_t *buf;
    size_t len;
    if (wire_pack(&frame, request_id, &buf, &len) != 0) {
        log_error("hub out of memory: a Welcome could not be queued");
        return;
    }
    if (batch_reply(self->batch, rid, rid_len, request_id, buf, len) != 0)
        log_error("hub out of memory: a Welcome could not be queued");
    free(buf);
    /* Open alerts for this officer come first, before any routine traffic. */
    batch_action_t hello_action = {.kind = BATCH_HELLO, .rid_len = rid_len};
    memcpy(hello_action.rid, rid, rid_len);
    batch_act(self->batch, &hello_action);
}

void
connect_bye(hub_t *self, const hub_env_t *env, session_t *s, uint64_t request_id)
{
    req_t r = {.env = env, .s = s, .rid = s->rid, .rid_len = s->rid_len, .id = request_id};
    if (req_ok(&r) != 0)
        log_error("hub out of memory: a Bye could not be answered");
    flow_advance(s);
    deliver_drop_session(self, s, "client said bye");
}

int
connect_rate(hub_t *self, const hub_env_t *env, session_t *s, const dir_entry_t *who,
    uint64_t request_id, int64_t now)
{
    int64_t wait = rate_take(&s->key->rate, self->cfg->request_rate, self->cfg->request_burst, now);
    if (wait == 0)
        return 0;
    char msg[160];
    snprintf(msg, sizeof msg,
        "over %u requests a second (burst %u) with this key: retry in %lld ms",
        self->cfg->request_rate, self->cfg->request_burst, (long long)wait);
    s_limit_refuse(env, s->rid, s->rid_len, request_id, who, s->key, "request", msg, now);
    return -1;
}
