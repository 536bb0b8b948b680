/*
 * acl.c: who may publish, subscribe and administer (see acl.h). What a
 * reader may learn of a message is disclose.c's.
 */
#include "acl.h"

#include <string.h>
#include <time.h>

#include "topic.h"

static int
s_is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

int
acl_is_st(const dir_entry_t *who)
{
    return s_is(who->role, "st");
}

int
acl_is_observer(const dir_entry_t *who)
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

int
acl_members_only(const char *topic)
{
    char seg[64];
    return topic_segment(topic, 1, seg, sizeof seg) >= 0 && s_is(seg, "members");
}

int
acl_announcement(const char *topic)
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

int
acl_invited(const directory_t *dir, const dir_entry_t *who, const char *network, const char *topic,
    int64_t now_ms)
{
    return s_invitation(dir, who, network, topic, 0, 0, now_ms) != NULL;
}

const char *
acl_publish(const directory_t *dir, const dir_entry_t *who, const char *topic, int64_t now_ms)
{
    char net[DIR_NAME_LEN];
    if (topic_network(topic, net, sizeof net) < 0 || !directory_network_known(dir, net))
        return "the topic's first segment is not a network of this hub";
    if (acl_is_member(who, net))
        return NULL;
    if (acl_members_only(topic))
        return "topics under NETWORK/members/ are for member countries' officers only";
    if (acl_announcement(topic) && acl_is_ppt(dir, who, now_ms))
        return NULL;
    if (acl_is_observer(who)) {
        if (s_invitation(dir, who, net, topic, 0, 1, now_ms))
            return NULL;
        return "observers publish only under a read-write invitation in force for this topic";
    }
    if (acl_is_st(who))
        return "the ST reads every network but posts only where it holds an officer membership";
    return "you are not a member of this topic's network";
}

const char *
acl_subscribe(const directory_t *dir, const dir_entry_t *who, const char *pattern, int64_t now_ms)
{
    char net[DIR_NAME_LEN];
    int literal = topic_pattern_network(pattern, net, sizeof net);
    if (literal && !directory_network_known(dir, net))
        return "the pattern's first segment is not a network of this hub";
    if (acl_is_st(who))
        return NULL;
    if (!literal)
        return "a pattern must start with one of your networks (e.g. consular/#)";
    if (acl_is_member(who, net))
        return NULL;
    if (acl_members_only(pattern))
        return "topics under NETWORK/members/ are for member countries' officers only";
    if (acl_is_observer(who)) {
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

int
acl_topic_access(const directory_t *dir, const dir_entry_t *who, const char *topic, int64_t now_ms)
{
    char net[DIR_NAME_LEN];
    if (!who || topic_network(topic, net, sizeof net) < 0)
        return 0;
    if (acl_is_member(who, net) || acl_is_st(who))
        return 1;
    if (acl_members_only(topic))
        return 0;
    if (acl_is_observer(who))
        return s_invitation(dir, who, net, topic, 0, 0, now_ms) != NULL;
    return acl_announcement(topic) && acl_is_ppt(dir, who, now_ms);
}

const char *
acl_case_state(const dir_entry_t *who, const char *network, const char *countries,
    int64_t opened_by)
{
    if (who->officer_id == opened_by || acl_is_st(who))
        return NULL;
    if (acl_is_member(who, network) && who->country[0]) {
        size_t n = strlen(who->country);
        for (const char *p = countries; p && *p;) {
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len == n && !memcmp(p, who->country, n))
                return NULL;
            p = end ? end + 1 : NULL;
        }
    }
    return "only the case's opener, the ST and the members of the network from a country the "
           "case concerns close or reopen it";
}

const char *
acl_admin(const dir_entry_t *who)
{
    if (s_is(who->role, "st") || s_is(who->role, "admin"))
        return NULL;
    return "directory administration is for the Technical Secretariat (st) and admin roles";
}
