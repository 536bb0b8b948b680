/*
 * fuzz_profile: the client's profile file (hub, hub_key, key), parsed with
 * inih's ini_parse from a file as the CLI does, with a handler shaped like
 * the CLI's: known names are copied into fixed buffers, key paths resolved
 * against the profile's directory.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    char hub[512];
    char hub_key[4096];
    char key[4096];
    const char *profile;
} profile_t;

static char s_path[64];

static void
s_cleanup(void)
{
    if (*s_path)
        unlink(s_path);
}

static void
s_resolve(char *dst, size_t cap, const char *profile, const char *value)
{
    const char *slash = strrchr(profile, '/');
    if (value[0] == '/' || !slash)
        snprintf(dst, cap, "%s", value);
    else
        snprintf(dst, cap, "%.*s/%s", (int)(slash - profile), profile, value);
}

static int
s_entry(void *user, const char *section, const char *name, const char *value)
{
    profile_t *p = user;
    (void)section;
    if (!strcmp(name, "hub"))
        snprintf(p->hub, sizeof p->hub, "%s", value);
    else if (!strcmp(name, "hub_key"))
        s_resolve(p->hub_key, sizeof p->hub_key, p->profile, value);
    else if (!strcmp(name, "key"))
        s_resolve(p->key, sizeof p->key, p->profile, value);
    else
        return 0;
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    if (!*s_path) {
        snprintf(s_path, sizeof s_path, "/tmp/fuzz-profile-XXXXXX");
        int fd = mkstemp(s_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(s_cleanup);
    }
    int fd = open(s_path, O_WRONLY | O_TRUNC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    close(fd);
    static profile_t profile;
    memset(&profile, 0, sizeof profile);
    profile.profile = s_path;
    (void)ini_parse(s_path, s_entry, &profile);
    return 0;
}
