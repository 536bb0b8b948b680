/*
 * test_proto.c: the generated wire format (proto/enlace.proto via protoc-c).
 *
 * The hub decodes every frame a client sends before anything else looks at
 * it, so besides round trips this checks that arbitrary bytes, truncated
 * frames and fields from a newer protocol decode safely.
 */
#include "check.h"

#include <stdint.h>

#include "enlace.pb-c.h"

static uint8_t s_sig[64];
static uint8_t s_id[16];

static void
s_fill_fixtures(void)
{
    for (size_t i = 0; i < sizeof s_sig; i++)
        s_sig[i] = (uint8_t)(0xa0 + i);
    for (size_t i = 0; i < sizeof s_id; i++)
        s_id[i] = (uint8_t)(i * 7 + 1);
}

/* Packs a frame into a new malloc'd buffer; *len gets its length. */
static uint8_t *
s_pack(const Enlace__Frame *frame, size_t *len)
{
    *len = enlace__frame__get_packed_size(frame);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf)
        CHECK(enlace__frame__pack(frame, buf) == *len);
    return buf;
}

/* A Publish frame over a small serialized Content; returns the packed frame
 * (caller frees). */
static uint8_t *
s_publish_frame(size_t *len)
{
    static const uint8_t body[] = "hola";
    Enlace__Content content = ENLACE__CONTENT__INIT;
    content.message_id = (ProtobufCBinaryData){sizeof s_id, s_id};
    content.topic = (ProtobufCBinaryData){15, (uint8_t *)"consular/alerts"};
    content.created_ms = 1700000000123;
    content.tlp = ENLACE__TLP__TLP_GREEN;
    content.content_type = "text/plain; charset=utf-8";
    content.body = (ProtobufCBinaryData){sizeof body - 1, (uint8_t *)body};
    size_t clen = enlace__content__get_packed_size(&content);
    uint8_t cbuf[256];
    CHECK(clen <= sizeof cbuf);
    enlace__content__pack(&content, cbuf);

    Enlace__Publish publish = ENLACE__PUBLISH__INIT;
    publish.content = (ProtobufCBinaryData){clen, cbuf};
    publish.signature = (ProtobufCBinaryData){sizeof s_sig, s_sig};
    Enlace__Frame frame = ENLACE__FRAME__INIT;
    frame.version = 1;
    frame.request_id = 7;
    frame.body_case = ENLACE__FRAME__BODY_PUBLISH;
    frame.publish = &publish;
    return s_pack(&frame, len);
}

static int
s_bytes_eq(ProtobufCBinaryData d, const void *want, size_t len)
{
    return d.len == len && (len == 0 || memcmp(d.data, want, len) == 0);
}

static void
round_trips_publish_frame(void)
{
    size_t len;
    uint8_t *buf = s_publish_frame(&len);
    if (!buf)
        return;
    Enlace__Frame *frame = enlace__frame__unpack(NULL, len, buf);
    CHECK(frame != NULL);
    if (frame) {
        CHECK(frame->version == 1);
        CHECK(frame->request_id == 7);
        CHECK(frame->body_case == ENLACE__FRAME__BODY_PUBLISH);
        if (frame->body_case == ENLACE__FRAME__BODY_PUBLISH) {
            CHECK(s_bytes_eq(frame->publish->signature, s_sig, sizeof s_sig));
            Enlace__Content *c = enlace__content__unpack(NULL, frame->publish->content.len,
                frame->publish->content.data);
            CHECK(c != NULL);
            if (c) {
                CHECK(s_bytes_eq(c->message_id, s_id, sizeof s_id));
                CHECK(c->topic.len == 15 && memcmp(c->topic.data, "consular/alerts", 15) == 0);
                CHECK(c->created_ms == 1700000000123);
                CHECK(c->tlp == ENLACE__TLP__TLP_GREEN);
                CHECK(c->n_recipients == 0);
                CHECK_STREQ(c->content_type, "text/plain; charset=utf-8");
                CHECK(s_bytes_eq(c->body, "hola", 4));
                enlace__content__free_unpacked(c, NULL);
            }
        }
        enlace__frame__free_unpacked(frame, NULL);
    }
    free(buf);
}

