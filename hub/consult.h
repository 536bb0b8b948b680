/*
 * consult: the PPT's written consultation (DOMAIN.md; issue 17), as the hub
 * runs it. A step is a signed message on crm/members/consult whose content
 * carries Content.consult: the publish checks it against the procedure
 * (consult_check) and records it in the same request (consult_stored), so
 * the message and the consultation's new state commit together. The board
 * is read with ConsultQuery and ConsultShow (handle_consult.c); reminders,
 * deadlines and escalations run from the hub's timer (consult_timer.c). The
 * rules are consult_rules.c's, the calendar bizday.c's, who learns what
 * disclose.c's.
 *
 * All state lives in the archive (hub/archive/consult.c), so it survives a
 * restart; every step writes an event chained in the ledger.
 */
#ifndef ENLACE_CONSULT_H
#define ENLACE_CONSULT_H

#include <stddef.h>
#include <stdint.h>

#include "consult_rules.h"
#include "disclose.h"
#include "handle.h"
#include "tz.h"

/* A consultation as loaded, with its own copies of the row's text. */
typedef struct {
    uint64_t id;
    char title[CONSULT_TITLE_MAX + 1];
    char ppt[8];
    char troika[64];
    char state[8]; /* open, closed */
    int stage;
    int version;
    int64_t opened_by, opened_ms, updated_ms, closed_ms;
    char outcome[16];
    char reason[CONSULT_REASON_MAX + 1];
} consult_row_t;

/* One country in one stage, with its latest answer. */
typedef struct {
    int stage;
    char country[8];
    char zone[TZ_NAME_MAX + 1];
    char state[16]; /* pending, answered, no-answer, no-objection, closed */
    int step;
    int64_t opened_ms, deadline_ms, due_ms, reminder_ms, last_day_ms, escalate_ms;
    char answer[16]; /* the latest answer ("": none) */
    int answer_version;
    uint64_t answer_seq;
    int64_t answer_ms, answered_by;
    int late;
    int answers; /* how many it gave in this stage */
} consult_target_t;

#define CONSULT_MAX_TARGETS 96 /* three stages of up to 32 countries */

typedef struct {
    consult_target_t t[CONSULT_MAX_TARGETS];
    int n;
} consult_targets_t;

/* Loads consultation id: 1 found, 0 none, -1 archive error. */
int consult_load(archive_t *archive, uint64_t id, consult_row_t *out);

/* Loads its targets (stage -1: every stage) with their latest answers.
 * 0, or -1 (archive). */
int consult_targets_load(archive_t *archive, uint64_t id, int stage, consult_targets_t *out);

/* The rules' view of a consultation. */
void consult_facts(const consult_row_t *c, consult_facts_t *facts);
void consult_disclosure(const consult_row_t *c, disclose_consult_t *d);

/* Whether `who` may learn anything of c (disclose_consultation), and
 * whether it may see its stage with the Troika too. */
int consult_visible(const directory_t *dir, const dir_entry_t *who, const consult_row_t *c,
    int64_t now_ms);
int consult_troika_visible(const directory_t *dir, const dir_entry_t *who, const consult_row_t *c,
    int64_t now_ms);

/* The comma-separated fingerprints of the active keys addressed for the
 * consultation's countries at escalation level (consult_rules_addressee),
 * leaving out officer `except` (0: nobody). NULL out of memory; caller
 * frees. countries NULL: every target country of the list given. */
char *consult_addressees(const directory_t *dir, const char *countries, int level, int64_t except,
    int64_t now_ms);

/* Checks the consultation side of a publish on topic, labelled tlp for the
 * comma-separated recipients: 0 if acceptable (a message that is no step,
 * on another topic, always is), else -1 with the ErrorCode in *code and
 * why in why. */
int consult_check(const req_t *r, const Enlace__Content *c, const char *topic, int tlp,
    const char *recipients, int *code, char *why, size_t cap);

/* What the audit calls a publish carrying step k: "consult.open", ... */
const char *consult_action(const Enlace__Consult *k);

/* In the publish's request, after the message row (seq, stored at
 * stored_ms): records a step and queues its pushes. 0 (also for a message
 * that is no step), or -1 (archive or memory; logged). */
int consult_stored(const req_t *r, const Enlace__Content *c, uint64_t seq, int64_t stored_ms);

/* The timer: every reminder, deadline and escalation due by now_ms, each in
 * a request of the batch with the notice it sends (consult_timer.c). */
void consult_due(const hub_env_t *env, int64_t now_ms);

#endif
