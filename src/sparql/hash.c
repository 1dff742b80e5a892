/*
 * MD5, SHA-1, SHA-256, SHA-384 and SHA-512 for the SPARQL hash functions,
 * from Nettle. Output: lowercase hex.
 */
#include <string.h>

#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

#include "sparql_internal.h"

/* Nettle's hashes share one shape: init, update, digest into a buffer. */
typedef struct {
    const char *name;
    size_t digest_size;
    void (*run)(const uint8_t *msg, size_t len, uint8_t *digest);
} hash_algo;

#define HASH_RUN(fn, ctx_type, prefix, size)                          \
    static void fn(const uint8_t *msg, size_t len, uint8_t *digest)   \
    {                                                                 \
        struct ctx_type ctx;                                          \
        prefix##_init(&ctx);                                          \
        prefix##_update(&ctx, len, msg);                              \
        prefix##_digest(&ctx, size, digest);                          \
    }

HASH_RUN(run_md5, md5_ctx, md5, MD5_DIGEST_SIZE)
HASH_RUN(run_sha1, sha1_ctx, sha1, SHA1_DIGEST_SIZE)
HASH_RUN(run_sha256, sha256_ctx, sha256, SHA256_DIGEST_SIZE)
HASH_RUN(run_sha384, sha384_ctx, sha384, SHA384_DIGEST_SIZE)
HASH_RUN(run_sha512, sha512_ctx, sha512, SHA512_DIGEST_SIZE)

static const hash_algo algos[] = {
    {"MD5", MD5_DIGEST_SIZE, run_md5},
    {"SHA1", SHA1_DIGEST_SIZE, run_sha1},
    {"SHA256", SHA256_DIGEST_SIZE, run_sha256},
    {"SHA384", SHA384_DIGEST_SIZE, run_sha384},
    {"SHA512", SHA512_DIGEST_SIZE, run_sha512},
};

bool sq_hash(const char *algo, const char *text, char *out, size_t out_size)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof algos / sizeof algos[0]; i++) {
        const hash_algo *a = &algos[i];
        if (strcmp(algo, a->name) != 0) {
            continue;
        }
        if (out_size < 2 * a->digest_size + 1) {
            return false;
        }
        uint8_t digest[SHA512_DIGEST_SIZE];
        a->run((const uint8_t *)text, strlen(text), digest);
        for (size_t k = 0; k < a->digest_size; k++) {
            out[2 * k] = digits[digest[k] >> 4];
            out[2 * k + 1] = digits[digest[k] & 15];
        }
        out[2 * a->digest_size] = '\0';
        return true;
    }
    return false;
}
