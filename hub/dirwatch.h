/*
 * dirwatch: keeps the directory snapshot current. When the archive changed
 * (offline administration moves its data_version), or when asked (SIGHUP,
 * administration over the wire, a key ZAP admitted that the snapshot does
 * not know yet), it loads a new snapshot and closes the sessions of keys no
 * longer active, telling them so.
 */
#ifndef ENLACE_DIRWATCH_H
#define ENLACE_DIRWATCH_H

#include "hub_int.h"

/* Reloads if the archive changed since the last load. */
void dirwatch_check(hub_t *self);
/* Reloads now. */
void dirwatch_reload(hub_t *self);

#endif
