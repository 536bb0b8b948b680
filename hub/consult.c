/*
 * consult.c: a consultation's steps at publish: checked against the
 * procedure, then recorded in the publish's own request (see consult.h).
 */
#include "consult.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "bizday.h"
#include "log.h"
#include "topic.h"

/* ------------------------------------------------------------ loading */

static int
s_row(const archive_consult_t *c, void *arg)
{
    consult_row_t *r = arg;
    r->id = c->id;
    snprintf(r->title, sizeof r->title, "%s", c->title);
    snprintf(r->ppt, sizeof r->ppt, "%s", c->ppt);
    snprintf(r->troika, sizeof r->troika, "%s", c->troika);
    snprintf(r->state, sizeof r->state, "%s", c->state);
    r->stage = c->stage;
    r->version = c->version;
    r->opened_by = c->opened_by;
    r->opened_ms = c->opened_ms;
    r->updated_ms = c->updated_ms;
    r->closed_ms = c->closed_ms;
    snprintf(r->outcome, sizeof r->outcome, "%s", c->outcome);
    snprintf(r->reason, sizeof r->reason, "%s", c->reason);
    return 1;
}

int
consult_load(archive_t *archive, uint64_t id, consult_row_t *out)
{
    memset(out, 0, sizeof *out);
    return id ? archive_consult_get(archive, id, s_row, out) : 0;
}

typedef struct {
    consult_targets_t *out;
    int stage;
} targets_ctx_t;

static int
s_target(const archive_consult_target_t *t, void *arg)
{
    targets_ctx_t *ctx = arg;
    consult_targets_t *out = ctx->out;
    if ((ctx->stage >= 0 && t->stage != ctx->stage) || out->n == CONSULT_MAX_TARGETS)
        return 0;
    consult_target_t *c = &out->t[out->n++];
    memset(c, 0, sizeof *c);
    c->stage = t->stage;
    snprintf(c->country, sizeof c->country, "%s", t->country);
    snprintf(c->zone, sizeof c->zone, "%s", t->zone);
    snprintf(c->state, sizeof c->state, "%s", t->state);
    c->step = t->step;
    c->opened_ms = t->opened_ms;
    c->deadline_ms = t->deadline_ms;
    c->due_ms = t->due_ms;
    c->reminder_ms = t->reminder_ms;
    c->last_day_ms = t->last_day_ms;
    c->escalate_ms = t->escalate_ms;
    return 0;
}

static int
s_answer(const archive_consult_answer_t *a, void *arg)
{
    consult_targets_t *out = arg;
    for (int i = 0; i < out->n; i++) {
        consult_target_t *t = &out->t[i];
        if (t->stage != a->stage || strcmp(t->country, a->country) != 0)
            continue;
        snprintf(t->answer, sizeof t->answer, "%s", a->answer);
        t->answer_version = a->version;
        t->answer_seq = a->seq;
        t->answer_ms = a->ts_ms;
        t->answered_by = a->officer_id;
        t->late = a->late;
        t->answers++;
    }
    return 0;
}

int
consult_targets_load(archive_t *archive, uint64_t id, int stage, consult_targets_t *out)
{
    out->n = 0;
    targets_ctx_t ctx = {.out = out, .stage = stage};
    if (archive_consult_targets(archive, id, s_target, &ctx) != 0
        || archive_consult_answers(archive, id, s_answer, out) != 0)
        return -1;
    return 0;
}

void
consult_facts(const consult_row_t *c, consult_facts_t *facts)
{
    *facts = (consult_facts_t){.open = !strcmp(c->state, "open"),
        .stage = c->stage,
        .troika = c->troika,
        .opened_by = c->opened_by};
}

void
consult_disclosure(const consult_row_t *c, disclose_consult_t *d)
{
    *d = (disclose_consult_t){.troika = c->troika,
        .reached = c->stage >= 1,
        .opened_by = c->opened_by};
}

int
consult_visible(const directory_t *dir, const dir_entry_t *who, const consult_row_t *c,
    int64_t now_ms)
{
    disclose_consult_t d;
    consult_disclosure(c, &d);
    disclose_reader_t r = {.dir = dir, .who = who, .now_ms = now_ms};
    return disclose_consultation(&r, &d) == DISCLOSE_ALL;
}

