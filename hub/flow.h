/*
 * flow: a session's subscriptions and their durable cursors under
 * credit-based flow control. A cursor moves when everything up to it was
 * considered for the session and what was sent is acknowledged; it is
 * written to the archive in the batch that commits with the
 * acknowledgements that moved it, so a crash redelivers only what was
 * acknowledged after the last commit.
 */
#ifndef ENLACE_FLOW_H
#define ENLACE_FLOW_H

#include <stdint.h>

#include "archive.h"
#include "session.h"

#define FLOW_UNSET UINT64_MAX

/* Moves every subscription's cursor up to what the session has considered
 * and had acknowledged. */
void flow_advance(session_t *s);

/* A cumulative acknowledgement of deliveries up to seq: frees credit,
 * moves the cursors, rewinds a pending from-the-start subscription once
 * nothing is in flight. */
void flow_ack(session_t *s, uint64_t seq);

/* Writes the session's cursors that moved since they were last written,
 * in the caller's open request. 0, or -1 (archive_error). */
int flow_save(archive_t *archive, session_t *s);

/* 1 if a cursor of the session moved since it was last written. */
int flow_dirty(const session_t *s);

#endif
