/*
 * topic.c: topic and pattern rules. Everything here reads bytes that came
 * off the network, so nothing assumes NUL termination beyond `len` when
 * checking, and nothing asserts.
 */
#include "topic.h"

#include <stdint.h>
#include <string.h>

/* Returns the length of the UTF-8 sequence at s (1..4), or 0 if invalid
 * (overlong forms, surrogates and code points above U+10FFFF refused). */
static size_t
s_utf8_len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned cp;
    if ((c & 0xe0) == 0xc0) {
        n = 2;
        cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3;
        cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4;
        cp = c & 0x07;
    } else
        return 0;
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static const char *
s_check(const char *str, size_t len, int pattern)
{
    if (len == 0)
        return "topic is empty";
    if (len > TOPIC_MAX_LEN)
        return "topic is longer than 256 bytes";
    const unsigned char *s = (const unsigned char *)str;
    size_t depth = 1, seg_start = 0;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        if (c == 0)
            return "topic contains a NUL byte";
        if (c < 0x20 || c == 0x7f)
            return "topic contains a control character";
        if (c >= 0x80) {
            size_t n = s_utf8_len(s + i, len - i);
            if (n == 0)
                return "topic is not valid UTF-8";
            i += n;
            continue;
        }
        if (c == '/') {
            if (i == seg_start)
                return "topic has an empty segment";
            if (++depth > TOPIC_MAX_DEPTH)
                return "topic has more than 16 segments";
            seg_start = i + 1;
        } else if (c == '+' || c == '#') {
            if (!pattern)
                return "wildcards '+' and '#' are not allowed in a published topic";
            size_t seg_len_ok = (i == seg_start) && (i + 1 == len || s[i + 1] == '/');
            if (!seg_len_ok)
                return "a wildcard must fill a whole segment";
            if (c == '#' && i + 1 != len)
                return "'#' may only be the last segment";
        }
        i++;
    }
    if (seg_start == len)
        return "topic has an empty segment";
    return NULL;
}

const char *
topic_check(const char *topic, size_t len)
{
    return s_check(topic, len, 0);
}

const char *
topic_check_pattern(const char *pattern, size_t len)
{
    return s_check(pattern, len, 1);
}

int
topic_match(const char *pattern, const char *topic)
{
    const char *p = pattern, *t = topic;
    for (;;) {
        const char *pe = strchr(p, '/');
        size_t plen = pe ? (size_t)(pe - p) : strlen(p);
        if (plen == 1 && *p == '#')
            return 1; /* matches the rest, including nothing more */
        if (*t == '\0')
            return 0; /* pattern has a further segment, topic does not */
        const char *te = strchr(t, '/');
        size_t tlen = te ? (size_t)(te - t) : strlen(t);
        if (!(plen == 1 && *p == '+') && (plen != tlen || memcmp(p, t, plen) != 0))
            return 0;
        if (!pe && !te)
            return 1;
        if (!pe)
            return 0; /* topic is deeper than the pattern */
        if (!te) {
            /* topic ended: only a trailing "/#" still matches ("a/#" matches "a") */
            return strcmp(pe + 1, "#") == 0;
        }
        p = pe + 1;
        t = te + 1;
    }
}

int
topic_network(const char *topic, char *out, size_t cap)
{
    size_t n = strcspn(topic, "/");
    if (n + 1 > cap)
        return -1;
    memcpy(out, topic, n);
    out[n] = '\0';
    return (int)n;
}

int
topic_pattern_network(const char *pattern, char *out, size_t cap)
{
    if (topic_network(pattern, out, cap) < 0)
        return 0;
    return strcmp(out, "+") != 0 && strcmp(out, "#") != 0;
}

int
topic_pattern_covers(const char *outer, const char *inner)
{
    const char *o = outer, *i = inner;
    for (;;) {
        const char *oe = strchr(o, '/'), *ie = strchr(i, '/');
        size_t olen = oe ? (size_t)(oe - o) : strlen(o);
        size_t ilen = ie ? (size_t)(ie - i) : strlen(i);
        if (olen == 1 && *o == '#')
            return 1; /* outer takes everything from here on */
        if (ilen == 1 && *i == '#')
            return 0; /* inner reaches deeper than a non-'#' outer segment */
        if (olen == 1 && *o == '+') {
            /* covers any single inner segment, literal or '+' */
        } else if (ilen == 1 && *i == '+') {
            return 0; /* inner is wider than a literal outer segment */
        } else if (olen != ilen || memcmp(o, i, olen) != 0) {
            return 0;
        }
        if (!oe && !ie)
            return 1;
        if (!ie)
            /* inner ended; outer continues: only "/#" matches the parent too */
            return strcmp(oe + 1, "#") == 0;
        if (!oe)
            return 0; /* inner goes deeper than outer allows */
        o = oe + 1;
        i = ie + 1;
    }
}

int
topic_segment(const char *topic, int n, char *out, size_t cap)
{
    const char *p = topic;
    for (int k = 0; k < n; k++) {
        p = strchr(p, '/');
        if (!p)
            return -1;
        p++;
    }
    size_t len = strcspn(p, "/");
    if (len + 1 > cap)
        return -1;
    memcpy(out, p, len);
    out[len] = '\0';
    return (int)len;
}

int
topic_text_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < len;) {
        /* Eight plain ASCII characters at a time (a message body is mostly
         * that): no byte with the top bit set, none below 0x20, none 0x7f;
         * anything else is looked at byte by byte below. */
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
            uint64_t below_space = (w - 0x20 * ones) & ~w & high;
            uint64_t x = w ^ (0x7f * ones);
            uint64_t del = (x - ones) & ~x & high;
            if (((w & high) | below_space | del) == 0) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
            return 0;
        if (s[i] == 0x7f)
            return 0;
        size_t n = s[i] < 0x80 ? 1 : s_utf8_len(s + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}
