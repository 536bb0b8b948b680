/*
 * http.c: the console's HTTP server, libmicrohttpd with one thread per
 * connection, on 127.0.0.1 only.
 *
 * Every request passes the same gate before anything else happens:
 *   1. the method is GET or POST;
 *   2. the Host header names this console (127.0.0.1:PORT or
 *      localhost:PORT): a page of another site that resolved its own name
 *      to 127.0.0.1 (DNS rebinding) is refused;
 *   3. a POST carries this console's Origin and a JSON body: a page of
 *      another origin cannot make the browser change anything here;
 *   4. all but the login page, its script and style sheet, and the token
 *      exchange itself carry a live session cookie.
 * A refusal is 403 (405, 415 for 1 and 3's body) with one line of text, and
 * nothing else happens. Every response carries a Content-Security-Policy
 * without inline script or style, nosniff, no-referrer, and no-store for
 * the API.
 */
#include "web_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "guard.h"
#include "number.h"
#include "webreq.h"

#define HTTP_MAX_BODY (1024 * 1024)
#define HTTP_MAX_CONNECTIONS 64
#define HTTP_MAX_STREAMS 16
#define HTTP_KEEPALIVE_MS 15000

static const char s_csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self'; connect-src 'self'; font-src 'self'; "
                            "media-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                            "form-action 'self'; base-uri 'none'";

struct web_http {
    struct MHD_Daemon *daemon;
    unsigned port;
    char cookie[32]; /* the session cookie's name: enlace_PORT */
    web_auth_t *auth;
    web_assets_t *assets;
    web_feed_t *feed;
    web_engine_t *engine;
};

typedef enum {
    R_NOT_FOUND,
    R_ASSET,        /* one of the console's files (a session needed) */
    R_PUBLIC,       /* the login page, its script and style (no session) */
    R_FAVICON,      /* 204, so the browser does not ask again */
    R_SESSION,      /* POST: the token for a session cookie */
    R_LOGOUT,       /* POST: end the session */
    R_ME,           /* GET: who, and the connection's state */
    R_EVENTS,       /* GET: Server-Sent Events */
    R_CALL,         /* the engine's calls */
    R_WRONG_METHOD, /* a known path with the other method */
} route_kind_t;

typedef struct {
    route_kind_t kind;
    web_call_fn fn;
    uint64_t id;
    const web_asset_t *asset;
} route_t;

/* One request's state across libmicrohttpd's calls of the handler. */
typedef struct {
    route_t route;
    int post;
    char *body; /* the upload so far; owned */
    size_t len;
    int too_big;
} s_req_t;

static const struct {
    int post;
    const char *path; /* "#" stands for a number */
    web_call_fn fn;
} s_calls[] = {
    {0, "/api/directory", api_directory},
    {0, "/api/alerts", api_alerts},
    {0, "/api/alerts/#/cap", api_cap},
    {1, "/api/alerts/#/ack", api_ack},
    {1, "/api/publish", api_publish},
    {0, "/api/cases", api_cases},
    {1, "/api/cases", api_case_open},
    {0, "/api/cases/#", api_case_show},
    {1, "/api/cases/#/state", api_case_state},
    {0, "/api/history", api_history},
    {0, "/api/search", api_search},
    {0, "/api/consult", api_consult_list},
    {1, "/api/consult", api_consult_open},
    {0, "/api/consult/draft", api_consult_draft},
    {0, "/api/consult/#", api_consult_show},
    {1, "/api/consult/#/answer", api_consult_answer},
    {1, "/api/consult/#/advance", api_consult_advance},
    {1, "/api/consult/#/revise", api_consult_revise},
    {1, "/api/consult/#/close", api_consult_close},
    {0, "/api/admin/officers", api_officers},
    {1, "/api/admin/officers", api_officer_add},
    {1, "/api/admin/officers/revoke", api_officer_revoke},
    {1, "/api/admin/officers/key", api_officer_key},
    {1, "/api/admin/officers/join", api_officer_join},
    {1, "/api/admin/officers/leave", api_officer_leave},
    {0, "/api/admin/invitations", api_invitations},
    {1, "/api/admin/invitations", api_invite_grant},
    {1, "/api/admin/invitations/#/revoke", api_invite_revoke},
    {0, "/api/admin/ppt", api_ppt},
    {1, "/api/admin/ppt", api_ppt_set},
    {0, "/api/admin/audit", api_audit},
    {0, "/api/admin/stats", api_stats},
};

