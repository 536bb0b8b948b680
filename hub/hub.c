/*
 * hub.c: the broker loop.
 *
 * Each turn: poll the ROUTER; read a batch of frames; handle each (requests
 * that store open one archive transaction for the whole batch); commit; only
 * then send "stored" replies and add the new messages to the recent ring;
 * pump deliveries to every session; run timers (directory reload, cursor
 * flush, idle sessions).
 *
 * Invariants:
 *   - a Stored reply is sent only after the transaction holding the message
 *     committed (a failed commit turns every pending Stored into an Error);
 *   - the sender of every frame is the User-Id that ZAP attached, re-checked
 *     against the current directory before anything else happens;
 *   - nothing a peer sends reaches an assert; every refusal is an Error reply
 *     and, for an authenticated peer, an audit record.
 */
#include "hub.h"
#include "hub_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "acl.h"
#include "admin.h"
#include "alerts.h"
#include "cases.h"
#include "checkpoint.h"
#include "config.h"
#include "control.h"
#include "directory.h"
#include "forms.h"
#include "enlace.pb-c.h"
#include "keys.h"
#include "log.h"
#include "recent.h"
#include "session.h"
#include "status.h"
#include "topic.h"
#include "verify.h"
#include "zap.h"

#define BATCH_MAX 512          /* frames handled per commit */
#define CHECKPOINT_MS 100      /* the archive's checkpoint interval (checkpoint.h) */
#define RECENT_CAPACITY 8192   /* messages kept for live fan-out */
#define REPLAY_BATCH 128       /* messages read from the archive per query */
#define HISTORY_MAX 500        /* messages per history page */
#define HISTORY_SCAN 20000     /* archive rows examined per history request */
#define DIR_CHECK_MS 250
#define ALERT_CHECK_MS 250
#define FLUSH_MS 1000
#define EXPIRY_CHECK_MS 5000
#define UNSET UINT64_MAX
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* draft option in libzmq 4.3 */
#endif

/* ---------------------------------------------------------------- sending */

/* 0 sent, 1 peer's pipe full (retry later), -1 peer gone. */
int
hub_send_raw(hub_t *self, const uint8_t *rid, size_t rid_len, const void *data, size_t len)
{
    if (zmq_send(self->router, rid, rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return errno == EAGAIN ? 1 : -1;
    if (zmq_send(self->router, data, len, ZMQ_DONTWAIT) < 0)
        return -1; /* cannot happen after the first part was accepted */
    return 0;
}

int
hub_send_frame(hub_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    Enlace__Frame *frame)
{
    frame->version = PROTOCOL_VERSION;
    frame->request_id = request_id;
    size_t len = enlace__frame__get_packed_size(frame);
    uint8_t stackbuf[1024];
    uint8_t *buf = len <= sizeof stackbuf ? stackbuf : malloc(len);
    if (!buf)
        return -1;
    enlace__frame__pack(frame, buf);
    int rc = hub_send_raw(self, rid, rid_len, buf, len);
    if (buf != stackbuf)
        free(buf);
    return rc;
}

static const char *s_code_names[] = {"none", "malformed", "version", "unknown-request",
    "denied", "bad-topic", "bad-signature", "conflict", "too-large", "limit", "revoked",
    "no-session", "internal", "not-found"};

/* Replies with an Error, and nothing else. */
static void
s_reply_error(hub_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    Enlace__ErrorCode code, const char *message)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Error err = ENLACE__ERROR__INIT;
    err.code = code;
    err.message = (char *)message;
    frame.body_case = ENLACE__FRAME__BODY_ERROR;
    frame.error = &err;
    hub_send_frame(self, rid, rid_len, request_id, &frame);
}

/* Replies with an Error; audits it when the peer is an authenticated officer. */
void
hub_error(hub_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const dir_entry_t *who, const char *action, Enlace__ErrorCode code, const char *message)
{
    s_reply_error(self, rid, rid_len, request_id, code, message);
    const char *name = (unsigned)code < sizeof s_code_names / sizeof *s_code_names
        ? s_code_names[code] : "error";
    if (who) {
        char outcome[64];
        snprintf(outcome, sizeof outcome, "refused:%s", name);
        if (archive_begin(self->archive) != 0
            || archive_audit(self->archive, who->officer_id, who->fingerprint, action, outcome,
                   message) != 0)
            log_error("audit: %s", archive_error(self->archive));
        log_info("refused %s from %s (%s): %s", action, who->fingerprint, name, message);
    } else {
        log_debug("refused %s from an unidentified peer: %s", action, message);
    }
}

/* ---------------------------------------------------------------- sessions */

static void
s_flush_session(hub_t *self, session_t *s)
{
    for (int i = 0; i < s->nsubs; i++) {
        session_sub_t *sub = &s->subs[i];
        if (sub->cursor == sub->saved_cursor)
            continue;
        if (archive_begin(self->archive) != 0
            || archive_sub_put(self->archive, s->officer_id, sub->pattern, sub->cursor) != 0) {
            log_error("saving a subscription cursor: %s", archive_error(self->archive));
            return;
        }
        sub->saved_cursor = sub->cursor;
    }
}

static void
s_drop_session(hub_t *self, session_t *s, const char *why)
{
    log_info("session of %s closed: %s", s->fingerprint, why);
    s_flush_session(self, s);
    sessions_remove(self->sessions, s);
}

/* Everything a session has considered and that is acknowledged is done for
 * every subscription it holds. */
static void
s_advance_cursors(session_t *s)
{
    if (s->pos == UNSET)
        return;
    uint64_t done = session_done_upto(s);
    for (int i = 0; i < s->nsubs; i++)
        if (done > s->subs[i].cursor && !s->subs[i].awaiting_rewind)
            s->subs[i].cursor = done;
}

/* ---------------------------------------------------------------- delivery */

/* Builds the serialized delivery frame for a stored message. */
static int
s_build_delivery(uint64_t seq, const uint8_t *content, size_t content_len,
    const uint8_t *signature, const dir_entry_t *author, int64_t stored_ms, int out_of_band,
    uint8_t **out, size_t *out_len)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Delivery d = ENLACE__DELIVERY__INIT;
    d.seq = seq;
    d.content.data = (uint8_t *)content;
    d.content.len = content_len;
    d.signature.data = (uint8_t *)signature;
    d.signature.len = KEYS_SIGNATURE_BYTES;
    d.author_fingerprint = author ? (char *)author->fingerprint : "";
    d.author_name = author ? (char *)author->name : "";
    d.author_country = author ? (char *)(author->country[0] ? author->country : author->org) : "";
    d.stored_ms = stored_ms;
    d.out_of_band = out_of_band;
    frame.version = PROTOCOL_VERSION;
    frame.body_case = ENLACE__FRAME__BODY_DELIVERY;
    frame.delivery = &d;
    *out_len = enlace__frame__get_packed_size(&frame);
    *out = malloc(*out_len);
    if (!*out)
        return -1;
    enlace__frame__pack(&frame, *out);
    return 0;
}

Enlace__Delivery *
hub_delivery_copy(hub_t *self, const archive_msg_t *am, uint8_t **buf)
{
    Enlace__Delivery *d = malloc(sizeof *d);
    uint8_t *copy = malloc(am->content_len + KEYS_SIGNATURE_BYTES + 1);
    if (!d || !copy) {
        free(d);
        free(copy);
        return NULL;
    }
    const dir_entry_t *author = am->author_id ? directory_find_officer(self->dir, am->author_id)
                                              : &self->self_entry;
    enlace__delivery__init(d);
    memcpy(copy, am->content, am->content_len);
    memcpy(copy + am->content_len, am->signature, KEYS_SIGNATURE_BYTES);
    d->seq = am->seq;
    d->content.data = copy;
    d->content.len = am->content_len;
    d->signature.data = copy + am->content_len;
    d->signature.len = KEYS_SIGNATURE_BYTES;
    d->author_fingerprint = author ? (char *)author->fingerprint : "";
    d->author_name = author ? (char *)author->name : "";
    d->author_country = author ? (char *)acl_home(author) : "";
    d->stored_ms = am->stored_ms;
    *buf = copy;
    return d;
}

/* Sends a page of archived messages (history, search). */
static void
s_send_page(hub_t *self, session_t *s, uint64_t request_id, Enlace__Delivery **items, size_t n,
    uint64_t next_after, int more)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__HistoryPage page = ENLACE__HISTORY_PAGE__INIT;
    page.n_messages = n;
    page.messages = items;
    page.next_after = next_after;
    page.more = more;
    frame.body_case = ENLACE__FRAME__BODY_HISTORY_PAGE;
    frame.history_page = &page;
    if (hub_send_frame(self, s->rid, s->rid_len, request_id, &frame) != 0)
        log_warn("a history page for %s could not be queued", s->fingerprint);
}

