/*
 * acl.c: the access rules. Every decision is taken from the authenticated
 * directory entry, never from anything the client wrote about itself.
 */
#include "acl.h"

#include <string.h>

#include "enlace.pb-c.h"
#include "topic.h"

static int
s_is_st(const dir_entry_t *who)
{
    return !strcmp(who->role, "st");
}

const char *
acl_publish(const directory_t *dir, const dir_entry_t *who, const char *topic)
{
    char net[DIR_NAME_LEN];
    if (topic_network(topic, net, sizeof net) < 0 || !directory_network_known(dir, net))
        return "the topic's first segment is not a network of this hub";
    const char *role = directory_membership(who, net);
    if (!role)
        return "you are not a member of this topic's network";
    if (!strcmp(role, "observer"))
        return "observers may not publish";
    return NULL;
}

const char *
acl_subscribe(const directory_t *dir, const dir_entry_t *who, const char *pattern)
{
    char net[DIR_NAME_LEN];
    int literal = topic_pattern_network(pattern, net, sizeof net);
    if (s_is_st(who)) {
        if (literal && !directory_network_known(dir, net))
            return "the pattern's first segment is not a network of this hub";
        return NULL;
    }
    if (!literal)
        return "a pattern must start with one of your networks (e.g. consular/#)";
    if (!directory_network_known(dir, net))
        return "the pattern's first segment is not a network of this hub";
    if (!directory_membership(who, net))
        return "you are not a member of this network";
    return NULL;
}

static int
s_listed(const char *list, const char *fp)
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
acl_receive(const dir_entry_t *who, const char *network, int tlp, const char *recipients,
    int64_t author_id)
{
    int st = s_is_st(who);
    if (!st && !directory_membership(who, network))
        return 0;
    if (tlp == ENLACE__TLP__TLP_RED && !st && who->officer_id != author_id
        && !s_listed(recipients, who->fingerprint))
        return 0;
    return 1;
}
