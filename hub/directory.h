/*
 * directory: an immutable in-memory snapshot of the officers' keys and
 * memberships, loaded from the archive. The hub swaps in a new snapshot when
 * the archive changes (offline administration), so every request is checked
 * against the directory as it is now.
 */
#ifndef ENLACE_DIRECTORY_H
#define ENLACE_DIRECTORY_H

#include <stdint.h>

#include "archive.h"

#define DIR_MAX_NETWORKS 8
#define DIR_NAME_LEN 24

typedef struct {
    char network[DIR_NAME_LEN];
    char role[DIR_NAME_LEN];
} dir_membership_t;

/* One registered key and the officer who holds it. */
typedef struct {
    int64_t officer_id;
    char name[208];
    char country[8];        /* "" for organisations */
    char org[DIR_NAME_LEN]; /* "" for countries */
    char role[DIR_NAME_LEN];
    uint8_t pk[32];
    char fingerprint[24];
    int64_t valid_from_ms, valid_until_ms, revoked_ms;
    int nmemberships;
    dir_membership_t memberships[DIR_MAX_NETWORKS];
} dir_entry_t;

/* An observer invitation, as loaded. */
#define DIR_MAX_PATTERNS 8
typedef struct {
    int64_t id;
    char grantee[DIR_NAME_LEN]; /* organisation or observer country */
    char network[DIR_NAME_LEN];
    char patterns[DIR_MAX_PATTERNS][260];
    int npatterns;
    int readwrite; /* 0: read only */
    int64_t expires_ms;
    int64_t revoked_ms; /* 0: in force */
} dir_invitation_t;

typedef struct directory directory_t;

/* Loads a snapshot; NULL on failure (reason in archive_error). */
directory_t *directory_load(archive_t *archive);
void directory_destroy(directory_t **self_p);

/* The key with this fingerprint, or NULL. */
const dir_entry_t *directory_find(const directory_t *self, const char *fingerprint);

/* The first key of this officer (by fingerprint), or NULL. O(log n). */
const dir_entry_t *directory_find_officer(const directory_t *self, int64_t officer_id);

/* 1 if the key may be used now (not revoked, inside its validity). */
int directory_entry_active(const dir_entry_t *entry, int64_t now_ms);

/* The role the entry holds in network, or NULL if not a member. */
const char *directory_membership(const dir_entry_t *entry, const char *network);

/* 1 if network is a known network name. */
int directory_network_known(const directory_t *self, const char *network);

int directory_count(const directory_t *self);
/* The i-th key (0 <= i < directory_count), in fingerprint order. */
const dir_entry_t *directory_entry(const directory_t *self, int i);

/* Invitations: iterate with an index from 0 to directory_invitations(). */
int directory_invitations(const directory_t *self);
const dir_invitation_t *directory_invitation(const directory_t *self, int i);
/* 1 if the invitation is in force at now_ms. */
int directory_invitation_active(const dir_invitation_t *inv, int64_t now_ms);

/* The member country holding the PPT in `year`, or NULL. */
const char *directory_ppt(const directory_t *self, int year);

/* The ST's archive key (Ed25519, 32 bytes: what sealed messages are sealed
 * to besides their recipients), or NULL if none is registered. Kept in the
 * archive's meta table under DIR_ARCHIVE_KEY_META (hex), set by `enlace-hub
 * archive-key set` (audited); a change reaches the running hub with the
 * next directory reload. */
#define DIR_ARCHIVE_KEY_META "archive_key"
const uint8_t *directory_archive_key(const directory_t *self);

#endif
