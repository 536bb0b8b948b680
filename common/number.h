/*
 * number: strict parsing of the numbers people type (command-line values,
 * form fields), shared by the enlace CLI, enlace-hub's offline commands and
 * libenlace's case forms.
 *
 * A whole number is decimal digits and nothing else: no sign, no blanks, no
 * trailing text ("12x"), no value past the range asked for (overflow
 * included). strtoull and atoi accept all of those silently; this does not.
 */
#ifndef ENLACE_NUMBER_H
#define ENLACE_NUMBER_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    NUMBER_OK = 0,
    NUMBER_NOT_A_NUMBER, /* empty, a blank, a sign other than '-', or trailing text */
    NUMBER_NEGATIVE,     /* '-' then digits */
    NUMBER_TOO_SMALL,    /* below min */
    NUMBER_TOO_LARGE,    /* above max, or past 64 bits */
} number_status_t;

/* Parses s as a whole number in [min, max] into *out (untouched on failure).
 * Returns NUMBER_OK or why not. */
number_status_t number_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Parses s as a finite decimal number ("14.5", "-90", "1e3") into *out:
 * nothing before or after it, no "inf" or "nan". NUMBER_OK or
 * NUMBER_NOT_A_NUMBER. */
number_status_t number_parse_double(const char *s, double *out);

/* One line saying why s was refused, without a trailing newline, e.g.
 * "'12x' is not a number" or "'0' is too small: give a number from 1 to 16"
 * (the range only when it says more than "a number"). */
void number_explain(char *out, size_t cap, const char *s, number_status_t status, uint64_t min,
    uint64_t max);

#endif
