/*
 * failover.c: the hubs of a cluster, from the client's side.
 *
 * The endpoint a program gives (a profile's `hub`) may list several hubs,
 * comma-separated: the hubs of one cluster, which share one hub key. The
 * client talks to one at a time, on its one DEALER socket. It moves on:
 *   - to the hub a follower names in ERR_NOT_LEADER, at once;
 *   - to the next hub of the list when a follower knows no leader yet, or
 *     names itself (a leader that stepped down, its key not yet gone) (after
 *     ENL_NO_LEADER_MS), when the hub in use refuses connections, or when
 *     the connection to it has been gone for ENL_FAILOVER_MS (a hub that
 *     stopped answering is found by ZMTP heartbeats within
 *     ENL_CLUSTER_HEARTBEAT_MS * 3).
 * Each move is a new socket connected to the next hub; when the handshake with the new
 * hub succeeds, conn.c restores the session there as after any reconnect:
 * Hello, the subscriptions (which resume from the durable cursors the
 * cluster keeps), then every unanswered publish, byte for byte (the message
 * id makes a resent publish that was stored come back as a duplicate).
 * With one hub in the list nothing here ever moves: libzmq's own reconnect
 * is all there is.
 */
#include "enl.h"

#include <stdio.h>
#include <string.h>

#include <zmq.h>

int
enl_endpoints_set(enlace_client_t *self, const char *list)
{
    self->nendpoints = 0;
    const char *p = list;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        size_t end = len;
        while (end && p[end - 1] == ' ')
            end--;
        if (end) {
            if (self->nendpoints == ENL_MAX_ENDPOINTS || end >= sizeof self->endpoints[0])
                return enl_fail(self, ENLACE_EINVAL,
                    "at most %d hub endpoints of at most %zu characters", ENL_MAX_ENDPOINTS,
                    sizeof self->endpoints[0] - 1);
            memcpy(self->endpoints[self->nendpoints], p, end);
            self->endpoints[self->nendpoints][end] = '\0';
            self->nendpoints++;
        }
        p += len;
    }
    if (self->nendpoints == 0)
        return enl_fail(self, ENLACE_EINVAL, "no hub endpoint given");
    self->cur = 0;
    snprintf(self->current, sizeof self->current, "%s", self->endpoints[0]);
    return ENLACE_OK;
}

int
enl_endpoint_known(const enlace_client_t *self, const char *endpoint)
{
    for (int i = 0; i < self->nendpoints; i++)
        if (!strcmp(self->endpoints[i], endpoint))
            return 1;
    return !strcmp(self->left, endpoint);
}

/* The hub after the one in use, in list order. */
static const char *
s_next(enlace_client_t *self)
{
    for (int i = 0; i < self->nendpoints; i++)
        if (!strcmp(self->endpoints[i], self->current)) {
            self->cur = (i + 1) % self->nendpoints;
            return self->endpoints[self->cur];
        }
    self->cur = (self->cur + 1) % self->nendpoints;
    return self->endpoints[self->cur];
}

int
enl_failover_switch(enlace_client_t *self, const char *to)
{
    char target[sizeof self->current];
    snprintf(target, sizeof target, "%s", to && *to ? to : s_next(self));
    self->switch_at = 0;
    self->lost_since = 0;
    if (!strcmp(target, self->current) && self->state == ENLACE_STATE_CONNECTED)
        return ENLACE_OK;
    /* A socket of its own for the next hub: frames queued for this one
     * (resent after the move anyway) must not reach it late. */
    enl_socket_close(self);
    if (enl_socket_open(self) != ENLACE_OK)
        return ENLACE_EIO;
    snprintf(self->left, sizeof self->left, "%s", self->current);
    snprintf(self->current, sizeof self->current, "%s", target);
    if (zmq_connect(self->dealer, self->current) != 0)
        return enl_fail(self, ENLACE_EINVAL, "cannot connect to '%s': %s", self->current,
            zmq_strerror(zmq_errno()));
    /* From here on it is a reconnect: the handshake brings conn.c's restore. */
    enl_set_state(self, ENLACE_STATE_RECONNECTING);
    self->lost_since = enl_now_ms();
    return ENLACE_OK;
}

void
enl_failover_schedule(enlace_client_t *self, const char *to, int delay_ms)
{
    if (self->nendpoints < 2 && !(to && *to))
        return;
    snprintf(self->switch_to, sizeof self->switch_to, "%s", to ? to : "");
    int64_t at = enl_now_ms() + delay_ms;
    if (!self->switch_at || at < self->switch_at)
        self->switch_at = at;
}

void
enl_failover_lost(enlace_client_t *self, const char *endpoint, int refused)
{
    if (strcmp(endpoint, self->current) != 0)
        return; /* an event of a connection already left behind */
    if (!self->lost_since)
        self->lost_since = enl_now_ms();
    if (refused && self->nendpoints > 1)
        enl_failover_schedule(self, NULL, 0);
}

int
enl_failover_tick(enlace_client_t *self, int wait_ms)
{
    /* Not while enlace_connect tries the hubs itself. */
    if (!self->opened || (self->nendpoints < 2 && !self->switch_at))
        return wait_ms;
    int64_t now = enl_now_ms();
    if (self->switch_at && now >= self->switch_at) {
        char to[sizeof self->switch_to];
        snprintf(to, sizeof to, "%s", self->switch_to);
        self->switch_to[0] = '\0';
        enl_failover_switch(self, to);
        now = enl_now_ms();
    } else if (self->state == ENLACE_STATE_RECONNECTING && self->lost_since && self->nendpoints > 1
        && now - self->lost_since >= ENL_FAILOVER_MS) {
        enl_failover_switch(self, NULL);
        now = enl_now_ms();
    }
    /* Wake in time for what is due. */
    int64_t due = self->switch_at ? self->switch_at
        : self->state == ENLACE_STATE_RECONNECTING && self->lost_since
        ? self->lost_since + ENL_FAILOVER_MS
        : 0;
    if (due) {
        int64_t left = due > now ? due - now : 0;
        if (wait_ms < 0 || left < wait_ms)
            wait_ms = (int)left;
    }
    return wait_ms;
}

void
enl_not_leader(enlace_client_t *self, const char *leader)
{
    /* A hub naming itself (a hub that stepped down and has not yet seen
     * its old leader key go) knows no leader: staying would leave the
     * publishes it refused unsent until something else moved us. */
    if (leader && *leader && !strncmp(leader, "tcp://", 6) && strcmp(leader, self->current) != 0)
        enl_failover_schedule(self, leader, 0);
    else
        enl_failover_schedule(self, NULL, ENL_NO_LEADER_MS);
}

const char *
enlace_hub_endpoint(const enlace_client_t *self)
{
    return self ? self->current : "";
}
