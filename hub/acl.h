/*
 * acl: who may publish, subscribe, receive, read history and administer.
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
 *   personal  a message marked as containing personal data (every case
 *             form is) never reaches an observer, whatever the invitation,
 *             unless the author names it as a recipient.
 *   TLP       RED: the author and the named recipients only, each of whom
 *             must have access to the topic (a named, invited observer is
 *             the author's explicit release); the ST reads RED from the
 *             archive, not live. AMBER+STRICT: members of the
 *             named recipients' own countries/organisations (the author's if
 *             none named). AMBER: members and the ST. GREEN and CLEAR: also
 *             invited observers.
 * Each refusal returns a static, human-readable reason; NULL means allowed.
 */
#ifndef ENLACE_ACL_H
#define ENLACE_ACL_H

#include <stdint.h>

#include "directory.h"

/* What the rules need to know about a stored message. */
typedef struct {
    const char *topic;
    const char *network;
    int tlp;                 /* Enlace__Tlp, UNSPECIFIED already mapped to AMBER */
    const char *recipients;  /* comma-separated fingerprints */
    int64_t author_id;
    const char *author_home; /* author's country or organisation code */
    int personal;            /* personal data: observers only when named */
} acl_msg_t;

const char *acl_publish(const directory_t *dir, const dir_entry_t *who, const char *topic,
    int64_t now_ms);
const char *acl_subscribe(const directory_t *dir, const dir_entry_t *who, const char *pattern,
    int64_t now_ms);
/* 1 if `who` may receive the message live. */
int acl_receive(const directory_t *dir, const dir_entry_t *who, const acl_msg_t *m,
    int64_t now_ms);
/* 1 if `who` may read the message from the archive (history, search). */
int acl_history(const directory_t *dir, const dir_entry_t *who, const acl_msg_t *m,
    int64_t now_ms);
const char *acl_admin(const dir_entry_t *who);

/* 1 if who may see this topic at all (member, ST, invited observer, PPT
 * announcement): a RED recipient must. */
int acl_topic_access(const directory_t *dir, const dir_entry_t *who, const char *topic,
    int64_t now_ms);

/* Helpers the hub also uses. */
/* 1 if fingerprint fp is in the comma-separated list. */
int acl_listed(const char *list, const char *fp);
int acl_is_member(const dir_entry_t *who, const char *network);
int acl_is_ppt(const directory_t *dir, const dir_entry_t *who, int64_t now_ms);
/* The entry's home: its country code, or its organisation code. */
const char *acl_home(const dir_entry_t *who);

#endif
