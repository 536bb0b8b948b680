/*
 * acl.c: the access rules (see acl.h for the table they implement).
 */
#include "acl.h"

#include <string.h>
#include <time.h>

#include "enlace.pb-c.h"
#include "topic.h"

#define TLP_CLEAR ENLACE__TLP__TLP_CLEAR
#define TLP_GREEN ENLACE__TLP__TLP_GREEN
#define TLP_AMBER_STRICT ENLACE__TLP__TLP_AMBER_STRICT
#define TLP_RED ENLACE__TLP__TLP_RED

static int
s_is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static int
s_is_st(const dir_entry_t *who)
{
    return s_is(who->role, "st");
}

static int
s_is_observer(const dir_entry_t *who)
{
    return s_is(who->role, "observer");
}

const char *
acl_home(const dir_entry_t *who)
{
    return who->country[0] ? who->country : who->org;
}

int
acl_is_member(const dir_entry_t *who, const char *network)
{
    const char *role = directory_membership(who, network);
    return role && !s_is(role, "observer") && !s_is(role, "st");
}

static int
s_year(int64_t now_ms)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

int
acl_is_ppt(const directory_t *dir, const dir_entry_t *who, int64_t now_ms)
{
    if (s_is(who->role, "ppt"))
        return 1;
    for (int i = 0; i < who->nmemberships; i++)
        if (s_is(who->memberships[i].role, "ppt"))
            return 1;
    const char *holder = directory_ppt(dir, s_year(now_ms));
    if (!holder || !who->country[0] || !s_is(holder, who->country))
        return 0;
    for (int i = 0; i < who->nmemberships; i++)
        if (s_is(who->memberships[i].role, "focal"))
            return 1;
    return s_is(who->role, "focal");
}

/* "NET/members" or anything below it. */
static int
s_members_only(const char *topic)
{
    char seg[64];
    return topic_segment(topic, 1, seg, sizeof seg) >= 0 && s_is(seg, "members");
}

static int
s_announcement(const char *topic)
{
    char net[64], seg[64];
    if (topic_network(topic, net, sizeof net) >= 0 && s_is(net, "crm"))
        return 1;
    return topic_segment(topic, 1, seg, sizeof seg) >= 0 && s_is(seg, "announce");
}

/* An invitation in force for who's organisation/country in this network
 * whose patterns match the topic (or cover the pattern, if is_pattern). */
static const dir_invitation_t *
s_invitation(const directory_t *dir, const dir_entry_t *who, const char *network,
    const char *topic_or_pattern, int is_pattern, int need_write, int64_t now_ms)
{
    const char *home = acl_home(who);
    for (int i = 0; i < directory_invitations(dir); i++) {
        const dir_invitation_t *inv = directory_invitation(dir, i);
        if (!s_is(inv->grantee, home) || !s_is(inv->network, network)
            || !directory_invitation_active(inv, now_ms) || (need_write && !inv->readwrite))
            continue;
        for (int p = 0; p < inv->npatterns; p++) {
            int ok = is_pattern ? topic_pattern_covers(inv->patterns[p], topic_or_pattern)
                                : topic_match(inv->patterns[p], topic_or_pattern);
            if (ok)
                return inv;
        }
    }
    return NULL;
}

const char *
acl_publish(const directory_t *dir, const dir_entry_t *who, const char *topic, int64_t now_ms)
{
    char net[DIR_NAME_LEN];
    if (topic_network(topic, net, sizeof net) < 0 || !directory_network_known(dir, net))
        return "the topic's first segment is not a network of this hub";
    if (acl_is_member(who, net))
        return NULL;
    if (s_members_only(topic))
        return "topics under NETWORK/members/ are for member countries' officers only";
    if (s_announcement(topic) && acl_is_ppt(dir, who, now_ms))
        return NULL;
    if (s_is_observer(who)) {
        if (s_invitation(dir, who, net, topic, 0, 1, now_ms))
            return NULL;
        return "observers publish only under a read-write invitation in force for this topic";
    }
    if (s_is_st(who))
        return "the ST reads every network but posts only where it holds an officer membership";
    return "you are not a member of this topic's network";
}

