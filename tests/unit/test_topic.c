/*
 * test_topic.c: hub/topic.c, the topic and pattern rules and the matcher.
 *
 * Topics arrive off the wire with an explicit length, so every check passes
 * one; the matcher is only ever given strings that passed the checks.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"

#include "topic.h"

/* Checks a NUL-terminated topic. */
static const char *
s_topic(const char *s)
{
    return topic_check(s, strlen(s));
}

static const char *
s_pattern(const char *s)
{
    return topic_check_pattern(s, strlen(s));
}

/* A topic of `segments` segments of one letter ("a/a/a..."). */
static void
s_deep(char *out, int segments)
{
    char *p = out;
    for (int i = 0; i < segments; i++) {
        if (i)
            *p++ = '/';
        *p++ = 'a';
    }
    *p = '\0';
}

static void
accepts_ordinary_topics(void)
{
    CHECK(s_topic("consular") == NULL);
    CHECK(s_topic("consular/alerts") == NULL);
    CHECK(s_topic("child/cases/2024/GT-0001") == NULL);
    CHECK(s_topic("a b/with space") == NULL);
    CHECK(s_topic("consular/niñez/México") == NULL);
    CHECK(s_topic("crm/\xe2\x82\xac/\xf0\x9f\x8c\x8e") == NULL); /* U+20AC, U+1F30E */
    CHECK(s_topic("crm/\xf4\x8f\xbf\xbf") == NULL);              /* U+10FFFF, the highest */
}

static void
refuses_empty_topic(void)
{
    CHECK(topic_check("", 0) != NULL);
    CHECK(topic_check("consular", 0) != NULL); /* the length, not the NUL, counts */
    CHECK(topic_check_pattern("", 0) != NULL);
}

static void
refuses_topic_longer_than_256_bytes(void)
{
    char buf[TOPIC_MAX_LEN + 2];
    memset(buf, 'x', sizeof buf);
    buf[TOPIC_MAX_LEN + 1] = '\0';
    CHECK(topic_check(buf, TOPIC_MAX_LEN) == NULL);
    CHECK(topic_check(buf, TOPIC_MAX_LEN + 1) != NULL);
    CHECK(topic_check_pattern(buf, TOPIC_MAX_LEN + 1) != NULL);
}

static void
refuses_more_than_16_segments(void)
{
    char buf[64];
    s_deep(buf, TOPIC_MAX_DEPTH);
    CHECK(s_topic(buf) == NULL);
    CHECK(s_pattern(buf) == NULL);
    s_deep(buf, TOPIC_MAX_DEPTH + 1);
    CHECK(s_topic(buf) != NULL);
    CHECK(s_pattern(buf) != NULL);
}

static void
refuses_empty_segments(void)
{
    CHECK(s_topic("/") != NULL);
    CHECK(s_topic("/consular") != NULL);
    CHECK(s_topic("consular/") != NULL);
    CHECK(s_topic("consular//alerts") != NULL);
    CHECK(s_pattern("consular/") != NULL);
    CHECK(s_pattern("/#") != NULL);
    CHECK(s_pattern("+//#") != NULL);
}

static void
refuses_wildcard_in_published_topic(void)
{
    CHECK(s_topic("consular/+") != NULL);
    CHECK(s_topic("consular/#") != NULL);
    CHECK(s_topic("#") != NULL);
    CHECK(s_topic("+/alerts") != NULL);
    CHECK(s_topic("consular/a+b") != NULL);
    CHECK(s_topic("consular/c#") != NULL);
}

static void
accepts_wildcards_that_fill_a_segment_in_patterns(void)
{
    CHECK(s_pattern("#") == NULL);
    CHECK(s_pattern("+") == NULL);
    CHECK(s_pattern("consular/#") == NULL);
    CHECK(s_pattern("consular/+") == NULL);
    CHECK(s_pattern("consular/+/alerts") == NULL);
    CHECK(s_pattern("+/+/#") == NULL);
    CHECK(s_pattern("consular/alerts") == NULL);
}

