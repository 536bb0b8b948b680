/*
 * enl.h: libenlace's private header: the client object and what its modules
 * share. Not installed; every name here is enl_ (functions) or file-local.
 *
 * Modules (client/lib/):
 *   errors.c   enlace_strerror, the last-error text, hub error codes
 *   names.c    names of the wire's enums (TLP, priority, category, ...)
 *   conn.c     the connection: socket, CURVE keys, handshake, Hello,
 *              reconnection (Hello again, subscriptions, resends), close
 *   failover.c the hubs of a cluster: following the leader, moving on
 *   request.c  frames out and in; a request waits for the reply with its id
 *   outbox.c   publishes sent and not yet answered, and their results
 *   publish.c  a message signed and encoded; enlace_publish(_async)
 *   subscribe.c durable subscriptions, renewed after a reconnect
 *   receive.c  the delivery queue, acknowledgements, duplicates, enlace_recv
 *   verify.c   a delivery's signature checked, and the caller's view of it
 *   sealed.c   sealed content: the keys to seal to, sealing a publish,
 *              opening outside a session, encrypted files (PROTOCOL.md 6)
 *   form.c     case forms (CaseForm) to and from the caller's terms
 *   history.c  history and search pages
 *   alerts.c   acknowledge, alert status, CAP
 *   cases.c    cases and review
 *   consult.c  the PPT's written consultation: its steps, the board
 *   admin.c    directory administration (st, admin)
 *   control.c  relabel and release requests
 *   keyfile.c  key files from a program's side (sealed?, public key, fingerprint)
 *   self.c     who the hub says we are beyond the name: organisation, memberships
 *   testing.c  enlace_test_reply, the fuzz entry point
 */
#ifndef ENLACE_ENL_H
#define ENLACE_ENL_H

#include <stddef.h>
#include <stdint.h>

#include "enlace.h"
#include "arena.h"
#include "enlace.pb-c.h"
#include "keys.h"
#include "merkle.h"
#include "sigcache.h"

#define ENL_PROTOCOL_VERSION ENLACE__PROTOCOL__PROTOCOL_VERSION
#define ENL_DEFAULT_TIMEOUT_MS 10000
#define ENL_PING_IDLE_MS 20000
/* Deliveries acknowledged together (cumulatively) at most this many apart. */
#define ENL_ACK_EVERY 32
/* Outbox slots by request id: twice the window, so that a slot is free again
 * long before its id comes round. */
#define ENL_OUTBOX_SLOTS (ENLACE_PUBLISH_WINDOW * 2)
/* Memberships kept from the Welcome (the hub's directory holds at most 8). */
#define ENL_MAX_NETWORKS 8
/* Deliveries remembered for the duplicate filter. */
#define ENL_SEEN_WINDOW 65536
/* A cluster's hubs (failover.c): at most this many endpoints; a lost
 * connection is given ENL_FAILOVER_MS to come back before the next hub is
 * tried; with no leader known, the next is tried after ENL_NO_LEADER_MS;
 * ZMTP heartbeats find a hub that stopped answering. */
#define ENL_MAX_ENDPOINTS 9
#define ENL_FAILOVER_MS 500
#define ENL_NO_LEADER_MS 200
#define ENL_CLUSTER_HEARTBEAT_MS 1000

/* Marks names for translation (po/POTFILES); the library itself never
 * translates: a program does, e.g. dgettext("enlace", enlace_strerror(rc)). */
#define N_(s) s

/* ---------------------------------------------------------------- outbox */

/* A publish sent and not yet answered: its signed bytes are kept so that it
 * can be sent again, identical, after a reconnect. */
typedef struct {
    uint64_t request_id; /* 0: free slot */
    uint8_t *frame;      /* the serialized Publish frame; owned; NULL until signed */
    size_t frame_len;
    uint8_t *content; /* the serialized Content waiting for its batch; owned */
    size_t content_len;
    int unsent; /* the send found the pipe full (or no hub): try again */
} enl_pending_t;

