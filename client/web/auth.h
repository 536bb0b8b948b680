/*
 * auth: who may use the console. At start the console makes a one-time
 * token (32 random bytes) and prints it, in hex, in the URL it gives the
 * officer. The page exchanges it, once, for a session: another 32 random
 * bytes, which the browser keeps in an HttpOnly, SameSite=Strict cookie
 * and sends with every request. A session that makes no request for
 * idle_ms ends: an open page asks something every 15 s (the banner), so
 * this ends the sessions of pages closed, or of a computer asleep, and of
 * any copy of their cookie. Secrets live in sodium_malloc memory and are
 * compared with sodium_memcmp. Thread-safe (one mutex): the HTTP threads
 * check cookies while the terminal asks for a new token.
 */
#ifndef ENLACE_WEB_AUTH_H
#define ENLACE_WEB_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define WEB_SECRET_HEX 65 /* 64 hex digits and a NUL */

typedef struct web_auth web_auth_t;

/* The console's idle timeout: 15 minutes without a request. */
#define WEB_AUTH_IDLE_MS (15 * 60 * 1000)

/* At most max_sessions sessions live at once (the oldest gives way); each
 * ends after idle_ms without a request (above 0). NULL if libsodium or
 * memory fails. */
web_auth_t *web_auth_new(size_t max_sessions, int64_t idle_ms);
/* Wipes and frees every secret. Accepts NULL; sets *self_p to NULL. */
void web_auth_destroy(web_auth_t **self_p);

/* A new one-time token, replacing any unused one, in hex into out. The
 * caller prints it and wipes out (sodium_memzero). 0, or -1. */
int web_auth_token(web_auth_t *self, char out[WEB_SECRET_HEX]);

/* Exchanges the token (hex, len bytes) for a new session whose secret goes,
 * in hex, into out: 0. -1 if the token is wrong, used or there is none. A
 * token is good for one exchange only. */
int web_auth_exchange(web_auth_t *self, const char *token, size_t len, char out[WEB_SECRET_HEX]);

/* 1 if value (hex, len bytes) is the secret of a live session, which then
 * counts as used now; a session idle for longer than idle_ms ends here. */
int web_auth_check(web_auth_t *self, const char *value, size_t len);

/* The same on a clock of the caller's (milliseconds, monotonic; tests):
 * web_auth_exchange and web_auth_check use CLOCK_MONOTONIC. */
int web_auth_exchange_at(web_auth_t *self, const char *token, size_t len, char out[WEB_SECRET_HEX],
    int64_t now_ms);
int web_auth_check_at(web_auth_t *self, const char *value, size_t len, int64_t now_ms);

/* Ends the session whose secret is value (logging out); no-op if none. */
void web_auth_end(web_auth_t *self, const char *value, size_t len);

/* Live sessions (for tests). */
size_t web_auth_sessions(web_auth_t *self);

#endif
