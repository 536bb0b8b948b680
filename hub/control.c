/*
 * control.c: forwards, widened labels and release requests (control.h).
 *
 * TLP values are ordered from least to most restrictive (CLEAR 1 ... RED 5),
 * so "at least as strict" is a numeric comparison.
 */
#include "control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "disclose.h"
#include "log.h"
#include "topic.h"

typedef struct {
    int found;
    uint64_t seq;
    int64_t author_id;
    int tlp;
    int handling;
    char topic[264];
    char network[24];
    char recipients[4096];
    char home[DISCLOSE_HOME_LEN];
    int personal;
    disclose_msg_t m;        /* points into this struct */
} original_t;

static int
s_original_row(const archive_msg_t *m, void *arg)
{
    original_t *o = arg;
    o->found = 1;
    o->seq = m->seq;
    o->author_id = m->author_id;
    o->tlp = m->tlp; /* the effective label: reads return the latest relabel */
    o->handling = m->handling;
    o->personal = m->personal;
    snprintf(o->topic, sizeof o->topic, "%s", m->topic);
    snprintf(o->network, sizeof o->network, "%s", m->network);
    snprintf(o->recipients, sizeof o->recipients, "%s", m->recipients);
    return 1;
}

/* May `who` read all of message m (disclose.h, the archive path)? */
static int
s_sees(hub_t *self, const dir_entry_t *who, const disclose_msg_t *m)
{
    disclose_reader_t r = {.dir = self->dir, .who = who, .now_ms = archive_now_ms()};
    return disclose_all(&r, m, DISCLOSE_ARCHIVE);
}

/* Loads message seq if `who` may see it. */
static int
s_load(hub_t *self, const dir_entry_t *who, uint64_t seq, original_t *o)
{
    memset(o, 0, sizeof *o);
    if (archive_message_read(self->archive, seq, s_original_row, o) != 1)
        return 0;
    const dir_entry_t *author = o->author_id ? directory_find_officer(self->dir, o->author_id)
                                             : NULL;
    snprintf(o->home, sizeof o->home, "%s", author ? acl_home(author) : "");
    o->m = (disclose_msg_t){.seq = o->seq, .topic = o->topic, .network = o->network,
        .tlp = o->tlp, .recipients = o->recipients, .author_id = o->author_id,
        .author_home = o->home, .personal = o->personal, .handling = o->handling};
    return s_sees(self, who, &o->m);
}

/* The author, or the focal point (in the message's network) of the
 * author's country. */
static int
s_speaks_for_author(hub_t *self, const dir_entry_t *who, const original_t *o)
{
    if (who->officer_id == o->author_id)
        return 1;
    const dir_entry_t *author = directory_find_officer(self->dir, o->author_id);
    const char *role = directory_membership(who, o->network);
    return author && author->country[0] && !strcmp(author->country, who->country) && role
        && !strcmp(role, "focal");
}

const char *
control_check_forward(hub_t *self, const dir_entry_t *who, const Enlace__Content *c,
    const char *topic, int tlp, const char *recipients, char *why, size_t cap)
{
    if (!c->forward_of)
        return NULL;
    original_t o;
    if (!s_load(self, who, c->forward_of, &o))
        return "the forwarded message does not exist or you may not see it";
    if (s_speaks_for_author(self, who, &o))
        return NULL; /* the author (or its focal point) decides */
    char net[24];
    topic_network(topic, net, sizeof net);
    if (o.handling == ENLACE__HANDLING__HANDLING_H2)
        return "handling code H2: not to be passed on without the author's permission (ask "
               "with 'enlace release-request')";
    if (o.tlp == ENLACE__TLP__TLP_RED)
        return "TLP:RED is for its named recipients only: it may not be forwarded";
    if (tlp < o.tlp)
        return "a forward may not carry a wider TLP label than the original";
    if ((o.tlp == ENLACE__TLP__TLP_AMBER || o.tlp == ENLACE__TLP__TLP_AMBER_STRICT)
        && strcmp(net, o.network) != 0)
        return "TLP:AMBER information stays in its network: it may not be forwarded to another";
    if ((int)c->handling < o.handling)
        return "a forward must keep the original's handling code";
    if (o.personal && !c->personal_data)
        return "the original contains personal data: the forward must be marked so too";
    /* Whoever may read the forward must be allowed to read the original
     * under its own label, not only under the forward's. */
    disclose_msg_t fwd = {.topic = topic, .network = net, .tlp = tlp, .recipients = recipients,
        .author_id = who->officer_id, .author_home = acl_home(who),
        .personal = c->personal_data || c->form, .handling = c->handling};
    const dir_entry_t *wider =
        disclose_forward_widens(self->dir, archive_now_ms(), &fwd, &o.m);
    if (wider) {
        snprintf(why, cap,
            "this forward would reach %s (%s), who may not read message #%llu under its own "
            "label: forward it only to those who may",
            wider->name, acl_home(wider), (unsigned long long)o.seq);
        return why;
    }
    return NULL;
}