/* The outcome of a publish, waiting to be collected by its ticket. */
typedef struct enl_result {
    uint64_t ticket;
    int rc;
    uint64_t seq;
    char error[256];
    struct enl_result *next;
} enl_result_t;

typedef struct {
    enl_pending_t *slots; /* ENL_OUTBOX_SLOTS, by request id; owned, NULL until used */
    size_t count;         /* outstanding publishes (signed or not) */
    size_t unsent;        /* of which signed but not yet handed to ZeroMQ */
    uint64_t tosign[MERKLE_MAX_LEAVES]; /* request ids waiting for the next batch, in order */
    size_t ntosign;
    uint64_t batches;                     /* batches signed so far (for tests and benchmarks) */
    enl_result_t *results, *results_tail; /* answered, not yet collected; owned */
} enl_outbox_t;

/* Sends bytes; 0 if ZeroMQ took them. */
typedef int (*enl_send_fn)(void *arg, const void *data, size_t len);

void enl_outbox_init(enl_outbox_t *self);
void enl_outbox_fini(enl_outbox_t *self);
/* ENLACE_OK if a publish with this request id may be added now,
 * ENLACE_ELIMIT if the window is full (or its slot still taken),
 * ENLACE_ENOMEM. */
int enl_outbox_room(enl_outbox_t *self, uint64_t request_id);
/* Keeps frame (ownership passes) until the hub answers request_id. */
void enl_outbox_add(enl_outbox_t *self, uint64_t request_id, uint8_t *frame, size_t len,
    int unsent);
/* Takes a publish whose content (owned by the outbox from now on) waits to
 * be signed with the others queued at the next seal. */
void enl_outbox_add_unsigned(enl_outbox_t *self, uint64_t request_id, uint8_t *content, size_t len);
/* Signs every content waiting as one batch (merkle.h): one signature over
 * the root, and a Publish frame per content with its proof, ready to send.
 * ENLACE_OK, or ENLACE_ENOMEM (the contents stay queued). */
int enl_outbox_seal(enl_outbox_t *self, const keys_identity_t *identity);
/* 1 if request_id is an outstanding publish. */
int enl_outbox_has(const enl_outbox_t *self, uint64_t request_id);
/* Records the hub's answer to request_id (rc, seq, error text) as a result
 * and forgets the frame. 1 if it was outstanding, 0 if not, -1 out of
 * memory (the publish stays outstanding). */
int enl_outbox_answer(enl_outbox_t *self, uint64_t request_id, int rc, uint64_t seq,
    const char *error);
/* Takes the result of `ticket` (any if 0) off the list; NULL if none. The
 * caller frees it with free(). */
enl_result_t *enl_outbox_take(enl_outbox_t *self, uint64_t ticket);
/* Sends, in request order, every outstanding publish (all = 1, after a
 * reconnect) or only those not yet handed to ZeroMQ (all = 0, stopping at
 * the first that still does not go). last_id is the newest request id. */
void enl_outbox_send(enl_outbox_t *self, uint64_t last_id, int all, enl_send_fn send, void *arg);

/* ---------------------------------------------------------------- client */

typedef struct enl_queued {
    Enlace__Frame *frame; /* an unpacked Delivery frame; owned */
    struct enl_queued *next;
} enl_queued_t;