static void
round_trips_delivery_frame(void)
{
    static const uint8_t content[] = {0x0a, 0x02, 0x01, 0x02, 0x12, 0x01, 'a'};
    Enlace__Delivery delivery = ENLACE__DELIVERY__INIT;
    delivery.seq = UINT64_C(18446744073709551000);
    delivery.content = (ProtobufCBinaryData){sizeof content, (uint8_t *)content};
    delivery.signature = (ProtobufCBinaryData){sizeof s_sig, s_sig};
    delivery.author_fingerprint = "ZMXV-CYH4-D57A-LJK6";
    delivery.author_name = "Ana Pérez";
    delivery.author_country = "MX";
    delivery.stored_ms = -5; /* int64: negative survives too */
    Enlace__Frame out = ENLACE__FRAME__INIT;
    out.version = 1;
    out.body_case = ENLACE__FRAME__BODY_DELIVERY;
    out.delivery = &delivery;
    size_t len;
    uint8_t *buf = s_pack(&out, &len);
    if (!buf)
        return;
    Enlace__Frame *frame = enlace__frame__unpack(NULL, len, buf);
    CHECK(frame != NULL);
    if (frame) {
        CHECK(frame->version == 1);
        CHECK(frame->request_id == 0);
        CHECK(frame->body_case == ENLACE__FRAME__BODY_DELIVERY);
        if (frame->body_case == ENLACE__FRAME__BODY_DELIVERY) {
            const Enlace__Delivery *d = frame->delivery;
            CHECK(d->seq == UINT64_C(18446744073709551000));
            CHECK(s_bytes_eq(d->content, content, sizeof content));
            CHECK(s_bytes_eq(d->signature, s_sig, sizeof s_sig));
            CHECK_STREQ(d->author_fingerprint, "ZMXV-CYH4-D57A-LJK6");
            CHECK_STREQ(d->author_name, "Ana Pérez");
            CHECK_STREQ(d->author_country, "MX");
            CHECK(d->stored_ms == -5);
        }
        enlace__frame__free_unpacked(frame, NULL);
    }
    free(buf);
}

static void
round_trips_content_with_red_recipients(void)
{
    char *recipients[] = {"AAAA-BBBB-CCCC-DDDD", "EEEE-FFFF-GGGG-HHHH"};
    Enlace__Content in = ENLACE__CONTENT__INIT;
    in.topic = (ProtobufCBinaryData){11, (uint8_t *)"child/cases"};
    in.tlp = ENLACE__TLP__TLP_RED;
    in.n_recipients = 2;
    in.recipients = recipients;
    uint8_t buf[256];
    size_t len = enlace__content__get_packed_size(&in);
    CHECK(len <= sizeof buf);
    enlace__content__pack(&in, buf);
    Enlace__Content *c = enlace__content__unpack(NULL, len, buf);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->tlp == ENLACE__TLP__TLP_RED);
        CHECK(c->n_recipients == 2);
        if (c->n_recipients == 2) {
            CHECK_STREQ(c->recipients[0], "AAAA-BBBB-CCCC-DDDD");
            CHECK_STREQ(c->recipients[1], "EEEE-FFFF-GGGG-HHHH");
        }
        enlace__content__free_unpacked(c, NULL);
    }
}

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t
s_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(2685821657736338717);
}

