/*
 * fuzz_frame: the hub's first look at a client's bytes. Decodes a Frame;
 * for a Publish, decodes the signed Content inside and checks its topic as
 * the hub does; for a (un)subscribe, checks the pattern; for a Delivery (the
 * client's side), decodes its Content. Topics and patterns are bytes on the
 * wire (an embedded NUL must reach the check), checked as hub.c's
 * s_take_topic does. Everything decoded is freed.
 */
#include <stdint.h>
#include <string.h>

#include "enlace.pb-c.h"
#include "forms.h"
#include "topic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
s_content(ProtobufCBinaryData bytes)
{
    Enlace__Content *content = enlace__content__unpack(NULL, bytes.len, bytes.data);
    if (!content)
        return;
    (void)topic_check((const char *)content->topic.data, content->topic.len);
    /* Handling codes, evaluations, translations and case forms: validated by
     * the hub from network bytes. */
    char why[256];
    (void)forms_check(content, why, sizeof why);
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
        (void)topic_check_pattern((const char *)frame->subscribe->pattern.data,
            frame->subscribe->pattern.len);
        break;
    case ENLACE__FRAME__BODY_UNSUBSCRIBE:
        (void)topic_check_pattern((const char *)frame->unsubscribe->pattern.data,
            frame->unsubscribe->pattern.len);
        break;
    case ENLACE__FRAME__BODY_HISTORY:
        (void)topic_check_pattern((const char *)frame->history->pattern.data,
            frame->history->pattern.len);
        break;
    default:
        break;
    }
    enlace__frame__free_unpacked(frame, NULL);
    return 0;
}
