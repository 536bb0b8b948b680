/*
 * zap: the ZeroMQ Authentication Protocol (RFC 27) handler.
 *
 * Runs in its own thread with its own read connection to the archive and
 * answers libzmq's CURVE handshakes: a client key that belongs to a
 * registered, active (not revoked, in validity) officer key is admitted with
 * User-Id = that key's fingerprint; anything else is refused (status 400).
 * It must be started before the ROUTER socket binds.
 */
#ifndef ENLACE_ZAP_H
#define ENLACE_ZAP_H

#include <stddef.h>

#define ZAP_DOMAIN "enlace"

typedef struct zap zap_t;

/* Binds inproc://zeromq.zap.01 in ctx and starts the thread. */
zap_t *zap_start(void *ctx, const char *archive_path, char *err, size_t errlen);
/* Stops the thread and closes its socket. Accepts NULL. */
void zap_stop(zap_t **self_p);

#endif
