/*
 * guard: the web console's checks of what a request claims, as pure
 * functions (no I/O, no state) so that a unit test can try every spelling:
 * the Host header (no DNS rebinding), the Origin header (no cross-site
 * request), the session cookie's values in a Cookie header, 64-digit hex
 * secrets, the paths of the console's own files, and the field a form error
 * names.
 *
 * The console listens on 127.0.0.1 only; a request passes when its Host is
 * that address or "localhost" with the console's port, and (if it changes
 * anything) its Origin is http:// with the same. Anything else, even a
 * harmless-looking variant (a trailing dot, userinfo, another port, a
 * second value), is refused.
 */
#ifndef ENLACE_WEB_GUARD_H
#define ENLACE_WEB_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* 1 if host is exactly "127.0.0.1:PORT" or "localhost:PORT" (localhost in
 * any case), PORT in decimal without leading zeros; 0 otherwise (NULL too). */
int web_guard_host(const char *host, unsigned port);

/* 1 if origin is exactly "http://127.0.0.1:PORT" or "http://localhost:PORT";
 * 0 otherwise, "null" and NULL included. */
int web_guard_origin(const char *origin, unsigned port);

/* 1 if a Sec-Fetch-Site header allows a request that needs the session:
 * absent (an older browser, or not a browser: Host, Origin and the cookie
 * still decide), "same-origin", or "none" (typed, a bookmark, a reload).
 * "same-site" is another port of this machine; "cross-site" another site. */
int web_guard_fetch_site(const char *site);

/* A piece of a header: start and length (not NUL-terminated). */
typedef struct {
    const char *at;
    size_t len;
} web_span_t;

/* The values of every cookie called name in a Cookie header ("a=1; b=2"),
 * in order, at most cap of them (a browser may send two cookies of one name
 * when another site on this host set one: each is checked). Quotes around
 * a value are removed. Returns how many were found (may exceed cap; only
 * cap are stored). */
size_t web_guard_cookies(const char *header, const char *name, web_span_t *out, size_t cap);

/* Decodes exactly 64 hex digits (either case) into 32 bytes: 0, or -1 for
 * any other length or character. */
int web_guard_hex32(const char *s, size_t len, uint8_t out[32]);

/* 1 if path may name one of the console's files: starts with '/', at most
 * 200 bytes, segments of letters, digits, '.', '_' and '-', none empty or
 * starting with '.'. The files are read into memory at start, so this only
 * keeps lookups to sane names. */
int web_guard_asset_path(const char *path);

/* The field an error about a case form names, if any: the hub writes
 * "form death: deceased_name is required", libenlace "form: age must be a
 * whole number" or "form: unknown field 'x' in ...". Copies the field name
 * ([a-z0-9_], at most cap - 1 bytes) to out and returns 1; 0 (out "") if the
 * message names none. */
int web_guard_form_field(const char *why, char *out, size_t cap);

#endif
