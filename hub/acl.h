/*
 * acl: who may publish, subscribe and receive what. Pure functions over a
 * directory entry, so every rule is unit-testable and re-checked at delivery
 * time (a membership removed while messages wait stops them).
 *
 * Rules implemented now:
 *   - publish: the officer is a member (any role but observer) of the
 *     topic's network;
 *   - subscribe: the pattern's first segment is a literal network the officer
 *     belongs to; the ST may subscribe to any network and to '#';
 *   - receive: member of the message's network (or ST), and for TLP:RED only
 *     the author and the named recipients (and the ST, which archives).
 * Each refusal returns a static, human-readable reason.
 */
#ifndef ENLACE_ACL_H
#define ENLACE_ACL_H

#include "directory.h"

/* NULL if allowed, else why not. */
const char *acl_publish(const directory_t *dir, const dir_entry_t *who, const char *topic);
const char *acl_subscribe(const directory_t *dir, const dir_entry_t *who, const char *pattern);

/* 1 if `who` may receive a stored message with these attributes. recipients
 * is a comma-separated list of fingerprints (RED); author_id is the author. */
int acl_receive(const dir_entry_t *who, const char *network, int tlp, const char *recipients,
    int64_t author_id);

#endif