int
consult_troika_visible(const directory_t *dir, const dir_entry_t *who, const consult_row_t *c,
    int64_t now_ms)
{
    disclose_consult_t d;
    consult_disclosure(c, &d);
    d.reached = 0; /* as it was with the Troika */
    disclose_reader_t r = {.dir = dir, .who = who, .now_ms = now_ms};
    return disclose_consultation(&r, &d) == DISCLOSE_ALL;
}

/* ------------------------------------------------------------ addressees */

/* A growing comma-separated list. */
typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} list_t;

static void
s_list_add(list_t *l, const char *item)
{
    size_t n = strlen(item);
    if (l->failed || (l->len && strstr(l->s, item)))
        return;
    if (l->len + n + 2 > l->cap) {
        size_t cap = (l->len + n + 2) * 2;
        char *grown = realloc(l->s, cap);
        if (!grown) {
            l->failed = 1;
            return;
        }
        l->s = grown;
        l->cap = cap;
    }
    if (l->len)
        l->s[l->len++] = ',';
    memcpy(l->s + l->len, item, n + 1);
    l->len += n;
}

/* The list's text (owned by the caller), "" if empty; NULL out of memory. */
static char *
s_list_take(list_t *l)
{
    if (l->failed) {
        free(l->s);
        return NULL;
    }
    return l->s ? l->s : strdup("");
}

char *
consult_addressees(const directory_t *dir, const char *countries, int level, int64_t except,
    int64_t now_ms)
{
    list_t l = {0};
    for (int i = 0; i < directory_count(dir); i++) {
        const dir_entry_t *e = directory_entry(dir, i);
        if (e->officer_id == except || !consult_rules_listed(countries, e->country))
            continue;
        if (consult_rules_addressee(dir, e, e->country, level, now_ms))
            s_list_add(&l, e->fingerprint);
    }
    return s_list_take(&l);
}

/* ------------------------------------------------------------ the members */

/* The member countries, comma-separated, and the first without a zone. */
typedef struct {
    char countries[512];
    char missing[8];
} members_t;

static int
s_member_zone(const char *country, const char *zone, void *arg)
{
    members_t *m = arg;
    if (!*zone && !m->missing[0])
        snprintf(m->missing, sizeof m->missing, "%s", country);
    size_t used = strlen(m->countries);
    if (used + strlen(country) + 2 < sizeof m->countries)
        snprintf(m->countries + used, sizeof m->countries - used, "%s%s", used ? "," : "", country);
    return 0;
}

/* ------------------------------------------------------------ checks */

/* A refusal: the code and the reason; returns -1. */
typedef struct {
    int *code;
    char *why;
    size_t cap;
} refusal_t;

static int s_refuse(refusal_t *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
s_refuse(refusal_t *f, int code, const char *fmt, ...)
{
    *f->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->why, f->cap, fmt, ap);
    va_end(ap);
    return -1;
}

#define E_MALFORMED ENLACE__ERROR_CODE__ERR_MALFORMED
#define E_DENIED ENLACE__ERROR_CODE__ERR_DENIED
#define E_INVALID ENLACE__ERROR_CODE__ERR_INVALID
#define E_NOT_FOUND ENLACE__ERROR_CODE__ERR_NOT_FOUND
#define E_INTERNAL ENLACE__ERROR_CODE__ERR_INTERNAL

/* The label of a step of stage (consult_rules_label). */
static int
s_check_label(const req_t *r, refusal_t *f, int stage, const char *troika, int tlp,
    const char *recipients)
{
    char why[256];
    const char *bad = consult_rules_label(r->env->dir, stage, troika, tlp, recipients, why,
        sizeof why);
    return bad ? s_refuse(f, E_INVALID, "%s", bad) : 0;
}

/* The consultation a step names, which the sender may see, open, at the
 * stage the step names. */
