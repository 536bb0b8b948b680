/*
 * recent: a ring of the most recently stored messages with their delivery
 * frame already serialized, so live fan-out never touches SQLite and builds
 * each frame once. Older sequences are read back from the archive.
 */
#ifndef ENLACE_RECENT_H
#define ENLACE_RECENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t seq; /* 0: empty slot */
    char *topic;  /* owned */
    char network[24];
    int64_t author_id;
    char author_home[24]; /* author's country or organisation (AMBER+STRICT) */
    int tlp;
    int personal;     /* contains personal data: never to observers unless named */
    int handling;     /* Enlace__Handling, for the disclosure rules */
    char *recipients; /* owned; comma-separated fingerprints */
    uint8_t *frame;   /* serialized Frame{delivery}; owned */
    size_t frame_len;
} recent_msg_t;

typedef struct recent recent_t;

recent_t *recent_new(size_t capacity);
void recent_destroy(recent_t **self_p);
/* Takes ownership of msg's allocations (topic, recipients, frame). */
void recent_put(recent_t *self, recent_msg_t *msg);
/* The message with this seq if still in the ring, else NULL. */
const recent_msg_t *recent_get(const recent_t *self, uint64_t seq);
/* Changes the label and handling code of a message still in the ring (a
 * widened label, a lifted handling code). */
void recent_relabel(recent_t *self, uint64_t seq, int tlp, int handling);

/* Frees the allocations of a message that was not put. */
void recent_msg_clear(recent_msg_t *msg);

#endif
