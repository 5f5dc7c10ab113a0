/*
 * sodium_plugin.c - libsodium's AES-256-GCM behind the aeslab ABI.
 *
 * libsodium (Debian libsodium-dev, linked statically, every symbol hidden)
 * offers AES-GCM with 256-bit keys only, and only on x86-64 CPUs with
 * AES-NI and PCLMULQDQ: crypto_aead_aes256gcm_is_available() says so after
 * sodium_init(), and supported() reports exactly that.  It has one code
 * path, hence one implementation, libsodium/aesni.
 *
 * The key is expanded once with the precomputed-state API
 * (crypto_aead_aes256gcm_beforenm: round keys and hash key in an aligned
 * state), and every message then goes through the detached "afternm" calls,
 * which take a 12-byte nonce, the AAD and the payload in one call:
 *     seal: crypto_aead_aes256gcm_encrypt_detached_afternm -> c, tag
 *     open: crypto_aead_aes256gcm_decrypt_detached_afternm -> m or -1
 * On -1 libsodium has already cleared m; the plugin wipes it again so the
 * "nothing released" rule does not rest on one library version's habit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "aeslab_abi.h"

static int available; /* set once by the entry point */

static int supported(const aeslab_impl *self)
{
    (void)self;
    return available;
}

static void *key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    (void)self;
    if (!available || key_len != crypto_aead_aes256gcm_KEYBYTES)
        return NULL;
    crypto_aead_aes256gcm_state *st = aligned_alloc(64, (sizeof *st + 63) & ~(size_t)63);
    if (!st)
        return NULL;
    if (crypto_aead_aes256gcm_beforenm(st, key) != 0) {
        free(st);
        return NULL;
    }
    return st;
}

static void key_free(void *key)
{
    if (key)
        sodium_memzero(key, sizeof(crypto_aead_aes256gcm_state));
    free(key);
}

static int gcm_seal(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    unsigned long long taglen;
    if (len > crypto_aead_aes256gcm_messagebytes_max())
        return AESLAB_EINVAL;
    if (crypto_aead_aes256gcm_encrypt_detached_afternm(out, tag, &taglen, in, len, aad,
                                                       aad_len, NULL, iv, key) != 0)
        return AESLAB_EFAIL;
    return AESLAB_OK;
}

static int gcm_open(void *key, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out)
{
    if (len > crypto_aead_aes256gcm_messagebytes_max())
        return AESLAB_EINVAL;
    if (crypto_aead_aes256gcm_decrypt_detached_afternm(out, NULL, in, len, tag, aad, aad_len,
                                                       iv, key) != 0) {
        sodium_memzero(out, len);
        return AESLAB_ETAG;
    }
    return AESLAB_OK;
}

/* .text bytes of libsodium's AES-GCM object (all of its AES-GCM code:
 * key expansion, GHASH, the 8-block loop), measured at build time. */
#ifndef SODIUM_AESGCM_TEXT
#define SODIUM_AESGCM_TEXT 0
#endif

#ifndef SODIUM_DEB_VERSION
#define SODIUM_DEB_VERSION "?"
#endif

static aeslab_impl impls[] = {
    {.name = "libsodium/aesni", .library = "libsodium", .alg = "aes-256-gcm", .isa = "aesni", .needs = "aes pclmul",
     .note = "crypto_aead_aes256gcm precomputed state (beforenm) + *_detached_afternm per "
             "message; AES-256 only, needs AES-NI and PCLMULQDQ",
     .code_bytes = SODIUM_AESGCM_TEXT, .supported = supported, .key_new = key_new, .key_free = key_free,
     .gcm_seal = gcm_seal, .gcm_open = gcm_open},
};

static aeslab_plugin plugin = {AESLAB_ABI_VERSION, "libsodium", NULL,
                               sizeof impls / sizeof impls[0], impls};

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)
{
    static char version[64];
    if (sodium_init() < 0) {
        plugin.error = "sodium_init() failed";
        return &plugin;
    }
    available = crypto_aead_aes256gcm_is_available();
    snprintf(version, sizeof version, "%s (Debian %s)", sodium_version_string(),
             SODIUM_DEB_VERSION);
    impls[0].version = version;
    return &plugin;
}
