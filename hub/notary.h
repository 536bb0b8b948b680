/*
 * notary: the hub's own identity, and the notices it writes with it
 * (escalations, release requests): messages like any other, signed with
 * the hub key, TLP:RED to the officers they name, stored in the open batch
 * and pushed to those officers out of band once committed.
 */
#ifndef ENLACE_NOTARY_H
#define ENLACE_NOTARY_H

#include <stdint.h>

#include "archive.h"
#include "batch.h"
#include "directory.h"
#include "enlace.pb-c.h"
#include "keys.h"

typedef struct notary notary_t;

/* Takes ownership of the hub's key (*key_p is set to NULL). NULL on
 * memory failure. */
notary_t *notary_new(keys_identity_t **key_p);
void notary_destroy(notary_t **self_p);

/* The hub key's fingerprint, and the hub as an author of messages. */
const char *notary_fingerprint(const notary_t *self);
const dir_entry_t *notary_entry(const notary_t *self);

/* Writes a notice on topic to the comma-separated recipients, from the
 * content template's fields (body, escalation, ...), in the caller's open
 * request (batch_begin), with stored time stored_ms; queues it for the
 * ring and for the push to its recipients. Returns its seq, or 0 if it
 * could not be stored (logged). */
uint64_t notary_store(notary_t *self, archive_t *archive, batch_t *batch, const char *topic,
    int tlp, const char *recipients, const Enlace__Content *tmpl, int64_t stored_ms);

#endif
