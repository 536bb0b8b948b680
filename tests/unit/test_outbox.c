/*
 * test_outbox: client/lib/outbox.c, the publishes libenlace has sent and
 * the hub has not answered: the window, the resend after a reconnect (byte
 * for byte, in request order), the flush of what a full pipe refused,
 * results collected by ticket, and batches: the contents queued together
 * signed once, each frame carrying its own audit path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "enl.h"
#include "sigcache.h"

/* A frame of n bytes, all equal to tag. */
static uint8_t *
s_frame(uint8_t tag, size_t n)
{
    uint8_t *f = malloc(n);
    if (f)
        memset(f, tag, n);
    return f;
}

/* What a send callback saw, and when it refuses. */
typedef struct {
    uint8_t tags[16];
    size_t lens[16];
    int n;
    int refuse_from; /* refuse the k-th call on (0-based); -1 never */
} capture_t;

static int
s_capture(void *arg, const void *data, size_t len)
{
    capture_t *c = arg;
    if (c->refuse_from >= 0 && c->n >= c->refuse_from)
        return -1;
    if (c->n < 16) {
        c->tags[c->n] = ((const uint8_t *)data)[0];
        c->lens[c->n] = len;
    }
    c->n++;
    return 0;
}

static void
holds_at_most_a_window(void)
{
    enl_outbox_t ob;
    enl_outbox_init(&ob);
    uint64_t id = 1;
    for (; id <= ENLACE_PUBLISH_WINDOW; id++) {
        CHECK(enl_outbox_room(&ob, id) == ENLACE_OK);
        enl_outbox_add(&ob, id, s_frame((uint8_t)id, 8), 8, 0);
    }
    CHECK(ob.count == ENLACE_PUBLISH_WINDOW);
    CHECK(enl_outbox_room(&ob, id) == ENLACE_ELIMIT);
    /* an answer frees one place */
    CHECK(enl_outbox_answer(&ob, 7, ENLACE_OK, 70, "") == 1);
    CHECK(enl_outbox_room(&ob, id) == ENLACE_OK);
    CHECK(ob.count == ENLACE_PUBLISH_WINDOW - 1);
    enl_outbox_fini(&ob);
}

static void
refuses_a_slot_still_taken(void)
{
    enl_outbox_t ob;
    enl_outbox_init(&ob);
    CHECK(enl_outbox_room(&ob, 5) == ENLACE_OK);
    enl_outbox_add(&ob, 5, s_frame(5, 4), 4, 0);
    /* the id that maps to the same slot, while 5 is unanswered */
    CHECK(enl_outbox_room(&ob, 5 + ENL_OUTBOX_SLOTS) == ENLACE_ELIMIT);
    CHECK(enl_outbox_answer(&ob, 5, ENLACE_OK, 1, "") == 1);
    CHECK(enl_outbox_room(&ob, 5 + ENL_OUTBOX_SLOTS) == ENLACE_OK);
    enl_outbox_fini(&ob);
}

static void
resends_everything_unanswered_byte_for_byte_in_order(void)
{
    enl_outbox_t ob;
    enl_outbox_init(&ob);
    for (uint64_t id = 10; id <= 13; id++) {
        CHECK(enl_outbox_room(&ob, id) == ENLACE_OK);
        enl_outbox_add(&ob, id, s_frame((uint8_t)id, 20 + id), 20 + id, id == 12);
    }
    CHECK(ob.unsent == 1);
    CHECK(enl_outbox_answer(&ob, 11, ENLACE_OK, 110, "") == 1);
    capture_t cap = {.refuse_from = -1};
    enl_outbox_send(&ob, 13, 1, s_capture, &cap); /* after a reconnect: all */
    CHECK(cap.n == 3);
    CHECK(cap.tags[0] == 10 && cap.lens[0] == 30);
    CHECK(cap.tags[1] == 12 && cap.lens[1] == 32);
    CHECK(cap.tags[2] == 13 && cap.lens[2] == 33);
    CHECK(ob.unsent == 0); /* 12 went out this time */
    CHECK(ob.count == 3);  /* still awaiting the hub's answers */
    enl_outbox_fini(&ob);
}