static void
refuses_wildcard_not_filling_a_segment(void)
{
    CHECK(s_pattern("a/b+") != NULL);
    CHECK(s_pattern("a/+b") != NULL);
    CHECK(s_pattern("a+/b") != NULL);
    CHECK(s_pattern("a/b#") != NULL);
    CHECK(s_pattern("a/#b") != NULL);
    CHECK(s_pattern("a/++") != NULL);
    CHECK(s_pattern("a/+#") != NULL);
}

static void
refuses_hash_that_is_not_last(void)
{
    CHECK(s_pattern("#/a") != NULL);
    CHECK(s_pattern("a/#/b") != NULL);
    CHECK(s_pattern("a/#/#") != NULL);
}

static void
refuses_nul_byte_inside_explicit_length(void)
{
    static const char topic[] = "consular\0alerts";
    CHECK(topic_check(topic, sizeof topic - 1) != NULL);
    CHECK(topic_check_pattern(topic, sizeof topic - 1) != NULL);
    CHECK(topic_check(topic, strlen(topic)) == NULL); /* the part before the NUL is fine */
    static const char trailing[] = "consular\0";
    CHECK(topic_check(trailing, sizeof trailing - 1) != NULL);
}

static void
refuses_control_characters(void)
{
    CHECK(s_topic("consular/\talerts") != NULL);
    CHECK(s_topic("consular/alerts\n") != NULL);
    CHECK(s_topic("consular/\x1b[31m") != NULL);
    CHECK(s_topic("consular/\x7f") != NULL);
    CHECK(s_topic("\x01") != NULL);
    CHECK(s_pattern("consular/\r/#") != NULL);
}

static void
refuses_invalid_utf8(void)
{
    CHECK(s_topic("a/\xc0\xaf") != NULL);             /* overlong '/' */
    CHECK(s_topic("a/\xc1\xbf") != NULL);             /* overlong U+007F */
    CHECK(s_topic("a/\xe0\x80\xaf") != NULL);         /* 3-byte overlong */
    CHECK(s_topic("a/\xf0\x80\x80\xaf") != NULL);     /* 4-byte overlong */
    CHECK(s_topic("a/\xed\xa0\x80") != NULL);         /* U+D800, a surrogate */
    CHECK(s_topic("a/\xed\xbf\xbf") != NULL);         /* U+DFFF */
    CHECK(s_topic("a/\xf4\x90\x80\x80") != NULL);     /* U+110000 */
    CHECK(s_topic("a/\xf7\xbf\xbf\xbf") != NULL);     /* U+1FFFFF */
    CHECK(s_topic("a/\xf8\x88\x80\x80\x80") != NULL); /* 5-byte form */
    CHECK(s_topic("a/\x80") != NULL);                 /* lone continuation */
    CHECK(s_topic("a/\xff") != NULL);
    CHECK(s_topic("a/\xc3") != NULL); /* truncated at the end */
    CHECK(s_topic("a/\xe2\x82") != NULL);
    CHECK(s_topic("a/\xc3/b") != NULL); /* truncated inside */
    CHECK(s_topic("a/\xe2\x82z") != NULL);
    /* A sequence cut by the explicit length, though the bytes go on. */
    static const char euro[] = "a/\xe2\x82\xac";
    CHECK(topic_check(euro, sizeof euro - 1) == NULL);
    CHECK(topic_check(euro, sizeof euro - 2) != NULL);
}

/* ------------------------------------------------------------- matching */

typedef struct {
    const char *pattern;
    const char *topic;
    int match;
} match_case_t;