static int
s_check_named(const req_t *r, refusal_t *f, const Enlace__Consult *k, consult_row_t *c)
{
    int found = consult_load(r->env->archive, k->consultation, c);
    if (found < 0)
        return s_refuse(f, E_INTERNAL, "archive unavailable");
    if (!found || !consult_visible(r->env->dir, r->who, c, r->now))
        return s_refuse(f, E_NOT_FOUND, "no consultation with that number that you may see");
    if (strcmp(c->state, "open") != 0)
        return s_refuse(f, E_INVALID, "consultation %llu is closed", (unsigned long long)c->id);
    if ((int)k->stage != c->stage)
        return s_refuse(f, E_INVALID,
            "consultation %llu is now in its %s stage, not the %s one this step is for: read "
            "it again (enlace consult show %llu)",
            (unsigned long long)c->id, consult_rules_stage_name(c->stage),
            consult_rules_stage_name((int)k->stage), (unsigned long long)c->id);
    return 0;
}

/* Before a round starts: every member country's calendar is known, so that
 * its deadline can be counted (the tests' fixed-length days need none). */
static int
s_check_zones(const req_t *r, refusal_t *f)
{
    if (r->env->cfg->consult_day_ms > 0)
        return 0;
    members_t m = {.countries = ""};
    if (archive_zones_each(r->env->archive, s_member_zone, &m) != 0)
        return s_refuse(f, E_INTERNAL, "archive unavailable");
    if (m.missing[0])
        return s_refuse(f, E_INVALID,
            "no time zone is recorded for %s, so its deadline cannot be counted: the ST sets "
            "it (enlace-hub zone set DATA --country %s --zone ZONE)",
            m.missing, m.missing);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", m.countries);
    char *save = NULL;
    for (char *cc = strtok_r(buf, ",", &save); cc; cc = strtok_r(NULL, ",", &save)) {
        char zone[TZ_NAME_MAX + 1], err[256];
        tz_t *tz = NULL;
        if (archive_zone_get(r->env->archive, cc, zone, sizeof zone) != 1
            || tz_load(NULL, zone, &tz, err, sizeof err) != 0)
            return s_refuse(f, E_INVALID, "%s's time zone cannot be read: %s", cc, tz ? "" : err);
        tz_destroy(&tz);
    }
    return 0;
}

/* Whether the current round is over: every country answered or its
 * deadline passed. 0, or -1 (refused) naming one still running. */
static int
s_check_round_over(const req_t *r, refusal_t *f, const consult_row_t *c, const consult_targets_t *t,
    const char *what)
{
    for (int i = 0; i < t->n; i++) {
        const consult_target_t *x = &t->t[i];
        if (!strcmp(x->state, "pending") && x->deadline_ms > r->now)
            return s_refuse(f, E_INVALID,
                "%s of consultation %llu is still running: %s has until its deadline to "
                "answer; %s once every country answered or its deadline passed",
                consult_rules_stage_name(c->stage), (unsigned long long)c->id, x->country, what);
    }
    return 0;
}

/* The text a step carries: UTF-8 text, not empty. */
static int
s_check_text(refusal_t *f, const Enlace__Content *content, const char *what)
{
    if (content->body.len == 0)
        return s_refuse(f, E_MALFORMED, "%s needs its text", what);
    if (!topic_text_valid((const char *)content->body.data, content->body.len))
        return s_refuse(f, E_MALFORMED, "%s is UTF-8 text, without control characters", what);
    return 0;
}

static int
s_check_open(const req_t *r, refusal_t *f, const Enlace__Content *content, int tlp,
    const char *recipients)
{
    const Enlace__Consult *k = content->consult;
    if (k->consultation || k->stage)
        return s_refuse(f, E_MALFORMED, "a consultation is opened with consultation 0, stage 0");
    const char *denied = consult_rules_may_open(r->env->dir, r->who, r->now);
    if (denied)
        return s_refuse(f, E_DENIED, "%s", denied);
    size_t len = strlen(k->title);
    if (len == 0 || len > CONSULT_TITLE_MAX || !topic_text_valid(k->title, len))
        return s_refuse(f, E_MALFORMED, "a consultation's title is text of 1 to %d bytes",
            CONSULT_TITLE_MAX);
    if (s_check_text(f, content, "the proposal") != 0)
        return -1;
    char troika[64];
    consult_rules_troika(r->env->dir, r->now, troika, sizeof troika);
    return s_check_label(r, f, 0, troika, tlp, recipients);
}

