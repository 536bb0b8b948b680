/*
 * disclose.c: what a reader may learn of a stored message (see disclose.h
 * for the rules; the README's disclosure table is the same rules).
 */
#include "disclose.h"

#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "enlace.pb-c.h"

#define TLP_CLEAR ENLACE__TLP__TLP_CLEAR
#define TLP_GREEN ENLACE__TLP__TLP_GREEN
#define TLP_AMBER ENLACE__TLP__TLP_AMBER
#define TLP_AMBER_STRICT ENLACE__TLP__TLP_AMBER_STRICT
#define TLP_RED ENLACE__TLP__TLP_RED

const char *
disclose_name(disclose_t level)
{
    switch (level) {
    case DISCLOSE_NOTHING:
        return "nothing";
    case DISCLOSE_EXISTENCE:
        return "existence";
    case DISCLOSE_ENVELOPE:
        return "envelope";
    case DISCLOSE_ALL:
        return "all";
    }
    return "nothing";
}

const char *
disclose_tlp_label(int tlp)
{
    static const char *labels[] = {"TLP:AMBER", "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
        "TLP:AMBER+STRICT", "TLP:RED"};
    return tlp >= 0 && tlp <= TLP_RED ? labels[tlp] : "TLP:AMBER";
}

/* Calls fn for each item of a comma-separated list (empty items skipped),
 * with the item copied, NUL-terminated, into a buffer of cap bytes (longer
 * items are skipped: no fingerprint or country code is that long). Stops
 * and returns 1 when fn does. */
