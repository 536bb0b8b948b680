/*
 * fuzz_topic: topic and pattern validation and matching.
 *
 * The input is "pattern 0xFF topic" (without a 0xFF the same bytes are
 * tried as both). Both are checked with their explicit length, as bytes off
 * the wire are; only when both are valid are NUL-terminated copies matched,
 * as the hub does. Beyond "no crash", the target checks properties that must
 * hold for every valid input (topic_pattern_covers agreeing with
 * topic_match on literal topics, among others), and compares topic_match
 * with a plain segment-by-segment reference matcher; a difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits s at '/' into at most TOPIC_MAX_DEPTH segments (pointers into s,
 * which is modified). Returns the count. */
static int
s_split(char *s, char *seg[TOPIC_MAX_DEPTH])
{
    int n = 0;
    for (char *p = s;; p++) {
        seg[n++] = p;
        p = strchr(p, '/');
        if (!p || n == TOPIC_MAX_DEPTH)
            break;
        *p = '\0';
    }
    return n;
}

/* MQTT matching written the obvious way, over split segments. */
static int
s_reference_match(const char *pattern, const char *topic)
{
    char pbuf[TOPIC_MAX_LEN + 1], tbuf[TOPIC_MAX_LEN + 1];
    char *p[TOPIC_MAX_DEPTH], *t[TOPIC_MAX_DEPTH];
    snprintf(pbuf, sizeof pbuf, "%s", pattern);
    snprintf(tbuf, sizeof tbuf, "%s", topic);
    int np = s_split(pbuf, p), nt = s_split(tbuf, t);
    for (int i = 0; i < np; i++) {
        if (!strcmp(p[i], "#"))
            return 1;
        if (i >= nt)
            return 0;
        if (strcmp(p[i], "+") != 0 && strcmp(p[i], t[i]) != 0)
            return 0;
    }
    return np == nt;
}

static char *
s_copy(const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, data, len);
        s[len] = '\0';
    }
    return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *cut = memchr(data, 0xff, size);
    size_t plen = cut ? (size_t)(cut - data) : size;
    const uint8_t *tdata = cut ? cut + 1 : data;
    size_t tlen = cut ? size - plen - 1 : size;

    /* Exact-size heap copies, so ASan sees any read past `len`. */
    uint8_t *pbytes = malloc(plen ? plen : 1), *tbytes = malloc(tlen ? tlen : 1);
    if (!pbytes || !tbytes) {
        free(pbytes);
        free(tbytes);
        return 0;
    }
    memcpy(pbytes, data, plen);
    memcpy(tbytes, tdata, tlen);
    const char *pattern_err = topic_check_pattern((const char *)pbytes, plen);
    const char *topic_err = topic_check((const char *)tbytes, tlen);
    /* A valid topic is a valid pattern: topics are patterns without wildcards. */
    if (!topic_err && topic_check_pattern((const char *)tbytes, tlen) != NULL)
        abort();
    free(pbytes);
    free(tbytes);
    if (pattern_err || topic_err)
        return 0;

    char *pattern = s_copy(data, plen), *topic = s_copy(tdata, tlen);
    if (pattern && topic) {
        int got = topic_match(pattern, topic);
        if (got != s_reference_match(pattern, topic))
            abort();
        if (!topic_match(topic, topic) || !topic_match("#", topic))
            abort();
        /* A literal topic, seen as a pattern, is covered exactly when it
         * matches; every pattern covers itself. */
        if (topic_pattern_covers(pattern, topic) != got || !topic_pattern_covers(pattern, pattern))
            abort();
        char net[TOPIC_MAX_LEN + 1];
        if (topic_network(topic, net, sizeof net) <= 0)
            abort();
        /* A pattern with a literal network only matches topics in it. */
        char pnet[TOPIC_MAX_LEN + 1];
        if (got && topic_pattern_network(pattern, pnet, sizeof pnet) && strcmp(pnet, net) != 0)
            abort();
    }
    free(pattern);
    free(topic);
    return 0;
}
