/*
 * request: helpers request handlers share besides handle.h's: the names of
 * error codes, and topics and patterns that come as bytes.
 */
#ifndef ENLACE_REQUEST_H
#define ENLACE_REQUEST_H

#include "handle.h"
#include "topic.h"

/* The audit's short name of an ErrorCode ("denied", "bad-topic", ...). */
const char *request_code_name(int code);

/* Checks a topic or pattern that came as bytes and copies it,
 * NUL-terminated, into out. Returns NULL or why it is refused. */
const char *request_take_topic(ProtobufCBinaryData b, int pattern, char out[TOPIC_MAX_LEN + 1]);

/* The pattern of a subscribe or history request, checked and copied into
 * out, and one the sender may read: 0, or req_fail's -1. */
int request_readable_pattern(req_t *r, ProtobufCBinaryData b, char out[TOPIC_MAX_LEN + 1]);

#endif
