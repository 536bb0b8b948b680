/*
 * fuzz_client: libenlace's side of the wire, what an officer's client does
 * with the hub's bytes. The input is one Frame as the hub would send it; it
 * goes through enlace_test_reply (client/lib/enlace_int.h), which runs the
 * very code enlace_recv, enlace_history, enlace_alerts, enlace_case_show,
 * enlace_case_list and enlace_review run on a reply: signature checks, the
 * caller's view of each message, the typed results handed back.
 *
 * A forged Ed25519 signature never verifies, so every message of the frame
 * (a Delivery, the items of a HistoryPage, the messages of a CaseDetail)
 * whose signature field starts with an even byte and whose content decodes
 * with a 32-byte author key is re-signed here with this harness's key, as
 * its author, with the hub naming that key's fingerprint; the fuzzer then
 * reaches what comes after the check. Odd keeps the bytes as sent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enlace.pb-c.h"
#include "enlace_int.h"
#include "keys.h"
#include "resign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RESIGNED 64

static keys_identity_t *s_author;
static char s_fp[KEYS_FINGERPRINT_LEN];

/* What a re-signed message held before, put back before the frame is freed
 * (protobuf-c frees what it unpacked, not our buffers). */
typedef struct {
    Enlace__Delivery *d;
    ProtobufCBinaryData content, signature;
    char *fingerprint;
    uint8_t *new_content;
    uint8_t sig[KEYS_SIGNATURE_BYTES];
} resigned_t;

static resigned_t s_done[MAX_RESIGNED];
static int s_ndone;

static void
s_resign(Enlace__Delivery *d)
{
    if (s_ndone == MAX_RESIGNED || d->signature.len == 0 || d->signature.data[0] % 2)
        return;
    resigned_t *r = &s_done[s_ndone];
    size_t len = 0;
    uint8_t *buf = fuzz_resign_content(s_author, d->content, d->batch, &len, r->sig);
    if (!buf)
        return;
    s_ndone++;
    r->d = d;
    r->content = d->content;
    r->signature = d->signature;
    r->fingerprint = d->author_fingerprint;
    r->new_content = buf;
    d->content = (ProtobufCBinaryData){.len = len, .data = buf};
    d->signature = (ProtobufCBinaryData){.len = sizeof r->sig, .data = r->sig};
    d->author_fingerprint = s_fp;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s_author) {
        if (keys_init() != 0 || !(s_author = keys_identity_new()))
            abort();
        keys_fingerprint(keys_identity_public(s_author), s_fp);
    }
    /* As sent: the signatures as they are. */
    enlace_test_reply(data, size);

    Enlace__Frame *f = enlace__frame__unpack(NULL, size, data);
    if (!f)
        return 0;
    s_ndone = 0;
    if (f->body_case == ENLACE__FRAME__BODY_DELIVERY)
        s_resign(f->delivery);
    else if (f->body_case == ENLACE__FRAME__BODY_HISTORY_PAGE)
        for (size_t i = 0; i < f->history_page->n_messages; i++)
            s_resign(f->history_page->messages[i]);
    else if (f->body_case == ENLACE__FRAME__BODY_CASE_DETAIL)
        for (size_t i = 0; i < f->case_detail->n_messages; i++)
            s_resign(f->case_detail->messages[i]);
    if (s_ndone) {
        size_t len = enlace__frame__get_packed_size(f);
        uint8_t *buf = malloc(len ? len : 1);
        if (!buf)
            abort();
        enlace__frame__pack(f, buf);
        enlace_test_reply(buf, len);
        free(buf);
    }
    for (int i = 0; i < s_ndone; i++) {
        resigned_t *r = &s_done[i];
        r->d->content = r->content;
        r->d->signature = r->signature;
        r->d->author_fingerprint = r->fingerprint;
        free(r->new_content);
    }
    enlace__frame__free_unpacked(f, NULL);
    return 0;
}
