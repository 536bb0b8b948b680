/*
 * test_failover: client/lib/failover.c, where a client of a cluster goes
 * when a hub answers ERR_NOT_LEADER. The client is attached to a plain
 * DEALER (enl_client_attach) with two hubs in its list; nothing listens:
 * only the move it schedules is looked at.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "check.h"
#include "enl.h"

#define HUB_A "tcp://127.0.0.1:9"
#define HUB_B "tcp://127.0.0.1:10"

static void *s_ctx;

static enlace_client_t *
s_client(void)
{
    enlace_client_t *c = enl_client_attach(s_ctx, HUB_A, 1000);
    CHECK(c != NULL);
    if (c)
        CHECK(enl_endpoints_set(c, HUB_A "," HUB_B) == ENLACE_OK);
    return c;
}

static void
goes_at_once_to_the_leader_a_follower_names(void)
{
    enlace_client_t *c = s_client();
    if (!c)
        return;
    int64_t before = enl_now_ms();
    enl_not_leader(c, HUB_B);
    CHECK_STREQ(c->switch_to, HUB_B);
    CHECK(c->switch_at != 0 && c->switch_at <= enl_now_ms() && c->switch_at >= before);
    enlace_close(&c);
}

/* Regression: a leader that stepped down while etcd had no majority kept
 * its leader key (etcd renews leases when it regains a leader), named
 * itself in ERR_NOT_LEADER, and the client "moved" to where it was: the
 * publishes that hub refused were never resent, and waited until their
 * timeout although another hub led again within seconds. */
static void
a_hub_naming_itself_is_a_hub_that_knows_no_leader(void)
{
    enlace_client_t *c = s_client();
    if (!c)
        return;
    int64_t before = enl_now_ms();
    enl_not_leader(c, HUB_A);
    CHECK_STREQ(c->switch_to, ""); /* the next hub of the list */
    CHECK(c->switch_at >= before + ENL_NO_LEADER_MS);
    enlace_close(&c);
}

static void
no_leader_named_moves_to_the_next_hub_after_a_moment(void)
{
    enlace_client_t *c = s_client();
    if (!c)
        return;
    int64_t before = enl_now_ms();
    enl_not_leader(c, "");
    CHECK_STREQ(c->switch_to, "");
    CHECK(c->switch_at >= before + ENL_NO_LEADER_MS);
    enlace_close(&c);
}

int
main(void)
{
    s_ctx = zmq_ctx_new();
    if (!s_ctx)
        return EXIT_FAILURE;
    RUN(goes_at_once_to_the_leader_a_follower_names);
    RUN(a_hub_naming_itself_is_a_hub_that_knows_no_leader);
    RUN(no_leader_named_moves_to_the_next_hub_after_a_moment);
    zmq_ctx_term(s_ctx);
    return CHECK_DONE();
}
