/*
 * fuzz_profile: the CLI's profile file, read by the CLI's own profile_load
 * (client/profile.c) from a file, as `enlace --profile FILE` does.
 *
 * Besides "no crash": a profile that loads has only known settings, every
 * value is a NUL-terminated string within its buffer, and a language is a
 * 2- or 3-letter code; a refusal names a line wherever it is about one.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char s_path[64];

static void
s_cleanup(void)
{
    if (*s_path)
        unlink(s_path);
}

static void
s_bounded(const char *s, size_t cap)
{
    if (!memchr(s, '\0', cap))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > PROFILE_FILE_MAX + 16)
        return 0;
    if (!*s_path) {
        /* In a folder, so that relative key paths are resolved. */
        snprintf(s_path, sizeof s_path, "/tmp/fuzz-profile-XXXXXX");
        int fd = mkstemp(s_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(s_cleanup);
    }
    int fd = open(s_path, O_WRONLY | O_TRUNC);
    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
        abort();
    close(fd);
    static profile_t p;
    profile_error_t e;
    if (profile_load(s_path, &p, &e) == 0) {
        if (e.status != PROFILE_OK)
            abort();
        s_bounded(p.hub, sizeof p.hub);
        s_bounded(p.hub_key, sizeof p.hub_key);
        s_bounded(p.key, sizeof p.key);
        s_bounded(p.language, sizeof p.language);
        s_bounded(p.archive_key, sizeof p.archive_key);
        size_t n = strlen(p.language);
        if (n != 0 && (n < 2 || n > 3))
            abort();
        /* an archive key's fingerprint is empty or XXXX-XXXX-XXXX-XXXX */
        n = strlen(p.archive_key);
        if (n != 0 && n != 19)
            abort();
        return 0;
    }
    switch (e.status) {
    case PROFILE_OK:
        abort(); /* a refusal always says why */
    case PROFILE_NOT_SETTING:
    case PROFILE_LONG_LINE:
    case PROFILE_UNKNOWN:
    case PROFILE_LONG_VALUE:
    case PROFILE_BAD_LANGUAGE:
    case PROFILE_NUL:
    case PROFILE_BAD_FINGERPRINT:
        if (e.line < 1)
            abort();
        break;
    case PROFILE_TOO_BIG:
        if (size <= PROFILE_FILE_MAX)
            abort();
        break;
    case PROFILE_UNREADABLE:
        break;
    }
    return 0;
}
