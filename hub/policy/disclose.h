/*
 * disclose: the one decision on what a reader may learn of a stored message.
 *
 * Every path by which bytes of a message, or facts about it, leave the hub
 * asks disclose_message() and decides nothing on its own: live delivery,
 * out-of-band alert pushes (at publish and again at Hello), escalation
 * notices, history, search (its results and its paging cursor), case
 * show/list/approve/close replies, the alert board, CAP export (with the
 * case's form), consultation lists, boards and reminders, statistics,
 * release requests, forwards and relabels, and the operator's exports from
 * the archive file. The README's "What each reader
 * sees" table is this file's rules; tests/integration/test_disclosure.c
 * checks every cell of it against a real hub.
 *
 * Levels, from nothing to everything:
 *   NOTHING    not even that the message exists (beyond its sequence number:
 *              seqs are one public counter, so a reader may always see gaps);
 *   EXISTENCE  that message seq N exists, with its network: enough to count;
 *   ENVELOPE   what the hub routes by: seq, topic, network, label, handling
 *              code, author, stored time, and for an alert its priority,
 *              category and concerned countries. Never the body, a headline,
 *              a form field or a translation;
 *   ALL        the signed content itself. A sealed content (PROTOCOL.md 6:
 *              always TLP:RED, any message sent with --seal) is that too, but
 *              its body, headline, area, form fields, translations and
 *              handling text are encrypted inside it: the hub can give no
 *              more than the envelope and the ciphertext, which only the
 *              named recipients' keys, the author's and the ST's archive key
 *              open. Paths that the hub itself writes from a message (CAP,
 *              escalation notices, the alert board, the full-text index)
 *              give a sealed message's envelope only, to every reader.
 *
 * The rules (DOMAIN.md "Access rules"), for a reader `who` and message m:
 *   author     the author sees its own message, always (ALL).
 *   RED        the named recipients who may read the topic at all (naming an
 *              invited observer is the author's explicit release); the ST
 *              reads RED from the archive, never live.
 *   AMBER+STRICT  members (of m's network) whose country or organisation is
 *              that of a named recipient (the author's if none is named); the
 *              ST from the archive.
 *   AMBER      members of the network and the ST.
 *   GREEN, CLEAR  also observers whose invitation in force covers the topic,
 *              except personal data (never to an observer unless named) and
 *              NET/members/# (members and the ST only); a PPT officer outside
 *              the network sees the network's announcements.
 *   paths      LIVE: the rules above without the ST's archive reading.
 *              ARCHIVE: the rules above. NOTICE (the hub's notices about a
 *              message): ALL for whoever may see it live; ENVELOPE for the ST
 *              and the PPT, to whom escalations go; else NOTHING. EXPORT (the
 *              operator reading the file offline: who == NULL): ALL, except
 *              that RED, AMBER+STRICT and handling codes H1-H3 are withheld
 *              (NOTHING) unless the operator asked for restricted messages.
 *
 * Pure functions of their arguments: no hub state, no archive.
 */
#ifndef ENLACE_DISCLOSE_H
#define ENLACE_DISCLOSE_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "directory.h"

typedef enum {
    DISCLOSE_NOTHING = 0,
    DISCLOSE_EXISTENCE = 1,
    DISCLOSE_ENVELOPE = 2,
    DISCLOSE_ALL = 3,
} disclose_t;

typedef enum {
    DISCLOSE_LIVE = 0, /* deliveries to subscribers; alert pushes at publish and at Hello */
    DISCLOSE_NOTICE,   /* what the hub's own notices say about a message (escalations) */
    DISCLOSE_ARCHIVE,  /* history, search, case threads, the alert board, CAP over the
                        * wire, relabel, release requests, the original of a forward */
    DISCLOSE_EXPORT,   /* the operator's export and CAP export from the file (who NULL) */
    DISCLOSE_PATHS
} disclose_path_t;

/* Who is reading. */
typedef struct {
    const directory_t *dir; /* the directory as it is now */
    const dir_entry_t *who; /* the authenticated reader; NULL: the operator, offline */
    int64_t now_ms;         /* invitations and the PPT are judged at this time */
    int restricted;         /* operator exports: include RED, AMBER+STRICT, H1-H3 */
} disclose_reader_t;

