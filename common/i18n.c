/*
 * i18n.c: see i18n.h.
 */
#include "i18n.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

void
i18n_init(void)
{
    if (!setlocale(LC_ALL, "")) {
        const char *lang = getenv("LC_ALL");
        if (!lang || !*lang)
            lang = getenv("LC_MESSAGES");
        if (!lang || !*lang)
            lang = getenv("LANG");
        if (!setlocale(LC_ALL, "C.UTF-8"))
            setlocale(LC_ALL, "C");
        const char *pref = getenv("LANGUAGE");
        if (lang && *lang && strcmp(lang, "C") && strncmp(lang, "C.", 2) && strcmp(lang, "POSIX")
            && (!pref || !*pref)) {
            char l[64];
            snprintf(l, sizeof l, "%s", lang);
            l[strcspn(l, ".@")] = '\0';
            setenv("LANGUAGE", l, 1);
        }
    }
    const char *dir = getenv("ENLACE_LOCALEDIR");
    bindtextdomain(GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
    textdomain(GETTEXT_PACKAGE);
}
