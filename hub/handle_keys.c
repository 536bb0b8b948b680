/*
 * handle_keys.c: KeysQuery, what an author's library needs to seal a
 * message (PROTOCOL.md 6): every key in force of each named officer, and
 * the ST's archive key. The disclosure rules decide who may ask
 * (disclose_keys); a key that may not be seen is answered exactly as one
 * that does not exist.
 */
#include "handle.h"

#include <stdlib.h>
#include <string.h>

#include "disclose.h"

#define KEYS_QUERY_MAX 128 /* 64 named recipients, the author, room to spare */
#define KEYS_PER_OFFICER 32

int
handle_keys_query(req_t *r, const Enlace__KeysQuery *q)
{
    const hub_env_t *env = r->env;
    if (q->n_fingerprints == 0 || q->n_fingerprints > KEYS_QUERY_MAX)
        return req_fail(r, ENLACE__ERROR_CODE__ERR_MALFORMED,
            "ask for the keys of 1 to 128 officers at once");
    disclose_reader_t reader = {.dir = env->dir, .who = r->who, .now_ms = r->now};
    Enlace__OfficerKeys *officers = calloc(q->n_fingerprints, sizeof *officers);
    Enlace__OfficerKeys **list = calloc(q->n_fingerprints, sizeof *list);
    ProtobufCBinaryData *keys = calloc(q->n_fingerprints * KEYS_PER_OFFICER, sizeof *keys);
    int rc = 0;
    if (!officers || !list || !keys)
        rc = req_fail(r, ENLACE__ERROR_CODE__ERR_INTERNAL, "hub out of memory");
    for (size_t i = 0; rc == 0 && i < q->n_fingerprints; i++) {
        const dir_entry_t *asked = directory_find(env->dir, q->fingerprints[i]);
        if (disclose_keys(&reader, asked) < DISCLOSE_ENVELOPE) {
            rc = req_fail(r, ENLACE__ERROR_CODE__ERR_NOT_FOUND,
                "no key %.24s in force that you may seal to", q->fingerprints[i]);
            break;
        }
        Enlace__OfficerKeys *o = &officers[i];
        enlace__officer_keys__init(o);
        o->fingerprint = q->fingerprints[i];
        o->keys = &keys[i * KEYS_PER_OFFICER];
        for (int k = 0; k < directory_count(env->dir) && o->n_keys < KEYS_PER_OFFICER; k++) {
            const dir_entry_t *e = directory_entry(env->dir, k);
            if (e->officer_id != asked->officer_id || !directory_entry_active(e, r->now))
                continue;
            o->keys[o->n_keys].data = (uint8_t *)e->pk;
            o->keys[o->n_keys].len = 32;
            o->n_keys++;
        }
        list[i] = o;
    }
    if (rc == 0) {
        Enlace__Frame frame = ENLACE__FRAME__INIT;
        Enlace__SealKeys sk = ENLACE__SEAL_KEYS__INIT;
        sk.n_officers = q->n_fingerprints;
        sk.officers = list;
        const uint8_t *archive_key = directory_archive_key(env->dir);
        if (archive_key) {
            sk.archive_key.data = (uint8_t *)archive_key;
            sk.archive_key.len = 32;
        }
        frame.body_case = ENLACE__FRAME__BODY_SEAL_KEYS;
        frame.seal_keys = &sk;
        rc = req_reply(r, &frame);
    }
    free(officers);
    free(list);
    free(keys);
    return rc;
}
