/*
 * webreq: the JSON bodies the console's pages send, decoded into typed
 * requests before anything acts on them. Bodies are untrusted (a page is
 * only a screen, and anything on this machine can send bytes to the port):
 * each decoder checks every member's type, count and size, refuses members
 * it does not know, and says which one is wrong, so the page can show the
 * error beside the field. What a value means (a topic's syntax, a TLP
 * label's rules, a form's required fields) is for libenlace and the hub,
 * which name the problem in turn.
 *
 * A decoded request points into the json_t it came from: keep that alive
 * while the request is used. Fuzzed by tests/fuzz/fuzz_webreq.c.
 */
#ifndef ENLACE_WEB_WEBREQ_H
#define ENLACE_WEB_WEBREQ_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "enlace.h"

#define WEB_MAX_TO 64        /* named recipients */
#define WEB_MAX_COUNTRIES 16 /* an alert's or a case's countries */
#define WEB_MAX_REFS 16      /* an update's or cancellation's earlier alerts */
#define WEB_MAX_FIELDS 64    /* a case form's fields */
#define WEB_MAX_VALUES 32    /* values of one list field */
#define WEB_MAX_NETWORKS 8
#define WEB_MAX_TOPICS 8 /* an invitation's patterns */
#define WEB_MAX_BODY (256 * 1024)

/* Why a body was refused: a sentence, and the member that is wrong ("" if
 * the whole body is). */
typedef struct {
    char message[256];
    char field[64];
} web_req_error_t;

/* A case form as the page sends it: {"type": "death", "fields": {"name":
 * "text" | number | true | ["a", "b"]}}. Values become text for
 * enlace_form_set; an empty string is a field left blank. */
typedef struct {
    const char *name;
    size_t nvalues;
    const char *values[WEB_MAX_VALUES];
} web_field_t;

typedef struct {
    const char *type; /* NULL: no form */
    size_t nfields;
    web_field_t fields[WEB_MAX_FIELDS];
    char numbers[WEB_MAX_FIELDS][40]; /* the text of number and boolean values */
} web_form_req_t;

/* POST /api/publish: a message, or an alert when "alert" is present. */
typedef struct {
    const char *topic;
    const char *body;
    size_t body_len;
    enlace_tlp_t tlp;
    const char *recipients[WEB_MAX_TO];
    size_t nrecipients;
    const char *handling, *handling_text, *evaluation;
    int personal;
    uint64_t case_id;
    int is_alert;
    enlace_alert_t alert; /* points into countries[] and references[] */
    const char *countries[WEB_MAX_COUNTRIES];
    uint64_t references[WEB_MAX_REFS];
    web_form_req_t form;
} web_publish_req_t;

/* POST /api/cases */
typedef struct {
    const char *type, *title, *network;
    const char *countries[WEB_MAX_COUNTRIES];
    size_t ncountries;
    web_form_req_t form;
} web_case_req_t;

/* POST /api/alerts/ID/ack, /api/cases/ID/state, /api/session, /api/admin/... */
typedef struct {
    const char *note;                         /* ack, case state */
    int open;                                 /* case state: 1 reopen, 0 close */
    const char *token;                        /* session */
    const char *fingerprint, *network, *role; /* officer revoke, join, leave, key */
    const char *key;                          /* the text of a .public file (officer add, key) */
    const char *name, *country, *organisation, *contact; /* officer add */
    const char *networks[WEB_MAX_NETWORKS];
    size_t nnetworks;
    int64_t from_ms, until_ms, expires_ms, duration_ms; /* officer key; invitation */
    const char *grantee, *access;                       /* invitation */
    const char *topics[WEB_MAX_TOPICS];
    size_t ntopics;
    int year; /* ppt */
} web_small_req_t;

/* The steps of a consultation (POST /api/consult, /api/consult/ID/answer,
 * advance, revise, close): each takes its own members and no other. */
typedef enum {
    WEB_CONSULT_OPEN,    /* title, text (both required) */
    WEB_CONSULT_ANSWER,  /* answer (required), text, stage */
    WEB_CONSULT_ADVANCE, /* text (none: the Troika's text as it is) */
    WEB_CONSULT_REVISE,  /* text (required) */
    WEB_CONSULT_CLOSE,   /* outcome (required), reason, report (required) */
} web_consult_step_t;

typedef struct {
    const char *title;
    const char *text;   /* NULL: none (a blank text is none) */
    const char *answer; /* agree, object, no-objection, comments, objection: the hub's words */
    int stage;          /* answer: the stage answered, -1 the current one */
    int consensus;      /* close: outcome "consensus" (1) or "no-consensus" (0) */
    const char *reason; /* close without consensus: why; NULL: none */
    const char *report;
} web_consult_req_t;

/* Which members a small request may carry: a bit each. */
enum {
    WEB_M_NOTE = 1 << 0,
    WEB_M_OPEN = 1 << 1,
    WEB_M_TOKEN = 1 << 2,
    WEB_M_FINGERPRINT = 1 << 3,
    WEB_M_NETWORK = 1 << 4,
    WEB_M_ROLE = 1 << 5,
    WEB_M_KEY = 1 << 6,
    WEB_M_OFFICER = 1 << 7,  /* name, country, organisation, contact, networks */
    WEB_M_VALIDITY = 1 << 8, /* from, until */
    WEB_M_INVITE = 1 << 9,   /* grantee, network, topics, access, expires, duration */
    WEB_M_PPT = 1 << 10,     /* country, year */
};

/* Parses body (len bytes) as one JSON object: the json_t (caller's, free
 * with json_decref), or NULL with why. Duplicate keys are refused. */
json_t *web_req_parse(const char *body, size_t len, web_req_error_t *why);

/* Decoders: 0, or -1 with why. out is overwritten. */
int web_req_publish(const json_t *j, web_publish_req_t *out, web_req_error_t *why);
int web_req_case(const json_t *j, web_case_req_t *out, web_req_error_t *why);
/* Members outside `allowed` (WEB_M_*) are refused; `required` must be there. */
int web_req_small(const json_t *j, unsigned allowed, unsigned required, web_small_req_t *out,
    web_req_error_t *why);

/* A consultation's step: members outside the step's are refused. */
int web_req_consult(const json_t *j, web_consult_step_t step, web_consult_req_t *out,
    web_req_error_t *why);

/* Builds the enlace form of a decoded form (NULL type: *out NULL, 0). On a
 * value libenlace refuses: -1 with the field named in why. */
int web_req_form_build(const web_form_req_t *f, enlace_form_t **out, web_req_error_t *why);

#endif