/* Should this session receive this message? */
static int
s_wants(hub_t *self, session_t *s, const dir_entry_t *who, const recent_msg_t *m)
{
    int matched = 0;
    for (int i = 0; i < s->nsubs && !matched; i++)
        matched = s->subs[i].cursor < m->seq && topic_match(s->subs[i].pattern, m->topic);
    if (!matched)
        return 0;
    acl_msg_t am = {.topic = m->topic, .network = m->network, .tlp = m->tlp,
        .recipients = m->recipients, .author_id = m->author_id, .author_home = m->author_home,
        .personal = m->personal};
    return acl_receive(self->dir, who, &am, archive_now_ms());
}

/* The author's home (country or organisation) for an archived message. */
static void
s_author_home(hub_t *self, int64_t author_id, char *out, size_t cap)
{
    const dir_entry_t *a = directory_find_officer(self->dir, author_id);
    snprintf(out, cap, "%s", a ? acl_home(a) : "");
}

/* Offers one message to a session: 0 considered (sent or skipped), 1 blocked,
 * -1 peer gone. */
static int
s_offer(hub_t *self, session_t *s, const dir_entry_t *who, const recent_msg_t *m)
{
    if (s_wants(self, s, who, m)) {
        int rc = hub_send_raw(self, s->rid, s->rid_len, m->frame, m->frame_len);
        if (rc != 0)
            return rc;
        session_inflight_push(s, m->seq);
        self->delivered_total++;
    }
    s->pos = m->seq;
    return 0;
}

typedef struct {
    hub_t *hub;
    session_t *s;
    const dir_entry_t *who;
    int rc;   /* result of the last offer */
} replay_t;

static int
s_replay_one(const archive_msg_t *am, void *arg)
{
    replay_t *r = arg;
    if (session_inflight_full(r->s))
        return 1;
    recent_msg_t m = {.seq = am->seq, .author_id = am->author_id, .tlp = am->tlp,
        .personal = am->personal};
    m.topic = (char *)am->topic;
    m.recipients = (char *)am->recipients;
    snprintf(m.network, sizeof m.network, "%s", am->network);
    s_author_home(r->hub, am->author_id, m.author_home, sizeof m.author_home);
    if (!s_wants(r->hub, r->s, r->who, &m)) {
        r->s->pos = am->seq;
        return 0;
    }
    const dir_entry_t *author = am->author_id ? directory_find_officer(r->hub->dir, am->author_id)
                                              : &r->hub->self_entry;
    if (s_build_delivery(am->seq, am->content, am->content_len, am->signature, author,
            am->stored_ms, 0, &m.frame, &m.frame_len)
        != 0) {
        r->rc = 1; /* out of memory: try again later */
        return 1;
    }
    r->rc = s_offer(r->hub, r->s, r->who, &m);
    free(m.frame);
    return r->rc != 0;
}

/* Sends a session what it may and wants to see, up to its credit. Returns -1
 * if the peer is gone (the caller drops the session). */
static int
s_pump(hub_t *self, session_t *s)
{
    if (s->nsubs == 0 || s->pos == UNSET || s->rewind_to != UNSET)
        return 0;
    const dir_entry_t *who = directory_find(self->dir, s->fingerprint);
    if (!who || !directory_entry_active(who, archive_now_ms()))
        return 0; /* revoked or expired: the next frame or check closes it */
    s->blocked = 0;
    while (!session_inflight_full(s) && s->pos < self->head) {
        const recent_msg_t *m = recent_get(self->recent, s->pos + 1);
        int rc;
        if (m) {
            rc = s_offer(self, s, who, m);
        } else {
            replay_t r = {.hub = self, .s = s, .who = who};
            uint64_t before = s->pos;
            if (archive_messages_after(self->archive, s->pos, REPLAY_BATCH, s_replay_one, &r)
                != 0) {
                log_error("replay for %s: %s", s->fingerprint, archive_error(self->archive));
                return 0;
            }
            rc = r.rc;
            if (rc == 0 && s->pos == before) {
                /* A gap (seq never stored, e.g. a rolled-back batch): skip it. */
                s->pos++;
            }
        }
        if (rc == 1) {
            s->blocked = 1;
            break;
        }
        if (rc < 0)
            return -1;
    }
    if (s->in_count == 0)
        s_advance_cursors(s);
    return 0;
}

static void
s_pump_all(hub_t *self)
{
    session_t *s = sessions_next(self->sessions, NULL);
    while (s) {
        session_t *next = sessions_next(self->sessions, s);
        if (s_pump(self, s) < 0)
            s_drop_session(self, s, "peer gone");
        s = next;
    }
}

static void s_check_directory(hub_t *self);

/* ---------------------------------------------------------------- limits */

/* Answers ERR_LIMIT. So that a flood cannot flood the audit log instead, one
 * refusal a second per key is audited, with the count of those answered
 * since without an audit record. */
static void
s_limit_refuse(hub_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const dir_entry_t *who, session_key_t *key, const char *action, const char *why, int64_t now)
{
    if (key->audit_ms != 0 && now - key->audit_ms < 1000) {
        key->unaudited++;
        s_reply_error(self, rid, rid_len, request_id, ENLACE__ERROR_CODE__ERR_LIMIT, why);
        return;
    }
    char msg[320];
    snprintf(msg, sizeof msg, "%s", why);
    if (key->unaudited)
        snprintf(msg + strlen(msg), sizeof msg - strlen(msg), " (+%u refused unaudited)",
            key->unaudited);
    key->audit_ms = now;
    key->unaudited = 0;
    hub_error(self, rid, rid_len, request_id, who, action, ENLACE__ERROR_CODE__ERR_LIMIT, msg);
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
    session_t *s = sessions_next(self->sessions, NULL);
    while (s) {
        session_t *next = sessions_next(self->sessions, s);
        if (s->key == key && hub_send_frame(self, s->rid, s->rid_len, 0, &probe) < 0)
            s_drop_session(self, s, "peer gone");
        s = next;
    }
}

/* ---------------------------------------------------------------- requests */

static void
s_hello(hub_t *self, const uint8_t *rid, size_t rid_len, uint64_t request_id,
    const dir_entry_t *who, session_t *s, const Enlace__Hello *hello)
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
            s_limit_refuse(self, rid, rid_len, request_id, who, key, "hello", msg,
                archive_now_ms());
            return;
        }
        uint32_t window = hello->window ? hello->window : self->cfg->window;
        if (window > self->cfg->window)
            window = self->cfg->window;
        s = sessions_add(self->sessions, rid, rid_len, window, who->fingerprint);
        if (!s) {
            hub_error(self, rid, rid_len, request_id, who, "hello", ENLACE__ERROR_CODE__ERR_INTERNAL,
                "hub out of memory");
            return;
        }
        s->officer_id = who->officer_id;
        s->pos = UNSET;
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
    w.protocol = PROTOCOL_VERSION;
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
    hub_send_frame(self, rid, rid_len, request_id, &frame);
    /* Open alerts for this officer come first, before any routine traffic. */
    alerts_on_hello(self, s, who);
}

/* Checks a topic or pattern that came as bytes and copies it, NUL-terminated,
 * into out (TOPIC_MAX_LEN + 1 bytes). Returns NULL or why it is refused. */
static const char *
s_take_topic(ProtobufCBinaryData b, int pattern, char out[TOPIC_MAX_LEN + 1])
{
    const char *bad = pattern ? topic_check_pattern((const char *)b.data, b.len)
                              : topic_check((const char *)b.data, b.len);
    if (bad)
        return bad;
    memcpy(out, b.data, b.len);
    out[b.len] = '\0';
    return NULL;
}

/* The pattern of a subscribe or history request, checked and copied into
 * out, and readable by who. Otherwise answers the refusal (audited) and
 * returns -1. */
static int
s_take_readable_pattern(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const char *action, ProtobufCBinaryData b, char out[TOPIC_MAX_LEN + 1])
{
    const char *bad = s_take_topic(b, 1, out);
    if (bad) {
        hub_error(self, s->rid, s->rid_len, request_id, who, action,
            ENLACE__ERROR_CODE__ERR_BAD_TOPIC, bad);
        return -1;
    }
    const char *denied = acl_subscribe(self->dir, who, out, archive_now_ms());
    if (denied) {
        hub_error(self, s->rid, s->rid_len, request_id, who, action,
            ENLACE__ERROR_CODE__ERR_DENIED, denied);
        return -1;
    }
    return 0;
}

