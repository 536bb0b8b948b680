/*
 * enlace.h: the enlace client library (libenlace).
 *
 * Connects to an enlace hub over CurveZMQ with an officer's key, publishes
 * signed messages (blocking until the hub has stored them), subscribes to
 * topic patterns and receives deliveries, each verified against its author's
 * signature before it is handed to the caller.
 *
 * Threading: one enlace_client_t is used by one thread at a time.
 * Errors: every fallible call returns ENLACE_OK (0) or an enlace_err_t;
 * enlace_strerror() names the code and enlace_last_error() gives the hub's
 * or the library's one-line explanation of the last failure.
 * Results: every call returns typed data, never text to parse. A result
 * object (a page, an alert list, a case, ...) is allocated by the library
 * and freed with its _destroy(&x), which accepts NULL and sets x to NULL;
 * everything reachable from it (strings, arrays, items) belongs to it and
 * lives until then. The structs it shows are read-only and may grow new
 * fields at their end in later versions: never allocate or copy them (the
 * one exception, enlace_troika_t, is filled in the caller's memory). Text
 * is as the hub sent it, UTF-8 from a hub that checks it; a program that
 * must be sure checks it again. The protocol is in PROTOCOL.md.
 */
#ifndef ENLACE_H
#define ENLACE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ENLACE_EXPORT __attribute__((visibility("default")))
#else
#define ENLACE_EXPORT
#endif

typedef enum {
    ENLACE_OK = 0,
    ENLACE_EINVAL,     /* bad argument (e.g. a topic with a wildcard) */
    ENLACE_ENOMEM,     /* out of memory */
    ENLACE_EKEY,       /* a key file could not be loaded */
    ENLACE_EAUTH,      /* the hub refused our key: not registered, revoked or expired */
    ENLACE_EHANDSHAKE, /* no secure session: wrong hub key, or hub unreachable */
    ENLACE_ETIMEDOUT,  /* no answer in time */
    ENLACE_EDENIED,    /* the access rules refuse this request */
    ENLACE_EPROTO,     /* the peer spoke something we do not understand */
    ENLACE_EREVOKED,   /* our key was revoked during the session: closed */
    ENLACE_ETOOBIG,    /* over a size limit */
    ENLACE_EBADSIG,    /* a signature does not verify */
    ENLACE_ECONFLICT,  /* message id already used for other content */
    ENLACE_ELIMIT,     /* over a count or rate limit */
    ENLACE_ENOTFOUND,  /* a referenced object does not exist */
    ENLACE_EHUB,       /* the hub failed internally; nothing was stored */
    ENLACE_EIO,        /* socket or system error */
    ENLACE_EBADTOPIC,  /* topic or pattern not valid */
    ENLACE_ESEALED,    /* sealed content that this key cannot open: not sealed to it */
    ENLACE_EBADSEAL,   /* sealed content that does not open: damaged, or not what its
                        * author signed; nothing of it is shown */
} enlace_err_t;

#define ENLACE_PUBLIC_KEY_BYTES 32
#define ENLACE_FINGERPRINT_LEN 20 /* "ABCD-EFGH-IJKL-MNOP" and its NUL */

/* A static English name for an error code. */
ENLACE_EXPORT const char *enlace_strerror(int err);

/* Traffic Light Protocol labels (TLP 2.0). */
typedef enum {
    ENLACE_TLP_DEFAULT = 0, /* AMBER */
    ENLACE_TLP_CLEAR = 1,
    ENLACE_TLP_GREEN = 2,
    ENLACE_TLP_AMBER = 3,
    ENLACE_TLP_AMBER_STRICT = 4,
    ENLACE_TLP_RED = 5,
} enlace_tlp_t;

/* Parses "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" (any case);
 * returns -1 if unknown. */
ENLACE_EXPORT int enlace_tlp_parse(const char *name);
ENLACE_EXPORT const char *enlace_tlp_name(int tlp);

typedef struct enlace_client enlace_client_t;

typedef struct {
    const char *endpoint;     /* e.g. "tcp://127.0.0.1:7440"; the hubs of a cluster
                               * comma-separated ("tcp://hub1:7440,tcp://hub2:7440,
                               * tcp://hub3:7440"): the client follows the leader */
    const char *hub_key_file; /* the hub's .public file */
    const char *key_file;     /* our .secret file */
    const char *passphrase;   /* for a sealed key file, or NULL */
    int timeout_ms;           /* connect and request timeout; 0: 10000 */
    const char *client_name;  /* free text sent in Hello, or NULL */
} enlace_options_t;

/* Connects, completes the CURVE handshake and the Hello exchange. Fails fast
 * with ENLACE_EAUTH if the hub refuses our key and ENLACE_EHANDSHAKE if no
 * secure session comes up within timeout_ms (wrong hub key, no hub).
 * On success *out owns a new client (free with enlace_close); on failure
 * *out is NULL and, if why is not NULL, a one-line reason is written there. */
ENLACE_EXPORT int enlace_connect(const enlace_options_t *opts, enlace_client_t **out, char *why,
    size_t why_len);

/* Closes the connection and frees the client. Accepts NULL; sets *self_p NULL. */
ENLACE_EXPORT void enlace_close(enlace_client_t **self_p);

/* The explanation of the last failure on this client (never NULL). */
ENLACE_EXPORT const char *enlace_last_error(const enlace_client_t *self);

/* Who the hub says we are: name, fingerprint, "CC" or organisation. Owned by
 * the client. */
ENLACE_EXPORT const char *enlace_self_name(const enlace_client_t *self);
ENLACE_EXPORT const char *enlace_self_fingerprint(const enlace_client_t *self);
ENLACE_EXPORT const char *enlace_self_country(const enlace_client_t *self);
/* The organisation code (ST, IOM, ...) the hub names for our key, "" for a
 * country's officer. Owned by the client. */
ENLACE_EXPORT const char *enlace_self_organisation(const enlace_client_t *self);
/* Our memberships as the hub named them when we connected, "network:role"
 * ("consular:focal"): how many, and the i-th (NULL past the end). Owned by
 * the client. The st and observer roles usually hold none. */
ENLACE_EXPORT size_t enlace_self_network_count(const enlace_client_t *self);
ENLACE_EXPORT const char *enlace_self_network(const enlace_client_t *self, size_t i);

/* ---------------------------------------------------------------- case forms */

/* A case form: one of enlace.proto's structured forms (death, child,
 * incident, trafficking, smuggling, return_assistance) with its fields by
 * their .proto names. Build one field by field from text, or read one from
 * a delivery; the library maps it to and from the wire's messages. The hub
 * checks it (required fields, formats, ranges) and names a bad field. */