static int
s_each_item(const char *list, int (*fn)(const char *item, void *arg), void *arg)
{
    char item[64];
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0 && len < sizeof item) {
            memcpy(item, p, len);
            item[len] = '\0';
            if (fn(item, arg))
                return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

typedef struct {
    const directory_t *dir;
    const char *home; /* a country or organisation code */
} home_match_t;

static int
s_recipient_home_is(const char *fp, void *arg)
{
    home_match_t *h = arg;
    const dir_entry_t *r = directory_find(h->dir, fp);
    return r && !strcmp(acl_home(r), h->home);
}

/* AMBER+STRICT: is `home` that of a named recipient (or the author's, if
 * none is named)? */
static int
s_strict_home(const directory_t *dir, const char *home, const disclose_msg_t *m)
{
    if (!m->recipients || !*m->recipients)
        return m->author_home && !strcmp(m->author_home, home);
    home_match_t h = {dir, home};
    return s_each_item(m->recipients, s_recipient_home_is, &h);
}

/* The rules of disclose.h for an active reader; archive: the ST's archive
 * reading of RED and AMBER+STRICT counts. */
static int
s_sees(const directory_t *dir, const dir_entry_t *who, const disclose_msg_t *m, int64_t now_ms,
    int archive)
{
    if (m->author_id != 0 && who->officer_id == m->author_id)
        return 1; /* authors always see their own messages */
    int st = acl_is_st(who);
    int tlp = m->tlp ? m->tlp : TLP_AMBER;
    if (tlp == TLP_RED)
        return (acl_listed(m->recipients, who->fingerprint)
                   && (m->author_id == 0 /* the hub's own notices name whom they tell */
                       || acl_topic_access(dir, who, m->topic, now_ms)))
            || (archive && st);
    int member = acl_is_member(who, m->network);
    if (tlp == TLP_AMBER_STRICT)
        return (member && s_strict_home(dir, acl_home(who), m)) || (archive && st);
    if (member || st)
        return 1;
    if (acl_members_only(m->topic))
        return 0;
    if (tlp != TLP_GREEN && tlp != TLP_CLEAR)
        return 0;
    if (acl_is_observer(who)) {
        if (m->personal && !acl_listed(m->recipients, who->fingerprint))
            return 0; /* the no-personal-data tier */
        return acl_invited(dir, who, m->network, m->topic, now_ms);
    }
    /* A PPT officer outside this network still sees the network's
     * announcements it may post. */
    return acl_announcement(m->topic) && acl_is_ppt(dir, who, now_ms);
}

/* The operator reading the file offline (export, export-cap). */
static disclose_t
s_operator(const disclose_reader_t *r, const disclose_msg_t *m)
{
    if (r->restricted)
        return DISCLOSE_ALL;
    if (m->tlp == TLP_RED || m->tlp == TLP_AMBER_STRICT
        || m->handling >= ENLACE__HANDLING__HANDLING_H1)
        return DISCLOSE_NOTHING;
    return DISCLOSE_ALL;
}

disclose_t
disclose_message(const disclose_reader_t *r, const disclose_msg_t *m, disclose_path_t path)
{
    if (!r->who)
        return s_operator(r, m);
    if (!directory_entry_active(r->who, r->now_ms))
        return DISCLOSE_NOTHING; /* revoked or outside its validity: nothing at all */
    switch (path) {
    case DISCLOSE_LIVE:
        return s_sees(r->dir, r->who, m, r->now_ms, 0) ? DISCLOSE_ALL : DISCLOSE_NOTHING;
    case DISCLOSE_NOTICE:
        if (s_sees(r->dir, r->who, m, r->now_ms, 0))
            return DISCLOSE_ALL;
        return acl_is_st(r->who) || acl_is_ppt(r->dir, r->who, r->now_ms) ? DISCLOSE_ENVELOPE
                                                                          : DISCLOSE_NOTHING;
    case DISCLOSE_ARCHIVE:
    case DISCLOSE_EXPORT:
        return s_sees(r->dir, r->who, m, r->now_ms, 1) ? DISCLOSE_ALL : DISCLOSE_NOTHING;
    case DISCLOSE_PATHS:
        break;
    }
    return DISCLOSE_NOTHING;
}

int
disclose_all(const disclose_reader_t *r, const disclose_msg_t *m, disclose_path_t path)
{
    return disclose_message(r, m, path) == DISCLOSE_ALL;
}

void
disclose_msg_of_row(const directory_t *dir, const archive_msg_t *am, disclose_msg_t *m,
    char home[DISCLOSE_HOME_LEN])
{
    const dir_entry_t *author = am->author_id ? directory_find_officer(dir, am->author_id) : NULL;
    snprintf(home, DISCLOSE_HOME_LEN, "%s", author ? acl_home(author) : "");
    *m = (disclose_msg_t){.seq = am->seq,
        .topic = am->topic,
        .network = am->network,
        .tlp = am->tlp,
        .recipients = am->recipients,
        .author_id = am->author_id,
        .author_home = home,
        .personal = am->personal,
        .handling = am->handling};
}

disclose_t
disclose_case(const disclose_reader_t *r, const char *network)
{
    if (!r->who)
        return DISCLOSE_ENVELOPE;
    if (!directory_entry_active(r->who, r->now_ms))
        return DISCLOSE_NOTHING;
    char pattern[DIR_NAME_LEN + 4];
    snprintf(pattern, sizeof pattern, "%s/#", network);
    return acl_subscribe(r->dir, r->who, pattern, r->now_ms) == NULL ? DISCLOSE_ENVELOPE
                                                                     : DISCLOSE_NOTHING;
}

/* 1 if country is in the comma-separated list. */
static int
s_country_is(const char *item, void *arg)
{
    return !strcmp(item, (const char *)arg);
}

disclose_t
disclose_consultation(const disclose_reader_t *r, const disclose_consult_t *c)
{
    if (!r->who)
        return DISCLOSE_ALL;
    const dir_entry_t *who = r->who;
    if (!directory_entry_active(who, r->now_ms) || acl_is_observer(who))
        return DISCLOSE_NOTHING;
    if (acl_is_st(who) || (c->opened_by && who->officer_id == c->opened_by))
        return DISCLOSE_ALL;
    if (!acl_is_member(who, "crm") || !who->country[0])
        return DISCLOSE_NOTHING;
    if (c->reached || s_each_item(c->troika, s_country_is, (void *)who->country))
        return DISCLOSE_ALL;
    return DISCLOSE_NOTHING;
}

disclose_t
disclose_keys(const disclose_reader_t *r, const dir_entry_t *target)
{
    if (!r->who || !target || !directory_entry_active(r->who, r->now_ms)
        || !directory_entry_active(target, r->now_ms))
        return DISCLOSE_NOTHING;
    if (!acl_is_observer(r->who))
        return DISCLOSE_ENVELOPE;
    for (int i = 0; i < directory_invitations(r->dir); i++) {
        const dir_invitation_t *inv = directory_invitation(r->dir, i);
        if (!strcmp(inv->grantee, acl_home(r->who)) && directory_invitation_active(inv, r->now_ms))
            return DISCLOSE_ENVELOPE;
    }
    return DISCLOSE_NOTHING;
}

disclose_t
disclose_aggregate(const disclose_reader_t *r)
{
    if (!r->who)
        return DISCLOSE_EXISTENCE;
    if (!directory_entry_active(r->who, r->now_ms))
        return DISCLOSE_NOTHING;
    return acl_admin(r->who) == NULL ? DISCLOSE_EXISTENCE : DISCLOSE_NOTHING;
}

const dir_entry_t *
disclose_forward_widens(const directory_t *dir, int64_t now_ms, const disclose_msg_t *forward,
    const disclose_msg_t *original)
{
    for (int i = 0; i < directory_count(dir); i++) {
        disclose_reader_t r = {.dir = dir, .who = directory_entry(dir, i), .now_ms = now_ms};
        if (disclose_all(&r, forward, DISCLOSE_ARCHIVE)
            && !disclose_all(&r, original, DISCLOSE_ARCHIVE))
            return r.who;
    }
    return NULL;
}

const char *
disclose_alert_countries(const directory_t *dir, const disclose_msg_t *m,
    const char *const *countries, size_t ncountries, char *why, size_t cap)
{
    int tlp = m->tlp ? m->tlp : TLP_AMBER;
    if (tlp != TLP_RED && tlp != TLP_AMBER_STRICT)
        return NULL;
    for (size_t i = 0; i < ncountries; i++) {
        int sees = 0;
        if (tlp == TLP_RED) {
            home_match_t h = {dir, countries[i]};
            sees = s_each_item(m->recipients, s_recipient_home_is, &h);
        } else {
            sees = s_strict_home(dir, countries[i], m);
        }
        if (sees)
            continue;
        if (tlp == TLP_RED)
            snprintf(why, cap,
                "a TLP:RED alert concerns only the countries of its named recipients: name an "
                "officer of %s, or leave %s out",
                countries[i], countries[i]);
        else
            snprintf(why, cap,
                "a TLP:AMBER+STRICT alert concerns only the countries of its named recipients "
                "(the author's own if none is named): %s could not read it; name an officer "
                "of %s, or leave %s out",
                countries[i], countries[i], countries[i]);
        return why;
    }
    return NULL;
}
