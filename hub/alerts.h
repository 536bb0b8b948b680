/*
 * alerts: urgent case alerts, as requests meet them. A publish that carries
 * an alert is checked (alerts_check) and, in the same request, recorded with
 * one target per concerned country (alerts_stored); acknowledgements, the
 * alert board and CAP export are requests of their own (handle.h); case
 * threads and reviews show an alert's status (alerts_status). Pushes are
 * push.c's, escalations escalate.c's, the rules alert_rules.c's.
 *
 * All state lives in the archive (alerts, alert_targets, alert_events), so
 * it survives a restart; every step is in the batch with the message that
 * announces it.
 */
#ifndef ENLACE_ALERTS_H
#define ENLACE_ALERTS_H

#include <stddef.h>

#include "handle.h"

/* Checks the alert part of a publish (if any) on topic, labelled tlp for the
 * comma-separated recipients, and the case it names (if any): NULL if
 * acceptable, else why not (static, or written into why). */
const char *alerts_check(const req_t *r, const Enlace__Content *c, const char *topic, int tlp,
    const char *recipients, char *why, size_t cap);

/* In the publish's request, after the message row: records the alert, its
 * targets, and closes the alerts an update or cancellation references.
 * Returns 1 if it must be pushed out of band after the commit, 0 if not, -1
 * on archive failure. */
int alerts_stored(const req_t *r, const Enlace__Content *c, uint64_t seq, const char *topic,
    const char *network, int64_t stored_ms);

/* The AlertStatus of one alert (for lists and case threads) and the decoded
 * content its `alert` field points into. */
typedef struct {
    Enlace__AlertStatus st;
    Enlace__Content *content; /* owned */
} alerts_status_t;

/* NULL if `who` may not see the alert. Free with alerts_status_free. */
alerts_status_t *alerts_status(const hub_env_t *env, const dir_entry_t *who, uint64_t seq,
    int64_t now_ms);
void alerts_status_free(alerts_status_t *status);

#endif