/* What the rules need to know about a stored message. */
#define DISCLOSE_HOME_LEN 24
typedef struct {
    uint64_t seq;
    const char *topic;
    const char *network;
    int tlp;                 /* the label as it is now (after relabels); UNSPECIFIED = AMBER */
    const char *recipients;  /* comma-separated fingerprints; "" or NULL: none */
    int64_t author_id;       /* 0: the hub's own notice */
    const char *author_home; /* the author's country or organisation code */
    int personal;            /* contains personal data (every case form does) */
    int handling;            /* Enlace__Handling */
} disclose_msg_t;

/* How much of m the reader may learn on this path. */
disclose_t disclose_message(const disclose_reader_t *r, const disclose_msg_t *m,
    disclose_path_t path);

/* Shorthand: 1 if the reader may see all of m on this path. */
int disclose_all(const disclose_reader_t *r, const disclose_msg_t *m, disclose_path_t path);

/* Fills m from an archived row; the author's home is looked up in dir and
 * copied into home (m points into am and home). */
void disclose_msg_of_row(const directory_t *dir, const archive_msg_t *am, disclose_msg_t *m,
    char home[DISCLOSE_HOME_LEN]);

/* A case's own facts (title, countries, opener, state, approvals): ENVELOPE
 * to whoever may read the case's whole network (members, the ST, observers
 * invited to NET/#), else NOTHING. Its form and thread are messages: each is
 * disclosed on its own. */
disclose_t disclose_case(const disclose_reader_t *r, const char *network);

/* What the rules need to know of a consultation (consult_rules.h). */
typedef struct {
    const char *troika; /* its Troika's countries, comma-separated (fixed at open) */
    int reached;        /* it went to every member country (round 1 or later) */
    int64_t opened_by;  /* the officer who opened it */
} disclose_consult_t;

/* A consultation's own facts (that it exists, its title, stage, outcome,
 * board of answers and deadlines, reminders, its share of the statistics):
 * ALL to the ST, to its opener, and to members of crm: every one of them
 * once it reached round 1, only those of a Troika country while it was with
 * the Troika; NOTHING to anyone else: an observer never learns that one
 * exists, whatever its invitations (the operator offline: ALL). Its texts,
 * answers and report are messages, each disclosed on its own. */
disclose_t disclose_consultation(const disclose_reader_t *r, const disclose_consult_t *c);

/* An officer's public keys in force, that a message may be sealed to them
 * (KeysQuery): ENVELOPE if the reader is active and may publish somewhere
 * (anyone but an observer without an invitation in force) and the target
 * key is in force; else NOTHING, the same answer as for a key that does not
 * exist. */
disclose_t disclose_keys(const disclose_reader_t *r, const dir_entry_t *target);

/* Counts over all messages (statistics): EXISTENCE for the ST and the admin
 * role (and the operator), else NOTHING. */
disclose_t disclose_aggregate(const disclose_reader_t *r);

/* A forward may reach nobody who may not read the original: returns NULL, or
 * the first directory entry who could read the forward (ARCHIVE) but not the
 * original. */
const dir_entry_t *disclose_forward_widens(const directory_t *dir, int64_t now_ms,
    const disclose_msg_t *forward, const disclose_msg_t *original);

/* An alert's label must let every country it concerns see it: a RED alert
 * concerns only countries of its named recipients, an AMBER+STRICT one only
 * the countries of its named recipients (the author's if none is named).
 * NULL if they agree, else a reason written into why. */
const char *disclose_alert_countries(const directory_t *dir, const disclose_msg_t *m,
    const char *const *countries, size_t ncountries, char *why, size_t cap);

/* Names for logs and tests: "nothing", "existence", "envelope", "all". */
const char *disclose_name(disclose_t level);

/* "TLP:CLEAR" ... "TLP:RED" (UNSPECIFIED is AMBER). */
const char *disclose_tlp_label(int tlp);

#endif
