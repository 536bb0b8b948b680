/*
 * connect: a connection's session, from Hello to Bye, and the limits per
 * key: sessions open at once (a Hello over the cap first drops the key's
 * sessions whose peer is gone) and requests a second over all the key's
 * connections. One refusal a second per key is audited, so a flood cannot
 * flood the audit log instead.
 */
#ifndef ENLACE_CONNECT_H
#define ENLACE_CONNECT_H

#include "handle.h"
#include "hub_int.h"

/* Hello: opens the session (or answers again for an open one) and queues
 * Welcome and, after the commit, the officer's open alerts. */
void connect_hello(hub_t *self, const hub_env_t *env, const uint8_t *rid, size_t rid_len,
    uint64_t request_id, const dir_entry_t *who, session_t *s, const Enlace__Hello *hello);

/* Bye: saves the cursors, answers Ok and forgets the session. */
void connect_bye(hub_t *self, const hub_env_t *env, session_t *s, uint64_t request_id);

/* Takes one request from the rate of s's key. Over it: answers ERR_LIMIT
 * with when to retry, returns -1. */
int connect_rate(hub_t *self, const hub_env_t *env, session_t *s, const dir_entry_t *who,
    uint64_t request_id, int64_t now);

#endif
