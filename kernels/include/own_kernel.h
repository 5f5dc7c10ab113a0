/*
 * own_kernel.h - the shape every one of the project's own kernels has.
 *
 * A kernel is a table of functions over a context that the kernel lays out
 * itself (round keys, powers of H, ...).  The own plugin (kernels/own_plugin.c)
 * turns every kernel into one aeslab_impl per algorithm it supports, so a
 * kernel never sees the harness ABI and the harness never sees a kernel.
 *
 * Contract for every kernel (checked by tests/ and by the harness's
 * verification before anything is timed):
 *  - constant time: no branch and no memory index depends on the key, the
 *    plaintext, the ciphertext or the tag; lengths are public.
 *  - every length: GCM any len and aad_len (0 included); XTS len >= 16
 *    (the plugin rejects shorter) with ciphertext stealing.
 *  - in == out works, no alignment is assumed for in/out/aad/iv/tweak.
 *  - contexts are aligned to OWN_CTX_ALIGN by the caller; a context is
 *    read-only after init, so one context may serve many threads.
 *  - gcm_open decrypts into out and returns the tag comparison through
 *    own_gcm_finish_open(), which wipes out on mismatch.
 */
#ifndef OWN_KERNEL_H
#define OWN_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define OWN_CTX_ALIGN 64

/* key-length masks */
#define OWN_K128 1u
#define OWN_K192 2u
#define OWN_K256 4u

typedef struct own_kernel {
    const char *name; /* kernel name: the implementation is "own/<name>" */
    const char *isa;  /* ISA tag: generic, aesni, vaes256, vaes512, ...   */
    int (*cpu_ok)(void);
    /* CPU features cpu_ok() checks, in the vocabulary of aeslab_impl.needs
     * (harness/include/aeslab_abi.h); NULL for portable code. */
    const char *needs;

    /* GCM: AES key lengths in gcm_keys; NULL functions if no GCM. */
    unsigned gcm_keys;
    size_t gcm_ctx_bytes;
    void (*gcm_init)(void *ctx, const uint8_t *key, size_t key_len);
    void (*gcm_seal)(const void *ctx, const uint8_t iv[12],
                     const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16]);
    int (*gcm_open)(const void *ctx, const uint8_t iv[12],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[16], uint8_t *out);

    /* Streaming GCM (optional: all NULL/0 if not offered).  The state is
     * gcm_stream_bytes long, aligned to OWN_CTX_ALIGN, and refers to ctx. */
    size_t gcm_stream_bytes;
    void (*gcm_stream_init)(void *st, const void *ctx, int encrypt, const uint8_t iv[12],
                            const uint8_t *aad, size_t aad_len);
    void (*gcm_stream_update)(void *st, const uint8_t *in, size_t len, uint8_t *out);
    int (*gcm_stream_final)(void *st, uint8_t tag[16]); /* open: compares, 0 or 1 */

    /* XTS: key_len is the full XTS key (32 or 64 bytes). */
    unsigned xts_keys;
    size_t xts_ctx_bytes;
    void (*xts_init)(void *ctx, const uint8_t *key, size_t key_len);
    void (*xts_encrypt)(const void *ctx, const uint8_t tweak[16],
                        const uint8_t *in, size_t len, uint8_t *out);
    void (*xts_decrypt)(const void *ctx, const uint8_t tweak[16],
                        const uint8_t *in, size_t len, uint8_t *out);

    /* QUIC header protection (optional): a context with room for a second
     * key schedule (hp key) set by gcm_hp_init; seal_hp = seal + the mask
     * AES(hp_key, sample) in the same pass. */
    void (*gcm_hp_init)(void *ctx, const uint8_t *hp_key, size_t key_len);
    void (*gcm_seal_hp)(const void *ctx, const uint8_t iv[12],
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16],
                        const uint8_t sample[16], uint8_t mask[16]);

    /* Human-readable dispatch rule (own/auto only), else NULL. */
    const char *(*describe)(const char *alg);
} own_kernel;

/* ---- helpers shared by all kernels (kernels/common/) ------------------ */

/* Constant-time comparison of two 16-byte tags: 0 if equal, 1 if not. */
int own_tag_differs(const uint8_t a[16], const uint8_t b[16]);

/* Finish a GCM open: compare tags in constant time; on mismatch wipe the
 * len bytes already written to out.  Returns 0 (ok) or 1 (tag mismatch). */
int own_gcm_finish_open(const uint8_t computed[16], const uint8_t expected[16],
                        uint8_t *out, size_t len);

/* GCM's closing GHASH block: bit lengths of AAD and ciphertext, big endian. */
void own_gcm_len_block(uint8_t block[16], uint64_t aad_len, uint64_t len);

/* Wipe memory the compiler may not optimise away. */
void own_wipe(void *p, size_t n);

#endif /* OWN_KERNEL_H */
