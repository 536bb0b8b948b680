/*
 * raw: a minimal enlace client on libzmq directly, for the benchmark only.
 *
 * Many raw clients share one ZeroMQ context (libenlace gives every client a
 * context of its own, with two threads and a monitor, which does not scale to
 * thousands in one process). A raw client speaks the real protocol over a
 * real CURVE connection authenticated by ZAP, but it never verifies
 * signatures: it measures the hub, not the recipients.
 *
 * Not thread-safe: one thread uses a raw client at a time.
 */
#ifndef ENLACE_BENCH_RAW_H
#define ENLACE_BENCH_RAW_H

#include <stdint.h>

#include "bench.h"
#include "enlace.pb-c.h"

typedef struct {
    void *sock;          /* DEALER; owned */
    uint64_t next_rid;   /* last request id used */
    uint64_t last_seq;   /* highest delivery seen */
    uint64_t acked_seq;  /* last cumulative ack sent */
    unsigned unacked;    /* deliveries since the last ack */
    uint64_t received;   /* deliveries counted */
    int state;           /* RAW_* below */
    const char *pattern; /* subscribed to on Welcome, or NULL; not owned */
    int from_start;
} raw_client_t;

enum { RAW_CONNECTING = 0, RAW_WELCOMED, RAW_SUBSCRIBED, RAW_FAILED };

/* A context for up to max_sockets raw clients. NULL on failure. */
void *raw_ctx_new(int io_threads, int max_sockets);

/* Opens a CURVE DEALER to the fixture's hub as officer o and queues Hello
 * (sent when the handshake completes); on Welcome, raw_pump subscribes to
 * pattern (a static string) if it is not NULL. Returns 0 or -1. */
int raw_open(raw_client_t *r, void *ctx, const fixture_t *f, const bench_officer_t *o,
    const char *pattern, int from_start);
void raw_close(raw_client_t *r);

int raw_bye(raw_client_t *r);
/* Acknowledges everything seen so far (if anything is new). */
void raw_ack(raw_client_t *r);

/* Takes one frame off the socket without waiting. 1: *out is a frame to
 * free with enlace__frame__free_unpacked; 0: nothing; -1: undecodable.
 * Deliveries are counted (and acknowledged every ack_every) before return. */
int raw_recv(raw_client_t *r, Enlace__Frame **out, unsigned ack_every);

/* Handles every frame waiting without blocking: Welcome (then Subscribe),
 * Subscribed, deliveries (counted and acknowledged); an Error marks the
 * client RAW_FAILED. Returns how many frames were taken. */
int raw_pump(raw_client_t *r, unsigned ack_every);

#endif