typedef struct enlace_form enlace_form_t;

typedef enum {
    ENLACE_FIELD_TEXT = 0,    /* any text */
    ENLACE_FIELD_BOOL = 1,    /* "true" or "false" */
    ENLACE_FIELD_INTEGER = 2, /* a whole number from 0, in decimal */
    ENLACE_FIELD_NUMBER = 3,  /* a decimal number, e.g. "14.5" */
} enlace_field_kind_t;

/* A field of a form that is set. A list field (border_posts, countries,
 * countries_of_origin) has one value per item, the others exactly one.
 * Values are text: integers in decimal, numbers as printf's "%.17g" (the
 * exact double), booleans "true" or "false". */
typedef struct {
    const char *name;
    enlace_field_kind_t kind;
    int list;
    size_t nvalues;
    const char *const *values;
} enlace_form_field_t;

/* A new, empty form of type ("return-assistance" may be written for
 * return_assistance). ENLACE_OK and *out (free with enlace_form_destroy),
 * else ENLACE_EINVAL (unknown type) or ENLACE_ENOMEM, with a one-line reason
 * in why (if not NULL). */
ENLACE_EXPORT int enlace_form_new(const char *type, enlace_form_t **out, char *why, size_t why_len);
ENLACE_EXPORT void enlace_form_destroy(enlace_form_t **self_p);

/* Sets field name to value, read by the field's type; a list field gains
 * one item. ENLACE_EINVAL with a reason naming the field if the form has no
 * such field ("form: unknown field 'x' in DeathAbroad") or the value does
 * not fit it ("form: age must be a whole number"); ENLACE_ENOMEM. A form
 * read from a delivery cannot be changed (ENLACE_EINVAL). */
ENLACE_EXPORT int enlace_form_set(enlace_form_t *self, const char *name, const char *value,
    char *why, size_t why_len);

/* The form's type ("death", ...; "" for a form that names none). */
ENLACE_EXPORT const char *enlace_form_type(const enlace_form_t *self);
/* The fields that are set, in the .proto's order: text that is not empty,
 * whole numbers and numbers that are not 0, booleans always (false is a
 * value), lists with items. The field is owned by the form and valid until
 * the form changes or is destroyed. */
ENLACE_EXPORT size_t enlace_form_count(const enlace_form_t *self);
ENLACE_EXPORT const enlace_form_field_t *enlace_form_field(const enlace_form_t *self, size_t i);

/* ---------------------------------------------------------------- publishing */

/* An urgent case alert: the OASIS CAP 1.2 fields that fit. Names are the
 * lower-case CAP values; NULL means the default. The message body is the
 * alert's description. */
typedef struct {
    const char *priority;         /* routine, priority, urgent, flash (default routine) */
    const char *category;         /* death, disaster, trafficking, smuggling, missing-child,
                                   * unaccompanied-child, return-assistance, other */
    const char *const *countries; /* ISO 3166-1 alpha-2 codes concerned */
    size_t ncountries;
    const char *headline;       /* required, at most 200 bytes */
    const char *status;         /* actual (default), exercise (a drill), system, test, draft */
    const char *msg_type;       /* alert (default), update, cancel */
    const uint64_t *references; /* earlier alert ids, for update and cancel */
    size_t nreferences;
    const char *urgency;   /* immediate, expected, future, past (default unknown) */
    const char *severity;  /* extreme, severe, moderate, minor */
    const char *certainty; /* observed, likely, possible, unlikely */
    const char *area;      /* CAP areaDesc */
    int64_t expires_ms;    /* 0: none */
    const char *language;  /* es (default) or en */
    /* The alert in a second language (one more CAP info block), or NULL: */
    const char *translation_language;
    const char *translation_headline;
    const char *translation_description;
} enlace_alert_t;

/* Optional publish settings; NULL means defaults (AMBER, no recipients). */
typedef struct {
    enlace_tlp_t tlp;
    const char *const *recipients; /* fingerprints; required for RED */
    size_t nrecipients;
    const char *content_type;    /* default "text/plain; charset=utf-8" */
    const uint8_t *message_id;   /* 16 bytes to reuse (a retry); NULL: random */
    int64_t created_ms;          /* author time; 0: now. A retry by the caller
                                  * must repeat both message_id and created_ms
                                  * so the hub sees identical content */
    const enlace_alert_t *alert; /* makes the message an alert; its id is the seq */
    uint64_t case_id;            /* attach to an open case of the topic's network */
    const char *handling;        /* H0, H1, H2 or H3 (NULL: none) */
    const char *handling_text;   /* the restriction, required for H3 */
    const char *evaluation;      /* source reliability A|B|C|X and accuracy 1-4, e.g. "B2" */
    int personal_data;           /* the content contains personal data */
    const enlace_form_t *form;   /* a case form (see enlace_form_new); implies personal
                                  * data. Not owned: it must outlive the call */
    uint64_t forward_of;         /* passes on stored message N; the hub refuses it if
                                  * N's label or handling code forbids (ENLACE_EDENIED) */
    int seal;                    /* seal the content (always done for TLP:RED): the body,
                                  * headline, area, form, translations and handling text
                                  * are encrypted to the recipients' keys in force, your
                                  * own and the ST's archive key (PROTOCOL.md 6), which
                                  * the library fetches from the hub; needs recipients.
                                  * A form is then checked here, with the hub's table */
} enlace_publish_opts_t;

/* Signs and publishes a message and waits until the hub has committed it to
 * its archive. On ENLACE_OK *seq_out (if not NULL) holds the stored sequence.
 * Deliveries that arrive meanwhile are queued for enlace_recv. A sealed
 * message (TLP:RED, or opts->seal) first asks the hub for the keys to seal
 * to (one round trip); ENLACE_EINVAL if its sealed part does not pass the
 * checks the hub would have made (the reason names the field). */
ENLACE_EXPORT int enlace_publish(enlace_client_t *self, const char *topic, const void *body,
    size_t len, const enlace_publish_opts_t *opts, uint64_t *seq_out);

/* Pipelined publishing: queues a publish without waiting and returns a
 * ticket. The publishes queued together are signed as one batch (one
 * Ed25519 signature over their Merkle root, each message with its audit
 * path: PROTOCOL.md) and sent at the next call that sends or waits, or at
 * once when nothing else is outstanding or 256 are queued: nothing waits to
 * fill a batch. At most ENLACE_PUBLISH_WINDOW publishes may be outstanding
 * (ENLACE_ELIMIT beyond). The message's signed bytes are kept until the hub
 * answers. */
