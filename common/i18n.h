/*
 * i18n: the message catalogs of the command-line tools (enlace,
 * enlace-keygen), one set-up for both.
 */
#ifndef ENLACE_I18N_H
#define ENLACE_I18N_H

/*
 * Messages in the language the environment asks for (LC_ALL, LC_MESSAGES,
 * LANG, and LANGUAGE as a preference list), from the catalogs built in po/.
 * They are looked up in $ENLACE_LOCALEDIR when set (an uninstalled build:
 * BUILDDIR/po), else in LOCALEDIR. If the locale named is not installed (a
 * fresh Debian has only C.UTF-8), keep C.UTF-8 and pass the language to
 * gettext through LANGUAGE, so that LANG=es_MX.UTF-8 alone still gives Spanish.
 */
void i18n_init(void);

#endif
