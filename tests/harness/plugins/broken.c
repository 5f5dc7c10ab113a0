/*
 * broken.c - deliberately wrong implementations, to prove that the
 * harness's verification catches each kind of fault and never times it.
 * Correct GCM/XTS comes from the distro libcrypto (linked dynamically: this
 * plugin is a test fixture, not a peer); each impl then breaks one thing.
 */
#include <openssl/evp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeslab_abi.h"

enum fault { FLIP_CT_200, ACCEPT_ANY_TAG, RELEASE_PLAINTEXT, CRASH, XTS_NO_STEAL, SLOW_OK };

struct key {
    EVP_CIPHER_CTX *e, *d;
    enum fault f;
};

static int yes(const aeslab_impl *s) { (void)s; return 1; }
static int no(const aeslab_impl *s) { (void)s; return 0; }

static void *key_new(const aeslab_impl *self, const uint8_t *k, size_t len)
{
    const EVP_CIPHER *c = self->gcm_seal ? (len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm())
                                         : (len == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts());
    struct key *key = calloc(1, sizeof *key);
    key->f = (enum fault)(intptr_t)self->priv;
    key->e = EVP_CIPHER_CTX_new();
    key->d = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(key->e, c, NULL, k, NULL);
    EVP_DecryptInit_ex(key->d, c, NULL, k, NULL);
    return key;
}

static void key_free(void *k)
{
    struct key *key = k;
    EVP_CIPHER_CTX_free(key->e);
    EVP_CIPHER_CTX_free(key->d);
    free(key);
}

/* Busy-waits for `us` of this thread's CPU time, so the timing test knows
 * exactly what one call costs in CPU time whatever else runs here. */
static void spin_us(long us)
{
    struct timespec a, b;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    do
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    while ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

static int seal(void *k, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    struct key *key = k;
    int n;
    if (key->f == CRASH && len > 100)
        raise(SIGSEGV);
    EVP_EncryptInit_ex(key->e, NULL, NULL, NULL, iv);
    EVP_EncryptUpdate(key->e, NULL, &n, aad, (int)aad_len);
    EVP_EncryptUpdate(key->e, out, &n, in, (int)len);
    EVP_EncryptFinal_ex(key->e, out + len, &n);
    EVP_CIPHER_CTX_ctrl(key->e, EVP_CTRL_GCM_GET_TAG, 16, tag);
    if (key->f == FLIP_CT_200 && len >= 200)
        out[199] ^= 1;
    if (key->f == SLOW_OK)
        spin_us(200);
    return AESLAB_OK;
}

static int open_(void *k, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                 const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    struct key *key = k;
    int n;
    EVP_DecryptInit_ex(key->d, NULL, NULL, NULL, iv);
    EVP_DecryptUpdate(key->d, NULL, &n, aad, (int)aad_len);
    EVP_DecryptUpdate(key->d, out, &n, in, (int)len);
    EVP_CIPHER_CTX_ctrl(key->d, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag);
    int ok = EVP_DecryptFinal_ex(key->d, out + len, &n) == 1;
    if (key->f == ACCEPT_ANY_TAG)
        return AESLAB_OK;
    if (!ok && key->f != RELEASE_PLAINTEXT)
        memset(out, 0, len);
    return ok ? AESLAB_OK : AESLAB_ETAG;
}

static int xts(void *k, int enc, const uint8_t tw[16], const uint8_t *in, size_t len, uint8_t *out)
{
    struct key *key = k;
    int n;
    if (key->f == XTS_NO_STEAL && len % 16) {
        memset(out, 0, len); /* pretends to succeed */
        return AESLAB_OK;
    }
    EVP_CIPHER_CTX *c = enc ? key->e : key->d;
    EVP_CipherInit_ex(c, NULL, NULL, NULL, tw, enc);
    EVP_CipherUpdate(c, out, &n, in, (int)len);
    return AESLAB_OK;
}
static int xe(void *k, const uint8_t t[16], const uint8_t *i, size_t l, uint8_t *o) { return xts(k, 1, t, i, l, o); }
static int xd(void *k, const uint8_t t[16], const uint8_t *i, size_t l, uint8_t *o) { return xts(k, 0, t, i, l, o); }

#define GCM(n, f) {.name = n, .library = "test", .version = "1", .alg = "aes-128-gcm", .isa = "generic", \
    .priv = (void *)(intptr_t)(f), .supported = yes, .key_new = key_new, .key_free = key_free, \
    .gcm_seal = seal, .gcm_open = open_}
static aeslab_impl impls[] = {
    GCM("test/flip-ct", FLIP_CT_200),
    GCM("test/accept-any-tag", ACCEPT_ANY_TAG),
    GCM("test/release-plaintext", RELEASE_PLAINTEXT),
    GCM("test/crash", CRASH),
    GCM("test/slow-ok", SLOW_OK),
    /* a row no CPU can run: it must be listed unsupported, with what it lacks */
    {.name = "test/unsupported", .library = "test", .version = "1", .alg = "aes-128-gcm",
     .isa = "generic", .needs = "aes no-such-feature", .supported = no, .key_new = key_new,
     .key_free = key_free, .gcm_seal = seal, .gcm_open = open_},
    {.name = "test/xts-no-steal", .library = "test", .version = "1", .alg = "aes-128-xts",
     .isa = "generic", .priv = (void *)(intptr_t)XTS_NO_STEAL, .supported = yes,
     .key_new = key_new, .key_free = key_free, .xts_encrypt = xe, .xts_decrypt = xd},
};
static aeslab_plugin plugin = {AESLAB_ABI_VERSION, "test", NULL, sizeof impls / sizeof impls[0], impls};

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void) { return &plugin; }
