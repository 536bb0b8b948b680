/*
 * directory.c: snapshot of keys sorted by fingerprint for O(log n) lookup on
 * every frame. Snapshots are never modified after load.
 */
#include "directory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

struct directory {
    dir_entry_t *entries;           /* sorted by fingerprint; owned */
    int count;                      /* entries in use */
    int cap;                        /* entries allocated */
    char networks[256];             /* ",consular,child,...," for membership tests */
    const dir_entry_t **by_officer; /* entries sorted by officer id; owned array */
    dir_invitation_t *invitations;  /* owned */
    int ninvitations, invitations_cap;
    struct {
        int year;
        char country[8];
    } ppt[256]; /* PPT by year */
    int nppt;
    uint8_t archive_key[32]; /* the ST's archive key (meta "archive_key") */
    int has_archive_key;
};

static int
s_collect_invitation(const archive_invitation_t *inv, void *arg)
{
    directory_t *self = arg;
    if (self->ninvitations == self->invitations_cap) {
        int cap = self->invitations_cap ? self->invitations_cap * 2 : 16;
        dir_invitation_t *grown = realloc(self->invitations, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        self->invitations = grown;
        self->invitations_cap = cap;
    }
    dir_invitation_t *d = &self->invitations[self->ninvitations++];
    memset(d, 0, sizeof *d);
    d->id = inv->id;
    snprintf(d->grantee, sizeof d->grantee, "%s", inv->grantee);
    snprintf(d->network, sizeof d->network, "%s", inv->network);
    char buf[DIR_MAX_PATTERNS * 260];
    snprintf(buf, sizeof buf, "%s", inv->patterns);
    char *save = NULL;
    for (char *p = strtok_r(buf, ",", &save); p && d->npatterns < DIR_MAX_PATTERNS;
         p = strtok_r(NULL, ",", &save))
        snprintf(d->patterns[d->npatterns++], sizeof d->patterns[0], "%s", p);
    d->readwrite = strcmp(inv->access, "readwrite") == 0;
    d->expires_ms = inv->expires_ms;
    d->revoked_ms = inv->revoked_ms;
    return 0;
}

static int
s_collect_ppt(int year, const char *country, void *arg)
{
    directory_t *self = arg;
    if (self->nppt == (int)(sizeof self->ppt / sizeof self->ppt[0]))
        return 1;
    self->ppt[self->nppt].year = year;
    snprintf(self->ppt[self->nppt].country, sizeof self->ppt[0].country, "%s", country);
    self->nppt++;
    return 0;
}

static int
s_collect(const archive_key_row_t *row, void *arg)
{
    directory_t *self = arg;
    if (self->count == self->cap) {
        int cap = self->cap ? self->cap * 2 : 64;
        dir_entry_t *grown = realloc(self->entries, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        self->entries = grown;
        self->cap = cap;
    }
    dir_entry_t *e = &self->entries[self->count++];
    memset(e, 0, sizeof *e);
    e->officer_id = row->officer_id;
    snprintf(e->name, sizeof e->name, "%s", row->name);
    snprintf(e->country, sizeof e->country, "%s", row->country);
    snprintf(e->org, sizeof e->org, "%s", row->org);
    snprintf(e->role, sizeof e->role, "%s", row->role);
    memcpy(e->pk, row->pk, 32);
    snprintf(e->fingerprint, sizeof e->fingerprint, "%s", row->fingerprint);
    e->valid_from_ms = row->valid_from_ms;
    e->valid_until_ms = row->valid_until_ms;
    e->revoked_ms = row->revoked_ms;
    /* "net:role,net:role" */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", row->networks);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item && e->nmemberships < DIR_MAX_NETWORKS;
         item = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(item, ':');
        if (!colon)
            continue;
        *colon = '\0';
        dir_membership_t *m = &e->memberships[e->nmemberships++];
        snprintf(m->network, sizeof m->network, "%s", item);
        snprintf(m->role, sizeof m->role, "%s", colon + 1);
    }
    return 0;
}

static int
s_by_fingerprint(const void *a, const void *b)
{
    return strcmp(((const dir_entry_t *)a)->fingerprint, ((const dir_entry_t *)b)->fingerprint);
}

/* By officer id, then fingerprint (so "the first key" is well defined). */
static int
s_by_officer(const void *a, const void *b)
{
    const dir_entry_t *x = *(const dir_entry_t *const *)a, *y = *(const dir_entry_t *const *)b;
    if (x->officer_id != y->officer_id)
        return x->officer_id < y->officer_id ? -1 : 1;
    return strcmp(x->fingerprint, y->fingerprint);
}

directory_t *
directory_load(archive_t *archive)
{
    directory_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    char nets[200];
    if (archive_keys_each(archive, s_collect, self) != 0
        || archive_networks(archive, nets, sizeof nets) != 0
        || archive_invitations_each(archive, s_collect_invitation, self) != 0
        || archive_ppt_each(archive, s_collect_ppt, self) != 0) {
        directory_destroy(&self);
        return NULL;
    }
    snprintf(self->networks, sizeof self->networks, ",%s,", nets);
    char hex[2 * 32 + 1];
    int found = archive_meta_get(archive, DIR_ARCHIVE_KEY_META, hex, sizeof hex);
    if (found < 0) {
        directory_destroy(&self);
        return NULL;
    }
    self->has_archive_key = found == 1 && keys_hex_decode(hex, self->archive_key, 32) == 0;
    if (self->count)
        qsort(self->entries, (size_t)self->count, sizeof *self->entries, s_by_fingerprint);
    self->by_officer = calloc((size_t)self->count + 1, sizeof *self->by_officer);
    if (!self->by_officer) {
        directory_destroy(&self);
        return NULL;
    }
    for (int i = 0; i < self->count; i++)
        self->by_officer[i] = &self->entries[i];
    if (self->count)
        qsort(self->by_officer, (size_t)self->count, sizeof *self->by_officer, s_by_officer);
    return self;
}

const uint8_t *
directory_archive_key(const directory_t *self)
{
    return self->has_archive_key ? self->archive_key : NULL;
}

void
directory_destroy(directory_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->entries);
    free((*self_p)->by_officer);
    free((*self_p)->invitations);
    free(*self_p);
    *self_p = NULL;
}

