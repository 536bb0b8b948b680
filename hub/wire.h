/*
 * wire: the frames the hub sends, built from protocol structs
 * (proto/enlace.proto): packing, and the Delivery of a stored message as
 * live delivery, pages and pushes carry it.
 */
#ifndef ENLACE_WIRE_H
#define ENLACE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "directory.h"
#include "enlace.pb-c.h"
#include "recent.h"

/* Sets frame's version and request_id and packs it into a new buffer
 * (*out, caller frees). 0, or -1 on memory failure. */
int wire_pack(Enlace__Frame *frame, uint64_t request_id, uint8_t **out, size_t *len);

/* A Delivery frame of a stored message by `author` (the directory's entry,
 * or the hub's; NULL: unknown), out of band or not: the content as signed,
 * its signature and, if it was signed as one of a batch, its proof. 0, or
 * -1. */
int wire_delivery(const archive_msg_t *m, const dir_entry_t *author, int out_of_band, uint8_t **out,
    size_t *len);

/* A Delivery for a page (history, search, case threads) of an archived row:
 * content, signature and batch proof copied into one allocation returned in
 * *buf (free both *buf and the result). NULL on memory failure. */
Enlace__Delivery *wire_page_item(const archive_msg_t *m, const dir_entry_t *author, uint8_t **buf);

/* Fills a ring entry (recent.h) for a message just stored: its routing
 * attributes and its delivery frame. 0, or -1 on memory failure (the entry
 * is then cleared; the pump reads the message back from the archive). */
int wire_ring_entry(recent_msg_t *rm, const archive_msg_t *m, const char *author_home,
    const dir_entry_t *author);

#endif
