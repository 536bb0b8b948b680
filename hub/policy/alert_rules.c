/*
 * alert_rules.c: see alert_rules.h.
 */
#include "alert_rules.h"

#include <string.h>

#include "acl.h"
#include "forms.h"
#include "topic.h"

static const char *s_categories[] = {"other", "death", "disaster", "trafficking", "smuggling",
    "missing-child", "unaccompanied-child", "return-assistance"};
static const char *s_priorities[] = {"routine", "priority", "urgent", "flash"};

const char *
alert_rules_category_name(int category)
{
    return category >= 0 && category < 8 ? s_categories[category] : "other";
}

int
alert_rules_category_parse(const char *name)
{
    for (int i = 0; i < 8; i++)
        if (!strcmp(name, s_categories[i]))
            return i;
    return -1;
}

const char *
alert_rules_priority_name(int priority)
{
    return priority >= 0 && priority < 4 ? s_priorities[priority] : "routine";
}

int
alert_rules_needs_ack(const Enlace__Alert *a)
{
    return a->priority >= ENLACE__PRIORITY__PRIORITY_URGENT
        && a->msg_type != ENLACE__CAP_MSG_TYPE__CAP_CANCEL
        && (a->status == ENLACE__CAP_STATUS__CAP_ACTUAL
            || a->status == ENLACE__CAP_STATUS__CAP_EXERCISE);
}

int64_t
alert_rules_period(int priority, int64_t urgent_ms, int64_t flash_ms)
{
    return priority == ENLACE__PRIORITY__PRIORITY_FLASH ? flash_ms : urgent_ms;
}

const char *
alert_rules_check(const Enlace__Alert *a, const uint8_t *body, size_t body_len, int sealed)
{
    if ((unsigned)a->priority > ENLACE__PRIORITY__PRIORITY_FLASH
        || (unsigned)a->category > ENLACE__CATEGORY__CATEGORY_RETURN_ASSISTANCE
        || (unsigned)a->status > ENLACE__CAP_STATUS__CAP_DRAFT
        || (unsigned)a->msg_type > ENLACE__CAP_MSG_TYPE__CAP_CANCEL
        || (unsigned)a->urgency > ENLACE__CAP_URGENCY__URGENCY_PAST
        || (unsigned)a->severity > ENLACE__CAP_SEVERITY__SEVERITY_MINOR
        || (unsigned)a->certainty > ENLACE__CAP_CERTAINTY__CERTAINTY_UNLIKELY)
        return "an alert field has a value this hub does not know";
    /* Sealed, the headline, area and description are inside the seal: the
     * author's library checked them (forms_alert_text) before sealing. */
    const char *bad = sealed ? NULL : forms_alert_text(a, body, body_len);
    if (bad)
        return bad;
    if (a->n_countries == 0 || a->n_countries > 16)
        return "an alert concerns 1 to 16 countries";
    for (size_t i = 0; i < a->n_countries; i++)
        for (size_t k = 0; k < i; k++)
            if (!strcmp(a->countries[k], a->countries[i]))
                return "a country is named twice";
    if (a->language[0] && strcmp(a->language, "es") && strcmp(a->language, "en"))
        return "the alert language is es or en";
    if ((a->msg_type == ENLACE__CAP_MSG_TYPE__CAP_UPDATE
            || a->msg_type == ENLACE__CAP_MSG_TYPE__CAP_CANCEL)
        && a->n_references == 0)
        return "an update or cancellation names the alert(s) it refers to";
    if (a->n_references > 16)
        return "at most 16 references";
    return NULL;
}

/* An officer of `country` in the alert's network who may see all of it live. */
static int
s_concerned_reader(const directory_t *dir, const dir_entry_t *e, const disclose_msg_t *m,
    const char *country, int64_t now_ms)
{
    disclose_reader_t r = {.dir = dir, .who = e, .now_ms = now_ms};
    return !strcmp(e->country, country) && acl_is_member(e, m->network)
        && disclose_all(&r, m, DISCLOSE_LIVE);
}

static int
s_is_focal(const dir_entry_t *e, const char *network)
{
    const char *role = directory_membership(e, network);
    return role && !strcmp(role, "focal");
}

/* Has the country a focal point in the network who may read the alert? */
static int
s_country_has_focal(const directory_t *dir, const disclose_msg_t *m, const char *country,
    int64_t now_ms)
{
    for (int i = 0; i < directory_count(dir); i++) {
        const dir_entry_t *e = directory_entry(dir, i);
        if (s_is_focal(e, m->network) && s_concerned_reader(dir, e, m, country, now_ms))
            return 1;
    }
    return 0;
}

int
alert_rules_is_target(const directory_t *dir, const dir_entry_t *e, const disclose_msg_t *m,
    const char *country, int level, int64_t now_ms)
{
    if (!s_concerned_reader(dir, e, m, country, now_ms))
        return 0;
    return level >= 1 || s_is_focal(e, m->network) || !s_country_has_focal(dir, m, country, now_ms);
}
