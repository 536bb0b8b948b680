/*
 * names.c: the names of the wire's enums as the API and the CLI spell them
 * (lower-case CAP values, TLP labels), and message ids in hex.
 */
#include "enl.h"

#include <strings.h>

#include <sodium.h>

/* Index = the enum's value in enlace.proto. */
const char *const enl_priority_names[] = {"routine", "priority", "urgent", "flash", NULL};
const char *const enl_category_names[] = {"other", "death", "disaster", "trafficking", "smuggling",
    "missing-child", "unaccompanied-child", "return-assistance", NULL};
const char *const enl_status_names[] = {"actual", "exercise", "system", "test", "draft", NULL};
const char *const enl_msgtype_names[] = {"alert", "update", "cancel", NULL};
const char *const enl_urgency_names[] = {"unknown", "immediate", "expected", "future", "past",
    NULL};
const char *const enl_severity_names[] = {"unknown", "extreme", "severe", "moderate", "minor",
    NULL};
const char *const enl_certainty_names[] = {"unknown", "observed", "likely", "possible", "unlikely",
    NULL};
const char *const enl_handling_names[] = {"", "H0", "H1", "H2", "H3", NULL};

int
enl_enum(const char *const *names, const char *name, int def)
{
    if (!name || !*name)
        return def;
    for (int i = 0; names[i]; i++)
        if (!strcasecmp(names[i], name))
            return i;
    return -1;
}

const char *
enl_name(const char *const *names, int value)
{
    int n = 0;
    while (names[n])
        n++;
    return value >= 0 && value < n ? names[value] : names[0];
}

int
enlace_tlp_parse(const char *name)
{
    static const char *names[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
    for (int i = 0; name && i < 5; i++)
        if (!strcasecmp(name, names[i]))
            return i + 1;
    return -1;
}

const char *
enlace_tlp_name(int tlp)
{
    static const char *names[] = {"AMBER", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
    return tlp >= 0 && tlp <= 5 ? names[tlp] : "?";
}

void
enlace_id_hex(const uint8_t id[16], char out[33])
{
    sodium_bin2hex(out, 33, id, 16);
}
