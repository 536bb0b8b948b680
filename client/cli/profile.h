/*
 * profile: the officer's settings file, read by the enlace CLI.
 *
 *   hub = tcp://hub.example:7440
 *   hub_key = hub.public          (relative paths: from the profile's folder)
 *   key = ana.secret
 *   language = es                 (which translation of an alert to show:
 *                                  a 2- or 3-letter code, lower case)
 *   archive_key = XXXX-XXXX-XXXX-XXXX  (the ST's archive key, pinned: sealed
 *                                  messages are sealed to no other)
 *
 * INI without sections ('name = value' or 'name: value'; lines starting with
 * ';' or '#' are comments). A name given twice keeps the last value. Anything
 * else is an error that names the line: an unknown name, a line that is not
 * 'name = value', a line too long to read whole, a value too long for its
 * setting, a language that is not a 2- or 3-letter code, a NUL byte. Nothing
 * is silently cut short. A [section] line is accepted and ignored.
 *
 * Not part of libenlace: the CLI and the profile fuzzer link it directly.
 */
#ifndef ENLACE_PROFILE_H
#define ENLACE_PROFILE_H

#include <stddef.h>

typedef struct {
    char hub[512];
    char hub_key[4096];
    char key[4096];
    char language[8];
    char archive_key[24];
} profile_t;

typedef enum {
    PROFILE_OK = 0,
    PROFILE_UNREADABLE,      /* could not open or read: errno in sys_errno */
    PROFILE_TOO_BIG,         /* over PROFILE_FILE_MAX bytes */
    PROFILE_NOT_SETTING,     /* line is not 'name = value' */
    PROFILE_LONG_LINE,       /* line longer than max_line characters */
    PROFILE_UNKNOWN,         /* name is not a setting */
    PROFILE_LONG_VALUE,      /* the value of name does not fit */
    PROFILE_BAD_LANGUAGE,    /* language is not a 2- or 3-letter code */
    PROFILE_NUL,             /* line holds a NUL byte */
    PROFILE_BAD_FINGERPRINT, /* archive_key is not XXXX-XXXX-XXXX-XXXX */
} profile_status_t;

/* A profile is a few lines; this bounds what is read. */
#define PROFILE_FILE_MAX (64 * 1024)

typedef struct {
    profile_status_t status;
    int line;      /* 1-based, for the line errors */
    int sys_errno; /* for PROFILE_UNREADABLE */
    int max_line;  /* for PROFILE_LONG_LINE: the longest line read whole */
    char name[32]; /* the setting, for UNKNOWN and LONG_VALUE (cut to fit) */
} profile_error_t;

/* Reads the file at path into p (which starts empty: all ""). Settings not
 * in the file stay "". Returns 0, or -1 with what went wrong in *e; p is
 * then left partly filled and should not be used. */
int profile_load(const char *path, profile_t *p, profile_error_t *e);

#endif
