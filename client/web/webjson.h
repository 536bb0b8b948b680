/*
 * webjson: libenlace's typed results as the JSON the console's pages read.
 * Every string is the hub's (or an author's) text as it came, checked to be
 * UTF-8 by jansson: the page inserts it as text, never as markup. A result
 * whose text is not UTF-8 is left out of a list (a builder returns NULL);
 * a message body that is not UTF-8 comes as body_base64.
 */
#ifndef ENLACE_WEB_WEBJSON_H
#define ENLACE_WEB_WEBJSON_H

#include <stdint.h>

#include <jansson.h>

#include "enlace.h"

/* A message: its envelope, labels, author (verified), alert and escalation
 * parts, form, translation and body. received_ms: when the console got it
 * (0 for archived messages). */
json_t *web_delivery_json(const enlace_delivery_t *d, int64_t received_ms);
/* A case form: {"type": "death", "fields": {"deceased_name": "J. P.", ...}}. */
json_t *web_form_json(const enlace_form_t *form);
json_t *web_alert_json(const enlace_alert_status_t *a);
json_t *web_alerts_json(const enlace_alert_status_t *const *alerts, size_t n);
json_t *web_case_info_json(const enlace_case_info_t *c);
json_t *web_case_json(const enlace_case_t *c);
json_t *web_officer_json(const enlace_officer_t *o);
json_t *web_invitation_json(const enlace_invitation_t *inv);
json_t *web_audit_json(const enlace_audit_entry_t *e);
/* {"previous": {"year", "country"}, "current": ..., "next": ...} */
json_t *web_troika_json(const enlace_troika_t *t);
/* {"SECTION": {"KEY": value, ...}, ...} in the hub's order. */
json_t *web_stats_json(const enlace_stats_t *s);

#endif
