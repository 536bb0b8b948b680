/*
 * test_profile: client/profile.c, the CLI's settings file. Every setting,
 * relative paths resolved from the profile's folder, comments; and every kind
 * of bad file refused with the line and the reason, never read in part:
 * unknown names, lines that are not settings, long lines (not split in two as
 * inih's own readers would), values that do not fit, NUL bytes, a bad
 * language, a missing file.
 */
#include <errno.h>

#include "check.h"
#include "profile.h"

static char dir[128];

/* Writes size bytes of text to dir/name; returns the path (static). */
static const char *
s_file(const char *name, const char *text, size_t size)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        check_failures++;
        return path;
    }
    fwrite(text, 1, size, f);
    fclose(f);
    return path;
}

static int
s_load(const char *text, profile_t *p, profile_error_t *e)
{
    return profile_load(s_file("profile", text, strlen(text)), p, e);
}

static void
s_refused(const char *text, profile_status_t status, int line, const char *name)
{
    profile_t p;
    profile_error_t e;
    CHECK(s_load(text, &p, &e) == -1);
    if (e.status != status || e.line != line || (name && strcmp(e.name, name) != 0)) {
        fprintf(stderr,
            "  for:\n%s\n  got: status %d line %d name '%s'\n"
            "  want: status %d line %d name '%s'\n",
            text, e.status, e.line, e.name, status, line, name ? name : "");
        check_failures++;
    }
}

static void
reads_every_setting(void)
{
    profile_t p;
    profile_error_t e;
    CHECK(s_load("# my profile\n"
                 "; another comment\n"
                 "hub = tcp://127.0.0.1:7440\n"
                 "\n"
                 "hub_key = keys/hub.public\n"
                 "key: /etc/enlace/ana.secret ; inline comment\n"
                 "language = en\n",
              &p, &e)
        == 0);
    CHECK(e.status == PROFILE_OK);
    CHECK_STREQ(p.hub, "tcp://127.0.0.1:7440");
    char want[512];
    snprintf(want, sizeof want, "%s/keys/hub.public", dir);
    CHECK_STREQ(p.hub_key, want);
    CHECK_STREQ(p.key, "/etc/enlace/ana.secret");
    CHECK_STREQ(p.language, "en");
}

static void
missing_settings_stay_empty_and_the_last_wins(void)
{
    profile_t p;
    profile_error_t e;
    CHECK(s_load("hub = tcp://a:1\nhub = tcp://b:2", &p, &e) == 0);
    CHECK_STREQ(p.hub, "tcp://b:2"); /* the last line has no newline */
    CHECK_STREQ(p.hub_key, "");
    CHECK_STREQ(p.key, "");
    CHECK_STREQ(p.language, "");
    CHECK(s_load("", &p, &e) == 0);
    CHECK_STREQ(p.hub, "");
}

static void
a_relative_path_without_a_folder_stays_as_it_is(void)
{
    profile_t p;
    profile_error_t e;
    /* The CLI's profile named "profile" (no folder): keys as given. */
    char cwd[512];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(dir) == 0);
    s_file("profile", "key = ana.secret\n", 16);
    CHECK(profile_load("profile", &p, &e) == 0);
    CHECK_STREQ(p.key, "ana.secret");
    CHECK(chdir(cwd) == 0);
}

static void
refuses_what_is_not_a_setting(void)
{
    s_refused("hub = tcp://a:1\nport = 7440\n", PROFILE_UNKNOWN, 2, "port");
    s_refused("hub = tcp://a:1\njust words\n", PROFILE_NOT_SETTING, 2, NULL);
    s_refused("[hub\n", PROFILE_NOT_SETTING, 1, NULL);
    s_refused("language = spanish\n", PROFILE_BAD_LANGUAGE, 1, "language");
    s_refused("language = ES\n", PROFILE_BAD_LANGUAGE, 1, "language");
    s_refused("language = e\n", PROFILE_BAD_LANGUAGE, 1, "language");
    /* Only the first error is reported. */
    s_refused("color = red\nsize = big\n", PROFILE_UNKNOWN, 1, "color");
}

static void
refuses_long_lines_instead_of_splitting_them(void)
{
    /* A 300-character path: inih's fgets reader would read its tail as a
     * second line; the profile reader refuses the line. */
    char text[400];
    snprintf(text, sizeof text, "key = /%0300d\nhub = tcp://a:1\n", 0);
    profile_t p;
    profile_error_t e;
    CHECK(s_load(text, &p, &e) == -1);
    CHECK(e.status == PROFILE_LONG_LINE);
    CHECK(e.line == 1);
    CHECK(e.max_line > 100);
    /* The longest line read whole works with or without its newline. */
    int value = e.max_line - (int)strlen("key = /");
    snprintf(text, sizeof text, "key = /%0*d", value, 0);
    CHECK((int)strlen(text) == e.max_line);
    CHECK(s_load(text, &p, &e) == 0);
    CHECK(strlen(p.key) == (size_t)value + 1);
    strcat(text, "\n");
    CHECK(s_load(text, &p, &e) == 0);
    text[strlen(text) - 1] = '0'; /* one character more, no newline */
    CHECK(s_load(text, &p, &e) == -1 && e.status == PROFILE_LONG_LINE);
}

static void
long_values_are_read_whole(void)
{
    char text[400];
    profile_t p;
    profile_error_t e;
    /* hub holds 511 characters and a line fewer, so a hub from a file is
     * never cut; language holds 7, and longer values are bad codes. */
    snprintf(text, sizeof text, "hub = tcp://%0150d:1\n", 0);
    CHECK(s_load(text, &p, &e) == 0);
    CHECK(strlen(p.hub) == 158);
    s_refused("language = abcdefgh\n", PROFILE_BAD_LANGUAGE, 1, "language");
}

static void
refuses_a_nul_byte(void)
{
    /* ini_parse would stop at the NUL and read the line as "hub = tcp://a". */
    static const char text[] = "key = a.secret\nhub = tcp://a\0:9\n";
    profile_t p;
    profile_error_t e;
    CHECK(profile_load(s_file("nul", text, sizeof text - 1), &p, &e) == -1);
    CHECK(e.status == PROFILE_NUL);
    CHECK(e.line == 2);
}

static void
refuses_a_huge_file_and_a_missing_one(void)
{
    size_t size = PROFILE_FILE_MAX + 1;
    char *big = malloc(size);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, '\n', size);
    profile_t p;
    profile_error_t e;
    CHECK(profile_load(s_file("big", big, size), &p, &e) == -1);
    CHECK(e.status == PROFILE_TOO_BIG);
    CHECK(profile_load(s_file("big", big, size - 1), &p, &e) == 0);
    free(big);
    char path[256];
    snprintf(path, sizeof path, "%s/absent", dir);
    CHECK(profile_load(path, &p, &e) == -1);
    CHECK(e.status == PROFILE_UNREADABLE);
    CHECK(e.sys_errno == ENOENT);
}

int
main(void)
{
    if (check_tempdir(dir, sizeof dir, "profile") != 0)
        return EXIT_FAILURE;
    RUN(reads_every_setting);
    RUN(missing_settings_stay_empty_and_the_last_wins);
    RUN(a_relative_path_without_a_folder_stays_as_it_is);
    RUN(refuses_what_is_not_a_setting);
    RUN(refuses_long_lines_instead_of_splitting_them);
    RUN(long_values_are_read_whole);
    RUN(refuses_a_nul_byte);
    RUN(refuses_a_huge_file_and_a_missing_one);
    check_tempdir_remove(dir);
    return CHECK_DONE();
}