static int
s_check_answer(const req_t *r, refusal_t *f, const Enlace__Content *content, int tlp,
    const char *recipients)
{
    const Enlace__Consult *k = content->consult;
    consult_row_t c;
    if (s_check_named(r, f, k, &c) != 0)
        return -1;
    static consult_targets_t t; /* hub thread only; too large for the stack */
    if (consult_targets_load(r->env->archive, c.id, c.stage, &t) != 0)
        return s_refuse(f, E_INTERNAL, "archive unavailable");
    const consult_target_t *mine = NULL;
    for (int i = 0; i < t.n; i++)
        if (!strcmp(t.t[i].country, r->who->country))
            mine = &t.t[i];
    consult_facts_t facts;
    consult_facts(&c, &facts);
    const char *denied = consult_rules_may_answer(r->env->dir, r->who, &facts,
        mine && mine->step >= 3 ? 1 : 0, r->now);
    if (!denied && !mine)
        denied = "your country is not addressed in this stage of the consultation";
    if (denied)
        return s_refuse(f, E_DENIED, "%s", denied);
    const char *bad = consult_rules_answer_fits(c.stage, k->answer, content->body.len);
    if (bad)
        return s_refuse(f, E_MALFORMED, "%s", bad);
    if (content->body.len && !topic_text_valid((const char *)content->body.data, content->body.len))
        return s_refuse(f, E_MALFORMED, "an answer's text is UTF-8, without control characters");
    if (!strcmp(mine->state, "no-objection"))
        return s_refuse(f, E_INVALID,
            "%s's deadline passed and this hub records silence as no objection: the answer "
            "stands as that",
            r->who->country);
    return s_check_label(r, f, c.stage, c.troika, tlp, recipients);
}

/* Advance, revise and close: the PPT leading a consultation it may see. */
static int
s_check_lead(const req_t *r, refusal_t *f, const Enlace__Content *content, int tlp,
    const char *recipients)
{
    const Enlace__Consult *k = content->consult;
    consult_row_t c;
    if (s_check_named(r, f, k, &c) != 0)
        return -1;
    consult_facts_t facts;
    consult_facts(&c, &facts);
    const char *denied = consult_rules_may_lead(r->env->dir, r->who, &facts, r->now);
    if (denied)
        return s_refuse(f, E_DENIED, "%s", denied);
    static consult_targets_t t; /* hub thread only */
    if (consult_targets_load(r->env->archive, c.id, c.stage, &t) != 0)
        return s_refuse(f, E_INTERNAL, "archive unavailable");
    int next = c.stage + 1;
    switch (k->step) {
    case ENLACE__CONSULT_STEP__CONSULT_ADVANCE:
        if (c.stage != 0)
            return s_refuse(f, E_INVALID,
                "consultation %llu already went to every member: revise or close it",
                (unsigned long long)c.id);
        for (int i = 0; i < t.n; i++)
            if (strcmp(t.t[i].answer, "agree") != 0 || t.t[i].answer_version != c.version)
                return s_refuse(f, E_INVALID,
                    "the Troika has not agreed: %s's answer is %s; round 1 needs the "
                    "Troika's consensus",
                    t.t[i].country, t.t[i].answer[0] ? t.t[i].answer : "still pending");
        if (s_check_text(f, content, "round 1's text") != 0)
            return -1;
        break;
    case ENLACE__CONSULT_STEP__CONSULT_REVISE:
        if (c.stage != 1)
            return s_refuse(f, E_INVALID,
                c.stage == 0 ? "consultation %llu is still with the Troika: advance it first"
                             : "consultation %llu is in its last round: close it",
                (unsigned long long)c.id);
        if (s_check_round_over(r, f, &c, &t, "publish the revised text") != 0
            || s_check_text(f, content, "the revised text") != 0)
            return -1;
        break;
    default: /* close */
        next = c.stage;
        if (k->outcome == ENLACE__CONSULT_OUTCOME__OUTCOME_CONSENSUS) {
            if (c.stage == 0)
                return s_refuse(f, E_INVALID,
                    "consensus is the member countries': advance the consultation to round 1 "
                    "first (or close it without consensus)");
            if (s_check_round_over(r, f, &c, &t, "close it with consensus") != 0)
                return -1;
            for (int i = 0; i < t.n; i++)
                if (!strcmp(t.t[i].answer, "objection"))
                    return s_refuse(f, E_INVALID,
                        "%s objects in %s: that is no consensus (close it without, saying why)",
                        t.t[i].country, consult_rules_stage_name(c.stage));
        } else if (k->outcome == ENLACE__CONSULT_OUTCOME__OUTCOME_NO_CONSENSUS) {
            size_t len = strlen(k->reason);
            if (len == 0 || len > CONSULT_REASON_MAX || !topic_text_valid(k->reason, len))
                return s_refuse(f, E_MALFORMED,
                    "closing without consensus says why: text of 1 to %d bytes",
                    CONSULT_REASON_MAX);
        } else {
            return s_refuse(f, E_MALFORMED, "a consultation closes with consensus or without");
        }
        if (s_check_text(f, content, "the report") != 0)
            return -1;
        break;
    }
    if (next > c.stage && s_check_zones(r, f) != 0)
        return -1;
    return s_check_label(r, f, next, c.troika, tlp, recipients);
}

