/*
 * escalate: alert deadlines. When a concerned country has not acknowledged
 * an urgent or flash alert in time, the hub tells the next level with one
 * notice per level and country (level 1: every officer of that country in
 * the network who may read the alert; level 2: the PPT and the ST, the ST
 * only for a drill). A notice quotes only what every one of its recipients
 * may see (disclose.h, the NOTICE path). Each escalation is one request of
 * the batch: its notice and the target's new level commit together.
 */
#ifndef ENLACE_ESCALATE_H
#define ENLACE_ESCALATE_H

#include <stdint.h>

#include "handle.h"

/* Escalates every pending target whose deadline passed by now_ms. */
void escalate_due(const hub_env_t *env, int64_t now_ms);

#endif