#define ENLACE_PUBLISH_WINDOW 1024
ENLACE_EXPORT int enlace_publish_async(enlace_client_t *self, const char *topic, const void *body,
    size_t len, const enlace_publish_opts_t *opts, uint64_t *ticket);

/* Waits up to timeout_ms (-1: forever) for the outcome of any outstanding
 * publish. Returns ENLACE_ETIMEDOUT if none arrived; otherwise fills *ticket
 * and returns that publish's own result (ENLACE_OK with *seq set, or the
 * hub's refusal, explained by enlace_last_error). */
ENLACE_EXPORT int enlace_publish_result(enlace_client_t *self, uint64_t *ticket, uint64_t *seq,
    int timeout_ms);

/* Publishes sent and not yet answered. */
ENLACE_EXPORT size_t enlace_publish_outstanding(const enlace_client_t *self);

/* Durable subscription: the hub remembers what this officer acknowledged on
 * this pattern and resumes from there. from_start: a new subscription also
 * receives the history it may see. */
ENLACE_EXPORT int enlace_subscribe(enlace_client_t *self, const char *pattern, int from_start);
ENLACE_EXPORT int enlace_unsubscribe(enlace_client_t *self, const char *pattern);

/* A received message. All pointers are owned by the delivery. */
typedef struct {
    uint64_t seq; /* the hub's sequence number */
    const char *topic;
    const uint8_t *body;
    size_t body_len;
    const char *content_type;
    int tlp;                        /* enlace_tlp_t */
    const uint8_t *message_id;      /* 16 bytes */
    const char *author_fingerprint; /* from the signing key: verified */
    const char *author_name;        /* the hub's directory */
    const char *author_country;     /* or organisation code */
    int64_t created_ms;             /* author's clock */
    int64_t stored_ms;              /* hub's clock */
    const uint8_t *signature;       /* 64 bytes, verified: over the content alone, or
                                     * (batch_size > 0) over the root of the batch the
                                     * author signed it in, reached with this audit path */
    uint32_t batch_size;            /* 0: signed alone */
    uint32_t batch_index;
    const uint8_t *batch_path; /* batch_path_len bytes: 32-byte sibling hashes */
    size_t batch_path_len;
    const uint8_t *content; /* the signed Content bytes, as the author sent them */
    size_t content_len;
    size_t nrecipients;
    const char *const *recipients;
    uint64_t case_id; /* 0: none */
    int out_of_band;  /* an alert pushed to you, outside your subscriptions */
    /* Alerts (is_alert = 1): */
    int is_alert;
    const char *alert_priority; /* routine, priority, urgent, flash */
    const char *alert_category;
    const char *alert_headline;
    const char *alert_status;   /* actual, exercise, ... */
    const char *alert_msg_type; /* alert, update, cancel */
    size_t alert_ncountries;
    const char *const *alert_countries;
    /* Escalations written by the hub (escalation_alert != 0): */
    uint64_t escalation_alert;
    const char *escalation_country;
    unsigned escalation_level;
    /* Handling and evaluation, shown before the content: */
    const char *handling; /* "", H0, H1, H2, H3 */
    const char *handling_text;
    char evaluation[4]; /* "B2", or "" */
    int personal_data;
    const enlace_form_t *form; /* the case form, or NULL; owned by the delivery */
    /* The first translation carried by the message, or NULLs: */
    const char *translation_language;
    const char *translation_headline;
    const char *translation_description;
    /* A step of a consultation (consult_step not NULL), or the hub's
     * reminder about one (consult_notice not NULL): */
    const char *consult_step;    /* open, answer, advance, revise, close */
    uint64_t consult_id;         /* the consultation (0 when this step opens it: its id
                                  * is this message's seq) */
    const char *consult_title;   /* open */
    unsigned consult_stage;      /* 0 the Troika, 1 round 1, 2 round 2 */
    const char *consult_answer;  /* answer: agree, object, no-objection, comments, objection */
    const char *consult_outcome; /* close: consensus, no-consensus */
    const char *consult_reason;  /* close without consensus: why */
    const char *consult_notice;  /* the hub's: reminder, last-day, deadline, escalated */
    const char *consult_country; /* the country a notice is about */
    int64_t consult_deadline_ms; /* its deadline */
    /* Sealed content (PROTOCOL.md 6; always TLP:RED): the hub carried the
     * body, headline, area, form, translations and handling text encrypted,
     * and the library opened them with your key. */
    int sealed;            /* the author sealed it */
    int seal_status;       /* ENLACE_OK: opened, the fields above are the
                            * plaintext; ENLACE_ESEALED: not sealed to your key,
                            * ENLACE_EBADSEAL: does not open (damaged): body NULL
                            * (body_len 0), headline, handling text and content type
                            * "", no form, no translation */
    const char *opened_by; /* the fingerprint of the key that opened it, or "" */
} enlace_delivery_t;

/* Waits up to timeout_ms (-1: forever) for the next delivery. Every delivery
 * returned has a valid author signature; others are dropped and counted.
 * ENLACE_ETIMEDOUT if none arrived. *out must be freed with
 * enlace_delivery_destroy; the delivery is acknowledged to the hub. */
ENLACE_EXPORT int enlace_recv(enlace_client_t *self, enlace_delivery_t **out, int timeout_ms);
ENLACE_EXPORT void enlace_delivery_destroy(enlace_delivery_t **self_p);

/* History: archived messages this officer may see, oldest first, one page
 * at a time. Every item's signature is verified like a delivery's. */
typedef struct {
    const char *pattern; /* required, e.g. "consular/#" */
    uint64_t after_seq;  /* page start (0: from the beginning) */
    unsigned limit;      /* items per page (0: hub default, at most 500) */
    int64_t from_ms;     /* stored at or after (0: no bound) */
    int64_t to_ms;       /* stored before (0: no bound) */
    const char *author;  /* author fingerprint, or NULL */
    const char *country; /* author's country/organisation code, or NULL */
    uint64_t case_id;    /* only messages of this case (0: any) */
} enlace_history_query_t;

typedef struct enlace_page enlace_page_t;

ENLACE_EXPORT int enlace_history(enlace_client_t *self, const enlace_history_query_t *query,
    enlace_page_t **out);
/* Full-text search (all words, accents folded), same rules as history. */
ENLACE_EXPORT int enlace_search(enlace_client_t *self, const char *query, uint64_t after_seq,
    unsigned limit, enlace_page_t **out);