const char *
consult_action(const Enlace__Consult *k)
{
    static const char *const names[] = {"consult.open", "consult.answer", "consult.advance",
        "consult.revise", "consult.close"};
    return k->step >= 0 && k->step < 5 ? names[k->step] : "consult";
}

int
consult_check(const req_t *r, const Enlace__Content *c, const char *topic, int tlp,
    const char *recipients, int *code, char *why, size_t cap)
{
    refusal_t f = {.code = code, .why = why, .cap = cap};
    int on_topic = !strcmp(topic, CONSULT_TOPIC)
        || !strncmp(topic, CONSULT_TOPIC "/", sizeof CONSULT_TOPIC);
    if (c->consult_notice)
        return s_refuse(&f, E_MALFORMED, "only the hub writes consultation notices");
    if (!c->consult)
        return on_topic ? s_refuse(&f, E_MALFORMED,
                   "%s carries the steps of consultations only (enlace consult)", CONSULT_TOPIC)
                        : 0;
    if (strcmp(topic, CONSULT_TOPIC) != 0)
        return s_refuse(&f, E_MALFORMED, "a consultation's step is published on %s", CONSULT_TOPIC);
    if (c->alert || c->case_id || c->form || c->forward_of || c->escalation || c->n_texts
        || c->handling || c->personal_data)
        return s_refuse(&f, E_MALFORMED,
            "a consultation's step carries its text and nothing else (no alert, case, form, "
            "forward, translation, handling code or personal data)");
    switch (c->consult->step) {
    case ENLACE__CONSULT_STEP__CONSULT_OPEN:
        return s_check_open(r, &f, c, tlp, recipients);
    case ENLACE__CONSULT_STEP__CONSULT_ANSWER:
        return s_check_answer(r, &f, c, tlp, recipients);
    case ENLACE__CONSULT_STEP__CONSULT_ADVANCE:
    case ENLACE__CONSULT_STEP__CONSULT_REVISE:
    case ENLACE__CONSULT_STEP__CONSULT_CLOSE:
        return s_check_lead(r, &f, c, tlp, recipients);
    default:
        return s_refuse(&f, E_MALFORMED, "unknown consultation step");
    }
}

/* ------------------------------------------------------------ recording */

/* Queues an out-of-band push of message seq to the comma-separated `to`
 * (owned from now on). */
static int
s_push(const req_t *r, uint64_t seq, char *to)
{
    if (!to)
        return -1;
    if (!*to) {
        free(to);
        return 0;
    }
    batch_action_t push = {.kind = BATCH_PUSH_NOTICE, .seq = seq, .to = to};
    return batch_act(r->env->batch, &push);
}

typedef struct {
    int64_t days[400];
    size_t n;
} holidays_t;

static int
s_holiday(const char *country, const char *date, const char *name, void *arg)
{
    (void)country;
    (void)name;
    holidays_t *h = arg;
    int64_t day;
    if (h->n < sizeof h->days / sizeof h->days[0] && tz_parse_date(date, &day) == 0)
        h->days[h->n++] = day;
    return 0;
}

/* The targets of a new stage: one per country, with the buffers the
 * archive's rows point into until they are inserted. */
typedef struct {
    archive_consult_target_t t[32];
    char country[32][8];
    char zone[32][TZ_NAME_MAX + 1];
    size_t n;
} new_targets_t;

