/*
 * deliver.c: the delivery pump (see deliver.h).
 */
#include "deliver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disclose.h"
#include "flow.h"
#include "log.h"
#include "send.h"
#include "topic.h"
#include "wire.h"

#define REPLAY_BATCH 128 /* messages read from the archive per query */

int
deliver_frame(hub_t *self, const archive_msg_t *m, int out_of_band, uint8_t **out, size_t *len)
{
    const dir_entry_t *author = m->author_id ? directory_find_officer(self->dir, m->author_id)
                                             : notary_entry(self->notary);
    return wire_delivery(m, author, out_of_band, out, len);
}

void
deliver_save_cursors(hub_t *self)
{
    int any = 0;
    for (session_t *s = sessions_next(self->sessions, NULL); s && !any;
         s = sessions_next(self->sessions, s))
        any = flow_dirty(s);
    if (!any || batch_begin(self->batch) != 0)
        return;
    int ok = 1;
    for (session_t *s = sessions_next(self->sessions, NULL); s && ok;
         s = sessions_next(self->sessions, s))
        if (flow_save(self->archive, s) != 0) {
            log_error("saving a subscription cursor: %s", archive_error(self->archive));
            ok = 0;
        }
    batch_end(self->batch, ok);
}

void
deliver_drop_session(hub_t *self, session_t *s, const char *why)
{
    log_info("session of %s closed: %s", s->fingerprint, why);
    if (flow_dirty(s) && batch_begin(self->batch) == 0) {
        int ok = flow_save(self->archive, s) == 0;
        if (!ok)
            log_error("saving a subscription cursor: %s", archive_error(self->archive));
        batch_end(self->batch, ok);
    }
    sessions_remove(self->sessions, s);
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
    disclose_msg_t dm = {.seq = m->seq,
        .topic = m->topic,
        .network = m->network,
        .tlp = m->tlp,
        .recipients = m->recipients,
        .author_id = m->author_id,
        .author_home = m->author_home,
        .personal = m->personal,
        .handling = m->handling};
    disclose_reader_t r = {.dir = self->dir, .who = who, .now_ms = archive_now_ms()};
    return disclose_all(&r, &dm, DISCLOSE_LIVE);
}

/* Offers one message to a session: 0 considered (sent or skipped), 1 blocked,
 * -1 peer gone. */
static int
s_offer(hub_t *self, session_t *s, const dir_entry_t *who, const recent_msg_t *m)
{
    if (s_wants(self, s, who, m)) {
        int rc = send_raw(self, s->rid, s->rid_len, m->frame, m->frame_len);
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
    int rc; /* result of the last offer */
} replay_t;

static int
s_replay_one(const archive_msg_t *am, void *arg)
{
    replay_t *r = arg;
    if (session_inflight_full(r->s) || am->seq > r->hub->head)
        return 1; /* no credit; or not committed yet */
    recent_msg_t m = {.seq = am->seq,
        .author_id = am->author_id,
        .tlp = am->tlp,
        .personal = am->personal,
        .handling = am->handling};
    m.topic = (char *)am->topic;
    m.recipients = (char *)am->recipients;
    snprintf(m.network, sizeof m.network, "%s", am->network);
    const dir_entry_t *a = am->author_id ? directory_find_officer(r->hub->dir, am->author_id)
                                         : NULL;
    snprintf(m.author_home, sizeof m.author_home, "%s",
        a ? (a->country[0] ? a->country : a->org) : "");
    if (!s_wants(r->hub, r->s, r->who, &m)) {
        r->s->pos = am->seq;
        return 0;
    }
    if (deliver_frame(r->hub, am, 0, &m.frame, &m.frame_len) != 0) {
        r->rc = 1; /* out of memory: try again later */
        return 1;
    }
    r->rc = s_offer(r->hub, r->s, r->who, &m);
    free(m.frame);
    return r->rc != 0;
}

/* Sends a session what it may and wants to see, up to its credit. Returns
 * -1 if the peer is gone (the caller drops the session). */
static int
s_pump(hub_t *self, session_t *s)
{
    if (s->nsubs == 0 || s->pos == FLOW_UNSET || s->rewind_to != FLOW_UNSET)
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
            if (rc == 0 && s->pos == before)
                s->pos++; /* a gap (a seq never stored, e.g. a rolled-back request) */
        }
        if (rc == 1) {
            s->blocked = 1;
            break;
        }
        if (rc < 0)
            return -1;
    }
    if (s->in_count == 0)
        flow_advance(s);
    return 0;
}

void
deliver_pump_all(hub_t *self)
{
    session_t *s = sessions_next(self->sessions, NULL);
    while (s) {
        session_t *next = sessions_next(self->sessions, s);
        if (s_pump(self, s) < 0)
            deliver_drop_session(self, s, "peer gone");
        s = next;
    }
}
