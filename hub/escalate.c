/*
 * escalate.c: alert deadlines (see escalate.h).
 */
#include "escalate.h"

#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "alert_rules.h"
#include "attrs.h"
#include "log.h"

typedef struct {
    archive_target_t t;
    char country[8];
} due_t;

typedef struct {
    due_t items[256];
    int n;
} due_list_t;

static int
s_due_row(const archive_target_t *t, void *arg)
{
    due_list_t *d = arg;
    if (d->n == 256)
        return 1;
    d->items[d->n].t = *t;
    snprintf(d->items[d->n].country, sizeof d->items[0].country, "%s", t->country);
    d->items[d->n].t.country = d->items[d->n].country;
    d->items[d->n].t.state = "pending";
    d->items[d->n].t.note = "";
    d->n++;
    return 0;
}

typedef struct {
    char headline[256];
    char network[DIR_NAME_LEN];
    int status;
    int priority;
    int category;
} alert_brief_t;

static int
s_brief_row(const archive_alert_t *a, void *arg)
{
    alert_brief_t *b = arg;
    snprintf(b->headline, sizeof b->headline, "%s", a->headline);
    snprintf(b->network, sizeof b->network, "%s", a->network);
    b->status = a->status;
    b->priority = a->priority;
    b->category = a->category;
    return 1;
}

/* A comma-separated list of fingerprints being built. */
typedef struct {
    char list[4096];
    int n;
} fp_list_t;

static void
s_fp_add(fp_list_t *l, const char *fp)
{
    if (strlen(l->list) + strlen(fp) + 2 < sizeof l->list) {
        strcat(l->list, l->n ? "," : "");
        strcat(l->list, fp);
        l->n++;
    }
}

/* One escalation, in the open request: 0, or -1 if it could not be written
 * (the request is then undone and the target stays due). */
static int
s_escalate(const hub_env_t *env, const archive_target_t *t, int64_t now)
{
    alert_brief_t brief = {0};
    attrs_t attrs;
    if (archive_alert_get(env->archive, t->alert_seq, s_brief_row, &brief) != 1
        || attrs_load(env->archive, env->dir, t->alert_seq, &attrs) != 1)
        return -1;
    int level = t->level + 1;
    int drill = brief.status == ENLACE__CAP_STATUS__CAP_EXERCISE;
    /* Who is told, and the least any of them may see. */
    fp_list_t to = {.n = 0};
    disclose_t least = DISCLOSE_ALL;
    for (int i = 0; i < directory_count(env->dir); i++) {
        const dir_entry_t *e = directory_entry(env->dir, i);
        if (!directory_entry_active(e, now))
            continue;
        if (level == 1) {
            if (alert_rules_is_target(env->dir, e, &attrs.m, t->country, 1, now))
                s_fp_add(&to, e->fingerprint);
            continue;
        }
        if (!acl_is_st(e) && (drill || !acl_is_ppt(env->dir, e, now)))
            continue;
        disclose_t seen = attrs_level(&attrs, env->dir, e, DISCLOSE_NOTICE, now);
        if (seen < DISCLOSE_ENVELOPE)
            continue;
        s_fp_add(&to, e->fingerprint);
        if (seen < least)
            least = seen;
    }
    const char *priority = alert_rules_priority_name(brief.priority);
    char reason[512], what[320];
    /* A sealed alert's headline is not the hub's to quote (it has none):
     * everyone is told its envelope. */
    if (least == DISCLOSE_ALL && !attrs.sealed)
        snprintf(what, sizeof what, "%s alert #%llu (\"%s\")", priority,
            (unsigned long long)t->alert_seq, brief.headline);
    else
        snprintf(what, sizeof what, "%s alert #%llu [%s] on %s (%s%s: its content is not shown)",
            priority, (unsigned long long)t->alert_seq, alert_rules_category_name(brief.category),
            attrs.topic, disclose_tlp_label(attrs.m.tlp), attrs.sealed ? ", sealed" : "");
    if (level == 1)
        snprintf(reason, sizeof reason,
            "%s was not acknowledged by %s within its deadline: every officer of %s in %s is "
            "now asked to acknowledge it (enlace ack %llu)",
            what, t->country, t->country, brief.network, (unsigned long long)t->alert_seq);
    else
        snprintf(reason, sizeof reason, "%s is still not acknowledged by %s: escalated to %s%s",
            what, t->country, drill ? "the ST (drill: not to the PPT)" : "the PPT and the ST",
            to.n ? "" : " (nobody registered to tell)");
    if (to.n) {
        Enlace__Content c = ENLACE__CONTENT__INIT;
        Enlace__Escalation esc = ENLACE__ESCALATION__INIT;
        esc.alert_seq = t->alert_seq;
        esc.country = (char *)t->country;
        esc.level = (uint32_t)level;
        esc.reason = reason;
        c.escalation = &esc;
        c.body.data = (uint8_t *)reason;
        c.body.len = strlen(reason);
        char topic[64];
        snprintf(topic, sizeof topic, "%s/alerts/escalation", brief.network);
        if (!notary_store(env->notary, env->archive, env->batch, topic, ENLACE__TLP__TLP_RED,
                to.list, &c, batch_stored_now(env->batch, now)))
            return -1;
    }
    /* Level 2 is the last: no further deadline. */
    if (archive_alert_escalated(env->archive, t->alert_seq, t->country, level,
            level >= 2 ? 0 : now + t->period_ms)
        != 0) {
        log_error("escalation: %s", archive_error(env->archive));
        return -1;
    }
    log_notice("alert %llu: %s escalated to level %d (%d officer(s) told%s)",
        (unsigned long long)t->alert_seq, t->country, level, to.n,
        least == DISCLOSE_ALL ? "" : "; the envelope only");
    return 0;
}

void
escalate_due(const hub_env_t *env, int64_t now)
{
    static due_list_t due; /* hub thread only; too large for the stack */
    due.n = 0;
    if (archive_alert_due(env->archive, now, s_due_row, &due) != 0) {
        log_error("alert deadlines: %s", archive_error(env->archive));
        return;
    }
    for (int i = 0; i < due.n; i++) {
        if (batch_begin(env->batch) != 0)
            return;
        batch_end(env->batch, s_escalate(env, &due.items[i].t, now) == 0);
    }
}
