/*
 * scen_anchor.c: the `anchor` scenario: enlace rounds interleaved with
 * Mosquitto rounds on the same machine in the same minutes, so that
 * whatever else the machine does hits both alike; bench.c prints each pair
 * side by side with the ratio of the medians.
 *
 * Pairs: enlace end to end (1 pub -> 1 sub, 1 KiB, delivered) against
 * Mosquitto QoS 1 with persistence; enlace fan-out to 10 subscribers
 * (libenlace, verifying; and raw, the hub alone) against Mosquitto QoS 0
 * fan-out to 10, measured once beside each. The enlace rounds are the ingest and fanout scenarios'
 * own (ingest_round, fanout_round_*), recorded under rows of their own here.
 */
#include <math.h>
#include <stdio.h>

#include "anchor.h"
#include "bench.h"

#define ROW_E2E "anchor: " INGEST_E2E_ROW
#define ROW_LIB10 "anchor: " FANOUT_LIB10_ROW
#define ROW_RAW10 "anchor: " FANOUT_RAW10_ROW
#define ROW_MQ1 "anchor: mosquitto QoS 1, persistence: 1 pub -> 1 sub, 1 KiB"
#define ROW_MQ0_LIB "anchor: mosquitto QoS 0: 1 pub -> 10 subs (next to libenlace)"
#define ROW_MQ0_RAW "anchor: mosquitto QoS 0: 1 pub -> 10 subs (next to raw)"

/* Mosquitto's fan-out takes far less time per delivery than enlace's: it
 * gets this many times the raw fan-out's messages, so that a round lasts
 * long enough (about a second) to be measured. */
#define MQ0_SCALE 4

typedef enum { STEP_E2E, STEP_MQ1, STEP_LIB10, STEP_MQ0_LIB, STEP_RAW10, STEP_MQ0_RAW } step_t;

typedef struct {
    int have;        /* Mosquitto can be measured */
    const char *why; /* why not */
    long n_e2e, n_lib, n_raw, n_mq0;
} plan_t;

/* Runs one round and records it; a Mosquitto row without Mosquitto becomes
 * a text row that says why. */
static void
s_step(const bench_opts_t *o, const plan_t *p, step_t step)
{
    switch (step) {
    case STEP_E2E:
        bench_record(ROW_E2E, "msg/s", ingest_round(o, 1, p->n_e2e, 1024, 1));
        break;
    case STEP_LIB10:
        bench_record(ROW_LIB10, "deliv/s", fanout_round_lib(o, 10, p->n_lib));
        break;
    case STEP_RAW10:
        bench_record(ROW_RAW10, "deliv/s", fanout_round_raw(o, 10, p->n_raw));
        break;
    case STEP_MQ1:
        if (p->have)
            bench_record(ROW_MQ1, "msg/s", anchor_round_qos1(o, p->n_e2e));
        else
            bench_text(ROW_MQ1, p->why);
        break;
    case STEP_MQ0_LIB:
    case STEP_MQ0_RAW: {
        const char *row = step == STEP_MQ0_LIB ? ROW_MQ0_LIB : ROW_MQ0_RAW;
        if (p->have)
            bench_record(row, "deliv/s", anchor_round_fanout(o, 10, p->n_mq0));
        else
            bench_text(row, p->why);
        break;
    }
    }
}

void
scenario_anchor(const bench_opts_t *o)
{
    char why[96] = "", what[256] = "";
    int have = anchor_open(why, sizeof why) == 0;
    if (have)
        anchor_describe(what, sizeof what);
    long n_e2e = ingest_messages(o);
    long n_lib = fanout_messages(o, 10, 0), n_raw = fanout_messages(o, 10, 1);
    long n_mq0 = n_raw * MQ0_SCALE;
    plan_t plan =
        {.have = have, .why = why, .n_e2e = n_e2e, .n_lib = n_lib, .n_raw = n_raw, .n_mq0 = n_mq0};
    /* Rounds alternate between the two systems, each enlace round beside a
     * Mosquitto round of its own (the QoS 0 fan-out runs twice per run, one
     * next to each enlace fan-out); enlace leads on even runs and Mosquitto
     * on odd ones (A B A B A B, then B A B A B A), so that neither always
     * follows the other. */
    static const step_t even[] = {STEP_E2E, STEP_MQ1, STEP_LIB10, STEP_MQ0_LIB, STEP_RAW10,
        STEP_MQ0_RAW};
    static const step_t odd[] = {STEP_MQ1, STEP_E2E, STEP_MQ0_LIB, STEP_LIB10, STEP_MQ0_RAW,
        STEP_RAW10};
    for (int run = 0; run < o->runs; run++)
        for (size_t k = 0; k < sizeof even / sizeof even[0]; k++)
            s_step(o, &plan, run % 2 ? odd[k] : even[k]);
    if (!have) {
        bench_note("anchor: no Mosquitto figures (%s): `bash contrib/deps.sh --bench` installs "
                   "mosquitto and libmosquitto-dev, then `meson setup --reconfigure build` "
                   "finds libmosquitto",
            why);
    } else {
        anchor_close();
        bench_note("anchor: %s; each round its own broker (mosquitto -c, a child process) on a "
                   "free 127.0.0.1 port, persistence true in a temporary directory, "
                   "allow_anonymous true, max_queued_messages 0 (no drops), MQTT 3.1.1, "
                   "clients with libmosquitto's network thread. Not like for like: Mosquitto "
                   "runs plain TCP with no authentication and no signatures, enlace CURVE, "
                   "ZAP, Ed25519 checked by the hub (and by every libenlace subscriber)",
            what);
        bench_note("anchor: Mosquitto QoS 1: %ld messages, publisher and subscriber QoS 1, at "
                   "most %d publishes without PUBACK (MOSQ_OPT_SEND_MAXIMUM %d); rate = "
                   "messages / (last delivery - first publish). Its persistence writes the "
                   "in-memory store to mosquitto.db at autosave_interval (30 min) and at exit, "
                   "while enlace commits every message to SQLite before Stored",
            n_e2e, BENCH_WINDOW, BENCH_WINDOW);
        bench_note("anchor: Mosquitto QoS 0 fan-out: %ld messages to 10 subscribers, the "
                   "publisher at most %d messages ahead of the slowest (QoS 0 has no "
                   "acknowledgement); rate = all deliveries / (last delivery - first publish); "
                   "enlace's rows as in ingest and fanout (%ld, %ld and %ld messages)",
            n_mq0, BENCH_WINDOW, n_e2e, n_lib, n_raw);
    }
    bench_note("anchor: rounds interleaved (enlace, Mosquitto, enlace, ...; Mosquitto leads "
               "on odd runs); a fresh hub or broker per round");
    bench_pair("e2e 1->1, 1 KiB / QoS 1 persistent", ROW_E2E, ROW_MQ1);
    bench_pair("fan-out 1->10 libenlace / QoS 0", ROW_LIB10, ROW_MQ0_LIB);
    bench_pair("fan-out 1->10 raw (hub only) / QoS 0", ROW_RAW10, ROW_MQ0_RAW);
}
