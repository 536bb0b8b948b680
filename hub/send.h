/*
 * send: the one way bytes leave the hub: a serialized frame to one
 * connection of the ROUTER socket.
 */
#ifndef ENLACE_SEND_H
#define ENLACE_SEND_H

#include <stddef.h>
#include <stdint.h>

#include "hub_int.h"

/* 0 sent, 1 the peer's pipe is full (retry later), -1 the peer is gone. */
int send_raw(hub_t *self, const uint8_t *rid, size_t rid_len, const void *data, size_t len);

#endif
