/*
 * log: leveled logging to stderr.
 *
 * Under systemd (JOURNAL_STREAM set) each line starts with a syslog level
 * prefix "<N>" that journald understands; on a terminal, with a UTC time and
 * the level name. Callers never pass secrets or message bodies.
 */
#ifndef ENLACE_LOG_H
#define ENLACE_LOG_H

enum { LOG_ERR = 3, LOG_WARNING = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7 };

/* Messages above `level` are dropped. Default LOG_INFO. */
void log_set_level(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
