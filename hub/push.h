/*
 * push: what goes out of band, before routine traffic, once committed: a
 * new urgent alert to the officers it concerns (alert_rules.h), the hub's
 * notices to the officers they name, and the open alerts of an officer who
 * says Hello. Out-of-band deliveries take no credit and must not be
 * acknowledged; the same message may also arrive in band.
 */
#ifndef ENLACE_PUSH_H
#define ENLACE_PUSH_H

#include "hub_int.h"

void push_alert(hub_t *self, uint64_t seq);
void push_notice(hub_t *self, uint64_t seq, const char *recipients);
/* Re-delivers to session s every open alert its officer must acknowledge
 * or was escalated to, oldest first. */
void push_on_hello(hub_t *self, session_t *s);

#endif
