/*
 * consult_rules: who may take which step of the PPT's written consultation,
 * whom each step and reminder addresses, and what a step must look like
 * (DOMAIN.md, "The consultation procedure"; issue 17).
 *
 * The procedure, by stage:
 *   0 the Troika   the PPT opens it (a title and a text); each Troika country
 *                  (last year's, this year's and next year's PPT, fixed when
 *                  it is opened) answers agree or object; once all agree,
 *                  the PPT advances it.
 *   1 round 1      every member country answers no-objection, comments or
 *                  objection within N business days in its own calendar;
 *                  once every country answered or its deadline passed, the
 *                  PPT publishes the revised text.
 *   2 round 2      the same, with the revised text; then the PPT closes it
 *                  with the outcome (consensus, or not and why) and a report.
 * The PPT may close it without consensus at any stage.
 *
 * Who:
 *   open    the PPT now (role ppt, or a focal point of this year's PPT
 *           country) holding a crm membership.
 *   lead    (advance, revise, close) its opener, or the PPT now, who must be
 *           able to see it.
 *   answer  for a country addressed in the current stage: its focal points
 *           in crm (every crm officer of the country if it has none); once
 *           the hub has escalated its silence (level 1), any of its crm
 *           officers. One answer per country and stage counts: the latest.
 *   never   observers, the ST (it reads), anyone outside crm.
 *
 * Labels (so that every path that knows nothing of consultations still
 * discloses their messages right, disclose.h): a step of stage 0 is
 * TLP:AMBER+STRICT naming at least one officer of every Troika country and
 * nobody from elsewhere; a step of a round is TLP:AMBER without recipients;
 * both on topic crm/members/consult, which observers never reach.
 *
 * Pure functions of their arguments; refusals are static text.
 */
#ifndef ENLACE_CONSULT_RULES_H
#define ENLACE_CONSULT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "directory.h"

#define CONSULT_NETWORK "crm"
#define CONSULT_TOPIC "crm/members/consult"
#define CONSULT_NOTICE_TOPIC "crm/members/consult/notice"
#define CONSULT_LAST_STAGE 2
#define CONSULT_TITLE_MAX 200
#define CONSULT_REASON_MAX 1000

/* What the rules need to know of a consultation. */
typedef struct {
    int open;           /* not closed */
    int stage;          /* 0 the Troika, 1 round 1, 2 round 2 */
    const char *troika; /* its Troika's countries, comma-separated */
    int64_t opened_by;  /* the officer who opened it */
} consult_facts_t;

/* The Troika now: the PPT countries of last year, this year and next year
 * (by the hub's UTC clock), those that are set, each once, in that order,
 * comma-separated into out; "" if none is set. */
void consult_rules_troika(const directory_t *dir, int64_t now_ms, char *out, size_t cap);

/* 1 if country is one of the comma-separated list. */
int consult_rules_listed(const char *list, const char *country);

/* NULL if who may open a consultation now, else why not. */
const char *consult_rules_may_open(const directory_t *dir, const dir_entry_t *who, int64_t now_ms);

/* NULL if who may advance, revise or close consultation c, else why not. */
const char *consult_rules_may_lead(const directory_t *dir, const dir_entry_t *who,
    const consult_facts_t *c, int64_t now_ms);

/* 1 if entry e is addressed for country at escalation level (0: the
 * country's focal points in crm, or every crm officer of a country without
 * one; 1 and above: every crm officer of the country). Observers never. */
int consult_rules_addressee(const directory_t *dir, const dir_entry_t *e, const char *country,
    int level, int64_t now_ms);

/* NULL if who may answer for its country in c's current stage, whose
 * target for that country has reached escalation `level`, else why not.
 * Whether the country is addressed at all is the caller's (its target). */
const char *consult_rules_may_answer(const directory_t *dir, const dir_entry_t *who,
    const consult_facts_t *c, int level, int64_t now_ms);

/* NULL if answer (Enlace__ConsultAnswer) fits stage, with a text of
 * text_len bytes (object, comments and objection need one), else why not. */
const char *consult_rules_answer_fits(int stage, int answer, size_t text_len);

/* NULL if a step of stage carries the label the stage needs (see above):
 * tlp (UNSPECIFIED is AMBER) and the comma-separated recipients, checked
 * against the directory and the Troika; else why not (static, or in why). */
const char *consult_rules_label(const directory_t *dir, int stage, const char *troika, int tlp,
    const char *recipients, char *why, size_t cap);

/* Names: "agree", "object", "no-objection", "comments", "objection" (""
 * for none) and back (-1 if unknown); "troika", "round 1", "round 2". */
const char *consult_rules_answer_name(int answer);
int consult_rules_answer_parse(const char *name);
const char *consult_rules_stage_name(int stage);

#endif