/* The target of a country in a stage that starts at opened_ms: its zone,
 * holidays and the round's schedule (bizday.h); the Troika's has none. 0,
 * or -1 (logged). */
static int
s_target_for(const hub_env_t *env, uint64_t id, int stage, int64_t opened_ms, new_targets_t *nt,
    size_t i)
{
    archive_consult_target_t *t = &nt->t[i];
    char *zone = nt->zone[i];
    *t = (archive_consult_target_t){.consultation = id,
        .stage = stage,
        .country = nt->country[i],
        .zone = zone,
        .opened_ms = opened_ms};
    if (archive_zone_get(env->archive, nt->country[i], zone, TZ_NAME_MAX + 1) != 1)
        zone[0] = '\0';
    if (stage == 0)
        return 0;
    tz_t *tz = NULL;
    char err[256];
    if (env->cfg->consult_day_ms <= 0 && tz_load(NULL, zone, &tz, err, sizeof err) != 0) {
        log_error("consultation %llu: %s: %s", (unsigned long long)id, nt->country[i], err);
        return -1;
    }
    static holidays_t h; /* hub thread only */
    h.n = 0;
    if (archive_holidays_each(env->archive, nt->country[i], s_holiday, &h) != 0) {
        tz_destroy(&tz);
        return -1;
    }
    bizday_cal_t cal = {.zone = tz,
        .holidays = h.days,
        .nholidays = h.n,
        .day_ms = env->cfg->consult_day_ms};
    bizday_round_t round;
    bizday_round(&cal, opened_ms, env->cfg->consult_days, &round);
    tz_destroy(&tz);
    t->deadline_ms = round.deadline_ms;
    t->reminder_ms = round.reminder_ms;
    t->last_day_ms = round.last_day_ms;
    t->escalate_ms = round.escalate_ms;
    t->due_ms = round.reminder_ms ? round.reminder_ms : round.last_day_ms;
    return 0;
}

/* The targets of every country of the comma-separated list in stage. */
static int
s_targets(const hub_env_t *env, uint64_t id, int stage, const char *countries, int64_t at,
    new_targets_t *nt)
{
    nt->n = 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", countries);
    char *save = NULL;
    for (char *cc = strtok_r(buf, ",", &save); cc && nt->n < 32; cc = strtok_r(NULL, ",", &save)) {
        snprintf(nt->country[nt->n], sizeof nt->country[0], "%s", cc);
        if (s_target_for(env, id, stage, at, nt, nt->n) != 0)
            return -1;
        nt->n++;
    }
    return 0;
}

static int
s_store_open(const req_t *r, const Enlace__Content *content, uint64_t seq, int64_t now)
{
    const hub_env_t *env = r->env;
    char troika[64], ppt[8];
    consult_rules_troika(env->dir, now, troika, sizeof troika);
    snprintf(ppt, sizeof ppt, "%s", r->who->country);
    archive_consult_t c = {.id = seq,
        .title = content->consult->title,
        .opened_by = r->who->officer_id,
        .opened_ms = now,
        .ppt = ppt,
        .troika = troika};
    static new_targets_t nt; /* hub thread only; too large for the stack */
    if (s_targets(env, seq, 0, troika, now, &nt) != 0
        || archive_consult_open(env->archive, &c, seq, nt.t, nt.n) != 0)
        return -1;
    log_info("consultation %llu opened by %s, to the Troika %s", (unsigned long long)seq,
        r->who->fingerprint, troika);
    return s_push(r, seq, consult_addressees(env->dir, troika, 0, r->who->officer_id, now));
}