static const match_case_t s_matches[] = {
    {"a/#", "a", 1},
    {"a/#", "a/b", 1},
    {"a/#", "a/b/c", 1},
    {"a/#", "b", 0},
    {"a/#", "ab", 0},
    {"a/#", "b/a", 0},
    {"#", "a", 1},
    {"#", "a/b/c", 1},
    {"#", "consular/niñez/México", 1},
    {"a/+", "a/b", 1},
    {"a/+", "a", 0},
    {"a/+", "a/b/c", 0},
    {"a/+", "b/b", 0},
    {"+/b", "a/b", 1},
    {"+/b", "x/b", 1},
    {"+/b", "a/c", 0},
    {"+/b", "b", 0},
    {"+/b", "a/b/c", 0},
    {"a/+/c", "a/x/c", 1},
    {"a/+/c", "a/c", 0},
    {"a/+/c", "a/x/d", 0},
    {"a/+/c", "a/x/c/d", 0},
    {"a/+/#", "a", 0},
    {"a/+/#", "a/b", 1},
    {"a/+/#", "a/b/c/d", 1},
    {"+", "a", 1},
    {"+", "a/b", 0},
    {"a/b", "a/b", 1},
    {"a/b", "a/b/c", 0},
    {"a/b/c", "a/b", 0},
    {"a/b", "a/bc", 0},
    {"a/bc", "a/b", 0},
    {"consular/alerts", "Consular/alerts", 0},
    {"consular/alerts", "consular/Alerts", 0},
    {"Consular/#", "consular/alerts", 0},
    {"consular/niñez", "consular/niñez", 1},
    {"consular/niñez", "consular/ninez", 0},
};

static void
matches_the_mqtt_table(void)
{
    for (size_t i = 0; i < sizeof s_matches / sizeof s_matches[0]; i++) {
        const match_case_t *c = &s_matches[i];
        /* The table itself must hold only valid inputs. */
        CHECK(s_pattern(c->pattern) == NULL);
        CHECK(s_topic(c->topic) == NULL);
        int got = topic_match(c->pattern, c->topic);
        if (got != c->match) {
            fprintf(stderr, "  topic_match(\"%s\", \"%s\") = %d, want %d\n", c->pattern, c->topic,
                got, c->match);
            CHECK(got == c->match);
        }
    }
}

/* ------------------------------------------------------------- networks */

static void
extracts_the_network_of_a_topic(void)
{
    char net[24];
    CHECK(topic_network("consular/alerts/urgent", net, sizeof net) == 8);
    CHECK_STREQ(net, "consular");
    CHECK(topic_network("child", net, sizeof net) == 5);
    CHECK_STREQ(net, "child");
}

static void
refuses_network_that_does_not_fit(void)
{
    char net[8];
    CHECK(topic_network("consular/alerts", net, sizeof net) == -1); /* needs 9 with NUL */
    CHECK(topic_network("crm/alerts", net, sizeof net) == 3);
    CHECK(topic_network("1234567/x", net, sizeof net) == 7); /* exactly fits */
    CHECK_STREQ(net, "1234567");
}

static void
names_the_literal_network_of_a_pattern(void)
{
    char net[24] = "";
    CHECK(topic_pattern_network("consular/#", net, sizeof net) == 1);
    CHECK_STREQ(net, "consular");
    CHECK(topic_pattern_network("child/+/cases", net, sizeof net) == 1);
    CHECK_STREQ(net, "child");
    CHECK(topic_pattern_network("crm", net, sizeof net) == 1);
    CHECK_STREQ(net, "crm");
}

static void
pattern_starting_with_wildcard_has_no_network(void)
{
    char net[24];
    CHECK(topic_pattern_network("#", net, sizeof net) == 0);
    CHECK(topic_pattern_network("+/alerts", net, sizeof net) == 0);
    CHECK(topic_pattern_network("+", net, sizeof net) == 0);
    char small[4];
    CHECK(topic_pattern_network("consular/#", small, sizeof small) == 0);
}

/* ------------------------------------------------------------ covering */