/* 1 if url matches template (a "#" segment: a number, stored in *id). */
static int
s_match(const char *tpl, const char *url, uint64_t *id)
{
    while (*tpl && *url) {
        if (*tpl == '#') {
            char num[24];
            size_t n = 0;
            while (url[n] >= '0' && url[n] <= '9' && n < sizeof num - 1) {
                num[n] = url[n];
                n++;
            }
            num[n] = '\0';
            if (n == 0 || n > 18 || number_parse_u64(num, 1, UINT64_MAX >> 1, id) != NUMBER_OK)
                return 0;
            url += n;
            tpl++;
        } else if (*tpl++ != *url++) {
            return 0;
        }
    }
    return *tpl == '\0' && *url == '\0';
}

static route_t
s_route(const web_http_t *self, int post, const char *url)
{
    route_t r = {.kind = R_NOT_FOUND};
    int other_method = 0;
    for (size_t i = 0; i < sizeof s_calls / sizeof s_calls[0]; i++) {
        uint64_t id = 0;
        if (s_match(s_calls[i].path, url, &id)) {
            if (s_calls[i].post != post) {
                other_method = 1;
                continue;
            }
            r.kind = R_CALL;
            r.fn = s_calls[i].fn;
            r.id = id;
            return r;
        }
    }
    if (other_method) {
        r.kind = R_WRONG_METHOD;
        return r;
    }
    static const struct {
        int post;
        const char *path;
        route_kind_t kind;
    } fixed[] = {
        {1, "/api/session", R_SESSION},
        {1, "/api/logout", R_LOGOUT},
        {0, "/api/me", R_ME},
        {0, "/api/events", R_EVENTS},
        {0, "/favicon.ico", R_FAVICON},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!strcmp(url, fixed[i].path)) {
            r.kind = fixed[i].post == post ? fixed[i].kind : R_WRONG_METHOD;
            return r;
        }
    if (post)
        return r;
    const char *file = !strcmp(url, "/") ? "/index.html"
        : !strcmp(url, "/login")         ? "/login.html"
                                         : url;
    if (!web_guard_asset_path(file) || !(r.asset = web_assets_find(self->assets, file)))
        return r;
    r.kind = !strcmp(file, "/login.html") || !strcmp(file, "/login.js") || !strcmp(file, "/app.css")
        ? R_PUBLIC
        : R_ASSET;
    return r;
}

/* ---------------------------------------------------------------- responses */

static void
s_security_headers(struct MHD_Response *resp, int cacheable)
{
    MHD_add_response_header(resp, "Content-Security-Policy", s_csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Cache-Control", cacheable ? "no-cache" : "no-store");
}

static enum MHD_Result
s_send(struct MHD_Connection *conn, unsigned status, const char *type, const void *data, size_t len,
    enum MHD_ResponseMemoryMode mode, int cacheable, const char *cookie)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, mode);
    if (!resp) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free((void *)data);
        return MHD_NO;
    }
    if (type)
        MHD_add_response_header(resp, "Content-Type", type);
    s_security_headers(resp, cacheable);
    if (cookie)
        MHD_add_response_header(resp, "Set-Cookie", cookie);
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result
s_send_json(struct MHD_Connection *conn, unsigned status, json_t *j, const char *cookie)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        return s_send(conn, 500, "text/plain; charset=utf-8", "out of memory\n", 14,
            MHD_RESPMEM_PERSISTENT, 0, NULL);
    return s_send(conn, status, "application/json; charset=utf-8", text, strlen(text),
        MHD_RESPMEM_MUST_FREE, 0, cookie);
}

/* A request of the form `url` with bytes that must not reach the terminal
 * as they are. */
static void
s_log_refusal(const char *method, const char *url, const char *why)
{
    char safe[101];
    size_t n = 0;
    for (; url && url[n] && n < sizeof safe - 1; n++)
        safe[n] = url[n] > 0x20 && url[n] < 0x7f ? url[n] : '?';
    safe[n] = '\0';
    fprintf(stderr, "enlace web: refused %s %s: %s\n", method, safe, why);
}