struct enlace_client {
    void *ctx;                 /* owned */
    void *dealer;              /* owned */
    void *monitor;             /* PAIR receiving the dealer's events; owned; NULL in tests */
    keys_identity_t *identity; /* owned, sodium memory */
    int timeout_ms;
    uint64_t next_request;     /* last request id used */
    enl_queued_t *head, *tail; /* deliveries not yet handed out */
    size_t queued;
    uint64_t ack_upto; /* highest seq taken off the queue this session */
    unsigned unacked;  /* deliveries taken (even dropped ones) since the last ack */
    uint64_t bad_signatures;
    int revoked; /* the hub closed us: every call fails */
    enlace_state_t state;
    enlace_state_fn state_fn; /* application callback, or NULL */
    void *state_arg;
    char **patterns; /* subscriptions to renew after a reconnect; owned */
    int npatterns;
    uint64_t seen_max;                 /* duplicate filter: highest seq handed out */
    uint8_t seen[ENL_SEEN_WINDOW / 8]; /* bit per seq in (seen_max - window, seen_max] */
    uint64_t hello_request;            /* request id of the last Hello sent */
    int64_t last_send_ms;
    enl_outbox_t outbox;  /* publishes awaiting the hub's answer */
    sigcache_t *verified; /* batch root signatures already verified; owned */
    char archive_pin[24]; /* the archive key's fingerprint we insist on, or "" */
    char name[208], fingerprint[24], country[24];
    char organisation[24];               /* Welcome's organisation ("" for a country's officer) */
    char networks[ENL_MAX_NETWORKS][56]; /* Welcome's memberships, "network:role" */
    size_t nnetworks;
    char error[512];
    /* failover.c: the hubs given, the one in use, a move that is due. */
    char endpoints[ENL_MAX_ENDPOINTS][256];
    int nendpoints;
    int cur;                             /* index in endpoints of the last one chosen from it */
    char current[256];                   /* the endpoint connected to */
    char left[256];                      /* the one before it */
    char switch_to[256];                 /* where the due move goes ("": the next hub) */
    int64_t switch_at;                   /* when it is due (enl_now_ms), 0: none */
    int64_t lost_since;                  /* the connection went away then, 0: it is up */
    int not_leader;                      /* the awaited reply was ERR_NOT_LEADER: send it again */
    int opened;                          /* enlace_connect is done: moves are failover.c's */
    uint8_t hub_curve[KEYS_CURVE_BYTES]; /* the hub's CURVE key (every hub of a cluster's) */
    unsigned sockets;                    /* sockets made: names each one's monitor */
};