ENLACE_EXPORT size_t enlace_page_count(const enlace_page_t *page);
/* The i-th item; owned by the page. */
ENLACE_EXPORT const enlace_delivery_t *enlace_page_item(const enlace_page_t *page, size_t i);
/* Pass as after_seq to get the next page; more is 1 if the hub stopped early. */
ENLACE_EXPORT uint64_t enlace_page_next(const enlace_page_t *page);
ENLACE_EXPORT int enlace_page_more(const enlace_page_t *page);
/* A search page: the sealed messages you may see, in the span the page
 * covered, whose sealed part the hub could not search (0 for history). */
ENLACE_EXPORT uint64_t enlace_page_sealed_not_searched(const enlace_page_t *page);
ENLACE_EXPORT void enlace_page_destroy(enlace_page_t **self_p);

/* Acknowledges an alert for your country (idempotent). */
ENLACE_EXPORT int enlace_ack(enlace_client_t *self, uint64_t alert_id, const char *note);

/* One concerned country's acknowledgement of an alert. */
typedef struct {
    const char *country;
    const char *state;    /* acknowledged, pending, overdue, not required, cancelled,
                           * superseded */
    const char *acked_by; /* the officer's name ("" until acknowledged) */
    const char *acked_by_fingerprint;
    int64_t acked_ms; /* 0 until acknowledged */
    const char *note;
    unsigned level;      /* escalation level reached (0, 1, 2) */
    int64_t deadline_ms; /* the current deadline while pending (0: none) */
} enlace_target_t;

/* An alert and its acknowledgement, country by country. Names are those of
 * enlace_alert_t. */
typedef struct {
    uint64_t id; /* the alert's sequence number */
    const char *topic;
    const char *priority;
    const char *category;
    const char *headline;
    const char *status;
    const char *msg_type;
    size_t ncountries;
    const char *const *countries;
    size_t nreferences;
    const uint64_t *references; /* the alerts an update or cancellation names */
    const char *author_name;
    const char *author_fingerprint;
    const char *author_country;
    int64_t stored_ms;
    uint64_t case_id;       /* 0: none */
    int needs_ack;          /* urgent or flash: the countries must acknowledge */
    uint64_t superseded_by; /* a later update or cancellation (0: none) */
    size_t ntargets;
    const enlace_target_t *const *targets;
    int sealed; /* a sealed alert: headline is "" (the hub has only its
                 * envelope; the message itself opens for its recipients) */
} enlace_alert_status_t;

typedef struct {
    size_t count;
    const enlace_alert_status_t *const *items;
} enlace_alert_list_t;

/* The alerts you may see (alert_id 0: the latest 100, newest first; else
 * just that one; open_only: only those a country has still to acknowledge).
 * On ENLACE_OK *out is a list to free with enlace_alert_list_destroy. */
ENLACE_EXPORT int enlace_alerts(enlace_client_t *self, int open_only, uint64_t alert_id,
    enlace_alert_list_t **out);
ENLACE_EXPORT void enlace_alert_list_destroy(enlace_alert_list_t **self_p);

/* The alert as OASIS CAP 1.2 XML (caller frees *xml). */
ENLACE_EXPORT int enlace_cap(enlace_client_t *self, uint64_t alert_id, char **xml);

/* ---------------------------------------------------------------- cases */

/* A case: the messages and alerts about one situation. */
typedef struct {
    uint64_t id;
    const char *type; /* a category name: death, disaster, ... */
    const char *network;
    size_t ncountries;
    const char *const *countries;
    const char *title;
    const char *state;     /* open or closed */
    const char *opened_by; /* the officer's name */
    int64_t opened_ms;
    int64_t updated_ms;
    uint64_t form_seq;    /* the message holding the case form (0: none) */
    const char *approval; /* special returns: whose approval is recorded or awaited */
} enlace_case_info_t;

typedef struct {
    int64_t ts_ms;
    const char *officer;
    const char *event; /* opened, closed, reopened, approved */
    const char *note;
} enlace_case_event_t;

/* A case with its thread (verified messages, in order, as you may see
 * them; one whose signature fails is left out and counted in
 * enlace_bad_signatures), its alerts and their acknowledgements, and its
 * events. */
typedef struct {
    const enlace_case_info_t *info;
    size_t nmessages;
    const enlace_delivery_t *const *messages;
    size_t nalerts;
    const enlace_alert_status_t *const *alerts;
    size_t nevents;
    const enlace_case_event_t *const *events;
} enlace_case_t;

typedef struct {
    size_t count;
    const enlace_case_info_t *const *items;
} enlace_case_list_t;

/* Your own open cases and unacknowledged alerts, for review. */
typedef struct {
    size_t ncases;
    const enlace_case_info_t *const *cases;
    size_t nalerts;
    const enlace_alert_status_t *const *alerts;
} enlace_review_t;

/* Opens a case; network may be NULL (default from the type). */
ENLACE_EXPORT int enlace_case_open(enlace_client_t *self, const char *type,
    const char *const *countries, size_t ncountries, const char *title, const char *network,
    uint64_t *case_id);
/* Opens a case with a structured form: the form is published first as a
 * signed message of its own (the hub validates it and names any bad field),
 * then the case points at it. */
ENLACE_EXPORT int enlace_case_open_form(enlace_client_t *self, const char *type,
    const char *const *countries, size_t ncountries, const char *title, const char *network,
    const enlace_form_t *form, uint64_t *case_id);
/* The case (ENLACE_ENOTFOUND if you may not see it). On ENLACE_OK *out is
 * the case, to free with enlace_case_destroy. */
ENLACE_EXPORT int enlace_case_show(enlace_client_t *self, uint64_t case_id, enlace_case_t **out);
ENLACE_EXPORT void enlace_case_destroy(enlace_case_t **self_p);
/* Cases you may see, filtered by type, country and state (NULL: any),
 * newest first; free with enlace_case_list_destroy. */
ENLACE_EXPORT int enlace_case_list(enlace_client_t *self, const char *type, const char *country,
    const char *state, enlace_case_list_t **out);
ENLACE_EXPORT void enlace_case_list_destroy(enlace_case_list_t **self_p);
ENLACE_EXPORT int enlace_case_set_state(enlace_client_t *self, uint64_t case_id, int open,
    const char *note);
/* Records IOM's or the ST's approval of a special return-assistance case. */
ENLACE_EXPORT int enlace_case_approve(enlace_client_t *self, uint64_t case_id, const char *note);
/* Your own open cases and unacknowledged alerts older than `days` (0: 30);
 * free with enlace_review_destroy. */