const dir_entry_t *
directory_find(const directory_t *self, const char *fingerprint)
{
    if (!self->count)
        return NULL;
    dir_entry_t key;
    snprintf(key.fingerprint, sizeof key.fingerprint, "%s", fingerprint);
    return bsearch(&key, self->entries, (size_t)self->count, sizeof key, s_by_fingerprint);
}

const dir_entry_t *
directory_find_officer(const directory_t *self, int64_t officer_id)
{
    /* Binary search for the first entry of this officer. */
    int lo = 0, hi = self->count;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (self->by_officer[mid]->officer_id < officer_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < self->count && self->by_officer[lo]->officer_id == officer_id ? self->by_officer[lo]
                                                                              : NULL;
}

int
directory_entry_active(const dir_entry_t *e, int64_t now_ms)
{
    if (e->revoked_ms)
        return 0;
    if (e->valid_from_ms && now_ms < e->valid_from_ms)
        return 0;
    if (e->valid_until_ms && now_ms >= e->valid_until_ms)
        return 0;
    return 1;
}

const char *
directory_membership(const dir_entry_t *e, const char *network)
{
    for (int i = 0; i < e->nmemberships; i++)
        if (!strcmp(e->memberships[i].network, network))
            return e->memberships[i].role;
    return NULL;
}

int
directory_network_known(const directory_t *self, const char *network)
{
    if (!*network || strchr(network, ','))
        return 0;
    char needle[DIR_NAME_LEN + 2];
    if (snprintf(needle, sizeof needle, ",%s,", network) >= (int)sizeof needle)
        return 0;
    return strstr(self->networks, needle) != NULL;
}

int
directory_count(const directory_t *self)
{
    return self->count;
}

int
directory_invitations(const directory_t *self)
{
    return self->ninvitations;
}

const dir_invitation_t *
directory_invitation(const directory_t *self, int i)
{
    return i >= 0 && i < self->ninvitations ? &self->invitations[i] : NULL;
}

int
directory_invitation_active(const dir_invitation_t *inv, int64_t now_ms)
{
    return inv->revoked_ms == 0 && now_ms < inv->expires_ms;
}

const char *
directory_ppt(const directory_t *self, int year)
{
    for (int i = 0; i < self->nppt; i++)
        if (self->ppt[i].year == year)
            return self->ppt[i].country;
    return NULL;
}

const dir_entry_t *
directory_entry(const directory_t *self, int i)
{
    return i >= 0 && i < self->count ? &self->entries[i] : NULL;
}