const char *
acl_subscribe(const directory_t *dir, const dir_entry_t *who, const char *pattern,
    int64_t now_ms)
{
    char net[DIR_NAME_LEN];
    int literal = topic_pattern_network(pattern, net, sizeof net);
    if (literal && !directory_network_known(dir, net))
        return "the pattern's first segment is not a network of this hub";
    if (s_is_st(who))
        return NULL;
    if (!literal)
        return "a pattern must start with one of your networks (e.g. consular/#)";
    if (acl_is_member(who, net))
        return NULL;
    if (s_members_only(pattern))
        return "topics under NETWORK/members/ are for member countries' officers only";
    if (s_is_observer(who)) {
        if (s_invitation(dir, who, net, pattern, 1, 0, now_ms))
            return NULL;
        return "observers subscribe only within an invitation in force that covers the pattern";
    }
    if (acl_is_ppt(dir, who, now_ms) && (s_is(net, "crm")))
        return NULL;
    return "you are not a member of this network";
}

int
acl_listed(const char *list, const char *fp)
{
    size_t n = strlen(fp);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !memcmp(p, fp, n))
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* AMBER+STRICT: is who's home among the named recipients' homes (or the
 * author's, if none are named)? */
static int
s_strict_home(const directory_t *dir, const dir_entry_t *who, const acl_msg_t *m)
{
    const char *home = acl_home(who);
    if (!m->recipients || !*m->recipients)
        return m->author_home && s_is(m->author_home, home);
    char fp[24];
    for (const char *p = m->recipients; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len < sizeof fp) {
            memcpy(fp, p, len);
            fp[len] = '\0';
            const dir_entry_t *r = directory_find(dir, fp);
            if (r && s_is(acl_home(r), home))
                return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

int
acl_topic_access(const directory_t *dir, const dir_entry_t *who, const char *topic,
    int64_t now_ms)
{
    char net[DIR_NAME_LEN];
    if (!who || topic_network(topic, net, sizeof net) < 0)
        return 0;
    if (acl_is_member(who, net) || s_is_st(who))
        return 1;
    if (s_members_only(topic))
        return 0;
    if (s_is_observer(who))
        return s_invitation(dir, who, net, topic, 0, 0, now_ms) != NULL;
    return s_announcement(topic) && acl_is_ppt(dir, who, now_ms);
}

static int
s_may_see(const directory_t *dir, const dir_entry_t *who, const acl_msg_t *m, int64_t now_ms,
    int archive)
{
    if (who->officer_id == m->author_id)
        return 1; /* authors always see their own messages */
    int st = s_is_st(who);
    /* RED: the named recipients only, and only those who may see the topic
     * at all (naming an invited observer is the author's explicit release). */
    if (m->tlp == TLP_RED)
        return (acl_listed(m->recipients, who->fingerprint)
                   && (m->author_id == 0 /* the hub's own notices name whom they tell */
                       || acl_topic_access(dir, who, m->topic, now_ms)))
            || (archive && st);
    int member = acl_is_member(who, m->network);
    if (m->tlp == TLP_AMBER_STRICT)
        return (member && s_strict_home(dir, who, m)) || (archive && st);
    if (member || st)
        return 1;
    if (s_members_only(m->topic))
        return 0;
    if (m->tlp != TLP_GREEN && m->tlp != TLP_CLEAR)
        return 0;
    if (s_is_observer(who)) {
        if (m->personal && !acl_listed(m->recipients, who->fingerprint))
            return 0; /* the no-personal-data tier */
        return s_invitation(dir, who, m->network, m->topic, 0, 0, now_ms) != NULL;
    }
    /* A PPT officer outside this network still sees the network's
     * announcements it may post. */
    return s_announcement(m->topic) && acl_is_ppt(dir, who, now_ms);
}

int
acl_receive(const directory_t *dir, const dir_entry_t *who, const acl_msg_t *m, int64_t now_ms)
{
    return s_may_see(dir, who, m, now_ms, 0);
}

int
acl_history(const directory_t *dir, const dir_entry_t *who, const acl_msg_t *m, int64_t now_ms)
{
    return s_may_see(dir, who, m, now_ms, 1);
}

const char *
acl_admin(const dir_entry_t *who)
{
    if (s_is(who->role, "st") || s_is(who->role, "admin"))
        return NULL;
    return "directory administration is for the Technical Secretariat (st) and admin roles";
}