static int
s_store_answer(const req_t *r, const Enlace__Content *content, uint64_t seq, int64_t now)
{
    const hub_env_t *env = r->env;
    const Enlace__Consult *k = content->consult;
    consult_row_t c;
    static consult_targets_t t;
    if (consult_load(env->archive, k->consultation, &c) != 1
        || consult_targets_load(env->archive, c.id, c.stage, &t) != 0)
        return -1;
    const consult_target_t *mine = NULL;
    for (int i = 0; i < t.n; i++)
        if (!strcmp(t.t[i].country, r->who->country))
            mine = &t.t[i];
    if (!mine)
        return -1;
    archive_consult_answer_t a = {.consultation = c.id,
        .stage = c.stage,
        .country = r->who->country,
        .answer = consult_rules_answer_name(k->answer),
        .seq = seq,
        .officer_id = r->who->officer_id,
        .version = c.version,
        .ts_ms = now,
        .late = mine->deadline_ms && now > mine->deadline_ms};
    /* Answered: nothing more is due for this country. */
    if (archive_consult_answer(env->archive, &a, mine->step, 0) != 0)
        return -1;
    /* The opener hears of it at once. */
    list_t to = {0};
    for (int i = 0; i < directory_count(env->dir); i++) {
        const dir_entry_t *e = directory_entry(env->dir, i);
        if (e->officer_id == c.opened_by && e->officer_id != r->who->officer_id
            && directory_entry_active(e, now))
            s_list_add(&to, e->fingerprint);
    }
    return s_push(r, seq, s_list_take(&to));
}

static int
s_store_stage(const req_t *r, const Enlace__Content *content, uint64_t seq, int64_t now)
{
    const hub_env_t *env = r->env;
    const Enlace__Consult *k = content->consult;
    consult_row_t c;
    if (consult_load(env->archive, k->consultation, &c) != 1)
        return -1;
    members_t m = {.countries = ""};
    if (archive_zones_each(env->archive, s_member_zone, &m) != 0)
        return -1;
    if (m.missing[0] && env->cfg->consult_day_ms <= 0) {
        log_error("consultation %llu: no time zone for %s (enlace-hub zone set)",
            (unsigned long long)c.id, m.missing);
        return -1;
    }
    static new_targets_t nt; /* hub thread only */
    int stage = c.stage + 1;
    if (s_targets(env, c.id, stage, m.countries, now, &nt) != 0
        || archive_consult_stage(env->archive, c.id, stage, c.version + 1, seq, r->who->officer_id,
               now, nt.t, nt.n)
            != 0)
        return -1;
    log_info("consultation %llu: %s, to %zu member countries", (unsigned long long)c.id,
        consult_rules_stage_name(stage), nt.n);
    return s_push(r, seq, consult_addressees(env->dir, m.countries, 0, r->who->officer_id, now));
}

static int
s_store_close(const req_t *r, const Enlace__Content *content, uint64_t seq, int64_t now)
{
    const hub_env_t *env = r->env;
    const Enlace__Consult *k = content->consult;
    consult_row_t c;
    if (consult_load(env->archive, k->consultation, &c) != 1)
        return -1;
    const char *outcome = k->outcome == ENLACE__CONSULT_OUTCOME__OUTCOME_CONSENSUS ? "consensus"
                                                                                   : "no-consensus";
    if (archive_consult_close(env->archive, c.id, c.stage, outcome, k->reason, seq,
            r->who->officer_id, now)
        != 0)
        return -1;
    log_info("consultation %llu closed: %s", (unsigned long long)c.id, outcome);
    /* The report goes to everyone who may see the consultation in crm. */
    list_t to = {0};
    for (int i = 0; i < directory_count(env->dir); i++) {
        const dir_entry_t *e = directory_entry(env->dir, i);
        if (e->officer_id != r->who->officer_id && directory_entry_active(e, now)
            && acl_is_member(e, CONSULT_NETWORK) && consult_visible(env->dir, e, &c, now))
            s_list_add(&to, e->fingerprint);
    }
    return s_push(r, seq, s_list_take(&to));
}

int
consult_stored(const req_t *r, const Enlace__Content *c, uint64_t seq, int64_t stored_ms)
{
    if (!c->consult)
        return 0;
    int rc;
    switch (c->consult->step) {
    case ENLACE__CONSULT_STEP__CONSULT_OPEN:
        rc = s_store_open(r, c, seq, stored_ms);
        break;
    case ENLACE__CONSULT_STEP__CONSULT_ANSWER:
        rc = s_store_answer(r, c, seq, stored_ms);
        break;
    case ENLACE__CONSULT_STEP__CONSULT_CLOSE:
        rc = s_store_close(r, c, seq, stored_ms);
        break;
    default: /* advance, revise */
        rc = s_store_stage(r, c, seq, stored_ms);
        break;
    }
    if (rc != 0)
        log_error("consultation step: %s", archive_error(r->env->archive));
    return rc;
}