static void
flushes_only_what_the_pipe_refused_and_keeps_the_order(void)
{
    enl_outbox_t ob;
    enl_outbox_init(&ob);
    for (uint64_t id = 1; id <= 4; id++) {
        CHECK(enl_outbox_room(&ob, id) == ENLACE_OK);
        enl_outbox_add(&ob, id, s_frame((uint8_t)id, 8), 8, id >= 2);
    }
    CHECK(ob.unsent == 3);
    /* the pipe takes one, then is full again: 3 and 4 wait, in order */
    capture_t cap = {.refuse_from = 1};
    enl_outbox_send(&ob, 4, 0, s_capture, &cap);
    CHECK(cap.n == 1 && cap.tags[0] == 2);
    CHECK(ob.unsent == 2);
    capture_t rest = {.refuse_from = -1};
    enl_outbox_send(&ob, 4, 0, s_capture, &rest);
    CHECK(rest.n == 2 && rest.tags[0] == 3 && rest.tags[1] == 4);
    CHECK(ob.unsent == 0);
    /* nothing unsent: nothing sent */
    capture_t none = {.refuse_from = -1};
    enl_outbox_send(&ob, 4, 0, s_capture, &none);
    CHECK(none.n == 0);
    enl_outbox_fini(&ob);
}

static void
results_are_collected_by_ticket(void)
{
    enl_outbox_t ob;
    enl_outbox_init(&ob);
    for (uint64_t id = 1; id <= 3; id++) {
        CHECK(enl_outbox_room(&ob, id) == ENLACE_OK);
        enl_outbox_add(&ob, id, s_frame((uint8_t)id, 8), 8, 0);
    }
    CHECK(enl_outbox_has(&ob, 2));
    CHECK(enl_outbox_answer(&ob, 3, ENLACE_OK, 30, "") == 1);
    CHECK(enl_outbox_answer(&ob, 1, ENLACE_EDENIED, 0, "not a member of child") == 1);
    CHECK(enl_outbox_answer(&ob, 2, ENLACE_OK, 20, "") == 1);
    CHECK(!enl_outbox_has(&ob, 2));
    /* an answer to nothing outstanding (a stray, or answered twice) */
    CHECK(enl_outbox_answer(&ob, 2, ENLACE_OK, 21, "") == 0);
    CHECK(enl_outbox_answer(&ob, 99, ENLACE_OK, 99, "") == 0);
    /* by ticket */
    enl_result_t *r = enl_outbox_take(&ob, 1);
    CHECK(r && r->ticket == 1 && r->rc == ENLACE_EDENIED);
    CHECK(r && !strcmp(r->error, "not a member of child"));
    free(r);
    CHECK(enl_outbox_take(&ob, 1) == NULL);
    /* any: in the order the answers came */
    r = enl_outbox_take(&ob, 0);
    CHECK(r && r->ticket == 3 && r->seq == 30);
    free(r);
    r = enl_outbox_take(&ob, 0);
    CHECK(r && r->ticket == 2 && r->seq == 20);
    free(r);
    CHECK(enl_outbox_take(&ob, 0) == NULL);
    CHECK(ob.count == 0);
    enl_outbox_fini(&ob);
}

/* Decodes a sealed frame and checks its signature as the hub would: 1 if
 * content i of a batch of n verifies by pk through its own proof. */
static int
s_frame_verifies(const uint8_t *frame, size_t len, const uint8_t *pk, uint32_t i, uint32_t n,
    uint64_t request_id)
{
    Enlace__Frame *f = enlace__frame__unpack(NULL, len, frame);
    int ok = f && f->request_id == request_id && f->body_case == ENLACE__FRAME__BODY_PUBLISH
        && f->publish->batch && f->publish->batch->index == i && f->publish->batch->size == n
        && f->publish->signature.len == 64
        && sigcache_verify_batched(NULL, pk, f->publish->content.data, f->publish->content.len,
               f->publish->signature.data, i, n, f->publish->batch->path.data,
               f->publish->batch->path.len)
            == 0;
    /* and not with another message's index */
    if (ok && n > 1)
        ok = sigcache_verify_batched(NULL, pk, f->publish->content.data, f->publish->content.len,
                 f->publish->signature.data, (i + 1) % n, n, f->publish->batch->path.data,
                 f->publish->batch->path.len)
            != 0;
    enlace__frame__free_unpacked(f, NULL);
    return ok;
}

