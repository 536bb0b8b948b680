/*
 * acl: who may publish, subscribe (or name a pattern in history) and
 * administer.
 * Pure functions over the directory snapshot and the authenticated entry
 * (never anything the client wrote about itself), re-evaluated at delivery
 * time, so a revoked invitation, an expiry or a removed membership takes
 * effect on the next message.
 *
 * The rules (DOMAIN.md "Access rules"; issue "Directory, roles and network
 * access control"):
 *   member    an officer holding a membership (officer, focal, ppt, admin) in
 *             the topic's network: reads and writes there.
 *   st        the Technical Secretariat (role st): reads every network live
 *             and in history; writes only where it also holds a membership.
 *   ppt       role ppt, or a focal point of the country holding the PPT this
 *             year: may also post to crm/# and to every network's
 *             NET/announce[/...] topics.
 *   observer  (role observer, an observer country or organisation): nothing
 *             without an invitation in force for its organisation/country
 *             naming the network and a pattern that covers the topic; read,
 *             or read-write. Observers receive GREEN and CLEAR only.
 *   NET/members/#  members only, whatever invitations say (the ST reads).
 * What a reader may learn of a stored message (labels, personal data,
 * named recipients) is not decided here but in disclose.h, the one module
 * every path out of the hub asks.
 * Each refusal returns a static, human-readable reason; NULL means allowed.
 */
#ifndef ENLACE_ACL_H
#define ENLACE_ACL_H

#include <stdint.h>

#include "directory.h"

const char *acl_publish(const directory_t *dir, const dir_entry_t *who, const char *topic,
    int64_t now_ms);
const char *acl_subscribe(const directory_t *dir, const dir_entry_t *who, const char *pattern,
    int64_t now_ms);
const char *acl_admin(const dir_entry_t *who);

/* Who may close or reopen a case: its opener, the ST, and the members of the
 * case's network whose country the case concerns (countries: comma-separated
 * codes). NULL if allowed, else why not. */
const char *acl_case_state(const dir_entry_t *who, const char *network, const char *countries,
    int64_t opened_by);

/* 1 if who may see this topic at all (member, ST, invited observer, PPT
 * announcement): a RED recipient must. */
int acl_topic_access(const directory_t *dir, const dir_entry_t *who, const char *topic,
    int64_t now_ms);

/* Helpers the disclosure rules (disclose.c) and the hub also use. */
/* 1 if topic is NET/members or below it: members (and the ST) only. */
int acl_members_only(const char *topic);
/* 1 if topic is an announcement the PPT may post: crm/... or NET/announce[/...]. */
int acl_announcement(const char *topic);
/* 1 if an invitation in force for who's organisation or country covers topic. */
int acl_invited(const directory_t *dir, const dir_entry_t *who, const char *network,
    const char *topic, int64_t now_ms);
/* 1 if who holds the st role. */
int acl_is_st(const dir_entry_t *who);
/* 1 if who holds the observer role. */
int acl_is_observer(const dir_entry_t *who);
/* 1 if fingerprint fp is in the comma-separated list. */
int acl_listed(const char *list, const char *fp);
int acl_is_member(const dir_entry_t *who, const char *network);
int acl_is_ppt(const directory_t *dir, const dir_entry_t *who, int64_t now_ms);
/* The entry's home: its country code, or its organisation code. */
const char *acl_home(const dir_entry_t *who);

#endif
