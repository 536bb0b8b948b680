/*
 * flood: publishes N messages as fast as the hub stores them, pipelined
 * (enlace_publish_async), so that the browser test can give a console
 * 10,000 messages in seconds. Not a product program: built for the tests,
 * never installed.
 *
 *   flood --hub ENDPOINT --hub-key HUB.public --key NAME.secret --topic T --count N
 *
 * Prints one line: "published N messages in MS ms (first seq A, last seq B)".
 * Exit status 0 only if every message was stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enlace.h"

static int64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
    const char *hub = NULL, *hub_key = NULL, *key = NULL, *topic = NULL;
    long count = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--hub"))
            hub = argv[i + 1];
        else if (!strcmp(argv[i], "--hub-key"))
            hub_key = argv[i + 1];
        else if (!strcmp(argv[i], "--key"))
            key = argv[i + 1];
        else if (!strcmp(argv[i], "--topic"))
            topic = argv[i + 1];
        else if (!strcmp(argv[i], "--count"))
            count = strtol(argv[i + 1], NULL, 10);
    }
    if (!hub || !hub_key || !key || !topic || count <= 0 || count > 1000000) {
        fprintf(stderr, "usage: flood --hub EP --hub-key F --key F --topic T --count N\n");
        return 2;
    }
    enlace_options_t opts = {.endpoint = hub,
        .hub_key_file = hub_key,
        .key_file = key,
        .timeout_ms = 20000,
        .client_name = "flood"};
    enlace_client_t *c;
    char why[512];
    if (enlace_connect(&opts, &c, why, sizeof why) != ENLACE_OK) {
        fprintf(stderr, "flood: %s\n", why);
        return 1;
    }
    int64_t start = s_now_ms();
    long sent = 0, done = 0, failed = 0;
    uint64_t first = 0, last = 0;
    char body[256];
    enlace_publish_opts_t po = {.tlp = ENLACE_TLP_GREEN};
    while (done < count) {
        while (sent < count && enlace_publish_outstanding(c) < 512) {
            int n = snprintf(body, sizeof body,
                "Mensaje de prueba %ld de %ld: seguimiento del caso, sin novedades; "
                "se mantiene el contacto con la familia y el consulado.",
                sent + 1, count);
            uint64_t ticket;
            int rc = enlace_publish_async(c, topic, body, (size_t)n, &po, &ticket);
            if (rc == ENLACE_ELIMIT)
                break;
            if (rc != ENLACE_OK) {
                fprintf(stderr, "flood: publish: %s: %s\n", enlace_strerror(rc),
                    enlace_last_error(c));
                enlace_close(&c);
                return 1;
            }
            sent++;
        }
        uint64_t ticket, seq = 0;
        int rc = enlace_publish_result(c, &ticket, &seq, 20000);
        if (rc == ENLACE_ETIMEDOUT) {
            fprintf(stderr, "flood: no answer from the hub in 20 s (%ld of %ld stored)\n", done,
                count);
            enlace_close(&c);
            return 1;
        }
        done++;
        if (rc != ENLACE_OK) {
            failed++;
            continue;
        }
        if (!first || seq < first)
            first = seq;
        if (seq > last)
            last = seq;
    }
    printf("published %ld messages in %lld ms (first seq %llu, last seq %llu)\n", count - failed,
        (long long)(s_now_ms() - start), (unsigned long long)first, (unsigned long long)last);
    enlace_close(&c);
    return failed ? 1 : 0;
}