ENLACE_EXPORT int enlace_review(enlace_client_t *self, unsigned days, enlace_review_t **out);
ENLACE_EXPORT void enlace_review_destroy(enlace_review_t **self_p);

/* Widens message seq's label (tlp, or ENLACE_TLP_DEFAULT to keep it) and/or
 * lifts its handling code: only its author, or the focal point of the
 * author's country. */
ENLACE_EXPORT int enlace_relabel(enlace_client_t *self, uint64_t seq, enlace_tlp_t tlp,
    int lift_handling);

/* Asks the author of message seq for wider release; the author is told. */
ENLACE_EXPORT int enlace_release_request(enlace_client_t *self, uint64_t seq, const char *reason);

/* ---------------------------------------------------------------- consultations */

/* The PPT's written consultation between annual meetings (PROTOCOL.md,
 * "Consultations"): the PPT opens it with a title and a text, which goes to
 * the Troika (last year's, this year's and next year's PPT) first; each
 * Troika country agrees or objects; once all agree the PPT advances it to
 * round 1, when every member country's focal point has a number of business
 * days (5), counted in its own time zone without weekends and its holidays,
 * to answer no-objection, comments or objection; the PPT then publishes the
 * revised text for round 2, and closes it with the outcome and a report.
 * Every step is a message signed like any other, labelled by the library as
 * its stage needs (AMBER+STRICT to the Troika, then AMBER). Stages: 0 the
 * Troika, 1 round 1, 2 round 2. Observers never see a consultation.
 *
 * Besides the transport's errors, a step may get ENLACE_EDENIED (you may not
 * take it: only the PPT leads, only an addressed country answers),
 * ENLACE_ENOTFOUND (no consultation with that number that you may see),
 * ENLACE_EINVAL (not now: enlace_last_error says why, e.g. the Troika has
 * not agreed, a round is still running) or ENLACE_EPROTO (a field out of
 * form, e.g. an objection without its text). */

/* A consultation's own facts. */
typedef struct {
    uint64_t id; /* the seq of the message that opened it */
    const char *title;
    const char *state;         /* open or closed ("draft": the one you would open) */
    unsigned stage;            /* 0 the Troika, 1 round 1, 2 round 2 */
    size_t ntroika;            /* its Troika's countries (none if you never saw the */
    const char *const *troika; /* Troika's stage) */
    const char *ppt;           /* the PPT country that opened it */
    const char *opened_by;
    const char *opened_by_fingerprint;
    int64_t opened_ms;
    int64_t updated_ms;
    unsigned version;    /* the number of its latest text */
    const char *outcome; /* "", consensus or no-consensus */
    const char *reason;  /* closed without consensus: why */
    int64_t closed_ms;
    unsigned addressed; /* countries addressed in its stage ... */
    unsigned answered;  /* ... of which have answered */
} enlace_consult_info_t;

/* One country in one stage: its deadline and its latest answer. */
typedef struct {
    unsigned stage;
    const char *country;
    const char *zone;        /* the IANA zone its business days are counted in */
    int64_t opened_ms;       /* when the stage reached it */
    int64_t deadline_ms;     /* the end of its last business day (0: none, the Troika) */
    const char *state;       /* pending, answered, no-answer, no-objection, closed */
    const char *answer;      /* agree, object, no-objection, comments, objection, "" */
    const char *answered_by; /* the officer's name */
    int64_t answered_ms;
    uint64_t answer_seq; /* the answer's message, among the consultation's messages */
    int late;            /* answered after its deadline */
    unsigned step;       /* the hub's notices so far: 1 and 2 reminders, 3 the
                          * deadline's, 4 the ST told */
    unsigned answers;    /* answers it gave in this stage (the latest counts) */
} enlace_consult_target_t;

/* A text of the consultation. */
typedef struct {
    unsigned version;
    unsigned stage; /* the stage it was sent to */
    uint64_t seq;   /* its message, among the consultation's messages */
    int64_t ts_ms;
} enlace_consult_version_t;

typedef struct {
    int64_t ts_ms;
    const char *event; /* opened, addressed, answered, advanced, revised,
                        * reminded, deadline, escalated, closed */
    unsigned stage;
    const char *country;
    const char *officer; /* "" the hub */
    const char *detail;
} enlace_consult_event_t;

/* A consultation as you may see it: its texts, the board of answers and
 * deadlines, its signed messages (each verified like a delivery; one whose
 * signature fails is left out and counted in enlace_bad_signatures), and
 * its events. */
typedef struct {
    const enlace_consult_info_t *info;
    size_t nversions;
    const enlace_consult_version_t *const *versions;
    size_t ntargets;
    const enlace_consult_target_t *const *targets; /* by stage, then country */
    size_t nmessages;
    const enlace_delivery_t *const *messages;
    size_t naddressees; /* with the Troika: the fingerprints its steps name */
    const char *const *addressees;
    size_t nevents;
    const enlace_consult_event_t *const *events;
} enlace_consult_t;

typedef struct {
    size_t count;
    const enlace_consult_info_t *const *items; /* newest first */
} enlace_consult_list_t;

/* Opens a consultation (the PPT): title (1 to 200 bytes) and the proposal's
 * text go to the Troika. *id (may be NULL) is its id. */
ENLACE_EXPORT int enlace_consult_open(enlace_client_t *self, const char *title, const char *text,
    uint64_t *id);
/* Answers for your country: agree or object (the Troika), no-objection,
 * comments or objection (a round); text is required but for agree and
 * no-objection (NULL: none). stage is the stage you answer (-1: the current
 * one; a stage that is no longer current is refused with ENLACE_EINVAL). A
 * later answer in the same stage replaces the earlier; both are kept. */
ENLACE_EXPORT int enlace_consult_answer(enlace_client_t *self, uint64_t id, int stage,
    const char *answer, const char *text);
/* The PPT, once every Troika country agrees: round 1, with text (NULL: the
 * Troika's text as it is). */
ENLACE_EXPORT int enlace_consult_advance(enlace_client_t *self, uint64_t id, const char *text);
/* The PPT, once round 1 is over (every country answered or its deadline
 * passed): round 2, with the revised text. */
ENLACE_EXPORT int enlace_consult_revise(enlace_client_t *self, uint64_t id, const char *text);
/* The PPT closes it: with consensus (refused while a country objects or the
 * round runs), or without, saying why (reason); report is the result every
 * member receives. */
ENLACE_EXPORT int enlace_consult_close(enlace_client_t *self, uint64_t id, int consensus,
    const char *reason, const char *report);
/* One consultation (id 0, for the PPT: the one it would open now, with its
 * Troika and addressees); free with enlace_consult_destroy. */
