/*
 * test_session: hub/session.c's table of sessions and, across them, its
 * records per key: the count of a key's open sessions (the hub's cap per key)
 * and the request-rate bucket all of a key's connections share.
 */
#include "check.h"
#include "session.h"

#include <sodium.h>

#define FP_A "AAAA-BBBB-CCCC-DDDD"
#define FP_B "EEEE-FFFF-GGGG-HHHH"

static session_t *
s_add(sessions_t *t, const char *rid, const char *fp)
{
    return sessions_add(t, (const uint8_t *)rid, strlen(rid), 8, fp);
}

static void
sessions_of_one_key_share_its_record(void)
{
    sessions_t *t = sessions_new();
    session_t *a1 = s_add(t, "r1", FP_A), *a2 = s_add(t, "r2", FP_A), *b = s_add(t, "r3", FP_B);
    CHECK(a1 && a2 && b);
    if (!a1 || !a2 || !b) {
        sessions_destroy(&t);
        return;
    }
    CHECK(a1->key == a2->key && a1->key != b->key);
    CHECK(strcmp(a1->fingerprint, FP_A) == 0 && strcmp(b->fingerprint, FP_B) == 0);
    CHECK(a1->key->sessions == 2 && b->key->sessions == 1);
    CHECK(sessions_key_find(t, FP_A) == a1->key);
    CHECK(sessions_count(t) == 3);
    /* One bucket for both of A's connections: a burst of 5, wherever taken. */
    int allowed = 0;
    for (int i = 0; i < 10; i++)
        allowed += rate_take(&(i % 2 ? a1 : a2)->key->rate, 10, 5, 0) == 0;
    CHECK(allowed == 5);
    CHECK(rate_take(&b->key->rate, 10, 5, 0) == 0); /* B's own */
    session_key_t *ka = a1->key;
    sessions_remove(t, a1);
    CHECK(ka->sessions == 1);
    sessions_remove(t, a2);
    CHECK(ka->sessions == 0);
    CHECK(sessions_count(t) == 1);
    sessions_destroy(&t);
}

static void
a_key_record_outlives_its_sessions_until_its_bucket_refills(void)
{
    sessions_t *t = sessions_new();
    session_t *a = s_add(t, "r1", FP_A);
    CHECK(a != NULL);
    if (!a) {
        sessions_destroy(&t);
        return;
    }
    for (int i = 0; i < 5; i++)
        CHECK(rate_take(&a->key->rate, 10, 5, 0) == 0);
    sessions_remove(t, a);
    /* Reconnecting at once finds the same empty bucket. */
    CHECK(sessions_prune_keys(t, 10, 5, 100) == 1);
    session_t *again = s_add(t, "r2", FP_A);
    CHECK(again && rate_take(&again->key->rate, 10, 5, 100) == 0); /* the one refilled */
    CHECK(again && rate_take(&again->key->rate, 10, 5, 100) == 100);
    /* With a session open the record stays however full the bucket is. */
    CHECK(sessions_prune_keys(t, 10, 5, 100000) == 1);
    if (again)
        sessions_remove(t, again);
    /* No session, bucket full again: forgotten, as a new one would be the same. */
    CHECK(sessions_prune_keys(t, 10, 5, 599) == 1);
    CHECK(sessions_prune_keys(t, 10, 5, 700) == 0);
    CHECK(sessions_key_find(t, FP_A) == NULL);
    /* Without a rate limit nothing needs remembering. */
    CHECK(sessions_key(t, FP_B) != NULL);
    CHECK(sessions_prune_keys(t, 0, 5, 0) == 0);
    sessions_destroy(&t);
}

static void
many_keys_and_sessions(void)
{
    sessions_t *t = sessions_new();
    enum { KEYS = 3000, PER = 3 };
    static session_t *s[KEYS][PER];
    int ok = 1;
    for (int k = 0; k < KEYS; k++)
        for (int j = 0; j < PER; j++) {
            char rid[32], fp[24];
            snprintf(rid, sizeof rid, "rid-%d-%d", k, j);
            snprintf(fp, sizeof fp, "K%04d-XXXX-XXXX-XXXX", k);
            s[k][j] = s_add(t, rid, fp);
            ok &= s[k][j] != NULL;
        }
    CHECK(ok);
    CHECK(sessions_count(t) == KEYS * PER);
    int counts_ok = 1;
    for (int k = 0; k < KEYS && ok; k++)
        counts_ok &= s[k][0]->key->sessions == PER && s[k][1]->key == s[k][0]->key;
    CHECK(counts_ok);
    for (int k = 0; k < KEYS && ok; k++)
        for (int j = 0; j < PER; j++)
            sessions_remove(t, s[k][j]);
    CHECK(sessions_count(t) == 0);
    CHECK(sessions_prune_keys(t, 10, 5, 0) == 0);
    sessions_destroy(&t);
}

int
main(void)
{
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    RUN(sessions_of_one_key_share_its_record);
    RUN(a_key_record_outlives_its_sessions_until_its_bucket_refills);
    RUN(many_keys_and_sessions);
    return CHECK_DONE();
}
