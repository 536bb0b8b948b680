/*
 * anchor.h: Mosquitto, the benchmark's anchor (the `anchor` scenario).
 *
 * enlace's figures alone say little on a shared two-core machine; the same
 * machine, in the same minutes, measuring a well-known broker says how far
 * off they are. Each round starts its own Mosquitto (Debian's `mosquitto`
 * package) as a child process on a free 127.0.0.1 port, with a
 * mosquitto.conf in a fresh temporary directory (persistence on, anonymous
 * clients), drives it with libmosquitto clients in this process, and stops
 * it (SIGTERM to that one PID, then waits for it).
 *
 * Without libmosquitto at build time (meson finds it as an optional
 * dependency; ENLACE_BENCH_MOSQUITTO is then defined) or without the broker
 * binary, anchor_open says why and the scenario prints that in place of the
 * figures.
 */
#ifndef ENLACE_BENCH_ANCHOR_H
#define ENLACE_BENCH_ANCHOR_H

#include <stddef.h>

#include "bench.h"

/* Finds the broker (PATH, then /usr/sbin/mosquitto) and initialises
 * libmosquitto. Returns 0, or -1 with a short reason in why (e.g. "no
 * mosquitto: deps.sh --bench"). Pair a 0 with anchor_close. */
int anchor_open(char *why, size_t cap);
/* Releases libmosquitto. */
void anchor_close(void);
/* "mosquitto 2.0.11 (/usr/sbin/mosquitto), libmosquitto 2.0.11" into out;
 * only after a successful anchor_open. */
void anchor_describe(char *out, size_t cap);

/* One round each, on a fresh broker; each returns the rate, NaN on failure.
 *
 * QoS 1, one publisher to one subscriber (both QoS 1), msgs payloads of
 * 1 KiB, at most BENCH_WINDOW publishes without PUBACK: messages/s received
 * by the subscriber, from just before the first publish to the last
 * delivery (as ingest_round with a subscriber). */
double anchor_round_qos1(const bench_opts_t *o, long msgs);
/* QoS 0, one publisher to nsubs subscribers, msgs payloads of 1 KiB, the
 * publisher at most BENCH_WINDOW messages ahead of the slowest subscriber
 * (QoS 0 has no acknowledgement to count): all deliveries / (last delivery
 * - first publish), as fanout_round_lib. */
double anchor_round_fanout(const bench_opts_t *o, int nsubs, long msgs);

#endif
