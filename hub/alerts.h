/*
 * alerts: urgent case alerts. Which countries must acknowledge, by when;
 * who is told first (the focal point, or failing one any officer of the
 * country), out of band and before routine traffic; what happens when a
 * deadline passes (level 1: every officer of that country in the network;
 * level 2: the PPT and the ST, the ST only for a drill); acknowledgements;
 * updates and cancellations that close earlier alerts.
 *
 * All state lives in the archive (alerts, alert_targets, alert_events), so
 * it survives a restart; every step is one transaction with the message that
 * announces it.
 */
#ifndef ENLACE_ALERTS_H
#define ENLACE_ALERTS_H

#include "hub_int.h"

/* Checks the alert part of a publish (if any), labelled tlp for the named
 * recipients (comma-separated): NULL if acceptable, else why not (static, or
 * written into why). Also checks the case it names, if any. */
const char *alerts_check(hub_t *self, const dir_entry_t *who, const Enlace__Content *c,
    const char *topic, int tlp, const char *recipients, char *why, size_t cap);

/* In the publish's transaction, after the message row: records the alert,
 * its targets, and closes the alerts an update or cancellation references.
 * Returns 1 if the alert must be pushed out of band after the commit, 0 if
 * not, -1 on archive failure. */
int alerts_stored(hub_t *self, const dir_entry_t *who, const Enlace__Content *c, uint64_t seq,
    const char *topic, const char *network, int64_t stored_ms);

/* After the commit: sends a new alert (out_of_band) to the connected
 * officers it concerns at level 0. */
void alerts_push(hub_t *self, uint64_t seq);

/* After the commit: sends a hub message (escalation) out of band to the
 * connected officers it names. */
void alerts_push_named(hub_t *self, uint64_t seq, const char *recipients);

/* A session said Hello: sends it every open alert it must acknowledge or
 * was escalated to, before anything else. */
void alerts_on_hello(hub_t *self, session_t *s, const dir_entry_t *who);

/* Escalates every pending target whose deadline passed. */
void alerts_tick(hub_t *self, int64_t now_ms);

void alerts_ack(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__AlertAck *a);
void alerts_query(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__AlertsQuery *q);
void alerts_cap(hub_t *self, session_t *s, const dir_entry_t *who, uint64_t request_id,
    const Enlace__CapExport *q);

/* The AlertStatus of one alert (for lists and case threads) and the decoded
 * content its `alert` field points into. */
typedef struct {
    Enlace__AlertStatus st;
    Enlace__Content *content; /* owned */
} alerts_status_t;

/* NULL if `who` may not see the alert. Free with alerts_status_free. */
alerts_status_t *alerts_status(hub_t *self, const dir_entry_t *who, uint64_t seq);
void alerts_status_free(alerts_status_t *status);

/* Names used on the command line and in CAP. */
const char *alerts_category_name(int category);
int alerts_category_parse(const char *name);
const char *alerts_priority_name(int priority);

#endif
