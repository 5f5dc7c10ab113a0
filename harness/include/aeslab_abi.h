/*
 * aeslab_abi.h - the one C ABI that every AES-GCM / AES-XTS implementation
 * in the lab meets: the project's own kernels and every peer library alike.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * aeslab_plugin_entry(), and keeps everything else hidden.  Peer libraries
 * (OpenSSL, BoringSSL, AWS-LC) all define EVP_* and friends, so a peer
 * plugin links its library statically with -fvisibility=hidden and
 * -Wl,--exclude-libs,ALL; the harness loads each with dlopen(RTLD_LOCAL),
 * which lets any number of them coexist in one process.
 *
 * Adding a library or a kernel means adding a plugin (or an entry in one):
 * the harness never changes.
 *
 * Semantics every implementation must honour:
 *  - GCM: 12-byte IV, any AAD length, 16-byte tag.  open() verifies the tag
 *    and writes NO plaintext to `out` unless it matches (an implementation
 *    that must decrypt first decrypts into scratch memory, or wipes `out`
 *    before returning AESLAB_ETAG).
 *  - XTS: one data unit per call, 16-byte tweak (the encrypted IV input, as
 *    IEEE 1619 "tweak value"), length >= 16 with ciphertext stealing.
 *  - in == out (in place) must work; unaligned buffers must work.
 *  - A key object is used by one thread at a time; the harness gives every
 *    thread its own.
 */
#ifndef AESLAB_ABI_H
#define AESLAB_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AESLAB_ABI_VERSION 2u

/* Return codes of every operation. */
#define AESLAB_OK 0
#define AESLAB_ETAG 1      /* GCM open: authentication failed, nothing released */
#define AESLAB_EINVAL (-1) /* a length or argument the implementation rejects */
#define AESLAB_EFAIL (-2)  /* the library reported an internal error */

#define AESLAB_GCM_IV_BYTES 12
#define AESLAB_TAG_BYTES 16
#define AESLAB_XTS_TWEAK_BYTES 16

typedef struct aeslab_impl aeslab_impl;

/* Streaming GCM state, opaque to the harness.  Optional. */
typedef struct aeslab_stream aeslab_stream;

struct aeslab_impl {
    /* --- description ------------------------------------------------- */
    const char *name;    /* "<library>/<path>", e.g. "openssl-3.0/aesni"  */
    const char *library; /* "openssl", "own", ...                          */
    const char *version; /* exact version string of the code behind it     */
    const char *alg;     /* aes-128-gcm aes-192-gcm aes-256-gcm
                            aes-128-xts aes-256-xts                        */
    const char *isa;     /* generic aesni vaes256 vaes512 armv8-ce ...     */
    const char *note;    /* how it is called, if that differs from the
                            lab's semantics (e.g. "EVP re-init per message");
                            NULL if nothing to say                         */
    size_t code_bytes;   /* machine code behind this path, 0 if unknown    */
    const void *priv;    /* plugin-private, never touched by the harness   */

    /* 1 if this CPU (and OS) can run it, else 0. */
    int (*supported)(const aeslab_impl *self);

    /* --- keys --------------------------------------------------------- */
    /* key_len is the AES key length (16, 24, 32) for GCM and twice that
     * (32, 64) for XTS (data key followed by tweak key).  NULL on error. */
    void *(*key_new)(const aeslab_impl *self, const uint8_t *key, size_t key_len);
    void (*key_free)(void *key);

    /* --- one-shot GCM (NULL for XTS) -------------------------------- */
    int (*gcm_seal)(void *key, const uint8_t iv[12],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len,
                    uint8_t *out, uint8_t tag[16]);
    int (*gcm_open)(void *key, const uint8_t iv[12],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len,
                    const uint8_t tag[16], uint8_t *out);

    /* --- one XTS data unit (NULL for GCM) --------------------------- */
    int (*xts_encrypt)(void *key, const uint8_t tweak[16],
                       const uint8_t *in, size_t len, uint8_t *out);
    int (*xts_decrypt)(void *key, const uint8_t tweak[16],
                       const uint8_t *in, size_t len, uint8_t *out);

    /* --- streaming GCM, where the library offers it (else NULL) ------ */
    /* begin: IV and the whole AAD.  update: any length, any split.
     * end: seal writes the tag; open compares against `tag` in constant
     * time and returns AESLAB_ETAG on mismatch (streaming open necessarily
     * releases plaintext before the check).  end always frees the state. */
    aeslab_stream *(*stream_begin)(void *key, int encrypt, const uint8_t iv[12],
                                   const uint8_t *aad, size_t aad_len);
    int (*stream_update)(aeslab_stream *st, const uint8_t *in, size_t len, uint8_t *out);
    int (*stream_end)(aeslab_stream *st, uint8_t tag[16]);

    /* --- QUIC header protection (optional, GCM only, else NULL) ------ */
    /* hp_init sets a second AES key (same length as the GCM key) on a key
     * object.  gcm_seal_hp is gcm_seal plus the header-protection mask:
     * mask = AES-ECB(hp_key, sample), computed in the same call (fused
     * kernels do it in the same pass; others call their block cipher). */
    int (*hp_init)(void *key, const uint8_t *hp_key, size_t hp_key_len);
    int (*gcm_seal_hp)(void *key, const uint8_t iv[12],
                       const uint8_t *aad, size_t aad_len,
                       const uint8_t *in, size_t len,
                       uint8_t *out, uint8_t tag[16],
                       const uint8_t sample[16], uint8_t mask[16]);

    /* --- what the CPU must have (ABI 2) ------------------------------ */
    /* The CPU features this path executes beyond the architecture's
     * baseline, space separated, in the harness's vocabulary (see
     * harness/src/cpufeat.c): x86-64 "aes pclmul ssse3 sse4.1 sse4.2 avx avx2
     * bmi2 movbe vaes vpclmulqdq gfni avx512f avx512dq avx512cd avx512bw
     * avx512vl avx512vbmi avx512vbmi2" (a ymm/zmm feature also means the OS saves
     * those registers); arm64 "aes pmull sha3".  NULL for portable code.
     * supported() stays the authority; `needs` is what a user is told when
     * a row cannot run here, so it must name every feature supported()
     * checks. */
    const char *needs;
};

typedef struct aeslab_plugin {
    uint32_t abi_version;      /* AESLAB_ABI_VERSION                       */
    const char *name;          /* "openssl-3.0", "own", ...                */
    const char *error;         /* non-NULL: the plugin could not start     */
    size_t n_impls;
    const aeslab_impl *impls;  /* array of n_impls                         */
} aeslab_plugin;

/* The only symbol a plugin exports. */
#define AESLAB_PLUGIN_ENTRY "aeslab_plugin_entry"
typedef const aeslab_plugin *(*aeslab_plugin_entry_fn)(void);

#if defined(__GNUC__)
#define AESLAB_EXPORT __attribute__((visibility("default")))
#else
#define AESLAB_EXPORT
#endif

#ifdef __cplusplus
}
#endif
#endif /* AESLAB_ABI_H */
