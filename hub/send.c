/*
 * send.c: see send.h.
 */
#include "send.h"

#include <errno.h>

#include <zmq.h>

int
send_raw(hub_t *self, const uint8_t *rid, size_t rid_len, const void *data, size_t len)
{
    if (zmq_send(self->router, rid, rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return errno == EAGAIN ? 1 : -1;
    if (zmq_send(self->router, data, len, ZMQ_DONTWAIT) < 0)
        return -1; /* cannot happen after the first part was accepted */
    return 0;
}