ENLACE_EXPORT int enlace_consult_show(enlace_client_t *self, uint64_t id, enlace_consult_t **out);
ENLACE_EXPORT void enlace_consult_destroy(enlace_consult_t **self_p);
/* The text of version v (its message's body) as you may see it, or NULL;
 * owned by c. */
ENLACE_EXPORT const char *enlace_consult_text(const enlace_consult_t *c, unsigned version,
    size_t *len);
/* The consultations you may see, newest first (open_only: not closed); free
 * with enlace_consult_list_destroy. */
ENLACE_EXPORT int enlace_consult_list(enlace_client_t *self, int open_only,
    enlace_consult_list_t **out);
ENLACE_EXPORT void enlace_consult_list_destroy(enlace_consult_list_t **self_p);

/* ---------------------------------------------------------------- administration */

/* The directory over the wire, for the st and admin roles: the operations
 * of `enlace-hub officer|invite|ppt|audit|stats|status|holiday|zone|
 * archive-key DATA`, each a call.
 * Every change is recorded in the hub's audit log with your key. Besides
 * the transport's errors: ENLACE_EDENIED (your role may not administer),
 * ENLACE_EINVAL (the directory refuses a value: enlace_last_error says
 * which), ENLACE_ENOTFOUND (no such key, officer, membership or holiday),
 * ENLACE_EHUB. */

/* One key of an officer, as the directory holds it. */
typedef struct {
    int64_t id; /* the officer (the same for all its keys) */
    const char *name;
    const char *country;      /* "" for an organisation's officer */
    const char *organisation; /* "" for a country's */
    const char *role;
    size_t nnetworks;
    const char *const *networks; /* memberships, "network:role" */
    const char *fingerprint;     /* of this key */
    int64_t valid_from_ms;       /* 0: no bound */
    int64_t valid_until_ms;      /* 0: no bound */
    int64_t revoked_ms;          /* 0: in force */
} enlace_officer_t;

typedef struct {
    size_t count;
    const enlace_officer_t *const *items; /* one per key */
} enlace_officer_list_t;

/* A new officer with one key. */
typedef struct {
    const uint8_t *key;          /* ENLACE_PUBLIC_KEY_BYTES (enlace_public_key_load) */
    const char *name;            /* 1 to 200 bytes */
    const char *country;         /* a country code of the directory (MX), or NULL */
    const char *organisation;    /* an organisation code (ST, IOM), or NULL: one of the two */
    const char *role;            /* officer, focal, ppt, st, observer, admin */
    const char *const *networks; /* consular, trafficking, child, crm (none for st, observer) */
    size_t nnetworks;
    const char *contact; /* or NULL */
} enlace_officer_spec_t;

/* Registers an officer; *out (free with enlace_officer_destroy) is its entry. */
ENLACE_EXPORT int enlace_admin_officer_add(enlace_client_t *self, const enlace_officer_spec_t *spec,
    enlace_officer_t **out);
/* Every key of every officer; free with enlace_officer_list_destroy. */
ENLACE_EXPORT int enlace_admin_officer_list(enlace_client_t *self, enlace_officer_list_t **out);
/* Revokes a key, named by its fingerprint or given (key, 32 bytes): one of
 * the two, the other NULL. The hub closes its live sessions at once. *out,
 * if out is not NULL, is the key's entry. */
ENLACE_EXPORT int enlace_admin_officer_revoke(enlace_client_t *self, const char *fingerprint,
    const uint8_t *key, enlace_officer_t **out);
/* Gives the officer holding the key `fingerprint` another key, valid from
 * and until a time (0: no bound): key rollover. *out (may be NULL) is the
 * new key's entry. */
ENLACE_EXPORT int enlace_admin_officer_add_key(enlace_client_t *self, const char *fingerprint,
    const uint8_t key[ENLACE_PUBLIC_KEY_BYTES], int64_t valid_from_ms, int64_t valid_until_ms,
    enlace_officer_t **out);
/* Adds the membership of the officer holding `fingerprint` in network with
 * role, or changes its role (join); removes it (leave: ENLACE_ENOTFOUND if
 * there was none). *officer_id (may be NULL) names the officer. */
ENLACE_EXPORT int enlace_admin_officer_join(enlace_client_t *self, const char *fingerprint,
    const char *network, const char *role, int64_t *officer_id);
ENLACE_EXPORT int enlace_admin_officer_leave(enlace_client_t *self, const char *fingerprint,
    const char *network, int64_t *officer_id);
ENLACE_EXPORT void enlace_officer_destroy(enlace_officer_t **self_p);
ENLACE_EXPORT void enlace_officer_list_destroy(enlace_officer_list_t **self_p);

/* An observer's invitation into part of a network. */
typedef struct {
    int64_t id;
    const char *grantee; /* observer organisation or country */
    const char *network;
    size_t ntopics;
    const char *const *topics; /* patterns */
    const char *access;        /* read or readwrite */
    int64_t expires_ms;
    int64_t created_ms;
    const char *created_by; /* fingerprint ("" the hub's local operator) */
    int64_t revoked_ms;     /* 0: in force */
    const char *state;      /* active, expired or revoked */
} enlace_invitation_t;

typedef struct {
    size_t count;
    const enlace_invitation_t *const *items;
} enlace_invitation_list_t;

typedef struct {
    const char *grantee; /* an observer organisation or country code */
    const char *network;
    const char *const *topics; /* 1 to 8 patterns inside the network */
    size_t ntopics;
    const char *access;  /* read or readwrite */
    int64_t expires_ms;  /* a time to come, or 0 and: */
    int64_t duration_ms; /* that long from now, by the hub's clock */
} enlace_invite_spec_t;

/* Grants an invitation; *out (free with enlace_invitation_destroy) is it,
 * with its id and expiry. */
ENLACE_EXPORT int enlace_admin_invite_grant(enlace_client_t *self, const enlace_invite_spec_t *spec,
    enlace_invitation_t **out);
ENLACE_EXPORT int enlace_admin_invite_revoke(enlace_client_t *self, int64_t id);
/* Every invitation; free with enlace_invitation_list_destroy. */
ENLACE_EXPORT int enlace_admin_invite_list(enlace_client_t *self, enlace_invitation_list_t **out);
ENLACE_EXPORT void enlace_invitation_destroy(enlace_invitation_t **self_p);
ENLACE_EXPORT void enlace_invitation_list_destroy(enlace_invitation_list_t **self_p);

/* The pro-tempore presidency of a year: a country code, "" if not set. */
typedef struct {
    int year;
    char country[8];
} enlace_ppt_t;