static enum MHD_Result
s_refuse(struct MHD_Connection *conn, unsigned status, const char *method, const char *url,
    const char *why)
{
    s_log_refusal(method, url, why);
    char text[256];
    int n = snprintf(text, sizeof text, "%u %s\n", status, why);
    return s_send(conn, status, "text/plain; charset=utf-8", text, (size_t)n, MHD_RESPMEM_MUST_COPY,
        0, NULL);
}

/* ---------------------------------------------------------------- checks */

static const char *
s_header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* 1 if the request carries a live session's cookie. */
static int
s_has_session(web_http_t *self, struct MHD_Connection *conn)
{
    web_span_t values[8];
    size_t n = web_guard_cookies(s_header(conn, "Cookie"), self->cookie, values, 8);
    for (size_t i = 0; i < n && i < 8; i++)
        if (web_auth_check(self->auth, values[i].at, values[i].len))
            return 1;
    return 0;
}

/* The first call for a request: NULL if it may go on, else why not and
 * the status in *status. */
static const char *
s_gate(web_http_t *self, struct MHD_Connection *conn, int post, const route_t *r, unsigned *status)
{
    *status = 403;
    if (!web_guard_host(s_header(conn, "Host"), self->port))
        return "forbidden: this console answers only to 127.0.0.1 and localhost";
    const char *origin = s_header(conn, "Origin");
    if (post && !web_guard_origin(origin, self->port))
        return "forbidden: a request from another origin";
    /* A GET names its origin only when a script fetched it: ours or none. */
    if (!post && origin && !web_guard_origin(origin, self->port))
        return "forbidden: a request from another origin";
    /* A page of another site, or of another port of this machine, that
     * got the browser to ask: the browser says so. */
    if (r->kind != R_PUBLIC && !web_guard_fetch_site(s_header(conn, "Sec-Fetch-Site")))
        return "forbidden: a request from another site";
    if (post) {
        const char *type = s_header(conn, "Content-Type");
        if (!type || strncasecmp(type, "application/json", 16) != 0) {
            *status = 415;
            return "a request body must be application/json";
        }
    }
    if (r->kind != R_PUBLIC && r->kind != R_SESSION && r->kind != R_FAVICON
        && !s_has_session(self, conn))
        return "forbidden: no session; open the link that enlace web printed";
    return NULL;
}

/* ---------------------------------------------------------------- the calls */

typedef struct {
    web_call_t *call;
    int bad;
} s_args_ctx_t;

static enum MHD_Result
s_collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
    const char *value, size_t value_size)
{
    (void)kind;
    s_args_ctx_t *ctx = cls;
    web_call_t *call = ctx->call;
    if (!value)
        value = "";
    /* A NUL inside a name or value (%00) would cut it short: refused. */
    if (strlen(key) != key_size || strlen(value) != value_size || value_size > 4096
        || call->nargs == WEB_MAX_ARGS) {
        ctx->bad = 1;
        return MHD_NO;
    }
    char *k = strdup(key), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        ctx->bad = 1;
        return MHD_NO;
    }
    call->args[call->nargs][0] = k;
    call->args[call->nargs][1] = v;
    call->nargs++;
    return MHD_YES;
}

static void
s_call_free(web_call_t *call)
{
    for (size_t i = 0; i < call->nargs; i++) {
        free(call->args[i][0]);
        free(call->args[i][1]);
    }
    json_decref(call->body);
    json_decref(call->result);
    free(call->raw);
    free(call);
}

static enum MHD_Result
s_run_call(web_http_t *self, struct MHD_Connection *conn, s_req_t *req)
{
    web_call_t *call = calloc(1, sizeof *call);
    if (!call)
        return MHD_NO;
    call->fn = req->route.fn;
    call->id = req->route.id;
    s_args_ctx_t ctx = {.call = call};
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, s_collect_arg, &ctx);
    if (ctx.bad) {
        s_call_free(call);
        return s_send_json(conn, 400,
            json_pack("{s:s, s:s}", "error",
                "the query holds too many, too long or malformed arguments", "code", "invalid"),
            NULL);
    }
    if (req->post) {
        web_req_error_t why;
        call->body = web_req_parse(req->body ? req->body : "", req->len, &why);
        if (!call->body) {
            s_call_free(call);
            return s_send_json(conn, 400,
                json_pack("{s:s, s:s, s:s}", "error", why.message, "code", "invalid", "field",
                    why.field),
                NULL);
        }
    }
    web_engine_call(self->engine, call);
    enum MHD_Result rc;
    if (call->status == 503) {
        rc = s_send_json(conn, 503,
            json_pack("{s:s, s:s}", "error", "the console is stopping", "code", "stopping"), NULL);
    } else if (call->raw) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(call->raw_len, call->raw,
            MHD_RESPMEM_MUST_FREE);
        call->raw = NULL;
        if (!resp) {
            s_call_free(call);
            return MHD_NO;
        }
        MHD_add_response_header(resp, "Content-Type", call->raw_type);
        if (call->raw_name) {
            char disp[128];
            snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", call->raw_name);
            MHD_add_response_header(resp, "Content-Disposition", disp);
        }
        s_security_headers(resp, 0);
        rc = MHD_queue_response(conn, call->status, resp);
        MHD_destroy_response(resp);
    } else {
        rc = s_send_json(conn, call->status, call->result, NULL);
        call->result = NULL;
    }
    s_call_free(call);
    return rc;
}

