/*
 * recent.c: fixed-size ring indexed by seq modulo capacity.
 */
#include "recent.h"

#include <stdlib.h>
#include <string.h>

struct recent {
    recent_msg_t *slots; /* capacity entries; owned */
    size_t capacity;
};

recent_t *
recent_new(size_t capacity)
{
    recent_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->slots = calloc(capacity, sizeof *self->slots);
    if (!self->slots) {
        free(self);
        return NULL;
    }
    self->capacity = capacity;
    return self;
}

void
recent_msg_clear(recent_msg_t *msg)
{
    free(msg->topic);
    free(msg->recipients);
    free(msg->frame);
    memset(msg, 0, sizeof *msg);
}

void
recent_destroy(recent_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    recent_t *self = *self_p;
    for (size_t i = 0; i < self->capacity; i++)
        recent_msg_clear(&self->slots[i]);
    free(self->slots);
    free(self);
    *self_p = NULL;
}

void
recent_put(recent_t *self, recent_msg_t *msg)
{
    recent_msg_t *slot = &self->slots[msg->seq % self->capacity];
    recent_msg_clear(slot);
    *slot = *msg;
    memset(msg, 0, sizeof *msg);
}

const recent_msg_t *
recent_get(const recent_t *self, uint64_t seq)
{
    const recent_msg_t *slot = &self->slots[seq % self->capacity];
    return slot->seq == seq && seq != 0 ? slot : NULL;
}

void
recent_relabel(recent_t *self, uint64_t seq, int tlp, int handling)
{
    recent_msg_t *slot = &self->slots[seq % self->capacity];
    if (slot->seq == seq && seq != 0) {
        slot->tlp = tlp;
        slot->handling = handling;
    }
}