/* The Troika: last year's, this year's and next year's PPT. The caller's
 * memory: these two structs will not change. */
typedef struct {
    enlace_ppt_t previous;
    enlace_ppt_t current;
    enlace_ppt_t next;
} enlace_troika_t;

/* Sets the PPT of year (0: this year, by the hub's clock); *year_out (may
 * be NULL) is the year set. */
ENLACE_EXPORT int enlace_admin_ppt_set(enlace_client_t *self, const char *country, int year,
    int *year_out);
/* Fills *out (the caller's). */
ENLACE_EXPORT int enlace_admin_ppt_show(enlace_client_t *self, enlace_troika_t *out);

/* The consultation's calendar (`enlace-hub holiday|zone DATA`): each
 * member country's public holidays and the IANA zone it counts business
 * days in. Changes count from the next round on. */

/* One public holiday. */
typedef struct {
    const char *country;
    const char *date; /* YYYY-MM-DD */
    const char *name; /* may be "" */
} enlace_holiday_t;

typedef struct {
    size_t count;
    const enlace_holiday_t *const *items; /* by country and date */
} enlace_holiday_list_t;

/* Adds a holiday of a member country (date YYYY-MM-DD, name at most 120
 * bytes, may be NULL); *added (may be NULL) is 1, or 0 if the country
 * already had a holiday that day (unchanged). */
ENLACE_EXPORT int enlace_admin_holiday_add(enlace_client_t *self, const char *country,
    const char *date, const char *name, int *added);
/* Removes it; ENLACE_ENOTFOUND if there was none. */
ENLACE_EXPORT int enlace_admin_holiday_remove(enlace_client_t *self, const char *country,
    const char *date);
/* The holidays of country (NULL: every country's); free with
 * enlace_holiday_list_destroy. */
ENLACE_EXPORT int enlace_admin_holiday_list(enlace_client_t *self, const char *country,
    enlace_holiday_list_t **out);
ENLACE_EXPORT void enlace_holiday_list_destroy(enlace_holiday_list_t **self_p);

/* A member country's time zone. */
typedef struct {
    const char *country;
    const char *zone;       /* "" if not set */
    const char *offset_now; /* "UTC-06:00" by the hub's clock, "?" if unknown */
} enlace_zone_t;

typedef struct {
    size_t count;
    const enlace_zone_t *const *items; /* one per member country, by code */
} enlace_zone_list_t;

/* Sets the zone of a member country (an IANA name the hub's zone database
 * has, e.g. America/Mexico_City). */
ENLACE_EXPORT int enlace_admin_zone_set(enlace_client_t *self, const char *country,
    const char *zone);
/* Every member country's zone; free with enlace_zone_list_destroy. */
ENLACE_EXPORT int enlace_admin_zone_list(enlace_client_t *self, enlace_zone_list_t **out);
ENLACE_EXPORT void enlace_zone_list_destroy(enlace_zone_list_t **self_p);

/* The ST's archive key (`enlace-hub archive-key DATA`), the one key
 * besides the recipients' that every sealed message is sealed to. The
 * caller's memory. */
typedef struct {
    int present; /* 0: no archive key */
    uint8_t key[ENLACE_PUBLIC_KEY_BYTES];
    char fingerprint[ENLACE_FINGERPRINT_LEN];
    char previous[ENLACE_FINGERPRINT_LEN]; /* set: the key it replaced, "none" if none */
    int changed;                           /* set: 0 if it was already in force */
} enlace_archive_key_t;

/* Sets the archive key (an Ed25519 public key, enlace_public_key_load);
 * sealed messages are sealed to it from then on. *out (may be NULL) is the
 * key in force. Audited as archive-key.set with your key. */
ENLACE_EXPORT int enlace_admin_archive_key_set(enlace_client_t *self,
    const uint8_t key[ENLACE_PUBLIC_KEY_BYTES], enlace_archive_key_t *out);
/* Fills *out with the archive key in force (present 0: none). */
ENLACE_EXPORT int enlace_admin_archive_key_show(enlace_client_t *self, enlace_archive_key_t *out);

/* One record of the audit log: an administrative act or a refusal. */
typedef struct {
    int64_t id;
    int64_t ts_ms;
    int64_t officer_id; /* 0 and fingerprint "": the hub's local operator */
    const char *fingerprint;
    const char *action;  /* officer.add, key.revoke, invite.grant, publish, ... */
    const char *outcome; /* ok, or refused:REASON */
    const char *detail;
} enlace_audit_entry_t;

typedef struct {
    size_t count;
    const enlace_audit_entry_t *const *items; /* oldest first */
} enlace_audit_t;

/* The audit log; free with enlace_audit_destroy. */
ENLACE_EXPORT int enlace_admin_audit(enlace_client_t *self, enlace_audit_t **out);
ENLACE_EXPORT void enlace_audit_destroy(enlace_audit_t **self_p);

/* One of the ST's figures: a section ("messages by network"), a key
 * ("consular") and its value. */
typedef struct {
    const char *section;
    const char *key;
    int64_t value;
} enlace_stat_t;

typedef struct {
    size_t count;
    const enlace_stat_t *const *items; /* section by section, in the hub's order */
} enlace_stats_t;

/* The ST's statistics over [from_ms, to_ms) (0: no bound); free with
 * enlace_stats_destroy. */
ENLACE_EXPORT int enlace_admin_stats(enlace_client_t *self, int64_t from_ms, int64_t to_ms,
    enlace_stats_t **out);
ENLACE_EXPORT void enlace_stats_destroy(enlace_stats_t **self_p);

typedef struct {
    const char *key;
    int64_t value;
} enlace_count_t;

/* The hub's health, as `enlace-hub status DATA` reports it. */
typedef struct {
    int running;        /* 1: the fields of the running hub are set */
    const char *reason; /* why not, when not running */
    /* The running hub: */
    const char *version;
    int64_t pid;
    int64_t started_ms;
    int64_t updated_ms; /* when the hub last wrote its status */
    int64_t uptime_s;
    const char *bind;
    int64_t sessions;
    int64_t officers_connected;
    size_t nconnected_by_country;
    const enlace_count_t *const *connected_by_country;
    size_t nconnected_by_organisation;
    const enlace_count_t *const *connected_by_organisation;
    size_t nconnected_by_network;
    const enlace_count_t *const *connected_by_network;
    int64_t inflight; /* deliveries sent and not acknowledged */
    int64_t blocked_sessions;
    int64_t stored;    /* messages stored this run */
    int64_t delivered; /* deliveries this run */
    /* The archive: */
    int64_t archive_bytes; /* database and write-ahead log */
    int64_t db_bytes;
    int64_t wal_bytes;
    int64_t last_seq;
    int64_t messages_total;
    size_t nmessages_by_network;
    const enlace_count_t *const *messages_by_network;
    int64_t alerts_open;
    int64_t overdue_acknowledgements;
} enlace_status_t;

