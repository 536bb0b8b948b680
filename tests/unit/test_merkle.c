/*
 * test_merkle.c: common/merkle.c, the batch signing tree: known answers
 * (computed independently with Python's hashlib.blake2b), every path of
 * every leaf of every batch size up to 64 leading to the root, and the
 * paths that must not (another leaf's, a wrong index or size, swapped,
 * truncated or extended siblings, deeper than the bound).
 */
#include "check.h"

#include <sodium.h>

#include "merkle.h"

static void
s_hex(const merkle_hash_t h, char out[65])
{
    sodium_bin2hex(out, 65, h, MERKLE_HASH_BYTES);
}

static void
s_leaves(merkle_hash_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)(0x61 + i); /* "a", "b", ... */
        merkle_leaf(&c, 1, d[i]);
    }
}

static void
known_answers(void)
{
    static const struct {
        size_t n;
        const char *root;
    } kat[] = {
        {1, "7234082e1dd0b5ec0acd71875d61c9f374af30c100bc4de7aa4eb3f15bbed686"},
        {2, "ee616625a590167bc4b3dc703ab4f3f2ddecbee6b9d05fee9281f02046e6082e"},
        {3, "17321db51c1ef3ec1f77e271aa300b4e5c6091708bcba37e46025774a26142ee"},
        {5, "57d36622e3f900dadd327fb108b62e282cb8f65225ff24749df78d09176c1d0d"},
        {7, "0ce9bb5a866b32da9bbedf63a975ce8516626b796b5ceae40b9e353c28a49ddf"},
        {8, "a383c5b578749fb99e369052a4ddd25afbdb7279fdaa1d7c8b72093be140f437"},
        {9, "49484fccba7e41ce50b43e2f487f5c7017cd2bc0eea728329b7749dc808edd4d"},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        merkle_hash_t d[9], root;
        char hex[65];
        s_leaves(d, kat[i].n);
        CHECK(merkle_root(d, kat[i].n, root) == 0);
        s_hex(root, hex);
        CHECK_STREQ(hex, kat[i].root);
    }
    merkle_hash_t d[1], root;
    CHECK(merkle_root(d, 0, root) == -1);
    CHECK(merkle_root(d, MERKLE_MAX_LEAVES + 1, root) == -1);
}

static void
every_path_leads_to_the_root(void)
{
    static merkle_hash_t d[MERKLE_MAX_LEAVES];
    for (size_t i = 0; i < MERKLE_MAX_LEAVES; i++)
        randombytes_buf(d[i], MERKLE_HASH_BYTES);
    size_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 100, 255, 256};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        merkle_hash_t root;
        CHECK(merkle_root(d, n, root) == 0);
        for (size_t i = 0; i < n; i++) {
            merkle_hash_t path[MERKLE_MAX_DEPTH], got;
            size_t depth = 99;
            CHECK(merkle_path(d, n, i, path, &depth) == 0);
            CHECK(depth <= MERKLE_MAX_DEPTH);
            CHECK(merkle_root_of_path(d[i], (uint32_t)i, (uint32_t)n, path[0],
                      depth * MERKLE_HASH_BYTES, got)
                == 0);
            CHECK(sodium_memcmp(got, root, MERKLE_HASH_BYTES) == 0);
        }
    }
}

/* 1 if the proof (leaf, index, size, path) yields root. */
static int
s_proves(const merkle_hash_t leaf, uint32_t index, uint32_t size, const uint8_t *path, size_t len,
    const merkle_hash_t root)
{
    merkle_hash_t got;
    return merkle_root_of_path(leaf, index, size, path, len, got) == 0
        && sodium_memcmp(got, root, MERKLE_HASH_BYTES) == 0;
}

static void
a_wrong_path_proves_nothing(void)
{
    merkle_hash_t d[13], root, path[MERKLE_MAX_DEPTH], other[MERKLE_MAX_DEPTH];
    s_leaves(d, 13);
    CHECK(merkle_root(d, 13, root) == 0);
    size_t depth, odepth;
    CHECK(merkle_path(d, 13, 5, path, &depth) == 0);
    CHECK(merkle_path(d, 13, 6, other, &odepth) == 0);
    size_t len = depth * MERKLE_HASH_BYTES;
    CHECK(s_proves(d[5], 5, 13, path[0], len, root));
    CHECK(!s_proves(d[5], 6, 13, path[0], len, root)); /* wrong index */
    /* A wrong size may lead to the same root (the path's shape is the
     * same): the size is bound by the signature, over size and root. */
    uint8_t signed12[MERKLE_SIGNED_BYTES], signed13[MERKLE_SIGNED_BYTES];
    merkle_signed(12, root, signed12);
    merkle_signed(13, root, signed13);
    CHECK(!s_proves(d[5], 5, 12, path[0], len, root) || memcmp(signed12, signed13, 40) != 0);
    CHECK(!s_proves(d[5], 5, 4, path[0], len, root));           /* size of another shape */
    CHECK(!s_proves(d[5], 5, 13, other[0], odepth * 32, root)); /* another leaf's path */
    CHECK(!s_proves(d[6], 5, 13, path[0], len, root));          /* another leaf */
    CHECK(!s_proves(d[5], 5, 13, path[0], len - 32, root));     /* truncated */
    CHECK(!s_proves(d[5], 5, 13, path[0], len - 1, root));      /* not whole hashes */
    merkle_hash_t longer[MERKLE_MAX_DEPTH + 1];
    memcpy(longer, path, len);
    memcpy(longer[depth], path[0], 32);
    CHECK(!s_proves(d[5], 5, 13, longer[0], len + 32, root)); /* extended */
    merkle_hash_t swapped[MERKLE_MAX_DEPTH];
    memcpy(swapped, path, len);
    memcpy(swapped[0], path[1], 32);
    memcpy(swapped[1], path[0], 32);
    CHECK(!s_proves(d[5], 5, 13, swapped[0], len, root)); /* swapped siblings */
    uint8_t deep[(MERKLE_MAX_DEPTH + 1) * 32] = {0};
    merkle_hash_t got;
    CHECK(merkle_root_of_path(d[0], 0, MERKLE_MAX_LEAVES, deep, sizeof deep, got) == -1);
    CHECK(merkle_root_of_path(d[0], 0, MERKLE_MAX_LEAVES + 1, deep, 0, got) == -1);
    CHECK(merkle_root_of_path(d[0], 13, 13, path[0], len, got) == -1); /* index past the end */
    CHECK(merkle_root_of_path(d[0], 0, 0, NULL, 0, got) == -1);
}

static void
the_signed_bytes_bind_the_size(void)
{
    merkle_hash_t root;
    memset(root, 7, sizeof root);
    uint8_t a[MERKLE_SIGNED_BYTES], b[MERKLE_SIGNED_BYTES];
    merkle_signed(3, root, a);
    merkle_signed(4, root, b);
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK(memcmp(a, "enlace-batch-v1", 16) == 0); /* with its NUL */
    CHECK(a[16] == 0 && a[19] == 3 && memcmp(a + 20, root, 32) == 0);
}

int
main(void)
{
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    RUN(known_answers);
    RUN(every_path_leads_to_the_root);
    RUN(a_wrong_path_proves_nothing);
    RUN(the_signed_bytes_bind_the_size);
    return CHECK_DONE();
}
