/*
 * cmd_web.c: enlace web: runs the web console, enlace-web, which lies next
 * to enlace (in the build tree and once installed), with the very same
 * arguments: it reads the settings as enlace does. The console is a
 * program of its own so that its HTTP server's libraries load only when it
 * runs. ENLACE_WEB_BIN names another enlace-web (tests, a moved install).
 */
#include "cli.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cli_web_exec(int argc, char **argv)
{
    (void)argc;
    char path[4096];
    const char *env = getenv("ENLACE_WEB_BIN");
    if (env && *env) {
        snprintf(path, sizeof path, "%s", env);
    } else {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            fprintf(stderr, _("enlace: cannot find the web console: %s\n"), strerror(errno));
            return 1;
        }
        self[n] = '\0';
        snprintf(path, sizeof path, "%s/enlace-web", dirname(self));
    }
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr, _("enlace: cannot run the web console %s: %s\n"), path, strerror(errno));
    return 1;
}
