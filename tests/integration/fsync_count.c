/*
 * fsync_count: an LD_PRELOAD module for test_crash's --sync check. Every
 * fsync() and fdatasync() of the process it is loaded into is appended to
 * the file named by ENLACE_FSYNC_LOG as one line, "TID PATH", then done as
 * usual. SQLite syncs through these two calls (unix VFS, full_fsync), so the
 * log shows which thread synced which file when.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef int (*sync_fn)(int);

static sync_fn
s_next(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    sync_fn fn;
    memcpy(&fn, &p, sizeof fn);
    return fn;
}

static void
s_log(int fd)
{
    const char *log = getenv("ENLACE_FSYNC_LOG");
    if (!log)
        return;
    char link[64], target[512], line[600];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0)
        n = 0;
    target[n] = '\0';
    int len = snprintf(line, sizeof line, "%ld %s\n", (long)syscall(SYS_gettid), target);
    int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (out >= 0) {
        if (write(out, line, (size_t)len) != len)
            (void)0; /* a lost line shows as a missing sync: the check fails */
        close(out);
    }
}

int
fsync(int fd)
{
    static sync_fn real;
    if (!real)
        real = s_next("fsync");
    s_log(fd);
    return real(fd);
}

int
fdatasync(int fd)
{
    static sync_fn real;
    if (!real)
        real = s_next("fdatasync");
    s_log(fd);
    return real(fd);
}