static int
s_valid_fingerprint(const char *fp)
{
    if (strlen(fp) != 19)
        return 0;
    for (int i = 0; i < 19; i++) {
        char c = fp[i];
        if (i % 5 == 4 ? c != '-' : !((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
            return 0;
    }
    return 1;
}

/* Adds a message's text (body if it is text, alert headline, translations)
 * to the full-text index, in the batch's transaction. */
static int
s_index_text(hub_t *self, uint64_t seq, const Enlace__Content *c)
{
    size_t total = c->body.len + 1;
    for (size_t i = 0; i < c->n_texts; i++)
        total += strlen(c->texts[i]->headline) + strlen(c->texts[i]->description) + 2;
    char *body = malloc(total);
    if (!body)
        return -1;
    size_t o = 0;
    /* An empty body comes from protobuf-c as data == NULL, len == 0. */
    if (c->body.len && topic_text_valid((const char *)c->body.data, c->body.len)) {
        memcpy(body, c->body.data, c->body.len);
        o = c->body.len;
    }
    for (size_t i = 0; i < c->n_texts; i++)
        o += (size_t)sprintf(body + o, "\n%s\n%s", c->texts[i]->headline,
            c->texts[i]->description);
    body[o] = '\0';
    int rc = archive_text_index(self->archive, seq, c->alert ? c->alert->headline : "", body, o);
    free(body);
    return rc;
}

static void
s_publish(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Publish *p)
{
#define REFUSE(code, msg)                                                                   \
    do {                                                                                    \
        hub_error(self, s->rid, s->rid_len, request_id, who, "publish", code, msg);          \
        goto done;                                                                          \
    } while (0)
    Enlace__Content *c = NULL;
    char *recipients = NULL;
    if (p->content.len > self->cfg->max_body + 8192)
        REFUSE(ENLACE__ERROR_CODE__ERR_TOO_LARGE, "message is larger than this hub accepts");
    if (p->signature.len != KEYS_SIGNATURE_BYTES)
        REFUSE(ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE, "a signature is 64 bytes");
    c = enlace__content__unpack(NULL, p->content.len, p->content.data);
    if (!c)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, "message content does not decode");
    if (c->message_id.len != 16)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, "a message id is 16 bytes");
    if (c->body.len > self->cfg->max_body)
        REFUSE(ENLACE__ERROR_CODE__ERR_TOO_LARGE, "message body is larger than this hub accepts");
    char topic[TOPIC_MAX_LEN + 1];
    const char *bad = s_take_topic(c->topic, 0, topic);
    if (bad)
        REFUSE(ENLACE__ERROR_CODE__ERR_BAD_TOPIC, bad);
    if (c->author_key.len != KEYS_PUBLIC_BYTES
        || sodium_memcmp(c->author_key.data, who->pk, KEYS_PUBLIC_BYTES) != 0)
        REFUSE(ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE,
            "the message's author key is not the key this connection authenticated with");
    /* protobuf-c cuts a string at an embedded NUL; a content that does not
     * re-encode to its own length hides bytes the hub would not check. */
    if (enlace__content__get_packed_size(c) != p->content.len)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED,
            "message content is not canonically encoded (a NUL inside a text field?)");
    int tlp = c->tlp == ENLACE__TLP__TLP_UNSPECIFIED ? ENLACE__TLP__TLP_AMBER : (int)c->tlp;
    if (tlp < ENLACE__TLP__TLP_CLEAR || tlp > ENLACE__TLP__TLP_RED)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, "unknown TLP label");
    if (c->n_recipients > 64)
        REFUSE(ENLACE__ERROR_CODE__ERR_LIMIT, "at most 64 named recipients");
    if (tlp == ENLACE__TLP__TLP_RED && c->n_recipients == 0)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, "TLP:RED needs at least one named recipient");
    recipients = calloc(1, c->n_recipients * 20 + 1);
    if (!recipients)
        REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    for (size_t i = 0; i < c->n_recipients; i++) {
        if (!s_valid_fingerprint(c->recipients[i]) || !directory_find(self->dir, c->recipients[i]))
            REFUSE(ENLACE__ERROR_CODE__ERR_NOT_FOUND, "a named recipient is not in the directory");
        if (i)
            strcat(recipients, ",");
        strcat(recipients, c->recipients[i]);
    }
    const char *denied = acl_publish(self->dir, who, topic, archive_now_ms());
    if (denied)
        REFUSE(ENLACE__ERROR_CODE__ERR_DENIED, denied);
    for (size_t i = 0; i < c->n_recipients; i++)
        if (!acl_topic_access(self->dir, directory_find(self->dir, c->recipients[i]), topic,
                archive_now_ms()))
            REFUSE(ENLACE__ERROR_CODE__ERR_DENIED,
                "a named recipient has no access to this topic; it would never receive it");
    const char *bad_alert = alerts_check(self, who, c, topic);
    if (bad_alert)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, bad_alert);
    char form_why[256];
    const char *bad_form = forms_check(c, form_why, sizeof form_why);
    if (bad_form)
        REFUSE(ENLACE__ERROR_CODE__ERR_MALFORMED, bad_form);
    const char *bad_forward = control_check_forward(self, who, c, topic, tlp);
    if (bad_forward)
        REFUSE(ENLACE__ERROR_CODE__ERR_DENIED, bad_forward);
    int sig_ok = self->presig >= 0
        ? self->presig /* verified with the rest of the batch, in parallel */
        : keys_verify_content(who->pk, p->content.data, p->content.len, p->signature.data) == 0;
    if (!sig_ok)
        REFUSE(ENLACE__ERROR_CODE__ERR_BAD_SIGNATURE, "the signature does not verify");

    uint8_t hash[32], old_hash[32];
    crypto_generichash(hash, sizeof hash, p->content.data, p->content.len, NULL, 0);
    if (archive_begin(self->archive) != 0)
        REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable; nothing was stored");
    uint64_t seq = 0;
    int found = archive_message_find(self->archive, c->message_id.data, &seq, old_hash);
    if (found < 0) {
        log_error("archive: %s", archive_error(self->archive));
        REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable; nothing was stored");
    }
    if (found && sodium_memcmp(hash, old_hash, sizeof hash) != 0)
        REFUSE(ENLACE__ERROR_CODE__ERR_CONFLICT,
            "this message id was already used for different content");
    if (self->npending >= BATCH_MAX)
        REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "hub batch full");
    pending_t *pd = &self->pending[self->npending];
    recent_msg_t *rm = &self->pending_msgs[self->npending];
    memset(rm, 0, sizeof *rm);
    pd->push = 0;
    pd->push_to = NULL;
    int64_t now = archive_now_ms();
    if (!found) {
        char net[24];
        topic_network(topic, net, sizeof net);
        seq = archive_last_seq(self->archive) + 1;
        archive_msg_t am = {.seq = seq, .msg_id = c->message_id.data, .topic = topic,
            .network = net, .author_id = who->officer_id, .tlp = tlp, .recipients = recipients,
            .created_ms = c->created_ms, .stored_ms = now, .content = p->content.data,
            .content_len = p->content.len, .signature = p->signature.data,
            .content_hash = hash, .case_id = c->case_id,
            .personal = c->personal_data || c->form, .handling = c->handling};
        if (archive_message_insert(self->archive, &am) != 0 || s_index_text(self, seq, c) != 0) {
            log_error("archive: %s", archive_error(self->archive));
            REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "archive write failed; nothing was stored");
        }
        int push = alerts_stored(self, who, c, seq, topic, net, now);
        if (push < 0) {
            /* The message row is in the batch without its alert: take the
             * whole batch back rather than store half an alert. */
            log_error("archive: %s", archive_error(self->archive));
            archive_rollback(self->archive);
            for (int i = 0; i < self->npending; i++) {
                hub_error(self, self->pending[i].rid, self->pending[i].rid_len,
                    self->pending[i].request_id, NULL, "publish",
                    ENLACE__ERROR_CODE__ERR_INTERNAL, "archive write failed; publish again");
                recent_msg_clear(&self->pending_msgs[i]);
                free(self->pending[i].push_to);
            }
            self->npending = 0;
            REFUSE(ENLACE__ERROR_CODE__ERR_INTERNAL, "archive write failed; nothing was stored");
        }
        pd->push = push ? 1 : 0;
        rm->seq = seq;
        rm->topic = strdup(topic);
        snprintf(rm->network, sizeof rm->network, "%s", net);
        rm->author_id = who->officer_id;
        snprintf(rm->author_home, sizeof rm->author_home, "%s", acl_home(who));
        rm->tlp = tlp;
        rm->personal = c->personal_data || c->form;
        rm->recipients = recipients;
        recipients = NULL;
        if (!rm->topic
            || s_build_delivery(seq, p->content.data, p->content.len, p->signature.data, who, now,
                   0, &rm->frame, &rm->frame_len)
                != 0)
            recent_msg_clear(rm); /* the pump will read it back from the archive */
    }
    memcpy(pd->rid, s->rid, s->rid_len);
    pd->rid_len = s->rid_len;
    pd->request_id = request_id;
    pd->seq = seq;
    pd->duplicate = found;
    pd->stored_ms = now;
    self->npending++;
