/*
 * handle_label.c: forwards, widened labels and release requests (see
 * label.h). TLP values are ordered from least to most restrictive (CLEAR 1
 * ... RED 5), so "at least as strict" is a numeric comparison.
 */
#include "label.h"

#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "attrs.h"
#include "disclose.h"
#include "log.h"
#include "topic.h"

/* The author, or the focal point (in the message's network) of the
 * author's country. */
static int
s_speaks_for_author(const directory_t *dir, const dir_entry_t *who, const attrs_t *o)
{
    if (who->officer_id == o->m.author_id)
        return 1;
    const dir_entry_t *author = directory_find_officer(dir, o->m.author_id);
    const char *role = directory_membership(who, o->network);
    return author && author->country[0] && !strcmp(author->country, who->country) && role
        && !strcmp(role, "focal");
}

const char *
label_check_forward(const req_t *r, const Enlace__Content *c, const char *topic, int tlp,
    const char *recipients, char *why, size_t cap)
{
    if (!c->forward_of)
        return NULL;
    const hub_env_t *env = r->env;
    attrs_t o;
    if (!attrs_readable(env->archive, env->dir, r->who, c->forward_of, r->now, &o))
        return "the forwarded message does not exist or you may not see it";
    if (s_speaks_for_author(env->dir, r->who, &o))
        return NULL; /* the author (or its focal point) decides */
    char net[DIR_NAME_LEN];
    topic_network(topic, net, sizeof net);
    if (o.m.handling == ENLACE__HANDLING__HANDLING_H2)
        return "handling code H2: not to be passed on without the author's permission (ask "
               "with 'enlace release-request')";
    if (o.m.tlp == ENLACE__TLP__TLP_RED)
        return "TLP:RED is for its named recipients only: it may not be forwarded";
    if (tlp < o.m.tlp)
        return "a forward may not carry a wider TLP label than the original";
    if ((o.m.tlp == ENLACE__TLP__TLP_AMBER || o.m.tlp == ENLACE__TLP__TLP_AMBER_STRICT)
        && strcmp(net, o.network) != 0)
        return "TLP:AMBER information stays in its network: it may not be forwarded to another";
    if ((int)c->handling < o.m.handling)
        return "a forward must keep the original's handling code";
    if (o.m.personal && !c->personal_data)
        return "the original contains personal data: the forward must be marked so too";
    /* Whoever may read the forward must be allowed to read the original
     * under its own label, not only under the forward's. */
    disclose_msg_t fwd = {.topic = topic,
        .network = net,
        .tlp = tlp,
        .recipients = recipients,
        .author_id = r->who->officer_id,
        .author_home = acl_home(r->who),
        .personal = c->personal_data || c->form,
        .handling = c->handling};
    const dir_entry_t *wider = disclose_forward_widens(env->dir, r->now, &fwd, &o.m);
    if (wider) {
        snprintf(why, cap,
            "this forward would reach %s (%s), who may not read message #%llu under its own "
            "label: forward it only to those who may",
            wider->name, acl_home(wider), (unsigned long long)o.m.seq);
        return why;
    }
    return NULL;
}

int
handle_relabel(req_t *r, const Enlace__Relabel *q)
{
    const hub_env_t *env = r->env;
    attrs_t o;
    if (!attrs_readable(env->archive, env->dir, r->who, q->seq, r->now, &o))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
            "no message with that number that you may see");
    if (!s_speaks_for_author(env->dir, r->who, &o))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_DENIED,
            "only the author, or the focal point of the author's country, may widen a label or "
            "lift a restriction (others: enlace release-request)");
    int tlp = q->tlp == ENLACE__TLP__TLP_UNSPECIFIED ? o.m.tlp : (int)q->tlp;
    int handling = q->lift_handling ? 0 : o.m.handling;
    if (tlp < ENLACE__TLP__TLP_CLEAR || tlp > ENLACE__TLP__TLP_RED || tlp > o.m.tlp
        || (tlp == o.m.tlp && handling == o.m.handling))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "a relabel widens the label or lifts the handling code; it never narrows them");
    char detail[128];
    snprintf(detail, sizeof detail, "message %llu: TLP %d -> %d, handling %d -> %d",
        (unsigned long long)q->seq, o.m.tlp, tlp, o.m.handling, handling);
    if (archive_relabel(env->archive, q->seq, tlp, handling, r->who->officer_id) != 0
        || archive_audit(env->archive, r->who->officer_id, r->who->fingerprint, "relabel", "ok",
               detail)
            != 0) {
        log_error("relabel: %s", archive_error(env->archive));
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    }
    batch_action_t relabel = {.kind = BATCH_RELABEL,
        .seq = q->seq,
        .tlp = tlp,
        .handling = handling};
    if (batch_act(env->batch, &relabel) != 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    log_info("message %llu relabelled by %s", (unsigned long long)q->seq, r->who->fingerprint);
    return req_ok(r);
}

int
handle_release_request(req_t *r, const Enlace__ReleaseRequest *q)
{
    const hub_env_t *env = r->env;
    size_t rl = strlen(q->reason);
    if (rl == 0 || rl > 1000 || !topic_text_valid(q->reason, rl))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "give a reason of 1 to 1000 bytes of text");
    attrs_t o;
    if (!attrs_readable(env->archive, env->dir, r->who, q->seq, r->now, &o) || o.m.author_id == 0)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
            "no message with that number that you may see");
    /* The author and the focal points of the author's country in that
     * network, of those who may read the message: the notice names its
     * topic. */
    const dir_entry_t *author = directory_find_officer(env->dir, o.m.author_id);
    char recipients[2048] = "";
    int n = 0;
    for (int i = 0; i < directory_count(env->dir); i++) {
        const dir_entry_t *e = directory_entry(env->dir, i);
        const char *role = directory_membership(e, o.network);
        int take = (e->officer_id == o.m.author_id
                       || (author && author->country[0] && !strcmp(e->country, author->country)
                           && role && !strcmp(role, "focal")))
            && attrs_level(&o, env->dir, e, DISCLOSE_ARCHIVE, r->now) == DISCLOSE_ALL;
        if (take && directory_entry_active(e, r->now)
            && strlen(recipients) + 21 < sizeof recipients) {
            strcat(recipients, n++ ? "," : "");
            strcat(recipients, e->fingerprint);
        }
    }
    if (!n)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL,
            "the author is no longer in the directory");
    char body[1400];
    snprintf(body, sizeof body, "%s (%s, %s) asks for wider release of message #%llu on %s: %s",
        r->who->name, acl_home(r->who), r->who->fingerprint, (unsigned long long)q->seq, o.topic,
        q->reason);
    char topic[64];
    snprintf(topic, sizeof topic, "%s/releases", o.network);
    Enlace__Content c = ENLACE__CONTENT__INIT;
    c.body.data = (uint8_t *)body;
    c.body.len = strlen(body);
    if (!notary_store(env->notary, env->archive, env->batch, topic, ENLACE__TLP__TLP_RED,
            recipients, &c, batch_stored_now(env->batch, r->now)))
        return req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "archive unavailable");
    return req_ok(r);
}
