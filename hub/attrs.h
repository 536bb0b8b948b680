/*
 * attrs: a stored message as the disclosure rules see it, read by seq, with
 * its own copies of the row's text (a row's pointers die with the
 * statement that read it).
 */
#ifndef ENLACE_ATTRS_H
#define ENLACE_ATTRS_H

#include <stdint.h>

#include "archive.h"
#include "directory.h"
#include "disclose.h"
#include "topic.h"

typedef struct {
    disclose_msg_t m; /* points into this struct */
    char topic[TOPIC_MAX_LEN + 1];
    char network[DIR_NAME_LEN];
    char recipients[4096];
    char home[DISCLOSE_HOME_LEN];
    int64_t stored_ms;
    int sealed; /* the content is sealed: its text is not the hub's to show */
} attrs_t;

/* Reads message seq: 1 found, 0 not, -1 archive error. */
int attrs_load(archive_t *archive, const directory_t *dir, uint64_t seq, attrs_t *out);

/* How much of it `who` may see on this path, now. */
disclose_t attrs_level(const attrs_t *a, const directory_t *dir, const dir_entry_t *who,
    disclose_path_t path, int64_t now_ms);

/* 1 if `who` may read message seq from the archive (history, the alert
 * board, CAP, acknowledgements, relabels); fills out (when found). */
int attrs_readable(archive_t *archive, const directory_t *dir, const dir_entry_t *who, uint64_t seq,
    int64_t now_ms, attrs_t *out);

#endif
