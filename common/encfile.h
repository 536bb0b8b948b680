/*
 * encfile: the encrypted form of a backup or an export (`enlace-hub backup
 * --encrypt-to`, `export --encrypt-to`), readable only with the secret half
 * of the ST's archive key (`enlace-hub restore --key`, `enlace unseal`).
 *
 * Layout (all of it is checked on reading):
 *
 *   magic     16 bytes, "enlace-encrypted"
 *   version   1 byte, 1
 *   kind      1 byte: 'B' an archive backup (an SQLite file), 'E' an export
 *             (JSON lines)
 *   key       32 bytes: the Ed25519 archive key the stream key is sealed to
 *   box       80 bytes: crypto_box_seal(stream key, the key's Curve25519 form)
 *   header    24 bytes: the crypto_secretstream_xchacha20poly1305 header
 *   records   each a 4-byte big-endian length L (17 to 65553) and L bytes of
 *             crypto_secretstream_xchacha20poly1305_push output, holding up
 *             to 64 KiB of the plaintext in order. The first record has the
 *             130 bytes from magic to box as associated data; the last, and
 *             only the last, has the tag FINAL, and nothing follows it.
 *
 * A wrong key, a changed byte, a missing or reordered record and a file cut
 * short anywhere are all refused: a reader writes plaintext only as each
 * record authenticates, so its caller keeps the output aside (a temporary
 * file) until encfile_read returns ENCFILE_OK.
 */
#ifndef ENLACE_ENCFILE_H
#define ENLACE_ENCFILE_H

#include <stddef.h>
#include <stdint.h>

#define ENCFILE_MAGIC "enlace-encrypted"
#define ENCFILE_MAGIC_LEN 16
#define ENCFILE_HEAD_BYTES (ENCFILE_MAGIC_LEN + 2 + 32 + 80 + 24)
#define ENCFILE_CHUNK 65536
#define ENCFILE_KIND_BACKUP 'B'
#define ENCFILE_KIND_EXPORT 'E'

typedef enum {
    ENCFILE_OK = 0,
    ENCFILE_EFORMAT,    /* not an encrypted enlace file, or another version */
    ENCFILE_EWRONGKEY,  /* sealed to another archive key (sealed_to says which) */
    ENCFILE_ETRUNCATED, /* ends before its final record */
    ENCFILE_EDAMAGED,   /* a record does not authenticate, or bytes after the end */
    ENCFILE_EIO,        /* reading or writing failed */
    ENCFILE_ENOMEM,
} encfile_rc_t;

/* Writes n bytes; 0, or -1. */
typedef int (*encfile_write_fn)(void *arg, const void *p, size_t n);
/* Reads up to n bytes, fewer only at the end: the count, 0 at the end, -1
 * on error. */
typedef long (*encfile_read_fn)(void *arg, void *p, size_t n);

typedef struct encfile_writer encfile_writer_t;

/* Starts an encrypted file of kind for the Ed25519 archive key, writing its
 * header through fn. NULL with a reason in err (a key that is not a curve
 * point, out of memory, the write failed). */
encfile_writer_t *encfile_writer_new(char kind, const uint8_t archive_key[32], encfile_write_fn fn,
    void *arg, char *err, size_t errlen);
/* Adds plaintext. 0, or -1 (the write failed). */
int encfile_write(encfile_writer_t *self, const void *p, size_t n);
/* Writes the final record. 0, or -1. */
int encfile_finish(encfile_writer_t *self);
/* Frees the writer (wiping its key). Accepts NULL; sets *self_p NULL. */
void encfile_writer_destroy(encfile_writer_t **self_p);

/* Reads an encrypted file through rd, writing its plaintext through wr as it
 * authenticates, with one key: ed_pk (its Ed25519 public key), curve_pk and
 * curve_sk (its Curve25519 pair). *kind is the file's kind; sealed_to (may
 * be NULL) receives the archive key the file names (also on
 * ENCFILE_EWRONGKEY). ENCFILE_OK only once the final record has
 * authenticated and nothing follows it; else an error with a reason in err. */
int encfile_read(encfile_read_fn rd, void *rarg, encfile_write_fn wr, void *warg,
    const uint8_t ed_pk[32], const uint8_t curve_pk[32], const uint8_t curve_sk[32], char *kind,
    uint8_t sealed_to[32], char *err, size_t errlen);

/* 1 if the n bytes at p begin an encrypted enlace file (its magic). */
int encfile_is_encrypted(const void *p, size_t n);

/* Writer and reader on a file descriptor (arg points to the int). */
int encfile_fd_write(void *arg, const void *p, size_t n);
long encfile_fd_read(void *arg, void *p, size_t n);

#endif
