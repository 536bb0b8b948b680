/*
 * consult_timer.c: a round's reminders, deadline and escalation, country by
 * country, from the hub's timer (see consult.h).
 *
 * A country that has not answered its round gets, in its own calendar
 * (bizday.h): step 1, a reminder to its focal points in crm two business
 * days before its deadline; step 2, another on its last day; step 3, at the
 * deadline, its silence recorded (as no answer, the PPT deciding, or as no
 * objection: hub_config_t.consult_silence) and, for no answer, every crm
 * officer of that country told; step 4, one business day later, the ST
 * told. Nothing goes to an observer (consult_rules_addressee), and a notice
 * quotes only what every recipient may see of the consultation
 * (disclose_consultation).
 *
 * Exactly once: each step is one request of the batch, in which the hub's
 * notice is stored and the target's step raised together; a SIGKILL before
 * the commit loses both (the step is due again at the restart), after it
 * neither is repeated. A hub that was down past several steps of a country
 * takes only the latest reminder, not the stale ones.
 */
#include "consult.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "log.h"

typedef struct {
    archive_consult_target_t items[256];
    char country[256][8];
    char zone[256][TZ_NAME_MAX + 1];
    int n;
} due_t;

static int
s_due_row(const archive_consult_target_t *t, void *arg)
{
    due_t *d = arg;
    if (d->n == 256)
        return 1;
    int i = d->n++;
    d->items[i] = *t;
    snprintf(d->country[i], sizeof d->country[i], "%s", t->country);
    snprintf(d->zone[i], sizeof d->zone[i], "%s", t->zone);
    d->items[i].country = d->country[i];
    d->items[i].zone = d->zone[i];
    d->items[i].state = "";
    return 0;
}

/* An instant as the country's wall clock shows it, and in UTC. */
static void
s_when(int64_t ms, const char *zone, char *out, size_t cap)
{
    tz_t *tz = NULL;
    char err[128];
    int64_t t = ms / 1000;
    int64_t local = t;
    if (zone[0] && tz_load(NULL, zone, &tz, err, sizeof err) == 0)
        local += tz_offset(tz, t);
    tz_destroy(&tz);
    int y, m, d, uy, um, ud;
    int64_t day = local / 86400, sec = local % 86400;
    tz_civil_from_days(day, &y, &m, &d);
    tz_civil_from_days(t / 86400, &uy, &um, &ud);
    /* A deadline is a local midnight: the end of the day before. */
    if (sec == 0 && zone[0]) {
        tz_civil_from_days(day - 1, &y, &m, &d);
        snprintf(out, cap, "the end of %04d-%02d-%02d in %s (%04d-%02d-%02dT%02d:%02dZ)", y, m, d,
            zone, uy, um, ud, (int)(t % 86400 / 3600), (int)(t % 3600 / 60));
        return;
    }
    snprintf(out, cap, "%04d-%02d-%02d %02d:%02d %s (%04d-%02d-%02dT%02d:%02d:%02dZ)", y, m, d,
        (int)(sec / 3600), (int)(sec % 3600 / 60), zone[0] ? zone : "UTC", uy, um, ud,
        (int)(t % 86400 / 3600), (int)(t % 3600 / 60), (int)(t % 60));
}

/* The ST's active keys that may see the consultation, comma-separated
 * (caller frees; NULL out of memory). */
static char *
s_st(const hub_env_t *env, const consult_row_t *c, int64_t now)
{
    size_t cap = 64, len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < directory_count(env->dir); i++) {
        const dir_entry_t *e = directory_entry(env->dir, i);
        if (!acl_is_st(e) || !directory_entry_active(e, now)
            || !consult_visible(env->dir, e, c, now))
            continue;
        size_t n = strlen(e->fingerprint);
        if (len + n + 2 > cap) {
            cap = (len + n + 2) * 2;
            char *grown = realloc(s, cap);
            if (!grown) {
                free(s);
                return NULL;
            }
            s = grown;
        }
        len += (size_t)snprintf(s + len, cap - len, "%s%s", len ? "," : "", e->fingerprint);
    }
    return s;
}

/* One step for one target, in the open request: 0, or -1 (the request is
 * undone and the step stays due). */