/* The hub's status; free with enlace_status_destroy. */
ENLACE_EXPORT int enlace_admin_status(enlace_client_t *self, enlace_status_t **out);
ENLACE_EXPORT void enlace_status_destroy(enlace_status_t **self_p);

/* ---------------------------------------------------------------- the session */

/* Deliveries dropped because their signature did not verify. */
ENLACE_EXPORT uint64_t enlace_bad_signatures(const enlace_client_t *self);

/* Connection state. The library reconnects by itself: it says Hello again,
 * renews every subscription and resends every unanswered publish with the
 * same message id (the hub stores a repeated id once). */
typedef enum {
    ENLACE_STATE_CONNECTED = 0,
    ENLACE_STATE_RECONNECTING = 1,
    ENLACE_STATE_CLOSED = 2, /* revoked, or refused on reconnect: final */
} enlace_state_t;

ENLACE_EXPORT enlace_state_t enlace_state(const enlace_client_t *self);

/* The hub endpoint in use now (one of a cluster's, or one a follower named
 * as its leader). Owned by the client. With several hubs in
 * enlace_options_t.endpoint the client moves to the cluster's leader by
 * itself: a follower answers ERR_NOT_LEADER naming it, a lost hub is left
 * for the next one; each move is a reconnect (Hello, subscriptions from
 * their durable cursors, unanswered publishes resent byte for byte), and a
 * request a follower refused is sent again to the leader. */
ENLACE_EXPORT const char *enlace_hub_endpoint(const enlace_client_t *self);

/* Called from within library calls whenever the state changes. */
typedef void (*enlace_state_fn)(enlace_client_t *client, enlace_state_t state, void *arg);
ENLACE_EXPORT void enlace_on_state(enlace_client_t *self, enlace_state_fn fn, void *arg);

/* Round trip to the hub; ENLACE_OK if it answered. */
ENLACE_EXPORT int enlace_ping(enlace_client_t *self);

/* Formats a 16-byte message id as 32 hex characters plus NUL. */
ENLACE_EXPORT void enlace_id_hex(const uint8_t id[16], char out[33]);

/* ---------------------------------------------------------------- sealed content */

/* Pins the fingerprint of the ST's archive key (a profile's `archive_key`):
 * a sealed publish then fails (ENLACE_EKEY) unless the hub names that very
 * key, so that a hub that swapped in a key of its own is not sealed to.
 * NULL unpins. ENLACE_EINVAL for a malformed fingerprint. */
ENLACE_EXPORT int enlace_pin_archive_key(enlace_client_t *self, const char *fingerprint);

/* A secret key held outside a session: an officer's own key or the ST's
 * archive key (enlace-keygen makes both), to open sealed messages and
 * encrypted exports with. Secrets stay in the library's locked memory. */
typedef struct enlace_key enlace_key_t;

/* Loads a secret key file (passphrase for a sealed one, or NULL).
 * ENLACE_OK and *out (free with enlace_key_destroy), else ENLACE_EKEY with
 * a reason in why. */
ENLACE_EXPORT int enlace_key_load(const char *secret_file, const char *passphrase,
    enlace_key_t **out, char *why, size_t why_len);
ENLACE_EXPORT void enlace_key_destroy(enlace_key_t **self_p);
/* Its fingerprint; owned by the key. */
ENLACE_EXPORT const char *enlace_key_fingerprint(const enlace_key_t *key);

/* A stored message outside a session, from its signed bytes (an export
 * line's content, signature and batch; a delivery's content, signature and
 * batch_*): verifies the author's signature over content (alone, or with
 * batch_size > 0 through its audit path) and, if it is sealed and key is
 * not NULL, opens it with key. ENLACE_OK and *out (free with
 * enlace_delivery_destroy; seq, author name and country, stored time are
 * 0/"": the signed content does not hold them) whose seal_status and
 * opened_by say whether key opened it; ENLACE_EBADSIG (the signature does
 * not verify: nothing is returned) or ENLACE_EPROTO (not a Content), with a
 * reason in why. */
ENLACE_EXPORT int enlace_message_open(const uint8_t *content, size_t content_len,
    const uint8_t *signature, size_t signature_len, uint32_t batch_size, uint32_t batch_index,
    const uint8_t *batch_path, size_t batch_path_len, const enlace_key_t *key,
    enlace_delivery_t **out, char *why, size_t why_len);

/* Decrypts an encrypted backup or export (`enlace-hub backup|export
 * --encrypt-to`) read from in_fd into out_fd with the archive key. The
 * output is written as it authenticates: ENLACE_OK only once the whole file
 * has (until then treat the output as incomplete). *kind (may be NULL) is
 * 'B' for a backup, 'E' for an export. ENLACE_EKEY (encrypted to another
 * key), ENLACE_EBADSEAL (damaged or truncated), ENLACE_EPROTO (not an
 * encrypted file), ENLACE_EIO, with a reason in why. */
ENLACE_EXPORT int enlace_decrypt_stream(const enlace_key_t *key, int in_fd, int out_fd, char *kind,
    char *why, size_t why_len);

/* ---------------------------------------------------------------- key files */

/* 1 if the secret key file is sealed with a passphrase (pass it in
 * enlace_options_t.passphrase), 0 if not, -1 if it cannot be read as an
 * enlace secret key file. */
ENLACE_EXPORT int enlace_key_sealed(const char *secret_file);

/* Reads a public key file (NAME.public, or the public line of a secret
 * file) into key, checking that it is a usable Ed25519 key and that its
 * fingerprint line matches. ENLACE_OK, or ENLACE_EKEY (ENLACE_EINVAL,
 * ENLACE_EIO) with a one-line reason in why (if not NULL). */
ENLACE_EXPORT int enlace_public_key_load(const char *path, uint8_t key[ENLACE_PUBLIC_KEY_BYTES],
    char *why, size_t why_len);

/* The key's fingerprint: the first 80 bits of BLAKE2b-256 of the key, in
 * RFC 4648 base32, as four groups of four. */
ENLACE_EXPORT void enlace_fingerprint(const uint8_t key[ENLACE_PUBLIC_KEY_BYTES],
    char out[ENLACE_FINGERPRINT_LEN]);

#ifdef __cplusplus
}
#endif

#endif