/* ---------------------------------------------------------------- events */

typedef struct {
    web_feed_t *feed;
    web_stream_t *stream;
} s_sse_t;

static ssize_t
s_sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    s_sse_t *sse = cls;
    ssize_t n = web_feed_read(sse->feed, sse->stream, buf, max, HTTP_KEEPALIVE_MS);
    return n < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : n;
}

static void
s_sse_free(void *cls)
{
    s_sse_t *sse = cls;
    web_feed_close(sse->feed, &sse->stream);
    free(sse);
}

static enum MHD_Result
s_events(web_http_t *self, struct MHD_Connection *conn)
{
    uint64_t last = 0;
    const char *lei = s_header(conn, "Last-Event-ID");
    if (lei && number_parse_u64(lei, 0, UINT64_MAX >> 1, &last) != NUMBER_OK)
        last = 0;
    s_sse_t *sse = calloc(1, sizeof *sse);
    if (!sse)
        return MHD_NO;
    sse->feed = self->feed;
    sse->stream = web_feed_open(self->feed, last, HTTP_MAX_STREAMS);
    if (!sse->stream) {
        free(sse);
        return s_send(conn, 503, "text/plain; charset=utf-8", "too many live pages\n", 20,
            MHD_RESPMEM_PERSISTENT, 0, NULL);
    }
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
        s_sse_read, sse, s_sse_free);
    if (!resp) {
        s_sse_free(sse);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    s_security_headers(resp, 0);
    enum MHD_Result rc = MHD_queue_response(conn, 200, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* ---------------------------------------------------------------- session */

static enum MHD_Result
s_session(web_http_t *self, struct MHD_Connection *conn, s_req_t *req, const char *url)
{
    web_req_error_t why;
    json_t *j = web_req_parse(req->body ? req->body : "", req->len, &why);
    web_small_req_t r;
    char secret[WEB_SECRET_HEX];
    if (!j || web_req_small(j, WEB_M_TOKEN, WEB_M_TOKEN, &r, &why) != 0
        || web_auth_exchange(self->auth, r.token, strlen(r.token), secret) != 0) {
        json_decref(j);
        return s_refuse(conn, 403, "POST", url,
            "forbidden: this link was used already or is wrong; press Enter where enlace "
            "web runs for a new one");
    }
    json_decref(j);
    char cookie[160];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict", self->cookie,
        secret);
    sodium_memzero(secret, sizeof secret);
    enum MHD_Result rc = s_send_json(conn, 200, json_pack("{s:b}", "session", 1), cookie);
    sodium_memzero(cookie, sizeof cookie);
    return rc;
}

static enum MHD_Result
s_logout(web_http_t *self, struct MHD_Connection *conn)
{
    web_span_t values[8];
    size_t n = web_guard_cookies(s_header(conn, "Cookie"), self->cookie, values, 8);
    for (size_t i = 0; i < n && i < 8; i++)
        web_auth_end(self->auth, values[i].at, values[i].len);
    char cookie[96];
    snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        self->cookie);
    return s_send_json(conn, 200, json_pack("{s:b}", "session", 0), cookie);
}

static enum MHD_Result
s_me(web_http_t *self, struct MHD_Connection *conn)
{
    json_t *me = json_loads(self->engine->me, 0, NULL);
    if (me)
        json_object_set_new(me, "state", json_string(web_feed_state(self->feed)));
    return s_send_json(conn, 200, me, NULL);
}

