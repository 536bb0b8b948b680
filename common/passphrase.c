/*
 * passphrase.c: read a passphrase from ENLACE_PASSPHRASE_FILE or from the
 * terminal with echo off. Nothing read here is ever printed or logged.
 */
#include "passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libintl.h>
#include <sodium.h>

/* Messages are looked up in enlace's catalog; the program (enlace,
 * enlace-keygen) calls setlocale and bindtextdomain, never this library. */
#define _(s) dgettext("enlace", s)

static void
s_chomp(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
}

static int
s_from_file(const char *path, char *buf, size_t cap, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, _("cannot open ENLACE_PASSPHRASE_FILE %s: %s"), path,
            strerror(errno));
        return -1;
    }
    int ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (!ok) {
        snprintf(err, errlen, _("ENLACE_PASSPHRASE_FILE %s is empty"), path);
        return -1;
    }
    s_chomp(buf);
    return 0;
}

static int
s_from_tty(int fd, const char *prompt, char *buf, size_t cap)
{
    struct termios old, quiet;
    if (tcgetattr(fd, &old) != 0)
        return -1;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    if (write(fd, prompt, strlen(prompt)) < 0)
        return -1;
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
        return -1;
    size_t used = 0;
    int rc = 0;
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\n' || c == '\r')
            break;
        if (used + 1 < cap)
            buf[used++] = c;
        else
            rc = -1; /* too long: refuse rather than truncate silently */
    }
    buf[used] = '\0';
    tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0)
        rc = -1;
    return rc;
}

int
passphrase_read(const char *prompt, int confirm, char *buf, size_t cap, char *err, size_t errlen)
{
    const char *file = getenv("ENLACE_PASSPHRASE_FILE");
    if (file && *file) {
        if (s_from_file(file, buf, cap, err, errlen) != 0)
            return -1;
    } else {
        int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            snprintf(err, errlen,
                _("a passphrase is needed but there is no terminal; set ENLACE_PASSPHRASE_FILE"));
            return -1;
        }
        int rc = s_from_tty(fd, prompt, buf, cap);
        if (rc == 0 && confirm) {
            char again[256];
            rc = s_from_tty(fd, _("Repeat passphrase: "), again, sizeof again);
            if (rc == 0 && strcmp(again, buf) != 0) {
                snprintf(err, errlen, _("the passphrases do not match"));
                sodium_memzero(again, sizeof again);
                sodium_memzero(buf, cap);
                close(fd);
                return -1;
            }
            sodium_memzero(again, sizeof again);
        }
        close(fd);
        if (rc != 0) {
            snprintf(err, errlen, _("could not read the passphrase from the terminal"));
            sodium_memzero(buf, cap);
            return -1;
        }
    }
    if (!*buf) {
        snprintf(err, errlen, _("the passphrase is empty"));
        return -1;
    }
    return 0;
}