static void
pattern_covers_narrower_patterns(void)
{
    static const struct {
        const char *outer, *inner;
        int covers;
    } cases[] = {
        {"#", "consular/#", 1},
        {"#", "+/+", 1},
        {"consular/#", "consular/#", 1},
        {"consular/#", "consular", 1},
        {"consular/#", "consular/+/alerts", 1},
        {"consular/observers/#", "consular/observers/+/x", 1},
        {"consular/+", "consular/alerts", 1},
        {"consular/+", "consular/+", 1},
        {"consular/+/#", "consular/a/#", 1},
        {"consular/+/#", "consular/+", 1},
        {"a/b", "a/b", 1},
        {"consular/observers/#", "consular/#", 0},
        {"consular/observers/#", "consular/+", 0},
        {"consular/+", "consular", 0},
        {"consular/+", "consular/#", 0},
        {"consular/+", "consular/a/b", 0},
        {"consular/+/#", "consular/#", 0}, /* "consular" itself */
        {"consular/alerts", "consular/+", 0},
        {"consular", "consular/#", 0},
        {"consular/#", "child/#", 0},
        {"consular/#", "#", 0},
        {"a/b", "a/c", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = topic_pattern_covers(cases[i].outer, cases[i].inner);
        if (got != cases[i].covers)
            fprintf(stderr, "  topic_pattern_covers(\"%s\", \"%s\") = %d, want %d\n",
                cases[i].outer, cases[i].inner, got, cases[i].covers);
        CHECK(got == cases[i].covers);
    }
}

/* Every pattern and topic over segments {a, b, +} (patterns) and {a, b, c}
 * (topics) up to a small depth, with and without a trailing '#'. */
#define SMALL_MAX 128
static int
s_small_patterns(char out[][16], int wildcards)
{
    static const char *seg_p[] = {"a", "b", "+"}, *seg_t[] = {"a", "b", "c"};
    const char **seg = wildcards ? seg_p : seg_t;
    int n = 0;
    if (wildcards)
        snprintf(out[n++], 16, "#");
    for (int depth = 1; depth <= (wildcards ? 3 : 4); depth++) {
        int combos = 1;
        for (int d = 0; d < depth; d++)
            combos *= 3;
        for (int c = 0; c < combos; c++) {
            char buf[16] = "";
            for (int d = 0, x = c; d < depth; d++, x /= 3) {
                if (d)
                    strcat(buf, "/");
                strcat(buf, seg[x % 3]);
            }
            if (n < SMALL_MAX)
                snprintf(out[n++], 16, "%s", buf);
            if (wildcards && depth < 3 && n < SMALL_MAX)
                snprintf(out[n++], 16, "%s/#", buf);
        }
    }
    return n;
}

static void
pattern_covers_only_what_it_matches(void)
{
    /* Soundness, exhaustively over a small universe: if outer covers inner,
     * every topic inner matches, outer matches too. (An invitation for
     * outer must never admit a subscription that reads more.) */
    static char patterns[SMALL_MAX][16], topics[SMALL_MAX][16];
    int np = s_small_patterns(patterns, 1), nt = s_small_patterns(topics, 0);
    CHECK(np == 52);  /* "#", then 3 + 3, 9 + 9 and 27 */
    CHECK(nt == 120); /* 3 + 9 + 27 + 81 */
    int unsound = 0, covered = 0;
    for (int o = 0; o < np; o++) {
        CHECK(s_pattern(patterns[o]) == NULL);
        for (int i = 0; i < np; i++) {
            if (!topic_pattern_covers(patterns[o], patterns[i]))
                continue;
            covered++;
            for (int t = 0; t < nt; t++) {
                if (topic_match(patterns[i], topics[t]) && !topic_match(patterns[o], topics[t])) {
                    if (unsound++ < 5)
                        fprintf(stderr, "  \"%s\" covers \"%s\" but misses \"%s\"\n", patterns[o],
                            patterns[i], topics[t]);
                }
            }
        }
    }
    CHECK(unsound == 0);
    CHECK(covered > np); /* more than each pattern covering itself */
    /* A pattern covers itself, and a literal topic exactly when it matches. */
    for (int o = 0; o < np; o++) {
        CHECK(topic_pattern_covers(patterns[o], patterns[o]));
        for (int t = 0; t < nt; t++)
            CHECK(topic_pattern_covers(patterns[o], topics[t])
                == topic_match(patterns[o], topics[t]));
    }
}

static void
extracts_the_nth_segment(void)
{
    char seg[16];
    CHECK(topic_segment("consular/members/minutes", 0, seg, sizeof seg) == 8);
    CHECK_STREQ(seg, "consular");
    CHECK(topic_segment("consular/members/minutes", 1, seg, sizeof seg) == 7);
    CHECK_STREQ(seg, "members");
    CHECK(topic_segment("consular/members/minutes", 2, seg, sizeof seg) == 7);
    CHECK_STREQ(seg, "minutes");
    CHECK(topic_segment("consular/members/minutes", 3, seg, sizeof seg) == -1);
    CHECK(topic_segment("consular", 1, seg, sizeof seg) == -1);
    char small[4];
    CHECK(topic_segment("crm/members", 1, small, sizeof small) == -1);
    CHECK(topic_segment("crm/abc", 1, small, sizeof small) == 3);
    CHECK_STREQ(small, "abc");
}

/* topic_text_valid, byte by byte as it was before its eight-byte fast
 * path: the reference the fast path must agree with. */
static int
s_text_valid_slow(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || len - i < n)
            return 0;
        unsigned cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n;
    }
    return 1;
}