/* ---------------------------------------------------------------- the handler */

static enum MHD_Result
s_handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
    (void)version;
    web_http_t *self = cls;
    s_req_t *req = *req_cls;
    if (!req) {
        int post = !strcmp(method, "POST");
        if (!post && strcmp(method, "GET") != 0)
            return s_refuse(conn, 405, method, url, "only GET and POST");
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        *req_cls = req;
        req->post = post;
        req->route = s_route(self, post, url);
        unsigned status;
        const char *why = s_gate(self, conn, post, &req->route, &status);
        if (why)
            return s_refuse(conn, status, method, url, why);
        if (post)
            return MHD_YES; /* the body comes next */
    } else if (req->post && *upload_size) {
        if (!req->too_big && req->len + *upload_size <= HTTP_MAX_BODY) {
            char *grown = realloc(req->body, req->len + *upload_size + 1);
            if (!grown)
                return MHD_NO;
            req->body = grown;
            memcpy(req->body + req->len, upload, *upload_size);
            req->len += *upload_size;
        } else {
            req->too_big = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (req->too_big)
        return s_refuse(conn, 413, method, url, "a request body is at most 1 MiB");
    switch (req->route.kind) {
    case R_ASSET:
    case R_PUBLIC:
        return s_send(conn, 200, req->route.asset->type, req->route.asset->data,
            req->route.asset->len, MHD_RESPMEM_PERSISTENT, 1, NULL);
    case R_FAVICON:
        return s_send(conn, 204, NULL, "", 0, MHD_RESPMEM_PERSISTENT, 1, NULL);
    case R_SESSION:
        return s_session(self, conn, req, url);
    case R_LOGOUT:
        return s_logout(self, conn);
    case R_ME:
        return s_me(self, conn);
    case R_EVENTS:
        return s_events(self, conn);
    case R_CALL:
        return s_run_call(self, conn, req);
    case R_WRONG_METHOD:
        return s_send_json(conn, 405,
            json_pack("{s:s, s:s}", "error", "wrong method", "code", "method"), NULL);
    case R_NOT_FOUND:
        break;
    }
    return s_send_json(conn, 404,
        json_pack("{s:s, s:s}", "error", "no such page", "code", "not_found"), NULL);
}

static void
s_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    s_req_t *req = *req_cls;
    if (req) {
        free(req->body);
        free(req);
        *req_cls = NULL;
    }
}

/* Only this machine's loopback connects (the socket is bound to it anyway). */
static enum MHD_Result
s_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    (void)cls;
    if (len < (socklen_t)sizeof(struct sockaddr_in) || addr->sa_family != AF_INET)
        return MHD_NO;
    const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
    return ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK ? MHD_YES : MHD_NO;
}

/* libmicrohttpd's own messages: its format strings, with its arguments. */
static void s_mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void
s_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("enlace web: ", stderr);
    vfprintf(stderr, fmt, ap);
}

web_http_t *
web_http_start(unsigned port, web_auth_t *auth, web_assets_t *assets, web_feed_t *feed,
    web_engine_t *engine, char *why, size_t why_len)
{
    web_http_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    self->auth = auth;
    self->assets = assets;
    self->feed = feed;
    self->engine = engine;
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    self->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
            | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        (uint16_t)port, s_accept, NULL, s_handle, self, MHD_OPTION_EXTERNAL_LOGGER, s_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, &sin, MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_NOTIFY_COMPLETED, s_completed,
        NULL, MHD_OPTION_END);
    if (!self->daemon) {
        snprintf(why, why_len, "cannot listen on 127.0.0.1:%u (in use? try another --port)", port);
        free(self);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(self->daemon, MHD_DAEMON_INFO_BIND_PORT);
    self->port = info ? info->port : port;
    snprintf(self->cookie, sizeof self->cookie, "enlace_%u", self->port);
    return self;
}

unsigned
web_http_port(const web_http_t *self)
{
    return self->port;
}

void
web_http_quiesce(web_http_t *self)
{
    if (self && self->daemon) {
        MHD_socket s = MHD_quiesce_daemon(self->daemon);
        if (s != MHD_INVALID_SOCKET)
            close(s);
    }
}

void
web_http_stop(web_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    web_http_t *self = *self_p;
    if (self->daemon)
        MHD_stop_daemon(self->daemon);
    free(self);
    *self_p = NULL;
}
