/*
 * fuzz_frame: the hub's first look at a client's bytes. Decodes a Frame;
 * for a Publish, decodes the signed Content inside and checks its topic as
 * the hub does; for a (un)subscribe, checks the pattern; for a Delivery (the
 * client's side), decodes its Content. Everything decoded is freed.
 */
#include <stdint.h>
#include <string.h>

#include "enlace.pb-c.h"
#include "topic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
s_content(ProtobufCBinaryData bytes)
{
    Enlace__Content *content = enlace__content__unpack(NULL, bytes.len, bytes.data);
    if (!content)
        return;
    /* protobuf-c gives "" for an absent string; the wire may hold a NUL. */
    if (content->topic)
        (void)topic_check(content->topic, strlen(content->topic));
    for (size_t i = 0; i < content->n_recipients; i++)
        (void)strlen(content->recipients[i]);
    enlace__content__free_unpacked(content, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Enlace__Frame *frame = enlace__frame__unpack(NULL, size, data);
    if (!frame)
        return 0;
    switch (frame->body_case) {
    case ENLACE__FRAME__BODY_PUBLISH:
        s_content(frame->publish->content);
        break;
    case ENLACE__FRAME__BODY_DELIVERY:
        s_content(frame->delivery->content);
        break;
    case ENLACE__FRAME__BODY_SUBSCRIBE:
        if (frame->subscribe->pattern)
            (void)topic_check_pattern(frame->subscribe->pattern,
                strlen(frame->subscribe->pattern));
        break;
    case ENLACE__FRAME__BODY_UNSUBSCRIBE:
        if (frame->unsubscribe->pattern)
            (void)topic_check_pattern(frame->unsubscribe->pattern,
                strlen(frame->unsubscribe->pattern));
        break;
    default:
        break;
    }
    enlace__frame__free_unpacked(frame, NULL);
    return 0;
}
