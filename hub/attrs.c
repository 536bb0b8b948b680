/*
 * attrs.c: see attrs.h.
 */
#include "attrs.h"

#include <stdio.h>
#include <string.h>

#include "acl.h"

static int
s_row(const archive_msg_t *am, void *arg)
{
    attrs_t *a = arg;
    snprintf(a->topic, sizeof a->topic, "%s", am->topic);
    snprintf(a->network, sizeof a->network, "%s", am->network);
    snprintf(a->recipients, sizeof a->recipients, "%s", am->recipients ? am->recipients : "");
    a->stored_ms = am->stored_ms;
    a->sealed = am->sealed;
    a->m = (disclose_msg_t){.seq = am->seq,
        .topic = a->topic,
        .network = a->network,
        .tlp = am->tlp,
        .recipients = a->recipients,
        .author_id = am->author_id,
        .author_home = a->home,
        .personal = am->personal,
        .handling = am->handling};
    return 1;
}

int
attrs_load(archive_t *archive, const directory_t *dir, uint64_t seq, attrs_t *out)
{
    memset(out, 0, sizeof *out);
    int rc = archive_message_read(archive, seq, s_row, out);
    if (rc == 1 && out->m.author_id) {
        const dir_entry_t *author = directory_find_officer(dir, out->m.author_id);
        snprintf(out->home, sizeof out->home, "%s", author ? acl_home(author) : "");
    }
    return rc;
}

disclose_t
attrs_level(const attrs_t *a, const directory_t *dir, const dir_entry_t *who, disclose_path_t path,
    int64_t now_ms)
{
    disclose_reader_t r = {.dir = dir, .who = who, .now_ms = now_ms};
    return disclose_message(&r, &a->m, path);
}

int
attrs_readable(archive_t *archive, const directory_t *dir, const dir_entry_t *who, uint64_t seq,
    int64_t now_ms, attrs_t *out)
{
    return attrs_load(archive, dir, seq, out) == 1
        && attrs_level(out, dir, who, DISCLOSE_ARCHIVE, now_ms) == DISCLOSE_ALL;
}
