/*
 * rawclient: a hand-driven connection to the hub for the bad-input tests.
 *
 * A libzmq DEALER, with CURVE keys derived from an enlace key file (or with
 * no security at all), that sends whatever bytes the test built: frames
 * libenlace would never send. A socket monitor records handshake outcomes
 * and disconnects. Replies are decoded with the generated protocol code.
 *
 * Not thread-safe: one rawclient is used by one thread.
 */
#ifndef ENLACE_RAWCLIENT_H
#define ENLACE_RAWCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "enlace.pb-c.h"
#include "keys.h"

typedef struct rawclient rawclient_t;

typedef struct {
    const char *endpoint;   /* tcp://127.0.0.1:PORT */
    const char *hub_public; /* the hub's .public file; NULL: plaintext, no CURVE */
    const char *key_file;   /* our .secret file (required with hub_public) */
    /* If not NULL, used as the hub's CURVE key instead of hub_public's. */
    const uint8_t *server_curve_override;
} rawclient_opts_t;

/* Creates the socket and starts connecting (does not wait for the
 * handshake). Returns NULL and a reason in why on failure. The caller owns
 * the result (free with rawclient_destroy). */
rawclient_t *rawclient_new(const rawclient_opts_t *opts, char *why, size_t cap);

/* Closes the socket (linger 0) and frees everything. Accepts NULL; sets
 * *self_p to NULL. */
void rawclient_destroy(rawclient_t **self_p);

/* The identity loaded from key_file, owned by the client (NULL when
 * plaintext). */
const keys_identity_t *rawclient_identity(const rawclient_t *self);

/* A fresh request id (never 0). */
uint64_t rawclient_next_id(rawclient_t *self);

/* Monitor: returns the OR of every ZMQ_EVENT_* seen so far (reads pending
 * events first). */
int rawclient_events(rawclient_t *self);
/* Waits up to timeout_ms for any event in mask to have been seen; returns
 * the matching events seen, or 0 on timeout. */
int rawclient_wait_event(rawclient_t *self, int mask, int timeout_ms);
/* Forgets the events seen so far. */
void rawclient_clear_events(rawclient_t *self);

/* Sends one single-part message. Returns 0, or -1 (errno from libzmq). */
int rawclient_send(rawclient_t *self, const void *data, size_t len);
/* Sends one multipart message of n parts. */
int rawclient_send_parts(rawclient_t *self, const void *const *parts, const size_t *lens, int n);
/* Packs and sends a frame exactly as given (version and request_id too). */
int rawclient_send_frame(rawclient_t *self, const Enlace__Frame *frame);
/* Packs a frame into a new buffer (caller frees); *len gets its size. */
uint8_t *rawclient_pack(const Enlace__Frame *frame, size_t *len);

/* A tap: fn sees the bytes of every message received from the hub, as
 * received (before any decoding), for tests that check every byte a reader
 * gets. NULL removes it. */
typedef void (*rawclient_tap_fn)(const uint8_t *data, size_t len, void *arg);
void rawclient_set_tap(rawclient_t *self, rawclient_tap_fn fn, void *arg);

/* Receives the next message within timeout_ms. Returns the decoded frame
 * (caller frees with enlace__frame__free_unpacked), or NULL on timeout.
 * A message that does not decode or is multipart counts as a stray and
 * is returned as NULL too. */
Enlace__Frame *rawclient_recv(rawclient_t *self, int timeout_ms);

/* Waits up to timeout_ms for the reply carrying request_id (0 for the
 * hub's replies to frames it could not read), skipping deliveries; any
 * other frame received meanwhile counts as a stray. Caller frees. */
Enlace__Frame *rawclient_await(rawclient_t *self, uint64_t request_id, int timeout_ms);

/* Frames received that answered nothing we waited for. */
int rawclient_strays(const rawclient_t *self);
/* Receives for timeout_ms and returns how many messages arrived (each one
 * also counts as a stray). */
int rawclient_drain(rawclient_t *self, int timeout_ms);

/* Sends Hello and waits for Welcome. Returns 0 on Welcome; otherwise -1,
 * with the Error code (or -1 for no reply) in *code if code is not NULL. */
int rawclient_hello(rawclient_t *self, int timeout_ms, int *code);

/* Builds and sends a Publish of the given content bytes and signature
 * (any lengths) with a fresh request id; returns that id, 0 on send failure. */
uint64_t rawclient_publish(rawclient_t *self, const uint8_t *content, size_t content_len,
    const uint8_t *signature, size_t signature_len);

/* The same with a batch proof (BatchProof: index, size, path of any
 * length): the signature then covers the batch's root (merkle.h). */
uint64_t rawclient_publish_batch(rawclient_t *self, const uint8_t *content, size_t content_len,
    const uint8_t *signature, size_t signature_len, uint32_t index, uint32_t size,
    const uint8_t *path, size_t path_len);

/* Sends a Ping with a fresh request id; returns it, 0 on send failure. */
uint64_t rawclient_ping(rawclient_t *self);

/* Hand-built protobuf: a growing byte buffer and the few encodings the
 * tests need, so a frame can hold what the generated code would never
 * write (a NUL inside a string, unknown fields, any field order). */
typedef struct {
    uint8_t *data; /* owned: free() it */
    size_t len, cap;
} rawbuf_t;

void rawbuf_put(rawbuf_t *b, const void *p, size_t n);
void rawbuf_varint(rawbuf_t *b, uint64_t v);
void rawbuf_field_varint(rawbuf_t *b, uint32_t field, uint64_t v);
void rawbuf_field_bytes(rawbuf_t *b, uint32_t field, const void *p, size_t n);
/* A Frame header (version, request_id) followed by one length-delimited
 * body field holding `body`. */
rawbuf_t rawbuf_frame(uint32_t version, uint64_t request_id, uint32_t body_field, const void *body,
    size_t body_len);

/* A Content serialized by hand, so every field may hold any bytes (a NUL
 * inside the topic, a short author key). */
typedef struct {
    const uint8_t *id; /* 16 bytes; NULL: random */
    const char *topic;
    size_t topic_len;          /* 0: strlen(topic) */
    const uint8_t *author_key; /* NULL: the signer's own public key */
    size_t author_key_len;
    const void *body;      /* NULL: a short fixed text */
    size_t body_len;       /* 0: strlen(body) */
    int tlp;               /* 0: not sent (AMBER) */
    const char *recipient; /* one named recipient, as bytes, or NULL */
    size_t recipient_len;
} rawclient_content_t;

/* Serializes spec (signer supplies the default author key). The caller
 * frees the result's data. */
rawbuf_t rawclient_content(const rawclient_content_t *spec, const keys_identity_t *signer);

/* The hub's short name for an ErrorCode, e.g. "bad-topic" (static). */
const char *rawclient_code_name(int code);

/* A short name for a frame's body, e.g. "error(bad-topic)" (static). */
const char *rawclient_describe(const Enlace__Frame *frame);

#endif
