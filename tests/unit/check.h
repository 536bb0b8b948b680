/*
 * check.h: the few lines every unit test program shares.
 *
 * CHECK stays on in every build type (unlike assert under NDEBUG): a failed
 * check prints file:line and the expression, counts, and the program goes
 * on so one run reports every failure. RUN names the behaviour being
 * tested; CHECK_DONE is main's return value (non-zero if anything failed).
 * The counter is the one piece of mutable state a test program keeps.
 */
#ifndef ENLACE_TEST_CHECK_H
#define ENLACE_TEST_CHECK_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_failures;

#define CHECK(expr) \
    do { \
        if (!(expr)) { \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); \
            check_failures++; \
        } \
    } while (0)

/* A check that also shows the two strings when they differ. */
#define CHECK_STREQ(got, want) \
    do { \
        const char *check_g_ = (got), *check_w_ = (want); \
        if (!check_g_ || !check_w_ || strcmp(check_g_, check_w_) != 0) { \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (got \"%s\", want \"%s\")\n", __FILE__, \
                __LINE__, #got, #want, check_g_ ? check_g_ : "(null)", \
                check_w_ ? check_w_ : "(null)"); \
            check_failures++; \
        } \
    } while (0)

#define RUN(test) \
    do { \
        int check_before_ = check_failures; \
        test(); \
        fprintf(stderr, "%s %s\n", check_failures == check_before_ ? "ok  " : "FAIL", #test); \
    } while (0)

#define CHECK_DONE() (check_failures ? EXIT_FAILURE : EXIT_SUCCESS)

/* Creates a fresh private directory under /tmp; writes its path into dir
 * (at least 64 bytes). Returns 0, or -1 (and reports) on failure. */
static inline int
check_tempdir(char *dir, size_t cap, const char *name)
{
    snprintf(dir, cap, "/tmp/enlace-%s-XXXXXX", name);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        check_failures++;
        return -1;
    }
    return 0;
}

/* Removes a directory made by check_tempdir and the files in it (the tests
 * create no subdirectories). */
static inline void
check_tempdir_remove(const char *dir)
{
    DIR *d = *dir ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

#endif
