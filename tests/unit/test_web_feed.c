/*
 * test_web_feed: the web console's live feed (client/web/feed.c): the
 * state goes out first, deliveries in order with their ids, a stream
 * resumes after Last-Event-ID, a lagging stream skips what the ring gave
 * up, long events continue across reads, and a stop ends every stream.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "feed.h"

static char *
s_dup(const char *s)
{
    return strdup(s);
}

/* Reads everything a stream has now (short timeout) into out. */
static ssize_t
s_read_all(web_feed_t *f, web_stream_t *st, char *out, size_t cap, size_t chunk)
{
    size_t used = 0;
    for (;;) {
        ssize_t n = web_feed_read(f, st, out + used,
            cap - used - 1 < chunk ? cap - used - 1 : chunk, 20);
        if (n < 0)
            return n;
        if (n == 0 || !strncmp(out + used, ": keep-alive", 12))
            break;
        used += (size_t)n;
    }
    out[used] = '\0';
    return (ssize_t)used;
}

static void
state_first_then_messages_in_order(void)
{
    web_feed_t *f = web_feed_new(8);
    CHECK(web_feed_push(f, s_dup("{\"seq\":1}")) == 1);
    CHECK(web_feed_push(f, s_dup("{\"seq\":2}")) == 2);
    CHECK(web_feed_push(f, NULL) == 0);
    web_stream_t *st = web_feed_open(f, 0, 4);
    char buf[4096];
    s_read_all(f, st, buf, sizeof buf, 4096);
    CHECK(!strcmp(buf,
        "event: state\ndata: {\"state\":\"connected\"}\n\n"
        "id: 1\nevent: message\ndata: {\"seq\":1}\n\n"
        "id: 2\nevent: message\ndata: {\"seq\":2}\n\n"));
    /* Nothing new: a keep-alive comment after the wait. */
    ssize_t n = web_feed_read(f, st, buf, sizeof buf, 10);
    CHECK(n > 0 && !strncmp(buf, ": keep-alive\n\n", (size_t)n));
    web_feed_set_state(f, "reconnecting");
    web_feed_set_state(f, "reconnecting"); /* once */
    web_feed_push(f, s_dup("{\"seq\":3}"));
    s_read_all(f, st, buf, sizeof buf, 4096);
    CHECK(!strcmp(buf,
        "event: state\ndata: {\"state\":\"reconnecting\"}\n\n"
        "id: 3\nevent: message\ndata: {\"seq\":3}\n\n"));
    CHECK(!strcmp(web_feed_state(f), "reconnecting"));
    web_feed_close(f, &st);
    CHECK(st == NULL && web_feed_streams(f) == 0);
    web_feed_destroy(&f);
}

static void
resumes_after_last_event_id(void)
{
    web_feed_t *f = web_feed_new(8);
    for (int i = 0; i < 5; i++)
        web_feed_push(f, s_dup("{}"));
    char buf[4096];
    web_stream_t *st = web_feed_open(f, 3, 4);
    s_read_all(f, st, buf, sizeof buf, 4096);
    CHECK(!strstr(buf, "id: 3\n") && strstr(buf, "id: 4\n") && strstr(buf, "id: 5\n"));
    web_feed_close(f, &st);
    /* An id from before a restart of the console (past the newest): all. */
    st = web_feed_open(f, 99, 4);
    s_read_all(f, st, buf, sizeof buf, 4096);
    CHECK(strstr(buf, "id: 1\n") && strstr(buf, "id: 5\n"));
    web_feed_close(f, &st);
    web_feed_destroy(&f);
}

static void
a_lagging_stream_skips_what_the_ring_gave_up(void)
{
    web_feed_t *f = web_feed_new(3);
    web_stream_t *st = web_feed_open(f, 0, 4);
    for (int i = 0; i < 10; i++)
        web_feed_push(f, s_dup("{}"));
    char buf[4096];
    s_read_all(f, st, buf, sizeof buf, 4096);
    CHECK(!strstr(buf, "id: 7\n") && strstr(buf, "id: 8\n") && strstr(buf, "id: 10\n"));
    web_feed_close(f, &st);
    web_feed_destroy(&f);
}

static void
long_events_continue_across_reads(void)
{
    web_feed_t *f = web_feed_new(4);
    char *big = malloc(10001);
    memset(big, 'x', 10000);
    big[0] = '"';
    big[9999] = '"';
    big[10000] = '\0';
    web_feed_push(f, big);
    web_stream_t *st = web_feed_open(f, 0, 4);
    static char buf[20000];
    ssize_t n = s_read_all(f, st, buf, sizeof buf, 700);
    CHECK(n > 10000 && strstr(buf, "id: 1\nevent: message\ndata: \"xxx"));
    CHECK(!strcmp(buf + n - 3, "\"\n\n"));
    web_feed_close(f, &st);
    web_feed_destroy(&f);
}

static void
streams_are_bounded(void)
{
    web_feed_t *f = web_feed_new(4);
    web_stream_t *a = web_feed_open(f, 0, 2), *b = web_feed_open(f, 0, 2);
    CHECK(a && b && web_feed_open(f, 0, 2) == NULL);
    web_feed_close(f, &a);
    a = web_feed_open(f, 0, 2);
    CHECK(a != NULL);
    web_feed_close(f, &a);
    web_feed_close(f, &b);
    web_feed_destroy(&f);
}

static void *
s_reader(void *arg)
{
    web_feed_t *f = arg;
    web_stream_t *st = web_feed_open(f, 0, 4);
    char buf[256];
    ssize_t n;
    /* Blocks (long timeout) until the stop. */
    while ((n = web_feed_read(f, st, buf, sizeof buf, 60000)) >= 0)
        ;
    web_feed_close(f, &st);
    return (void *)(intptr_t)n;
}

static void
a_stop_ends_a_waiting_stream(void)
{
    web_feed_t *f = web_feed_new(4);
    pthread_t t;
    pthread_create(&t, NULL, s_reader, f);
    while (web_feed_streams(f) == 0)
        ;
    web_feed_stop(f);
    void *rc;
    pthread_join(t, &rc);
    CHECK((intptr_t)rc == -1);
    CHECK(web_feed_open(f, 0, 4) == NULL); /* stopped: no new stream */
    web_feed_destroy(&f);
}

int
main(void)
{
    RUN(state_first_then_messages_in_order);
    RUN(resumes_after_last_event_id);
    RUN(a_lagging_stream_skips_what_the_ring_gave_up);
    RUN(long_events_continue_across_reads);
    RUN(streams_are_bounded);
    RUN(a_stop_ends_a_waiting_stream);
    return CHECK_DONE();
}