static void
seals_what_waits_into_one_batch_each_with_its_path(void)
{
    keys_identity_t *me = keys_identity_new();
    CHECK(me != NULL);
    if (!me)
        return;
    enl_outbox_t ob;
    enl_outbox_init(&ob);
    CHECK(enl_outbox_seal(&ob, me) == ENLACE_OK); /* nothing waits: nothing signed */
    CHECK(ob.batches == 0);
    for (uint64_t id = 1; id <= 5; id++) {
        CHECK(enl_outbox_room(&ob, id) == ENLACE_OK);
        enl_outbox_add_unsigned(&ob, id, s_frame((uint8_t)id, 10 + id), 10 + id);
    }
    CHECK(ob.count == 5 && ob.ntosign == 5 && ob.unsent == 0);
    /* not signed yet: nothing to send */
    capture_t none = {.refuse_from = -1};
    enl_outbox_send(&ob, 5, 1, s_capture, &none);
    CHECK(none.n == 0);
    CHECK(enl_outbox_seal(&ob, me) == ENLACE_OK);
    CHECK(ob.batches == 1 && ob.ntosign == 0 && ob.unsent == 5 && ob.count == 5);
    for (uint64_t id = 1; id <= 5; id++) {
        const enl_pending_t *o = &ob.slots[id % ENL_OUTBOX_SLOTS];
        CHECK(o->frame && !o->content);
        CHECK(o->frame
            && s_frame_verifies(o->frame, o->frame_len, keys_identity_public(me),
                (uint32_t)(id - 1), 5, id));
    }
    /* sent in request order, once */
    capture_t cap = {.refuse_from = -1};
    enl_outbox_send(&ob, 5, 0, s_capture, &cap);
    CHECK(cap.n == 5 && ob.unsent == 0);
    /* the next publish is a batch of its own */
    CHECK(enl_outbox_room(&ob, 6) == ENLACE_OK);
    enl_outbox_add_unsigned(&ob, 6, s_frame(6, 3), 3);
    CHECK(enl_outbox_seal(&ob, me) == ENLACE_OK);
    CHECK(ob.batches == 2);
    const enl_pending_t *six = &ob.slots[6 % ENL_OUTBOX_SLOTS];
    CHECK(six->frame
        && s_frame_verifies(six->frame, six->frame_len, keys_identity_public(me), 0, 1, 6));
    enl_outbox_fini(&ob);
    keys_identity_destroy(&me);
}

static void
an_answer_before_signing_leaves_the_batch(void)
{
    keys_identity_t *me = keys_identity_new();
    CHECK(me != NULL);
    if (!me)
        return;
    enl_outbox_t ob;
    enl_outbox_init(&ob);
    for (uint64_t id = 1; id <= 3; id++) {
        CHECK(enl_outbox_room(&ob, id) == ENLACE_OK);
        enl_outbox_add_unsigned(&ob, id, s_frame((uint8_t)id, 8), 8);
    }
    /* e.g. the key was revoked: every outstanding publish fails */
    CHECK(enl_outbox_answer(&ob, 2, ENLACE_EREVOKED, 0, "revoked") == 1);
    CHECK(ob.ntosign == 2 && ob.count == 2);
    CHECK(enl_outbox_seal(&ob, me) == ENLACE_OK);
    CHECK(ob.slots[1].frame
        && s_frame_verifies(ob.slots[1].frame, ob.slots[1].frame_len, keys_identity_public(me), 0,
            2, 1));
    CHECK(ob.slots[3].frame
        && s_frame_verifies(ob.slots[3].frame, ob.slots[3].frame_len, keys_identity_public(me), 1,
            2, 3));
    CHECK(ob.slots[2].frame == NULL && ob.slots[2].request_id == 0);
    enl_outbox_fini(&ob);
    keys_identity_destroy(&me);
}

int
main(void)
{
    RUN(holds_at_most_a_window);
    RUN(refuses_a_slot_still_taken);
    RUN(resends_everything_unanswered_byte_for_byte_in_order);
    RUN(flushes_only_what_the_pipe_refused_and_keeps_the_order);
    RUN(results_are_collected_by_ticket);
    RUN(seals_what_waits_into_one_batch_each_with_its_path);
    RUN(an_answer_before_signing_leaves_the_batch);
    return CHECK_DONE();
}