done:
    free(recipients);
    enlace__content__free_unpacked(c, NULL);
#undef REFUSE
}

static void
s_subscribe(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Subscribe *sub)
{
    char pattern[TOPIC_MAX_LEN + 1];
    if (s_take_readable_pattern(self, s, who, request_id, "subscribe", sub->pattern, pattern) != 0)
        return;
    session_sub_t *existing = session_sub_find(s, pattern);
    uint64_t cursor = 0;
    int resumed = 0;
    if (!existing) {
        if (s->nsubs >= self->cfg->max_subscriptions) {
            hub_error(self, s->rid, s->rid_len, request_id, who, "subscribe",
                ENLACE__ERROR_CODE__ERR_LIMIT, "too many subscriptions on this connection");
            return;
        }
        int found = archive_sub_get(self->archive, s->officer_id, pattern, &cursor);
        if (found < 0) {
            log_error("archive: %s", archive_error(self->archive));
            hub_error(self, s->rid, s->rid_len, request_id, who, "subscribe",
                ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
            return;
        }
        resumed = found;
        if (!found) {
            cursor = sub->from_start ? 0 : self->head;
            if (archive_begin(self->archive) != 0
                || archive_sub_put(self->archive, s->officer_id, pattern, cursor) != 0) {
                log_error("archive: %s", archive_error(self->archive));
                hub_error(self, s->rid, s->rid_len, request_id, who, "subscribe",
                    ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
                return;
            }
        }
        if (cursor > self->head)
            cursor = self->head; /* never ahead of what exists */
        if (!session_sub_add(s, pattern, cursor)) {
            hub_error(self, s->rid, s->rid_len, request_id, who, "subscribe",
                ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
            return;
        }
        if (s->pos == UNSET)
            s->pos = cursor;
        else if (cursor < s->pos) {
            /* Rewind only when nothing is in flight, so no delivery repeats;
             * until then this subscription has not been scanned from its
             * cursor and must keep it. Regression: listen --from-start with
             * two patterns replayed only the first. */
            if (s->in_count == 0) {
                s->pos = cursor;
            } else {
                if (cursor < s->rewind_to)
                    s->rewind_to = cursor;
                s->subs[s->nsubs - 1].awaiting_rewind = 1;
            }
        }
    } else {
        cursor = existing->cursor;
        resumed = 1;
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Subscribed r = ENLACE__SUBSCRIBED__INIT;
    r.pattern = pattern;
    r.cursor = cursor;
    r.resumed = resumed;
    frame.body_case = ENLACE__FRAME__BODY_SUBSCRIBED;
    frame.subscribed = &r;
    hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
}

static void
s_unsubscribe(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Unsubscribe *u)
{
    char pattern[TOPIC_MAX_LEN + 1];
    const char *bad = s_take_topic(u->pattern, 1, pattern);
    if (bad) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "unsubscribe",
            ENLACE__ERROR_CODE__ERR_BAD_TOPIC, bad);
        return;
    }
    session_sub_t *sub = session_sub_find(s, pattern);
    if (sub) {
        s_advance_cursors(s);
        if (u->forget) {
            if (archive_begin(self->archive) != 0
                || archive_sub_delete(self->archive, s->officer_id, pattern) != 0)
                log_error("archive: %s", archive_error(self->archive));
        } else {
            s_flush_session(self, s);
        }
        session_sub_remove(s, pattern);
    }
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Ok ok = ENLACE__OK__INIT;
    frame.body_case = ENLACE__FRAME__BODY_OK;
    frame.ok = &ok;
    hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
}

typedef struct {
    hub_t *hub;
    const dir_entry_t *who;
    const Enlace__History *q;
    const char *pattern;        /* checked, NUL-terminated copy of q->pattern */
    Enlace__Delivery **items;   /* page being built; owned by s_history */
    uint8_t **frames;           /* per item: nothing, the item points into rows */
    size_t n, cap;
    uint64_t last_seq;          /* last row examined */
    int scanned;                /* rows the archive read for this page */
    int64_t now;
} history_t;

static int
s_history_row(const archive_msg_t *am, void *arg)
{
    history_t *h = arg;
    h->last_seq = am->seq;
    const Enlace__History *q = h->q;
    const char *pattern = h->pattern;
    if (q->from_ms && am->stored_ms < q->from_ms)
        return 0;
    if (q->to_ms && am->stored_ms >= q->to_ms)
        return 0;
    if (!topic_match(pattern, am->topic))
        return 0;
    const dir_entry_t *author = directory_find_officer(h->hub->dir, am->author_id);
    if (q->author[0] && (!author || strcmp(author->fingerprint, q->author) != 0))
        return 0;
    if (q->country[0] && (!author || strcmp(acl_home(author), q->country) != 0))
        return 0;
    if (q->case_id && am->case_id != q->case_id)
        return 0;
    acl_msg_t m = {.topic = am->topic, .network = am->network, .tlp = am->tlp,
        .recipients = am->recipients, .author_id = am->author_id,
        .author_home = author ? acl_home(author) : "", .personal = am->personal};
    if (!acl_history(h->hub->dir, h->who, &m, h->now))
        return 0;
    uint8_t *copy = NULL;
    Enlace__Delivery *d = hub_delivery_copy(h->hub, am, &copy);
    if (!d)
        return 1;
    h->items[h->n] = d;
    h->frames[h->n] = copy;
    h->n++;
    return h->n >= h->cap;
}

static void
s_history(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__History *q)
{
    char pattern[TOPIC_MAX_LEN + 1];
    if (s_take_readable_pattern(self, s, who, request_id, "history", q->pattern, pattern) != 0)
        return;
    size_t cap = q->limit && q->limit < HISTORY_MAX ? q->limit : HISTORY_MAX;
    history_t h = {.hub = self, .who = who, .q = q, .pattern = pattern, .cap = cap,
        .last_seq = q->after_seq,
        .now = archive_now_ms()};
    h.items = calloc(cap, sizeof *h.items);
    h.frames = calloc(cap, sizeof *h.frames);
    if (!h.items || !h.frames) {
        free(h.items);
        free(h.frames);
        hub_error(self, s->rid, s->rid_len, request_id, who, "history",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
        return;
    }
    /* The archive reads only rows that pass the filters it can index (time
     * window, author, case, topic); s_history_row still applies every
     * filter, and alone the access rules and the author's country. */
    archive_query_t aq = {.from_ms = q->from_ms, .to_ms = q->to_ms, .pattern = pattern,
        .case_id = q->case_id, .limit = 512};
    int none = 0;
    if (q->author[0]) {
        /* s_history_row matches the fingerprint of the author's first key
         * (directory_find_officer): that is one officer, or nobody. */
        const dir_entry_t *e = directory_find(self->dir, q->author);
        const dir_entry_t *first = e ? directory_find_officer(self->dir, e->officer_id) : NULL;
        if (first && strcmp(first->fingerprint, q->author) == 0)
            aq.author_id = first->officer_id;
        else
            none = 1;
    }
    /* Read in bounded steps until a page is full, or the scan budget is
     * spent, or the last stored message (never rows of a batch not yet
     * committed). */
    int rc = 0;
    if (none && h.last_seq < self->head)
        h.last_seq = self->head;
    while (h.n < cap && h.scanned < HISTORY_SCAN && h.last_seq < self->head) {
        uint64_t examined, before = h.last_seq;
        int64_t read;
        aq.after_seq = before;
        aq.upto_seq = self->head;
        aq.max_read = HISTORY_SCAN - h.scanned;
        rc = archive_messages_query(self->archive, &aq, s_history_row, &h, &examined, &read);
        if (rc != 0 || examined <= before)
            break;
        h.last_seq = examined;
        h.scanned += (int)read;
    }
    if (rc != 0) {
        log_error("history: %s", archive_error(self->archive));
        hub_error(self, s->rid, s->rid_len, request_id, who, "history",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    } else {
        s_send_page(self, s, request_id, h.items, h.n, h.last_seq, h.last_seq < self->head);
    }
    for (size_t i = 0; i < h.n; i++) {
        free(h.frames[i]);
        free(h.items[i]);
    }
    free(h.items);
    free(h.frames);
}

/* Full-text search: the index finds candidates, the access rules decide
 * what the officer sees (as for history). */
static void
s_search(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Search *q)
{
    size_t qlen = strlen(q->query);
    if (qlen == 0 || qlen > 500 || !topic_text_valid(q->query, qlen)) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "search",
            ENLACE__ERROR_CODE__ERR_MALFORMED, "a search needs 1 to 500 bytes of text");
        return;
    }
    Enlace__History all = ENLACE__HISTORY__INIT;
    size_t cap = q->limit && q->limit < HISTORY_MAX ? q->limit : 100;
    history_t h = {.hub = self, .who = who, .q = &all, .pattern = "#", .cap = cap,
        .last_seq = q->after_seq, .now = archive_now_ms()};
    h.items = calloc(cap, sizeof *h.items);
    h.frames = calloc(cap, sizeof *h.frames);
    static uint64_t seqs[512];
    int rc = 0, n = 0, rounds = 0;
    while (h.items && h.frames && h.n < cap && rounds++ < 40) {
        if ((rc = archive_text_search(self->archive, q->query, h.last_seq, 512, seqs, &n)) != 0
            || n == 0)
            break;
        for (int i = 0; i < n && h.n < cap; i++) {
            if (archive_message_read(self->archive, seqs[i], s_history_row, &h) < 0) {
                rc = -1;
                break;
            }
            h.last_seq = seqs[i];
        }
        if (rc != 0 || n < 512)
            break;
    }
    if (rc != 0 || !h.items || !h.frames) {
        log_error("search: %s", archive_error(self->archive));
        hub_error(self, s->rid, s->rid_len, request_id, who, "search",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    } else {
        s_send_page(self, s, request_id, h.items, h.n, h.last_seq, h.n == cap);
    }
    for (size_t i = 0; i < h.n; i++) {
        free(h.frames[i]);
        free(h.items[i]);
    }
    free(h.items);
    free(h.frames);
}

static void s_finish_batch(hub_t *self);
static void s_write_status(hub_t *self, int64_t now);

static void
s_admin(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Admin *a)
{
    const char *denied = acl_admin(who);
    if (denied) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "admin",
            ENLACE__ERROR_CODE__ERR_DENIED, denied);
        return;
    }
    /* Directory commands run their own transactions: close the batch. */
    s_finish_batch(self);
    if (a->op_case == ENLACE__ADMIN__OP_STATUS)
        /* Refresh the snapshot first: it is up to 2 s old and would not yet
         * count the session that asks. */
        s_write_status(self, archive_now_ms());
    admin_ctx_t ctx = {.archive = self->archive, .data_dir = self->cfg->data_dir};
    Enlace__AdminResult *result = NULL;
    char why[1024];
    archive_set_actor(self->archive, who->fingerprint, who->officer_id);
    Enlace__ErrorCode code = admin_run(&ctx, a, &result, why, sizeof why);
    archive_set_actor(self->archive, NULL, 0);
    log_info("admin by %s: %s -> %d", who->fingerprint, admin_op_name(a), (int)code);
    /* Our own writes do not move data_version: reload now. */
    directory_t *fresh = directory_load(self->archive);
    if (fresh) {
        directory_destroy(&self->dir);
        self->dir = fresh;
    }
    /* A refused operation is not a refused access: answered, not audited. */
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Error error = ENLACE__ERROR__INIT;
    if (code == ENLACE__ERROR_CODE__ERR_NONE) {
        frame.body_case = ENLACE__FRAME__BODY_ADMIN_RESULT;
        frame.admin_result = result;
    } else {
        error.code = code;
        error.message = why;
        frame.body_case = ENLACE__FRAME__BODY_ERROR;
        frame.error = &error;
    }
    hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
    admin_result_free(&result);
    /* A revocation may concern live sessions, including this one. */
    self->dir_version = -1;
}

static void
s_delivery_ack(session_t *s, const Enlace__DeliveryAck *a)
{
    if (s->pos == UNSET)
        return;
    uint64_t seq = a->seq > s->pos ? s->pos : a->seq;
    session_inflight_ack(s, seq);
    s_advance_cursors(s);
    if (s->in_count == 0 && s->rewind_to != UNSET) {
        s->pos = s->rewind_to;
        s->rewind_to = UNSET;
        for (int i = 0; i < s->nsubs; i++)
            s->subs[i].awaiting_rewind = 0;
    }
}

/* ---------------------------------------------------------------- rate limit */

/* Requests that count against a key's rate: all but the ones that keep a
 * session alive and deliveries flowing. */
static int
s_rate_counted(Enlace__Frame__BodyCase body)
{
    return body != ENLACE__FRAME__BODY_DELIVERY_ACK && body != ENLACE__FRAME__BODY_PING
        && body != ENLACE__FRAME__BODY_BYE && body != ENLACE__FRAME__BODY_HELLO;
}

/* Takes a request from the rate of s's key (shared by all the key's
 * connections). Over it: answers ERR_LIMIT with when to retry and returns -1. */
static int
s_rate_check(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    int64_t now)
{
    int64_t wait =
        rate_take(&s->key->rate, self->cfg->request_rate, self->cfg->request_burst, now);
    if (wait == 0)
        return 0;
    char msg[160];
    snprintf(msg, sizeof msg,
        "over %u requests a second (burst %u) with this key: retry in %lld ms",
        self->cfg->request_rate, self->cfg->request_burst, (long long)wait);
    s_limit_refuse(self, s->rid, s->rid_len, request_id, who, s->key, "request", msg, now);
    return -1;
}

/* One received ZeroMQ message, between receiving and handling. */
typedef struct inbound {
    zmq_msg_t rid, body;
    int extra;             /* it was multipart: refused */
    Enlace__Frame *frame;  /* decoded by s_preverify, or NULL; owned */
    int sig;               /* publish signature: 1 good, 0 bad, -1 not checked */
    char user[KEYS_FINGERPRINT_LEN]; /* ZAP's User-Id: the key's fingerprint, or "" */
} inbound_t;

/* Receives one ZeroMQ message (routing id + parts). Returns 0, or -1 if
 * nothing was waiting. */
static int
s_recv_inbound(hub_t *self, inbound_t *in)
{
    zmq_msg_init(&in->rid);
    zmq_msg_init(&in->body);
    in->extra = 0;
    in->frame = NULL;
    in->sig = -1;
    if (zmq_msg_recv(&in->rid, self->router, ZMQ_DONTWAIT) < 0
        || !zmq_msg_more(&in->rid) || zmq_msg_recv(&in->body, self->router, 0) < 0) {
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

/* Decodes the batch's frames and verifies every publish's signature at once,
 * on all cores. Only what can be checked without the directory changing is
 * done here; the handler re-checks everything in order. */
static void
s_preverify(hub_t *self, inbound_t *in, int n)
{
    verify_job_t jobs[BATCH_MAX];
    int owner[BATCH_MAX];
    size_t njobs = 0;
    int64_t now = archive_now_ms();
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
        if (s
            && !rate_ready(&s->key->rate, self->cfg->request_rate, self->cfg->request_burst, now))
            continue;
        jobs[njobs] = (verify_job_t){.pk = who->pk, .msg = f->publish->content.data,
            .len = f->publish->content.len, .sig = f->publish->signature.data};
        owner[njobs++] = i;
    }
    verifier_run(self->verifier, jobs, njobs);
    for (size_t j = 0; j < njobs; j++)
        in[owner[j]].sig = jobs[j].ok;
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
    int extra = in->extra;
    const uint8_t *r = zmq_msg_data(&rid);
    size_t rlen = zmq_msg_size(&rid);
    const char *user = in->user[0] ? in->user : NULL;
    const dir_entry_t *who = user ? directory_find(self->dir, user) : NULL;
    if (user && !who) {
        /* ZAP admitted a key our snapshot does not know yet: it was added
         * since the last reload. Reload now rather than refuse it. */
        s_check_directory(self);
        who = directory_find(self->dir, user);
    }
    session_t *s = sessions_find(self->sessions, r, rlen);
    int64_t now = archive_now_ms();
    Enlace__Frame *frame = NULL;

    if (!who || !directory_entry_active(who, now)) {
        if (who)
            hub_error(self, r, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_REVOKED,
                "your key has been revoked; this connection is closed");
        else
            hub_error(self, r, rlen, 0, NULL, "frame", ENLACE__ERROR_CODE__ERR_REVOKED,
                "your key is not in the directory");
        if (s)
            s_drop_session(self, s, "key revoked");
        goto out;
    }
    if (s && strcmp(s->fingerprint, who->fingerprint) != 0) {
        hub_error(self, r, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_DENIED,
            "connection identity changed");
        goto out;
    }
    if (extra) {
        hub_error(self, r, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_MALFORMED,
            "one frame per message: multipart messages are refused");
        goto out;
    }
    if (zmq_msg_size(&body) == 0) {
        hub_error(self, r, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_MALFORMED,
            "empty frame");
        goto out;
    }
    frame = in->frame ? in->frame
                      : enlace__frame__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
    in->frame = NULL; /* ours now: freed below */
    if (!frame) {
        hub_error(self, r, rlen, 0, who, "frame", ENLACE__ERROR_CODE__ERR_MALFORMED,
            "frame does not decode as an enlace protocol message");
        goto out;
    }
    uint64_t req = frame->request_id;
    if (frame->version != PROTOCOL_VERSION) {
        char msg[96];
        snprintf(msg, sizeof msg, "protocol version %u is not supported (this hub speaks %d)",
            frame->version, PROTOCOL_VERSION);
        hub_error(self, r, rlen, req, who, "frame", ENLACE__ERROR_CODE__ERR_VERSION, msg);
        goto out;
    }
    if (s)
        s->last_seen_ms = now;
    if (frame->body_case == ENLACE__FRAME__BODY_HELLO) {
        s_hello(self, r, rlen, req, who, s, frame->hello);
        s = sessions_find(self->sessions, r, rlen);
        if (s)
            s->last_seen_ms = now;
        goto out;
    }
    if (!s) {
        hub_error(self, r, rlen, req, who, "frame", ENLACE__ERROR_CODE__ERR_NO_SESSION,
            "say Hello first");
        goto out;
    }
    if (s_rate_counted(frame->body_case) && s_rate_check(self, s, who, req, now) != 0)
        goto out;
    switch (frame->body_case) {
    case ENLACE__FRAME__BODY_PUBLISH:
        self->presig = in->sig;
        s_publish(self, s, who, req, frame->publish);
        self->presig = -1;
        break;
    case ENLACE__FRAME__BODY_SUBSCRIBE:
        s_subscribe(self, s, who, req, frame->subscribe);
        break;
    case ENLACE__FRAME__BODY_UNSUBSCRIBE:
        s_unsubscribe(self, s, who, req, frame->unsubscribe);
        break;
    case ENLACE__FRAME__BODY_DELIVERY_ACK:
        s_delivery_ack(s, frame->delivery_ack);
        break;
    case ENLACE__FRAME__BODY_PING: {
        Enlace__Frame reply = ENLACE__FRAME__INIT;
        Enlace__Pong pong = ENLACE__PONG__INIT;
        pong.hub_ms = now;
        reply.body_case = ENLACE__FRAME__BODY_PONG;
        reply.pong = &pong;
        hub_send_frame(self, r, rlen, req, &reply);
        break;
    }
    case ENLACE__FRAME__BODY_HISTORY:
        s_history(self, s, who, req, frame->history);
        break;
    case ENLACE__FRAME__BODY_CASE_APPROVE:
        cases_approve(self, s, who, req, frame->case_approve);
        break;
    case ENLACE__FRAME__BODY_REVIEW:
        cases_review(self, s, who, req, frame->review);
        break;
    case ENLACE__FRAME__BODY_RELABEL:
        control_relabel(self, s, who, req, frame->relabel);
        break;
    case ENLACE__FRAME__BODY_RELEASE_REQUEST:
        control_release_request(self, s, who, req, frame->release_request);
        break;
    case ENLACE__FRAME__BODY_SEARCH:
        s_search(self, s, who, req, frame->search);
        break;
    case ENLACE__FRAME__BODY_ALERT_ACK:
        alerts_ack(self, s, who, req, frame->alert_ack);
        break;
    case ENLACE__FRAME__BODY_ALERTS_QUERY:
        alerts_query(self, s, who, req, frame->alerts_query);
        break;
    case ENLACE__FRAME__BODY_CAP_EXPORT:
        alerts_cap(self, s, who, req, frame->cap_export);
        break;
    case ENLACE__FRAME__BODY_CASE_OPEN:
        cases_open(self, s, who, req, frame->case_open);
        break;
    case ENLACE__FRAME__BODY_CASE_SHOW:
        cases_show(self, s, who, req, frame->case_show);
        break;
    case ENLACE__FRAME__BODY_CASE_QUERY:
        cases_list(self, s, who, req, frame->case_query);
        break;
    case ENLACE__FRAME__BODY_CASE_SET_STATE:
        cases_set_state(self, s, who, req, frame->case_set_state);
        break;
    case ENLACE__FRAME__BODY_ADMIN:
        s_admin(self, s, who, req, frame->admin);
        break;
    case ENLACE__FRAME__BODY_BYE: {
        Enlace__Frame reply = ENLACE__FRAME__INIT;
        Enlace__Ok ok = ENLACE__OK__INIT;
        reply.body_case = ENLACE__FRAME__BODY_OK;
        reply.ok = &ok;
        hub_send_frame(self, r, rlen, req, &reply);
        s_advance_cursors(s);
        s_drop_session(self, s, "client said bye");
        break;
    }
    case ENLACE__FRAME__BODY__NOT_SET:
        if (frame->base.n_unknown_fields == 0) {
            hub_error(self, r, rlen, req, who, "frame", ENLACE__ERROR_CODE__ERR_MALFORMED,
                "a frame without a request");
            break;
        }
        /* a body type from a newer protocol */
        __attribute__((fallthrough));
    default:
        hub_error(self, r, rlen, req, who, "frame", ENLACE__ERROR_CODE__ERR_UNKNOWN_REQUEST,
            "unknown or unexpected request type");
        break;
    }
out:
    enlace__frame__free_unpacked(frame, NULL);
    enlace__frame__free_unpacked(in->frame, NULL); /* decoded but not reached */
    in->frame = NULL;
    zmq_msg_close(&rid);
    zmq_msg_close(&body);
}

/* Commits the batch, then (and only then) answers "stored". */
static void
s_finish_batch(hub_t *self)
{
    if (!archive_in_transaction(self->archive)) {
        self->npending = 0;
        return;
    }
    int ok = archive_commit(self->archive) == 0;
    if (!ok)
        log_error("archive commit failed: %s", archive_error(self->archive));
    for (int i = 0; i < self->npending; i++) {
        pending_t *pd = &self->pending[i];
        recent_msg_t *rm = &self->pending_msgs[i];
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        if (ok) {
            Enlace__Stored st = ENLACE__STORED__INIT;
            st.seq = pd->seq;
            st.duplicate = pd->duplicate;
            st.stored_ms = pd->stored_ms;
            frame.body_case = ENLACE__FRAME__BODY_STORED;
            frame.stored = &st;
            /* The hub's own messages have nobody to answer. A reply that
             * cannot be queued is not fatal (the publish is stored; a retry
             * with the same id gets "stored" again) but must be seen. */
            if (pd->rid_len && hub_send_frame(self, pd->rid, pd->rid_len, pd->request_id, &frame) != 0)
                log_warn("a 'stored' reply (seq %llu) could not be queued to its client",
                    (unsigned long long)pd->seq);
            if (!pd->duplicate) {
                self->stored_total++;
                if (pd->seq > self->head)
                    self->head = pd->seq;
                if (rm->frame)
                    recent_put(self->recent, rm);
            }
        } else if (pd->rid_len) {
            Enlace__Error err = ENLACE__ERROR__INIT;
            err.code = ENLACE__ERROR_CODE__ERR_INTERNAL;
            err.message = "archive commit failed; nothing was stored, publish again";
            frame.body_case = ENLACE__FRAME__BODY_ERROR;
            frame.error = &err;
            hub_send_frame(self, pd->rid, pd->rid_len, pd->request_id, &frame);
        }
        recent_msg_clear(rm);
    }
    /* Alerts go out of band, now that they are stored, before routine traffic. */
    for (int i = 0; ok && i < self->npending; i++) {
        pending_t *pd = &self->pending[i];
        if (pd->push == 1 && !pd->duplicate)
            alerts_push(self, pd->seq);
        else if (pd->push == 2 && pd->push_to)
            alerts_push_named(self, pd->seq, pd->push_to);
    }
    for (int i = 0; i < self->npending; i++) {
        free(self->pending[i].push_to);
        self->pending[i].push_to = NULL;
    }
    self->npending = 0;
}

int
hub_commit(hub_t *self)
{
    s_finish_batch(self);
    return archive_in_transaction(self->archive) ? -1 : 0;
}

void
hub_ok(hub_t *self, session_t *s, uint64_t request_id)
{
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    Enlace__Ok ok = ENLACE__OK__INIT;
    frame.body_case = ENLACE__FRAME__BODY_OK;
    frame.ok = &ok;
    hub_send_frame(self, s->rid, s->rid_len, request_id, &frame);
}

int
hub_delivery_frame(hub_t *self, const archive_msg_t *m, int out_of_band, uint8_t **out,
    size_t *out_len)
{
    const dir_entry_t *author = m->author_id ? directory_find_officer(self->dir, m->author_id)
                                             : &self->self_entry;
    return s_build_delivery(m->seq, m->content, m->content_len, m->signature, author,
        m->stored_ms, out_of_band, out, out_len);
}

uint64_t
hub_store_own(hub_t *self, const char *topic, int tlp, const char *recipients,
    const Enlace__Content *tmpl)
{
    if (self->npending >= BATCH_MAX)
        s_finish_batch(self);
    if (archive_begin(self->archive) != 0)
        return 0;
    Enlace__Content c = *tmpl;
    uint8_t id[16];
    randombytes_buf(id, sizeof id);
    int64_t now = archive_now_ms();
    c.message_id.data = id;
    c.message_id.len = sizeof id;
    c.topic.data = (uint8_t *)topic;
    c.topic.len = strlen(topic);
    c.created_ms = now;
    c.author_key.data = (uint8_t *)keys_identity_public(self->key);
    c.author_key.len = KEYS_PUBLIC_BYTES;
    c.tlp = (Enlace__Tlp)tlp;
    c.content_type = "text/plain; charset=utf-8";
    /* recipients: split the comma list */
    char *list = strdup(recipients ? recipients : "");
    char *rcpt[256];
    size_t n = 0;
    char *save = NULL;
    for (char *r = list ? strtok_r(list, ",", &save) : NULL; r && n < 256;
         r = strtok_r(NULL, ",", &save))
        rcpt[n++] = r;
    c.n_recipients = n;
    c.recipients = rcpt;
    size_t len = enlace__content__get_packed_size(&c);
    uint8_t *buf = malloc(len);
    uint8_t sig[KEYS_SIGNATURE_BYTES], hash[32];
    uint64_t seq = 0;
    if (!buf || !list || keys_sign_content(self->key, (enlace__content__pack(&c, buf), buf), len,
                             sig)
            != 0)
        goto out;
    crypto_generichash(hash, sizeof hash, buf, len, NULL, 0);
    char net[24];
    topic_network(topic, net, sizeof net);
    seq = archive_last_seq(self->archive) + 1;
    archive_msg_t am = {.seq = seq, .msg_id = id, .topic = topic, .network = net, .author_id = 0,
        .tlp = tlp, .recipients = recipients ? recipients : "", .created_ms = now,
        .stored_ms = now, .content = buf, .content_len = len, .signature = sig,
        .content_hash = hash};
    if (archive_message_insert(self->archive, &am) != 0) {
        log_error("archive: %s", archive_error(self->archive));
        seq = 0;
        goto out;
    }
    pending_t *pd = &self->pending[self->npending];
    recent_msg_t *rm = &self->pending_msgs[self->npending];
    memset(pd, 0, sizeof *pd);
    memset(rm, 0, sizeof *rm);
    pd->seq = seq;
    pd->stored_ms = now;
    pd->push = 2;
    pd->push_to = strdup(recipients ? recipients : "");
    rm->seq = seq;
    rm->topic = strdup(topic);
    snprintf(rm->network, sizeof rm->network, "%s", net);
    rm->author_id = 0;
    rm->tlp = tlp;
    rm->recipients = strdup(recipients ? recipients : "");
    if (!rm->topic || !rm->recipients
        || s_build_delivery(seq, buf, len, sig, &self->self_entry, now, 0, &rm->frame,
               &rm->frame_len)
            != 0)
        recent_msg_clear(rm);
    self->npending++;
out:
    free(buf);
    free(list);
    return seq;
}

/* ---------------------------------------------------------------- timers */

static void
s_check_directory(hub_t *self)
{
    int64_t version;
    if (archive_data_version(self->archive, &version) != 0
        || (version == self->dir_version && self->dir_version != -1))
        return;
    directory_t *fresh = directory_load(self->archive);
    if (!fresh) {
        log_error("directory reload failed: %s", archive_error(self->archive));
        return;
    }
    directory_destroy(&self->dir);
    self->dir = fresh;
    self->dir_version = version;
    log_info("directory reloaded: %d keys", directory_count(self->dir));
    int64_t now = archive_now_ms();
    session_t *s = sessions_next(self->sessions, NULL);
    while (s) {
        session_t *next = sessions_next(self->sessions, s);
        const dir_entry_t *who = directory_find(self->dir, s->fingerprint);
        if (!who || !directory_entry_active(who, now)) {
            hub_error(self, s->rid, s->rid_len, 0, who, "session", ENLACE__ERROR_CODE__ERR_REVOKED,
                "your key has been revoked; this connection is closed");
            s_drop_session(self, s, "key revoked");
        }
        s = next;
    }
}

static void
s_write_status(hub_t *self, int64_t now)
{
    status_counters_t c = {self->cfg->data_dir, self->cfg->bind, self->started_ms, self->head,
        self->stored_total, self->delivered_total};
    status_write(&c, self->sessions, self->dir, now);
    self->next_status = now + STATUS_INTERVAL_MS;
}

static void
s_timers(hub_t *self, int64_t now)
{
    if (self->cfg->reload && *self->cfg->reload) {
        *self->cfg->reload = 0;
        log_notice("SIGHUP: reloading the directory");
        self->dir_version = -1; /* forces the reload */
        s_check_directory(self);
    }
    if (now >= self->next_status)
        s_write_status(self, now);
    if (now >= self->next_dir_check) {
        s_check_directory(self);
        self->next_dir_check = now + DIR_CHECK_MS;
    }
    if (now >= self->next_alert_check) {
        alerts_tick(self, now);
        s_finish_batch(self); /* commit escalations, then push them */
        self->next_alert_check = now + ALERT_CHECK_MS;
    }
    if (now >= self->next_flush) {
        for (session_t *s = sessions_next(self->sessions, NULL); s;
             s = sessions_next(self->sessions, s))
            s_flush_session(self, s);
        self->next_flush = now + FLUSH_MS;
    }
    if (now >= self->next_expiry) {
        session_t *s = sessions_next(self->sessions, NULL);
        while (s) {
            session_t *next = sessions_next(self->sessions, s);
            if (now - s->last_seen_ms > self->cfg->idle_timeout_ms)
                s_drop_session(self, s, "idle");
            s = next;
        }
        sessions_prune_keys(self->sessions, self->cfg->request_rate, self->cfg->request_burst,
            now);
        self->next_expiry = now + EXPIRY_CHECK_MS;
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
    cfg->log_level = LOG_INFO;
}

static int
s_setopt_int(void *socket, int option, int value)
{
    return zmq_setsockopt(socket, option, &value, sizeof value);
}

static int
s_open_router(hub_t *self, keys_identity_t *hub_key)
{
    self->router = zmq_socket(self->ctx, ZMQ_ROUTER);
    if (!self->router)
        return -1;
    uint8_t curve_sk[KEYS_CURVE_BYTES];
    keys_identity_curve_secret(hub_key, curve_sk);
    int64_t maxmsg = (int64_t)self->cfg->max_frame;
    /* A client may have a full publish window (1024) of "stored" replies and
     * a window of deliveries queued at once: never refuse those for lack of
     * room (a refused send would lose a reply). */
    int hwm = (int)self->cfg->window * 2 + 4096;
    int rc = s_setopt_int(self->router, ZMQ_CURVE_SERVER, 1);
    rc |= zmq_setsockopt(self->router, ZMQ_CURVE_SECRETKEY, curve_sk, sizeof curve_sk);
    sodium_memzero(curve_sk, sizeof curve_sk);
    rc |= zmq_setsockopt(self->router, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN));
    rc |= s_setopt_int(self->router, ZMQ_ROUTER_MANDATORY, 1);
    rc |= zmq_setsockopt(self->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    rc |= s_setopt_int(self->router, ZMQ_HANDSHAKE_IVL, 5000);
    rc |= s_setopt_int(self->router, ZMQ_HEARTBEAT_IVL, self->cfg->heartbeat_ms);
    rc |= s_setopt_int(self->router, ZMQ_HEARTBEAT_TIMEOUT, self->cfg->heartbeat_ms * 3);
    rc |= s_setopt_int(self->router, ZMQ_HEARTBEAT_TTL, self->cfg->heartbeat_ms * 3);
    rc |= s_setopt_int(self->router, ZMQ_SNDHWM, hwm);
    rc |= s_setopt_int(self->router, ZMQ_RCVHWM, 4096);
    rc |= s_setopt_int(self->router, ZMQ_LINGER, 1000);
    /* Many officers reconnect at once after an outage. */
    rc |= s_setopt_int(self->router, ZMQ_BACKLOG, 1024);
    if (rc != 0)
        return -1;
    /* Draft in libzmq 4.3: refuse, rather than admit, when no ZAP handler
     * answers. Our handler is always bound first, so failing to set it is
     * not fatal. */
    if (s_setopt_int(self->router, ZMQ_ZAP_ENFORCE_DOMAIN, 1) != 0)
        log_debug("ZMQ_ZAP_ENFORCE_DOMAIN not available; relying on the ZAP handler bound first");
    if (zmq_bind(self->router, self->cfg->bind) != 0) {
        log_error("cannot bind %s: %s", self->cfg->bind, zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
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
    self->pending = calloc(BATCH_MAX, sizeof *self->pending);
    self->pending_msgs = calloc(BATCH_MAX, sizeof *self->pending_msgs);
    self->inbound = calloc(BATCH_MAX, sizeof *self->inbound);
    self->presig = -1;
    {
        /* One verifying worker per extra core: the main thread verifies too. */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        self->verifier = verifier_new(cores > 1 ? (int)(cores - 1) : 0);
    }
    if (!self->dir || !self->sessions || !self->recent || !self->pending || !self->pending_msgs
        || !self->inbound || !self->verifier
        || archive_data_version(self->archive, &self->dir_version) != 0) {
        log_error("start-up failed: %s", archive_error(self->archive));
        goto out;
    }
    self->head = archive_last_seq(self->archive);
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
    if (s_open_router(self, hub_key) != 0) {
        log_error("cannot open the server socket: %s", zmq_strerror(zmq_errno()));
        goto out;
    }
    self->key = hub_key; /* kept: the hub signs its escalation notices */
    hub_key = NULL;
    {
        /* Record the hub key in the archive so that verify can check the
         * hub's own notices, also in a backup. */
        char hex[2 * KEYS_PUBLIC_BYTES + 1], old[2 * KEYS_PUBLIC_BYTES + 1];
        keys_hex_encode(keys_identity_public(self->key), KEYS_PUBLIC_BYTES, hex);
        int have = archive_meta_get(self->archive, "hub_ed25519", old, sizeof old);
        if (have < 0 || (have == 0 || strcmp(old, hex) != 0)) {
            if (have == 1)
                log_warn("the hub key differs from the one recorded in the archive; "
                         "recording the new one (verify checks notices against the latest)");
            if (archive_meta_set(self->archive, "hub_ed25519", hex) != 0)
                log_error("archive: %s", archive_error(self->archive));
        }
    }
    keys_fingerprint(keys_identity_public(self->key), self->fingerprint);
    snprintf(self->self_entry.name, sizeof self->self_entry.name, "enlace hub");
    snprintf(self->self_entry.fingerprint, sizeof self->self_entry.fingerprint, "%s",
        self->fingerprint);
    snprintf(self->self_entry.role, sizeof self->self_entry.role, "hub");
    memcpy(self->self_entry.pk, keys_identity_public(self->key), KEYS_PUBLIC_BYTES);
    {
        char fp[KEYS_FINGERPRINT_LEN];
        uint8_t pk[KEYS_PUBLIC_BYTES];
        snprintf(path, sizeof path, "%s/hub.public", cfg->data_dir);
        if (keys_public_load(path, pk, kerr) == 0) {
            keys_fingerprint(pk, fp);
            log_notice("enlace-hub %s listening on %s, hub key %s, %d keys in the directory, "
                       "last sequence %llu",
                ENLACE_VERSION, cfg->bind, fp, directory_count(self->dir),
                (unsigned long long)self->head);
        }
    }
    rc = 0;
    self->started_ms = archive_now_ms();
out:
    keys_identity_destroy(&hub_key);
    return rc;
}

/* The end of a loop turn, after the batch was handled: commit, then the
 * "stored" replies, timers, deliveries. */
static void
s_end_turn(hub_t *self, int64_t now)
{
    s_finish_batch(self);
    s_timers(self, now);
    s_pump_all(self);
    /* Cursor flushes and refusals' audit records may have opened one. */
    s_finish_batch(self);
}

/* One turn of the loop: wait up to 100 ms for messages, receive a batch,
 * verify its signatures in parallel, handle it in arrival order. 0, or -1
 * if the socket failed. */
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
    if (n > 0) {
        int got = 0;
        while (got < BATCH_MAX) {
            int events = 0;
            size_t elen = sizeof events;
            if (zmq_getsockopt(self->router, ZMQ_EVENTS, &events, &elen) != 0
                || !(events & ZMQ_POLLIN) || s_recv_inbound(self, &self->inbound[got]) != 0)
                break;
            got++;
        }
        s_preverify(self, self->inbound, got);
        for (int i = 0; i < got; i++)
            s_handle_inbound(self, &self->inbound[i]);
    }
    s_end_turn(self, now);
    return 0;
}

/* Frees what s_open made (whatever part of it was made). */
static void
s_close(hub_t *self)
{
    keys_identity_destroy(&self->key);
    if (self->router)
        zmq_close(self->router);
    zap_stop(&self->zap);
    if (self->ctx)
        zmq_ctx_term(self->ctx);
    if (self->pending_msgs)
        for (int i = 0; i < BATCH_MAX; i++)
            recent_msg_clear(&self->pending_msgs[i]);
    if (self->pending)
        for (int i = 0; i < BATCH_MAX; i++)
            free(self->pending[i].push_to);
    free(self->pending_msgs);
    free(self->pending);
    free(self->inbound);
    verifier_destroy(&self->verifier);
    recent_destroy(&self->recent);
    sessions_destroy(&self->sessions);
    directory_destroy(&self->dir);
    checkpointer_stop(&self->ckpt);
    archive_destroy(&self->archive);
}

int
hub_run(const hub_config_t *cfg, volatile sig_atomic_t *stop)
{
    hub_t hub = {0};
    hub_t *self = &hub;
    int rc = s_open(self, cfg);
    if (rc == 0) {
        while (!*stop && rc == 0)
            rc = s_turn(self);
        log_notice("shutting down: %llu messages stored, %llu deliveries this run",
            (unsigned long long)self->stored_total, (unsigned long long)self->delivered_total);
        for (session_t *s = sessions_next(self->sessions, NULL); s;
             s = sessions_next(self->sessions, s))
            s_flush_session(self, s);
        s_finish_batch(self);
        status_remove(cfg->data_dir);
    }
    s_close(self);
    return rc;
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
    const void *const *frames, const size_t *lens, int n)
{
    int got = 0;
    for (int i = 0; i < n && got < BATCH_MAX; i++, got++) {
        inbound_t *in = &self->inbound[got];
        memset(in, 0, sizeof *in);
        zmq_msg_init_size(&in->rid, rid_len);
        memcpy(zmq_msg_data(&in->rid), rid, rid_len);
        zmq_msg_init_size(&in->body, lens[i]);
        if (lens[i])
            memcpy(zmq_msg_data(&in->body), frames[i], lens[i]);
        snprintf(in->user, sizeof in->user, "%s", user ? user : "");
        in->sig = -1;
    }
    s_preverify(self, self->inbound, got);
    for (int i = 0; i < got; i++)
        s_handle_inbound(self, &self->inbound[i]);
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
