/*
 * deliver: the delivery pump. Each session gets, in sequence order, every
 * committed message it subscribed to and may see (disclose.h, the live
 * path), from the ring of recent messages or read back from the archive,
 * never more than its window unacknowledged (flow.h).
 */
#ifndef ENLACE_DELIVER_H
#define ENLACE_DELIVER_H

#include "hub_int.h"

/* Pumps every session; drops those whose peer is gone. */
void deliver_pump_all(hub_t *self);

/* Closes a session: saves its cursors (in the open batch) and forgets it. */
void deliver_drop_session(hub_t *self, session_t *s, const char *why);

/* Saves every session's moved cursors in the open batch, so that they
 * commit with the acknowledgements that moved them. */
void deliver_save_cursors(hub_t *self);

/* The Delivery frame of an archived message (its author from the
 * directory, or the hub). 0, or -1. */
int deliver_frame(hub_t *self, const archive_msg_t *m, int out_of_band, uint8_t **out, size_t *len);

#endif