static int
s_step(const hub_env_t *env, const archive_consult_target_t *t, int64_t now)
{
    consult_row_t c;
    int found = consult_load(env->archive, t->consultation, &c);
    if (found < 0)
        return -1;
    if (!found || strcmp(c.state, "open") != 0 || c.stage != t->stage)
        /* Closed or moved on meanwhile: nothing more for this target. */
        return archive_consult_target_step(env->archive, t->consultation, t->stage, t->country,
            found && strcmp(c.state, "open") ? "closed" : "pending", t->step, 0, "stopped", 0, "");
    /* The latest step due; stale reminders are skipped. */
    int64_t at[5] = {0, t->reminder_ms, t->last_day_ms, t->deadline_ms, t->escalate_ms};
    int step = t->step + 1;
    while (step < 3 && (!at[step] || at[step + 1] <= now))
        step++;
    if (step > 4)
        return archive_consult_target_step(env->archive, t->consultation, t->stage, t->country,
            "no-answer", t->step, 0, "stopped", 0, "");
    int no_objection = step >= 3 && env->cfg->consult_silence == HUB_SILENCE_NO_OBJECTION;
    const char *state = step < 3 ? "pending" : no_objection ? "no-objection" : "no-answer";
    int64_t next = step < 4 && !no_objection ? at[step + 1] : 0;
    static const char *const kinds[] = {"", "reminder", "last-day", "deadline", "escalated"};
    char when[160], what[400], body[900];
    s_when(t->deadline_ms, t->zone, when, sizeof when);
    snprintf(what, sizeof what, "consultation %llu (\"%s\"), %s", (unsigned long long)c.id, c.title,
        consult_rules_stage_name(c.stage));
    char *to;
    switch (step) {
    case 1:
    case 2:
        to = consult_addressees(env->dir, t->country, 0, 0, now);
        snprintf(body, sizeof body,
            "Reminder%s: %s has not answered %s. Its deadline is %s. Answer with: enlace "
            "consult answer %llu no-objection|comments|objection",
            step == 2 ? ", its last day" : "", t->country, what, when, (unsigned long long)c.id);
        break;
    case 3:
        to = consult_addressees(env->dir, t->country, 1, 0, now);
        snprintf(body, sizeof body,
            no_objection
                ? "%s did not answer %s by its deadline, %s: its silence is recorded as no "
                  "objection."
                : "%s did not answer %s by its deadline, %s: recorded as no answer; the PPT "
                  "decides. Every officer of %s in crm is now asked: a late answer is still "
                  "recorded (enlace consult answer %llu ...).",
            t->country, what, when, t->country, (unsigned long long)c.id);
        break;
    default:
        to = s_st(env, &c, now);
        snprintf(body, sizeof body, "%s has still not answered %s (deadline %s): the ST is told.",
            t->country, what, when);
        break;
    }
    if (!to)
        return -1;
    uint64_t seq = 0;
    if (*to) {
        Enlace__Content content = ENLACE__CONTENT__INIT;
        Enlace__ConsultNotice notice = ENLACE__CONSULT_NOTICE__INIT;
        notice.consultation = c.id;
        notice.stage = (uint32_t)c.stage;
        notice.country = (char *)t->country;
        notice.kind = (char *)kinds[step];
        notice.deadline_ms = t->deadline_ms;
        content.consult_notice = &notice;
        content.body.data = (uint8_t *)body;
        content.body.len = strlen(body);
        seq = notary_store(env->notary, env->archive, env->batch, CONSULT_NOTICE_TOPIC,
            ENLACE__TLP__TLP_RED, to, &content, batch_stored_now(env->batch, now));
        if (!seq) {
            free(to);
            return -1;
        }
    }
    int told = *to ? 1 : 0;
    free(to);
    if (archive_consult_target_step(env->archive, c.id, c.stage, t->country, state, step, next,
            step <= 2       ? "reminded"
                : step == 3 ? "deadline"
                            : "escalated",
            seq, told ? kinds[step] : "nobody registered to tell")
        != 0) {
        log_error("consultation %llu: %s", (unsigned long long)c.id, archive_error(env->archive));
        return -1;
    }
    log_notice("consultation %llu: %s %s for %s%s", (unsigned long long)c.id,
        consult_rules_stage_name(c.stage), kinds[step], t->country,
        told ? "" : " (nobody registered to tell)");
    return 0;
}

void
consult_due(const hub_env_t *env, int64_t now)
{
    static due_t due; /* hub thread only; too large for the stack */
    due.n = 0;
    if (archive_consult_due(env->archive, now, s_due_row, &due) != 0) {
        log_error("consultation deadlines: %s", archive_error(env->archive));
        return;
    }
    for (int i = 0; i < due.n; i++) {
        if (batch_begin(env->batch) != 0)
            return;
        batch_end(env->batch, s_step(env, &due.items[i], now) == 0);
    }
}
