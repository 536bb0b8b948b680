/*
 * web_int.h: what the console's files share inside client/web/. Not
 * installed; names are web_.
 *
 * Threads: libmicrohttpd runs one thread per connection (the HTTP
 * threads); the engine thread alone owns the enlace_client_t. An HTTP
 * thread that needs the hub fills a web_call_t and hands it to the engine
 * (web_engine_call), which runs it between two reads of the hub and
 * signals it done; the HTTP thread then answers with its result.
 * Deliveries go from the engine to the pages through the feed (feed.h).
 */
#ifndef ENLACE_WEB_INT_H
#define ENLACE_WEB_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "enlace.h"
#include "feed.h"

#define WEB_MAX_ARGS 16
#define WEB_MAX_PATTERNS 16
#define WEB_SEEN_MAX 2000

typedef struct web_engine web_engine_t;
typedef struct web_call web_call_t;

/* Runs on the engine thread: fills call's status and result. */
typedef void (*web_call_fn)(web_engine_t *e, web_call_t *call);

struct web_call {
    web_call_fn fn;
    uint64_t id;                 /* a number from the path (alert, case, invitation,
                                  * consultation), or 0 */
    json_t *body;                /* the request's JSON object, or NULL; owned */
    char *args[WEB_MAX_ARGS][2]; /* the query's name=value pairs, decoded; owned */
    size_t nargs;
    /* The result: */
    unsigned status; /* HTTP status */
    json_t *result;  /* the JSON answer; owned */
    char *raw;       /* or raw bytes (CAP XML); owned */
    size_t raw_len;
    const char *raw_type; /* their Content-Type (static) */
    const char *raw_name; /* a file name for Content-Disposition, or NULL (static) */
    char raw_file[64];
    /* The engine's: */
    int done;
    web_call_t *next;
};

/* An author seen in a verified message: the recipients' picker offers
 * them to officers who may not read the directory. */
typedef struct {
    char fingerprint[ENLACE_FINGERPRINT_LEN];
    char name[208];
    char country[24];
} web_person_t;

struct web_engine {
    enlace_client_t *client; /* the engine thread's alone; owned */
    web_feed_t *feed;        /* not owned */
    pthread_t thread;
    int started;
    pthread_mutex_t lock;    /* guards queue, stopping, stopped, done flags */
    pthread_cond_t cond;     /* a call is done, or the engine stopped */
    web_call_t *head, *tail; /* calls waiting for the engine */
    int stopping;            /* asked to stop */
    int stopped;             /* the thread has ended: calls fail at once */
    /* Engine thread only: */
    int st;             /* the key is the Technical Secretariat's (organisation ST) */
    const char *state;  /* the connection state last seen */
    web_person_t *seen; /* WEB_SEEN_MAX; owned */
    size_t nseen;
    uint64_t deliveries; /* pushed to the feed */
    /* Immutable once the thread runs (read by any thread): */
    char *me; /* /api/me as JSON text, without the state; owned */
};

/* engine.c */
/* Takes ownership of client; subscribes to the patterns (an error names
 * the pattern in why), builds /api/me and starts the thread. NULL on
 * failure (client is then closed). */
web_engine_t *web_engine_start(enlace_client_t *client, web_feed_t *feed,
    const char *const *patterns, size_t npatterns, const char *endpoint, const char *language,
    char *why, size_t why_len);
/* Stops the thread (failing calls not yet run with 503) and closes the
 * client; calls made afterwards fail at once. The struct stays for
 * late HTTP threads until web_engine_destroy. */
void web_engine_stop(web_engine_t *self);
void web_engine_destroy(web_engine_t **self_p);
/* Runs call on the engine thread and waits for it. */
void web_engine_call(web_engine_t *self, web_call_t *call);
/* The value of query argument name, or NULL. */
const char *web_call_arg(const web_call_t *call, const char *name);
/* Remembers the author of a verified message (engine thread). */
void web_engine_saw(web_engine_t *self, const enlace_delivery_t *d);

/* api.c, api_admin.c and api_consult.c: the calls (engine thread). A failure sets status
 * and {"error": text, "code": name, "field": member} from the client's
 * last error. */
void web_fail(web_call_t *call, int rc, const char *message, const char *field);
void web_fail_enlace(web_engine_t *e, web_call_t *call, int rc);
void web_ok(web_call_t *call, json_t *result);

void api_directory(web_engine_t *e, web_call_t *call);
void api_alerts(web_engine_t *e, web_call_t *call);
void api_ack(web_engine_t *e, web_call_t *call);
void api_cap(web_engine_t *e, web_call_t *call);
void api_publish(web_engine_t *e, web_call_t *call);
void api_cases(web_engine_t *e, web_call_t *call);
void api_case_show(web_engine_t *e, web_call_t *call);
void api_case_open(web_engine_t *e, web_call_t *call);
void api_case_state(web_engine_t *e, web_call_t *call);
void api_history(web_engine_t *e, web_call_t *call);
void api_search(web_engine_t *e, web_call_t *call);

/* api_consult.c */
void api_consult_list(web_engine_t *e, web_call_t *call);
void api_consult_show(web_engine_t *e, web_call_t *call);
void api_consult_draft(web_engine_t *e, web_call_t *call);
void api_consult_open(web_engine_t *e, web_call_t *call);
void api_consult_answer(web_engine_t *e, web_call_t *call);
void api_consult_advance(web_engine_t *e, web_call_t *call);
void api_consult_revise(web_engine_t *e, web_call_t *call);
void api_consult_close(web_engine_t *e, web_call_t *call);

void api_officers(web_engine_t *e, web_call_t *call);
void api_officer_add(web_engine_t *e, web_call_t *call);
void api_officer_revoke(web_engine_t *e, web_call_t *call);
void api_officer_key(web_engine_t *e, web_call_t *call);
void api_officer_join(web_engine_t *e, web_call_t *call);
void api_officer_leave(web_engine_t *e, web_call_t *call);
void api_invitations(web_engine_t *e, web_call_t *call);
void api_invite_grant(web_engine_t *e, web_call_t *call);
void api_invite_revoke(web_engine_t *e, web_call_t *call);
void api_ppt(web_engine_t *e, web_call_t *call);
void api_ppt_set(web_engine_t *e, web_call_t *call);
void api_audit(web_engine_t *e, web_call_t *call);
void api_stats(web_engine_t *e, web_call_t *call);

/* The wall clock in ms since the epoch. */
int64_t web_now_ms(void);

/* http.c: the HTTP server (libmicrohttpd, one thread per connection) on
 * 127.0.0.1:port (0: any free port). Borrows the others; NULL on failure
 * with why. */
#include "assets.h"
#include "auth.h"

typedef struct web_http web_http_t;
web_http_t *web_http_start(unsigned port, web_auth_t *auth, web_assets_t *assets, web_feed_t *feed,
    web_engine_t *engine, char *why, size_t why_len);
/* The port it listens on. */
unsigned web_http_port(const web_http_t *self);
/* Stops accepting connections (the open ones go on). */
void web_http_quiesce(web_http_t *self);
/* Ends every connection and frees the server; the feed must be stopped
 * and the engine stopped first, so that no connection waits on them. */
void web_http_stop(web_http_t **self_p);

#endif