void
control_relabel(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__Relabel *q)
{
    original_t o;
    if (!s_load(self, who, q->seq, &o)) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "relabel",
            ENLACE__ERROR_CODE__ERR_NOT_FOUND, "no message with that number that you may see");
        return;
    }
    if (!s_speaks_for_author(self, who, &o)) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "relabel",
            ENLACE__ERROR_CODE__ERR_DENIED,
            "only the author, or the focal point of the author's country, may widen a label or "
            "lift a restriction (others: enlace release-request)");
        return;
    }
    int tlp = q->tlp == ENLACE__TLP__TLP_UNSPECIFIED ? o.tlp : (int)q->tlp;
    int handling = q->lift_handling ? 0 : o.handling;
    if (tlp < ENLACE__TLP__TLP_CLEAR || tlp > ENLACE__TLP__TLP_RED || tlp > o.tlp
        || (tlp == o.tlp && handling == o.handling)) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "relabel",
            ENLACE__ERROR_CODE__ERR_MALFORMED,
            "a relabel widens the label or lifts the handling code; it never narrows them");
        return;
    }
    if (archive_begin(self->archive) != 0
        || archive_relabel(self->archive, q->seq, tlp, handling, who->officer_id) != 0) {
        log_error("relabel: %s", archive_error(self->archive));
        hub_error(self, s->rid, s->rid_len, request_id, who, "relabel",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
        return;
    }
    char detail[128];
    snprintf(detail, sizeof detail, "message %llu: TLP %d -> %d, handling %d -> %d",
        (unsigned long long)q->seq, o.tlp, tlp, o.handling, handling);
    if (archive_audit(self->archive, who->officer_id, who->fingerprint, "relabel", "ok", detail)
            != 0
        || hub_commit(self) != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "relabel",
            ENLACE__ERROR_CODE__ERR_INTERNAL, "archive commit failed; nothing changed");
        return;
    }
    recent_relabel(self->recent, q->seq, tlp, handling);
    log_info("message %llu relabelled by %s", (unsigned long long)q->seq, who->fingerprint);
    hub_ok(self, s, request_id);
}

void
control_release_request(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__ReleaseRequest *q)
{
    original_t o;
    size_t rl = strlen(q->reason);
    if (rl == 0 || rl > 1000 || !topic_text_valid(q->reason, rl)) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "release-request",
            ENLACE__ERROR_CODE__ERR_MALFORMED, "give a reason of 1 to 1000 bytes of text");
        return;
    }
    if (!s_load(self, who, q->seq, &o) || o.author_id == 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "release-request",
            ENLACE__ERROR_CODE__ERR_NOT_FOUND, "no message with that number that you may see");
        return;
    }
    /* The author and the focal points of the author's country in that network. */
    const dir_entry_t *author = directory_find_officer(self->dir, o.author_id);
    char recipients[2048] = "";
    int n = 0;
    int64_t now = archive_now_ms();
    for (int i = 0; i < directory_count(self->dir); i++) {
        const dir_entry_t *e = directory_entry(self->dir, i);
        const char *role = directory_membership(e, o.network);
        /* Only those who may read the message: the notice names its topic. */
        int take = (e->officer_id == o.author_id
                       || (author && author->country[0] && !strcmp(e->country, author->country)
                           && role && !strcmp(role, "focal")))
            && s_sees(self, e, &o.m);
        if (take && directory_entry_active(e, now) && strlen(recipients) + 21 < sizeof recipients) {
            strcat(recipients, n++ ? "," : "");
            strcat(recipients, e->fingerprint);
        }
    }
    char body[1400];
    snprintf(body, sizeof body, "%s (%s, %s) asks for wider release of message #%llu on %s: %s",
        who->name, acl_home(who), who->fingerprint, (unsigned long long)q->seq, o.topic,
        q->reason);
    char topic[64];
    snprintf(topic, sizeof topic, "%s/releases", o.network);
    Enlace__Content c = ENLACE__CONTENT__INIT;
    c.body.data = (uint8_t *)body;
    c.body.len = strlen(body);
    uint64_t seq = n ? hub_store_own(self, topic, ENLACE__TLP__TLP_RED, recipients, &c) : 0;
    if (!seq || hub_commit(self) != 0) {
        hub_error(self, s->rid, s->rid_len, request_id, who, "release-request",
            ENLACE__ERROR_CODE__ERR_INTERNAL,
            n ? "archive unavailable" : "the author is no longer in the directory");
        return;
    }
    hub_ok(self, s, request_id);
}