/* errors.c */
int enl_fail(enlace_client_t *self, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int enl_map_error(Enlace__ErrorCode code);
int64_t enl_now_ms(void);

/* names.c: wire enum names, index = value (see enlace.proto) */
extern const char *const enl_priority_names[];
extern const char *const enl_category_names[];
extern const char *const enl_status_names[];
extern const char *const enl_msgtype_names[];
extern const char *const enl_urgency_names[];
extern const char *const enl_severity_names[];
extern const char *const enl_certainty_names[];
extern const char *const enl_handling_names[];
/* Index of name in names (NULL or "": def); -1 if unknown. */
int enl_enum(const char *const *names, const char *name, int def);
/* The name of value; names[0] if out of range. */
const char *enl_name(const char *const *names, int value);

/* conn.c */
/* For unit tests: a client on a plain DEALER connected to endpoint in the
 * caller's ZeroMQ context (not owned), without keys, CURVE or a monitor,
 * already CONNECTED. Close it with enlace_close after setting revoked (so
 * that no Bye waits for an answer). NULL on failure. */
enlace_client_t *enl_client_attach(void *ctx, const char *endpoint, int timeout_ms);
/* Reads pending socket-monitor events; on a reconnect, restores the
 * session (Hello, subscriptions, unanswered publishes). */
void enl_monitor_events(enlace_client_t *self);
/* Makes the DEALER and its monitor (all options set, not connected); and
 * closes them (queued frames dropped). */
int enl_socket_open(enlace_client_t *self);
void enl_socket_close(enlace_client_t *self);
void enl_set_state(enlace_client_t *self, enlace_state_t state);

/* failover.c */
/* Splits a comma-separated endpoint list (ENLACE_OK or ENLACE_EINVAL). */
int enl_endpoints_set(enlace_client_t *self, const char *list);
/* Moves to `to`, or to the next hub of the list ("" or NULL), now. */
int enl_failover_switch(enlace_client_t *self, const char *to);
/* Moves there in delay_ms (the earliest of several requests wins). */
void enl_failover_schedule(enlace_client_t *self, const char *to, int delay_ms);
/* 1 if endpoint is one of the list or the hub last left. */
int enl_endpoint_known(const enlace_client_t *self, const char *endpoint);
/* The connection to endpoint went away (refused: nobody listens there). */
void enl_failover_lost(enlace_client_t *self, const char *endpoint, int refused);
/* A hub answered ERR_NOT_LEADER naming leader ("" if it knows none). */
void enl_not_leader(enlace_client_t *self, const char *leader);
/* Makes a due move; returns wait_ms shortened to when the next one is due. */
int enl_failover_tick(enlace_client_t *self, int wait_ms);

/* request.c */
/* Sends bytes without blocking: ENLACE_OK, ENLACE_ETIMEDOUT (no hub or a
 * full pipe: try again later) or ENLACE_EIO. */
int enl_send_raw(enlace_client_t *self, const void *data, size_t len);
/* Stamps the protocol version and sends one frame (as enl_send_raw). */
int enl_send(enlace_client_t *self, Enlace__Frame *frame);
/* Waits up to timeout_ms for one frame and routes it: a Delivery to the
 * queue, an answer to an outstanding publish to the outbox, an unsolicited
 * Error to the client's state. Returns a reply for the caller to match
 * (request_id != 0), or NULL with *err set (ENLACE_OK if the frame was
 * routed, ENLACE_ETIMEDOUT if none came). */
Enlace__Frame *enl_recv_one(enlace_client_t *self, int timeout_ms, int *err);
/* Takes in, without waiting, every frame that has already arrived: replies
 * answer their requests (publishes' into the outbox), deliveries are queued;
 * a reply nobody waits for is dropped. */
void enl_recv_waiting(enlace_client_t *self);
/* Sends req with a new request id, waiting for a reconnect until
 * deadline_ms (enl_now_ms clock) if the hub is unreachable; returns the id,
 * or 0 with *err set. */
uint64_t enl_request_send(enlace_client_t *self, Enlace__Frame *req, int64_t deadline_ms, int *err);
/* Waits until deadline_ms (enl_now_ms clock) for the reply to request_id:
 * returns it (caller frees) if its body is `want`; NULL with *err set on an
 * Error reply, another body, a timeout or revocation. Replies to other ids
 * are dropped, deliveries queued, publish answers recorded meanwhile. */
Enlace__Frame *enl_request_wait(enlace_client_t *self, uint64_t request_id,
    Enlace__Frame__BodyCase want, int64_t deadline_ms, int *err);
/* Both: one request, one reply, within the client's timeout. */
Enlace__Frame *enl_request(enlace_client_t *self, Enlace__Frame *req, Enlace__Frame__BodyCase want,
    int *err);
/* A request answered by a bare Ok: ENLACE_OK or the error. */
int enl_request_ok(enlace_client_t *self, Enlace__Frame *req);

/* outbox.c (client side) */
/* Hands ZeroMQ, in order, the publishes a full pipe refused earlier. */
void enl_flush_unsent(enlace_client_t *self);
/* The result of one publish (its ticket), within the client's timeout:
 * ENLACE_ETIMEDOUT if the hub did not answer in time. */
int enl_outbox_wait(enlace_client_t *self, uint64_t ticket, uint64_t *seq);

/* receive.c */
/* Queues an unpacked Delivery frame (ownership passes); -1 out of memory. */
int enl_queue_delivery(enlace_client_t *self, Enlace__Frame *frame);
/* Acknowledges what was taken off the queue, if anything. */
void enl_send_ack(enlace_client_t *self);

/* verify.c: a delivery checked, and the caller's view of it */
typedef struct enl_delivery {
    enlace_delivery_t pub;    /* must be first: the caller sees this */
    enlace_form_t *form;      /* a view of content's form (or of part's); owned */
    Enlace__Content *content; /* owned: pub's pointers point into it */
    Enlace__SealedPart *part; /* the opened sealed part, or NULL; owned: pub points into it */
    Enlace__Frame *frame;     /* owned for live deliveries; NULL in a page */
    char author_fp[24];
    char opened_by[24]; /* fingerprint of the key that opened the seal, or "" */
    char topic[260];    /* NUL-terminated copy of the signed topic */
} enl_delivery_t;

/* Checks d's signature (against the author key inside the signed content,
 * whose fingerprint must be the one the hub names) and builds the caller's
 * view, pointing into d; NULL if it must be dropped (or out of memory). A
 * batched delivery's root signature is verified once: `verified` (may be
 * NULL) remembers those that did. A sealed content is opened with identity
 * (may be NULL): the view shows its plaintext, or says why not
 * (pub.seal_status), never anything else. */
enl_delivery_t *enl_delivery_open(Enlace__Delivery *d, sigcache_t *verified,
    const keys_identity_t *identity);
/* Frees what the view owns (content, form, frame) and the view. */
void enl_delivery_free(enl_delivery_t *p);
/* Opens n stored messages (a history page, a case's thread, a
 * consultation's messages) into out[] (room for n), each verified like a
 * delivery: one that does not verify is counted in self->bad_signatures
 * and left out. Returns how many out[] holds. */
size_t enl_deliveries_open(enlace_client_t *self, Enlace__Delivery *const *in, size_t n,
    enl_delivery_t **out);

/* form.c */
/* A read-only form over msg (not owned: it must outlive the form); NULL out
 * of memory. */
enlace_form_t *enl_form_wrap(const Enlace__CaseForm *msg);
/* The CaseForm a form holds (for publishing). */
const Enlace__CaseForm *enl_form_message(const enlace_form_t *self);

/* history.c */
/* Builds a verified page from a HistoryPage reply (which it owns, even on
 * failure). */
int enl_page_from(enlace_client_t *self, Enlace__Frame *reply, enlace_page_t **out);

/* alerts.c: views of AlertStatus messages (pointing into them), in a */
const enlace_alert_status_t *enl_alert_view(arena_t *a, const Enlace__AlertStatus *st);
/* n views in an array; NULL out of memory. */
const enlace_alert_status_t *const *enl_alert_views(arena_t *a, Enlace__AlertStatus *const *list,
    size_t n);
enlace_alert_list_t *enl_alert_list_from(Enlace__Frame *reply);

/* cases.c: the same for cases; each takes a reply it owns, even on failure,
 * and returns NULL out of memory */
enlace_case_t *enl_case_from(enlace_client_t *self, Enlace__Frame *reply);
enlace_case_list_t *enl_case_list_from(Enlace__Frame *reply);
enlace_review_t *enl_review_from(Enlace__Frame *reply);
const enlace_case_info_t *enl_case_info_view(arena_t *a, const Enlace__CaseInfo *c);

/* publish.c */
/* enlace_publish with, besides opts, a consultation's step (or NULL). */
int enl_publish_with(enlace_client_t *self, const char *topic, const void *body, size_t len,
    const enlace_publish_opts_t *opts, const Enlace__Consult *consult, uint64_t *seq_out);

/* sealed.c */
/* Seals c (built with its plaintext, checked here with the hub's tables:
 * forms.h) to its recipients' keys in force, our own and the archive key,
 * fetched from the hub: c->sealed points to sealed afterwards, part holds
 * the plaintext's pointers. The caller packs c, then seal_sealed_fini
 * (&sealed). ENLACE_OK, or an error explained by enl_fail. */
int enl_seal_content(enlace_client_t *self, Enlace__Content *c, Enlace__Sealed *sealed,
    Enlace__SealedPart *part);

/* subscribe.c */
/* Sends Subscribe again for every pattern (after a reconnect). */
void enl_resubscribe(enlace_client_t *self);
void enl_patterns_free(enlace_client_t *self);

#endif
