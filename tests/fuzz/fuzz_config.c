/*
 * fuzz_config: the hub's configuration file, read by the hub's own
 * config_load (inih underneath, every value checked by config_set).
 *
 * Besides "no crash", it checks a property: whatever config_load accepts,
 * config_print writes out in a form that config_load reads back to the same
 * settings. A file the hub accepts but cannot faithfully show back with
 * `enlace-hub check-config` would be a bug, so that aborts.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_file.h"
#include "hub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char s_path[64];

static void
s_cleanup(void)
{
    if (*s_path)
        unlink(s_path);
}

static void
s_write(const void *data, size_t size)
{
    int fd = open(s_path, O_WRONLY | O_TRUNC);
    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
        abort();
    close(fd);
}

/* config_print's text, in a malloc'd string; *len its length. */
static char *
s_print(const hub_config_t *cfg, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    if (!out)
        abort();
    config_print(out, cfg);
    fclose(out);
    return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    if (!*s_path) {
        snprintf(s_path, sizeof s_path, "/tmp/fuzz-config-XXXXXX");
        int fd = mkstemp(s_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(s_cleanup);
    }
    s_write(data, size);
    static hub_config_t cfg, again;
    char err[600];
    hub_config_defaults(&cfg);
    if (config_load(s_path, &cfg, err, sizeof err) != 0) {
        if (!err[0])
            abort(); /* every refusal says why */
        return 0;
    }
    size_t len1, len2;
    char *first = s_print(&cfg, &len1);
    s_write(first, len1);
    hub_config_defaults(&again);
    if (config_load(s_path, &again, err, sizeof err) != 0) {
        fprintf(stderr, "config_print wrote what config_load refuses: %s\n%s", err, first);
        abort();
    }
    char *second = s_print(&again, &len2);
    if (len1 != len2 || memcmp(first, second, len1) != 0) {
        fprintf(stderr, "the settings changed on a round trip:\n%s---\n%s", first, second);
        abort();
    }
    free(first);
    free(second);
    return 0;
}
