/*
 * consult_rules.c: who may take which step of a consultation (see
 * consult_rules.h).
 */
#include "consult_rules.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "enlace.pb-c.h"

static int
s_year(int64_t now_ms)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

int
consult_rules_listed(const char *list, const char *country)
{
    size_t n = country ? strlen(country) : 0;
    if (n == 0)
        return 0;
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !memcmp(p, country, n))
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

void
consult_rules_troika(const directory_t *dir, int64_t now_ms, char *out, size_t cap)
{
    int year = s_year(now_ms);
    size_t used = 0;
    out[0] = '\0';
    for (int y = year - 1; y <= year + 1; y++) {
        const char *cc = directory_ppt(dir, y);
        if (!cc || !*cc || consult_rules_listed(out, cc))
            continue;
        int w = snprintf(out + used, cap - used, "%s%s", used ? "," : "", cc);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

static int
s_crm_member(const dir_entry_t *who)
{
    return !acl_is_observer(who) && acl_is_member(who, CONSULT_NETWORK);
}

const char *
consult_rules_may_open(const directory_t *dir, const dir_entry_t *who, int64_t now_ms)
{
    if (!acl_is_ppt(dir, who, now_ms))
        return "only the pro-tempore presidency (role ppt, or a focal point of this year's PPT "
               "country) opens a consultation";
    if (!s_crm_member(who))
        return "the PPT opens consultations from a membership in the crm network";
    char troika[64];
    consult_rules_troika(dir, now_ms, troika, sizeof troika);
    if (!troika[0])
        return "no PPT is recorded for last, this or next year, so there is no Troika to "
               "consult: the ST sets it with 'ppt set'";
    return NULL;
}

const char *
consult_rules_may_lead(const directory_t *dir, const dir_entry_t *who, const consult_facts_t *c,
    int64_t now_ms)
{
    if (!s_crm_member(who) || (who->officer_id != c->opened_by && !acl_is_ppt(dir, who, now_ms)))
        return "only the PPT (or the officer who opened the consultation) advances, revises "
               "or closes it";
    return NULL;
}

int
consult_rules_addressee(const directory_t *dir, const dir_entry_t *e, const char *country,
    int level, int64_t now_ms)
{
    if (!directory_entry_active(e, now_ms) || !s_crm_member(e) || strcmp(e->country, country))
        return 0;
    const char *role = directory_membership(e, CONSULT_NETWORK);
    if (level >= 1 || (role && !strcmp(role, "focal")))
        return 1;
    /* A country without a focal point in crm: all of its crm officers. */
    for (int i = 0; i < directory_count(dir); i++) {
        const dir_entry_t *o = directory_entry(dir, i);
        const char *r = directory_membership(o, CONSULT_NETWORK);
        if (r && !strcmp(r, "focal") && !strcmp(o->country, country) && s_crm_member(o)
            && directory_entry_active(o, now_ms))
            return 0;
    }
    return 1;
}

const char *
consult_rules_may_answer(const directory_t *dir, const dir_entry_t *who, const consult_facts_t *c,
    int level, int64_t now_ms)
{
    if (!who->country[0] || !s_crm_member(who))
        return "only the member countries' officers in crm answer a consultation";
    if (c->stage == 0 && !consult_rules_listed(c->troika, who->country))
        return "while the consultation is with the Troika, only the Troika's countries answer";
    if (!consult_rules_addressee(dir, who, who->country, level, now_ms))
        return "your country's focal point in crm answers for it (its other officers may once "
               "the hub has escalated its silence)";
    return NULL;
}

const char *
consult_rules_answer_fits(int stage, int answer, size_t text_len)
{
    int troika = answer == ENLACE__CONSULT_ANSWER__ANSWER_AGREE
        || answer == ENLACE__CONSULT_ANSWER__ANSWER_OBJECT;
    int round = answer == ENLACE__CONSULT_ANSWER__ANSWER_NO_OBJECTION
        || answer == ENLACE__CONSULT_ANSWER__ANSWER_COMMENTS
        || answer == ENLACE__CONSULT_ANSWER__ANSWER_OBJECTION;
    if (!troika && !round)
        return "an answer is agree or object (the Troika), or no-objection, comments or "
               "objection (a round)";
    if (stage == 0 && !troika)
        return "the Troika answers agree or object";
    if (stage > 0 && !round)
        return "in a round a country answers no-objection, comments or objection";
    if (text_len == 0 && answer != ENLACE__CONSULT_ANSWER__ANSWER_AGREE
        && answer != ENLACE__CONSULT_ANSWER__ANSWER_NO_OBJECTION)
        return "an objection or comments need their text";
    return NULL;
}

const char *
consult_rules_label(const directory_t *dir, int stage, const char *troika, int tlp,
    const char *recipients, char *why, size_t cap)
{
    int label = tlp ? tlp : ENLACE__TLP__TLP_AMBER;
    int named = recipients && *recipients;
    if (stage > 0) {
        if (label != ENLACE__TLP__TLP_AMBER || named)
            return "from round 1 on a consultation's steps are TLP:AMBER, to every member, "
                   "without named recipients";
        return NULL;
    }
    if (label != ENLACE__TLP__TLP_AMBER_STRICT || !named)
        return "while with the Troika a consultation's steps are TLP:AMBER+STRICT, naming an "
               "officer of each Troika country (enlace consult show 0 lists them)";
    char covered[64] = "";
    size_t used = 0;
    for (const char *p = recipients; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char fp[32];
        snprintf(fp, sizeof fp, "%.*s", (int)(len < sizeof fp ? len : sizeof fp - 1), p);
        const dir_entry_t *e = directory_find(dir, fp);
        if (!e || !e->country[0] || !consult_rules_listed(troika, e->country)) {
            snprintf(why, cap,
                "while with the Troika (%s) a consultation names only officers of its countries",
                troika);
            return why;
        }
        if (!consult_rules_listed(covered, e->country) && used + 4 < sizeof covered)
            used += (size_t)snprintf(covered + used, sizeof covered - used, "%s%s", used ? "," : "",
                e->country);
        p = end ? end + 1 : NULL;
    }
    for (const char *p = troika; p && *p;) {
        const char *end = strchr(p, ',');
        char cc[8];
        size_t len = end ? (size_t)(end - p) : strlen(p);
        snprintf(cc, sizeof cc, "%.*s", (int)(len < sizeof cc ? len : sizeof cc - 1), p);
        if (!consult_rules_listed(covered, cc)) {
            snprintf(why, cap,
                "the Troika's %s must be named among the recipients (its focal "
                "point in crm)",
                cc);
            return why;
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

static const char *const s_answers[] = {"", "agree", "object", "no-objection", "comments",
    "objection"};

const char *
consult_rules_answer_name(int answer)
{
    return answer >= 0 && answer < 6 ? s_answers[answer] : "";
}

int
consult_rules_answer_parse(const char *name)
{
    for (int i = 1; name && i < 6; i++)
        if (!strcmp(name, s_answers[i]))
            return i;
    return -1;
}

const char *
consult_rules_stage_name(int stage)
{
    return stage == 0 ? "troika" : stage == 1 ? "round 1" : stage == 2 ? "round 2" : "?";
}
