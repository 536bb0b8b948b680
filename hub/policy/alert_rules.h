/*
 * alert_rules: the rules of urgent case alerts that depend on nothing but
 * their inputs: names of categories and priorities, which alerts need an
 * acknowledgement and by when, whether the alert's own fields are
 * acceptable, and who is told at each level.
 *
 * Targets: at level 0 the focal points, in the alert's network, of a
 * country it concerns who may read the alert (a push is a live delivery,
 * and nobody acknowledges what they may not read); if none of them may,
 * every officer of that country in the network who may. At level 1 and
 * above, every officer of that country in the network who may read it.
 */
#ifndef ENLACE_ALERT_RULES_H
#define ENLACE_ALERT_RULES_H

#include <stdint.h>

#include "directory.h"
#include "disclose.h"
#include "enlace.pb-c.h"

/* Names used on the command line and in CAP. */
const char *alert_rules_category_name(int category);
int alert_rules_category_parse(const char *name); /* -1 if unknown */
const char *alert_rules_priority_name(int priority);

/* Urgent and flash alerts that are Actual or Exercise, not a Cancel. */
int alert_rules_needs_ack(const Enlace__Alert *a);
/* The acknowledgement deadline of a priority. */
int64_t alert_rules_period(int priority, int64_t urgent_ms, int64_t flash_ms);

/* Checks what an alert says about itself (values, headline, area, the
 * description's text, countries' count and repetition, language,
 * references' count): NULL if acceptable, else why not (static). What the
 * archive must tell (countries, referenced alerts) is the caller's. A
 * sealed alert's headline, area and description are inside its seal, not
 * checked here (its author's library checked them with forms_alert_text). */
const char *alert_rules_check(const Enlace__Alert *a, const uint8_t *body, size_t body_len,
    int sealed);

/* Is e someone to tell about alert m, for `country`, at this level? */
int alert_rules_is_target(const directory_t *dir, const dir_entry_t *e, const disclose_msg_t *m,
    const char *country, int level, int64_t now_ms);

#endif
