/*
 * feed: what the console's pages see live. A bounded ring of the latest
 * deliveries (each already a compact JSON text, numbered from 1 in arrival
 * order), the hub connection's state, and the Server-Sent Events streams
 * that read them. The engine thread pushes; each stream's HTTP thread
 * blocks in web_feed_read until there is something new for it. A page that
 * reloads gets the ring again, so the inbox survives a reload; the oldest
 * deliveries give way when the ring is full (History has them all).
 */
#ifndef ENLACE_WEB_FEED_H
#define ENLACE_WEB_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct web_feed web_feed_t;

/* A ring of capacity deliveries. NULL on failure. */
web_feed_t *web_feed_new(size_t capacity);
/* Frees the ring. Every stream must be gone. Accepts NULL; sets *self_p NULL. */
void web_feed_destroy(web_feed_t **self_p);

/* Adds one event (ownership of json, a NUL-terminated compact JSON text
 * without newlines, passes to the feed) and wakes the streams. Returns its
 * id (> 0), or 0 if json was NULL. */
uint64_t web_feed_push(web_feed_t *self, char *json);

/* The hub connection's state as the pages show it: "connected",
 * "reconnecting" or "closed" (a static string). Streams send it at once. */
void web_feed_set_state(web_feed_t *self, const char *state);
const char *web_feed_state(web_feed_t *self);

/* Ends every stream (web_feed_read returns -1 from now on). */
void web_feed_stop(web_feed_t *self);

/* One stream's position. */
typedef struct web_stream web_stream_t;

/* A new stream that has seen the deliveries up to last_id (0: none, so it
 * gets the whole ring), or NULL when max_streams are open already. */
web_stream_t *web_feed_open(web_feed_t *self, uint64_t last_id, size_t max_streams);
void web_feed_close(web_feed_t *self, web_stream_t **stream_p);

/* Writes the stream's next Server-Sent Events text into buf (at most max
 * bytes): the state if it changed since the stream last saw it, then
 * deliveries it has not seen, as "id: N\nevent: message\ndata: JSON\n\n"
 * (a long event continues in the next call). Waits up to timeout_ms for
 * something to send; on timeout writes a keep-alive comment. Returns the
 * bytes written, or -1 once the feed is stopped. */
ssize_t web_feed_read(web_feed_t *self, web_stream_t *stream, char *buf, size_t max,
    int timeout_ms);

/* Deliveries pushed so far, and streams open (for tests and the log). */
uint64_t web_feed_last_id(web_feed_t *self);
size_t web_feed_streams(web_feed_t *self);

#endif
