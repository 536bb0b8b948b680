/*
 * cap: an alert as OASIS Common Alerting Protocol 1.2 XML, written with
 * libxml2's xmlTextWriter (every value escaped by the writer).
 *
 * Mapping (also in README):
 *   identifier   enlace-<message id, 32 hex>       sender  enlace:<author fingerprint>
 *   sent         stored time, YYYY-MM-DDThh:mm:ss-00:00
 *   status       Actual | Exercise | System | Test | Draft
 *   msgType      Alert | Update | Cancel            references  sender,identifier,sent ...
 *   scope        Public (TLP:CLEAR), Private + addresses (TLP:RED), else
 *                Restricted + restriction "TLP:<label>, CRM <network> network"
 *   code         TLP:<label>, enlace-priority:<priority>    incidents  case-<id>
 *   info         language es|en, category (table in cap.c), event, urgency,
 *                severity, certainty, expires, senderName, headline,
 *                description (the body), parameters (enlacePriority,
 *                enlaceSequence, enlaceTopic, concernedCountries), area
 *                (areaDesc; one geocode "ISO 3166-1 alpha-2" per country)
 *   sealed       (PROTOCOL.md 6) no headline, no description, no form
 *                parameters: the envelope only, with parameter enlaceSealed
 *                true and the signed content, whose sealed part only its
 *                recipients and the ST's archive key open
 */
#ifndef ENLACE_CAP_H
#define ENLACE_CAP_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "directory.h"
#include "disclose.h"

/* Writes the CAP XML of the alert stored under seq into *xml (caller frees),
 * as `reader` may see it (disclose.h): nothing if the reader may not see
 * the alert itself; the case form's fields only if the reader may see the
 * message that holds them; references only to alerts the reader may see.
 * Returns 0, or -1 with a reason in err (over the wire, a reader is told
 * the same whether the alert does not exist or is hidden). */
int cap_export(archive_t *archive, const disclose_reader_t *reader, const char *hub_fingerprint,
    uint64_t seq, char **xml, char *err, size_t errlen);

#endif
