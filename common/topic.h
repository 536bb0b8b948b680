/*
 * topic: validation and MQTT-style matching of topics and patterns.
 *
 * A topic is 1..TOPIC_MAX_DEPTH segments separated by '/', at most
 * TOPIC_MAX_LEN bytes of valid UTF-8, no NUL, no control characters, no
 * empty segment, no wildcard. Its first segment names the network.
 * A pattern is the same, where a segment may be exactly '+' (one segment) or,
 * as the last segment only, '#' (zero or more segments).
 */
#ifndef ENLACE_TOPIC_H
#define ENLACE_TOPIC_H

#include <stddef.h>

#define TOPIC_MAX_LEN 256
#define TOPIC_MAX_DEPTH 16

/* Return NULL if valid, else a static string saying why not. `len` is the
 * byte length (the string may contain NULs when it came off the wire). */
const char *topic_check(const char *topic, size_t len);
const char *topic_check_pattern(const char *pattern, size_t len);

/* 1 if s[0..len) is valid UTF-8 without control characters other than
 * newline and tab (free text: headlines, notes). */
int topic_text_valid(const char *s, size_t len);

/* 1 if the (valid) topic matches the (valid) pattern, else 0. */
int topic_match(const char *pattern, const char *topic);

/* Copies the first segment (the network) into out; returns its length, or -1
 * if it does not fit. */
int topic_network(const char *topic, char *out, size_t cap);

/* 1 if the pattern can only match topics under one literal network, and
 * writes that network into out; 0 if its first segment is a wildcard. */
int topic_pattern_network(const char *pattern, char *out, size_t cap);

/* 1 if every topic that `inner` can match is also matched by `outer` (both
 * valid patterns): an invitation for outer covers a subscription to inner. */
int topic_pattern_covers(const char *outer, const char *inner);

/* The n-th segment (0-based) of a topic into out; -1 if there is none. */
int topic_segment(const char *topic, int n, char *out, size_t cap);

#endif
