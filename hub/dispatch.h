/*
 * dispatch: from a received ZeroMQ message to its handler (see dispatch.c).
 */
#ifndef ENLACE_DISPATCH_H
#define ENLACE_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "hub_int.h"

/* The receive batch's slots (HUB_BATCH_MAX of them); NULL on no memory. */
struct inbound *dispatch_inbound_new(void);
void dispatch_inbound_free(struct inbound **inbound_p);

/* Receives up to HUB_BATCH_MAX frames into self->inbound; returns how many. */
int dispatch_receive(hub_t *self);
/* Handles n received frames (already in self->inbound) as one batch. */
void dispatch_handle(hub_t *self, int n);

/* For the dispatch fuzzer: puts n frames from connection rid, authenticated
 * as fingerprint user, into self->inbound (see hub_test_feed). */
int dispatch_fake(hub_t *self, const char *user, const uint8_t *rid, size_t rid_len,
    const void *const *frames, const size_t *lens, const uint8_t *multipart, int n);

#endif