static size_t
s_put_varint(uint8_t *out, size_t cap, uint64_t v)
{
    size_t n = 0;
    do {
        if (n == cap)
            return 0;
        out[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

/* Writes a random but well-framed protobuf message: fields with plausible
 * numbers, varints and length-delimited values (nested messages or random
 * bytes). Returns its length (<= cap). */
static size_t
s_random_message(uint8_t *out, size_t cap, uint64_t *state, int depth)
{
    static const uint32_t top[] = {1, 2, 10, 11, 12, 13, 14, 15, 16, 40, 41, 42, 43, 44, 45, 46,
        99};
    size_t used = 0;
    int fields = (int)(s_rand(state) % 6);
    for (int f = 0; f < fields; f++) {
        uint32_t number = depth == 0 ? top[s_rand(state) % (sizeof top / sizeof top[0])]
                                     : (uint32_t)(1 + s_rand(state) % 9);
        int delimited = s_rand(state) % 3 != 0;
        uint8_t value[256];
        size_t vlen = 0;
        if (delimited && depth < 2 && s_rand(state) % 2)
            vlen = s_random_message(value, sizeof value, state, depth + 1);
        else if (delimited) {
            vlen = (size_t)(s_rand(state) % 40);
            for (size_t i = 0; i < vlen; i++)
                value[i] = (uint8_t)(' ' + s_rand(state) % 95);
        }
        uint8_t head[20];
        size_t hlen = s_put_varint(head, sizeof head, (uint64_t)number << 3 | (delimited ? 2 : 0));
        hlen += s_put_varint(head + hlen, sizeof head - hlen,
            delimited ? vlen : s_rand(state) >> (s_rand(state) % 64));
        if (used + hlen + vlen > cap)
            break;
        memcpy(out + used, head, hlen);
        memcpy(out + used + hlen, value, vlen);
        used += hlen + vlen;
    }
    return used;
}

static void
decodes_random_bytes_without_crashing(void)
{
    uint64_t state = UINT64_C(0x9e3779b97f4a7c15);
    uint8_t buf[512];
    int decoded = 0, with_body = 0;
    for (int i = 0; i < 6000; i++) {
        size_t len;
        if (i % 2) {
            /* Well-framed random fields get past the framing into the bodies. */
            len = s_random_message(buf, sizeof buf, &state, 0);
        } else {
            len = (size_t)(s_rand(&state) % (sizeof buf + 1));
            for (size_t j = 0; j < len; j++)
                buf[j] = (uint8_t)s_rand(&state);
        }
        /* An exact-size copy, so ASan sees any read past the end. */
        uint8_t *bytes = malloc(len ? len : 1);
        memcpy(bytes, buf, len);
        Enlace__Frame *frame = enlace__frame__unpack(NULL, len, bytes);
        free(bytes);
        if (!frame)
            continue;
        decoded++;
        with_body += frame->body_case != ENLACE__FRAME__BODY__NOT_SET;
        /* What decoded re-encodes to something that decodes to the same. */
        size_t again_len;
        uint8_t *again = s_pack(frame, &again_len);
        Enlace__Frame *back = again ? enlace__frame__unpack(NULL, again_len, again) : NULL;
        CHECK(back != NULL);
        if (back) {
            CHECK(back->body_case == frame->body_case);
            CHECK(back->version == frame->version);
            CHECK(back->request_id == frame->request_id);
            enlace__frame__free_unpacked(back, NULL);
        }
        free(again);
        enlace__frame__free_unpacked(frame, NULL);
    }
    /* The loop must reach the decoder's success paths, bodies included. */
    fprintf(stderr, "  %d of 6000 random buffers decoded, %d with a body\n", decoded, with_body);
    CHECK(decoded > 0);
    CHECK(with_body > 0);
}

static void
truncated_frame_fails_or_decodes_safely(void)
{
    size_t len;
    uint8_t *buf = s_publish_frame(&len);
    if (!buf)
        return;
    for (size_t cut = 0; cut < len; cut++) {
        /* A copy of exactly `cut` bytes, so ASan sees any over-read. */
        uint8_t *prefix = malloc(cut ? cut : 1);
        memcpy(prefix, buf, cut);
        Enlace__Frame *frame = enlace__frame__unpack(NULL, cut, prefix);
        if (frame)
            enlace__frame__free_unpacked(frame, NULL);
        free(prefix);
    }
    /* Cutting into the length-delimited body must fail, not shorten it. */
    CHECK(enlace__frame__unpack(NULL, len - 1, buf) == NULL);
    CHECK(enlace__frame__unpack(NULL, len - 40, buf) == NULL);
    /* The empty frame is a valid (empty) message: the hub checks the body. */
    Enlace__Frame *empty = enlace__frame__unpack(NULL, 0, buf);
    CHECK(empty != NULL);
    if (empty) {
        CHECK(empty->body_case == ENLACE__FRAME__BODY__NOT_SET);
        enlace__frame__free_unpacked(empty, NULL);
    }
    free(buf);
}

static void
unknown_body_field_leaves_body_unset(void)
{
    /* version = 1, then field 99 (not in the oneof) as a varint = 1. */
    static const uint8_t bytes[] = {0x08, 0x01, 0x98, 0x06, 0x01};
    Enlace__Frame *frame = enlace__frame__unpack(NULL, sizeof bytes, bytes);
    CHECK(frame != NULL);
    if (frame) {
        CHECK(frame->version == 1);
        CHECK(frame->body_case == ENLACE__FRAME__BODY__NOT_SET);
        enlace__frame__free_unpacked(frame, NULL);
    }
    /* The same with a length-delimited unknown field. */
    static const uint8_t delimited[] = {0x08, 0x01, 0x9a, 0x06, 0x02, 0xff, 0xff};
    frame = enlace__frame__unpack(NULL, sizeof delimited, delimited);
    CHECK(frame != NULL);
    if (frame) {
        CHECK(frame->body_case == ENLACE__FRAME__BODY__NOT_SET);
        enlace__frame__free_unpacked(frame, NULL);
    }
}

static void
refuses_body_longer_than_the_frame(void)
{
    /* publish (field 11) claiming 100 bytes, only 2 present. */
    static const uint8_t bytes[] = {0x08, 0x01, 0x5a, 0x64, 0x0a, 0x00};
    CHECK(enlace__frame__unpack(NULL, sizeof bytes, bytes) == NULL);
    /* A varint that never ends. */
    static const uint8_t endless[] = {0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff};
    CHECK(enlace__frame__unpack(NULL, sizeof endless, endless) == NULL);
}

int
main(void)
{
    s_fill_fixtures();
    RUN(round_trips_publish_frame);
    RUN(round_trips_delivery_frame);
    RUN(round_trips_content_with_red_recipients);
    RUN(decodes_random_bytes_without_crashing);
    RUN(truncated_frame_fails_or_decodes_safely);
    RUN(unknown_body_field_leaves_body_unset);
    RUN(refuses_body_longer_than_the_frame);
    return CHECK_DONE();
}