static void
text_accepts_prose_and_refuses_each_bad_byte_wherever_it_is(void)
{
    const char *ok = "Menor no acompañado localizado en el cruce fronterizo.\n\tConsulado "
                     "notificado; traslado a albergue (Tapachula) — ñandú 🙂";
    CHECK(topic_text_valid(ok, strlen(ok)) == 1);
    CHECK(topic_text_valid("", 0) == 1);
    /* One bad byte at every offset of a 40-byte ASCII text: each lane of
     * the eight-byte check, and the tail. */
    static const unsigned char bad[] = {0x00, 0x01, 0x08, 0x0b, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0xbf,
        0xc0, 0xff};
    for (size_t b = 0; b < sizeof bad; b++)
        for (size_t at = 0; at < 40; at++) {
            unsigned char t[40];
            memset(t, 'a', sizeof t);
            t[at] = bad[b];
            CHECK(topic_text_valid((const char *)t, sizeof t) == 0);
        }
    /* The characters just inside the ASCII range pass in every lane. */
    unsigned char edge[40];
    for (size_t i = 0; i < sizeof edge; i++)
        edge[i] = (unsigned char)(i % 3 == 0 ? 0x20 : i % 3 == 1 ? 0x7e : '\t');
    CHECK(topic_text_valid((const char *)edge, sizeof edge) == 1);
}

static void
text_check_agrees_with_the_byte_by_byte_reference(void)
{
    /* Random texts drawn mostly from ASCII, with controls, DEL, UTF-8
     * leads and continuations mixed in at random places. */
    uint32_t x = 0x9e3779b9u;
    int disagree = 0, valid = 0;
    for (int round = 0; round < 20000; round++) {
        unsigned char t[64];
        size_t len = 1 + (x % 64);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            unsigned r = x % 100;
            t[i] = (unsigned char)(r < 90 ? 0x20 + (x >> 8) % 0x5f
                    : r < 93              ? (x >> 8) % 0x20
                    : r < 94              ? 0x7f
                    : r < 97              ? 0x80 + (x >> 8) % 0x40
                                          : 0xc2 + (x >> 8) % 0x33);
        }
        int want = s_text_valid_slow(t, len);
        valid += want;
        disagree += topic_text_valid((const char *)t, len) != want;
    }
    CHECK(disagree == 0);
    CHECK(valid > 100 && valid < 19900); /* both outcomes were exercised */
}

int
main(void)
{
    RUN(accepts_ordinary_topics);
    RUN(refuses_empty_topic);
    RUN(refuses_topic_longer_than_256_bytes);
    RUN(refuses_more_than_16_segments);
    RUN(refuses_empty_segments);
    RUN(refuses_wildcard_in_published_topic);
    RUN(accepts_wildcards_that_fill_a_segment_in_patterns);
    RUN(refuses_wildcard_not_filling_a_segment);
    RUN(refuses_hash_that_is_not_last);
    RUN(refuses_nul_byte_inside_explicit_length);
    RUN(refuses_control_characters);
    RUN(refuses_invalid_utf8);
    RUN(text_accepts_prose_and_refuses_each_bad_byte_wherever_it_is);
    RUN(text_check_agrees_with_the_byte_by_byte_reference);
    RUN(matches_the_mqtt_table);
    RUN(extracts_the_network_of_a_topic);
    RUN(refuses_network_that_does_not_fit);
    RUN(names_the_literal_network_of_a_pattern);
    RUN(pattern_starting_with_wildcard_has_no_network);
    RUN(pattern_covers_narrower_patterns);
    RUN(pattern_covers_only_what_it_matches);
    RUN(extracts_the_nth_segment);
    return CHECK_DONE();
}
