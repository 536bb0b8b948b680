/*
 * commit: the end of a batch in the loop: the cursors that acknowledgements
 * moved are written, the batch commits (batch.h), and then the replies go
 * out and what waits for the commit is done: a stored message joins the
 * ring and the head moves, alerts and notices are pushed out of band,
 * labels change in the ring, the directory is reloaded, a new session gets
 * its open alerts.
 */
#ifndef ENLACE_COMMIT_H
#define ENLACE_COMMIT_H

#include "hub_int.h"

void commit_batch(hub_t *self);

#endif
