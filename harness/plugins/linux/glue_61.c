/*
 * glue_61.c - Linux 6.1's x86-64 AES-GCM and AES-XTS assembly (the code
 * the VAES rewrite in 6.11 replaced) behind the aeslab ABI.
 *
 * The assembly files come unchanged from Debian's linux-source-6.1 (see
 * fetch-source.sh); this file is our own glue, written to call them the way
 * 6.1's arch/x86/crypto/aesni-intel_glue.c does for a linear buffer:
 *
 * GCM, key setup once per key: aesni_set_key() (round keys), then the hash
 * subkey H = AES_K(0^128).  Per message, with a fresh gcm_context_data on
 * the stack and the pre-counter block J0 = IV || 0x00000001:
 *     aesni_gcm_init_<gen>(key, data, J0, H, aad, aad_len)
 *         -- also derives the powers of H, every message, as 6.1 does
 *     aesni_gcm_{enc,dec}_update_<gen>(key, data, out, in, len)  (if len)
 *     aesni_gcm_finalize_<gen>(key, data, tag, 16)
 * and for open a constant-time tag comparison here (6.1 used
 * crypto_memneq); on a mismatch the plaintext is wiped.
 *
 * <gen> is one of three implementations, each its own row:
 *     gcm-aesni   aesni-intel_asm.S, SSE + AES-NI + PCLMULQDQ
 *     gcm-avx     aesni-intel_avx-x86_64.S "gen2", AVX
 *     gcm-avx2    aesni-intel_avx-x86_64.S "gen4", AVX2
 * and gcm-dispatch chooses per message as 6.1's glue does on an AVX2 CPU:
 * gen4 for payloads >= 4096 bytes, gen2 for >= 640, the SSE code below
 * that.  That dispatch is the "existing AES-NI/AVX2 code" seed 000's
 * Tables 1 and 2 measure against, so it is the row to compare with.
 *
 * XTS (aesni-intel_asm.S): two aesni_set_key() schedules; per data unit
 * aesni_enc(tweak key, iv) then one aesni_xts_{en,de}crypt() over the whole
 * unit, which does ciphertext stealing itself (6.1's glue splits a unit
 * only when it spans pages).
 */
#include <stddef.h>

#include "kcompat.h"
#include "cpu_x86.h"
#include "glue_common.h"

#ifndef LINUX_PKG_VERSION
#define LINUX_PKG_VERSION "unknown"
#endif

/* Per-message state, laid out as both assembly files address it. */
struct lx_gcm_context_data {
    u8 aad_hash[16];
    u64 aad_length;
    u64 in_length;
    u8 partial_block_enc_key[16];
    u8 orig_IV[16];
    u8 current_counter[16];
    u64 partial_block_len;
    u64 unused;
    u8 hash_keys[16 * 16];
} __aligned(16);
_Static_assert(offsetof(struct lx_gcm_context_data, hash_keys) == 96, "HashKey offset");

int aesni_set_key(struct crypto_aes_ctx *ctx, const u8 *in_key, unsigned int key_len);
void aesni_enc(const void *ctx, u8 *out, const u8 *in);

#define GCM61_PROTOS(sfx)                                                                \
    void aesni_gcm_init##sfx(void *ctx, struct lx_gcm_context_data *d, u8 *iv, u8 *h,    \
                             const u8 *aad, unsigned long aad_len);                      \
    void aesni_gcm_enc_update##sfx(void *ctx, struct lx_gcm_context_data *d, u8 *out,    \
                                   const u8 *in, unsigned long len);                     \
    void aesni_gcm_dec_update##sfx(void *ctx, struct lx_gcm_context_data *d, u8 *out,    \
                                   const u8 *in, unsigned long len);                     \
    void aesni_gcm_finalize##sfx(void *ctx, struct lx_gcm_context_data *d, u8 *tag,      \
                                 unsigned long tag_len);
GCM61_PROTOS()
GCM61_PROTOS(_avx_gen2)
GCM61_PROTOS(_avx_gen4)

void aesni_xts_encrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in,
                       unsigned int len, u8 *iv);
void aesni_xts_decrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in,
                       unsigned int len, u8 *iv);

#define NEED_AVX2 (NEED_AVX | CPU_AVX2)

static const struct lx_path p_aesni = {.cpu = NEED_AESNI}, p_avx = {.cpu = NEED_AVX},
                            p_avx2 = {.cpu = NEED_AVX2};

/* ---- GCM ---------------------------------------------------------------- */

struct lx61_gcm_key {
    struct crypto_aes_ctx aes __aligned(16);
    u8 hash_subkey[16] __aligned(16);
};

static void *gcm_key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    if (aes_check_keylen((unsigned)key_len) || !lx_supported(self))
        return NULL;
    struct lx61_gcm_key *k = lx_alloc(sizeof *k);
    if (!k)
        return NULL;
    aesni_set_key(&k->aes, key, (unsigned)key_len);
    aesni_enc(&k->aes, k->hash_subkey, k->hash_subkey); /* H = E_K(0) */
    return k;
}

LX_KEY_FREE(gcm_key_free, struct lx61_gcm_key)

static inline void j0_of(u8 j0[16], const uint8_t iv[12])
{
    memcpy(j0, iv, 12);
    j0[12] = j0[13] = j0[14] = 0;
    j0[15] = 1;
}

/* The SSE entry points have no suffix; give them one for the macros. */
#define aesni_gcm_init_sse aesni_gcm_init
#define aesni_gcm_enc_update_sse aesni_gcm_enc_update
#define aesni_gcm_dec_update_sse aesni_gcm_dec_update
#define aesni_gcm_finalize_sse aesni_gcm_finalize

/* The AVX generations read the AAD's last partial word as a whole 4- or
 * 8-byte load, up to 3 bytes past its end ("we have at least 4B of data
 * right after the AAD": true of the kernel's request buffers, where the
 * payload follows).  Ours may end at a page boundary, so an AAD whose length
 * is not a multiple of 4 is copied into a padded buffer first (never with
 * the default 16-byte AAD, so not in the measured loop). */
#define AAD_PAD_STACK 256
static const u8 *aad_for_avx(const uint8_t *aad, size_t aad_len, u8 *stack, u8 **heap)
{
    *heap = NULL;
    if (!(aad_len & 3))
        return aad;
    u8 *buf = stack;
    if (aad_len + 4 > AAD_PAD_STACK && !(buf = *heap = calloc(1, aad_len + 4)))
        return NULL;
    memcpy(buf, aad, aad_len);
    return buf;
}

/* One message through one generation; `enc` selects the update function. */
#define GCM61_CRYPT(sfx, pad)                                                            \
    static int gcm_crypt##sfx(struct lx61_gcm_key *k, int enc, const uint8_t iv[12],     \
                              const uint8_t *aad, size_t aad_len, const uint8_t *in,     \
                              size_t len, uint8_t *out, u8 tag[16])                      \
    {                                                                                    \
        struct lx_gcm_context_data d;                                                    \
        u8 j0[16] __aligned(16);                                                         \
        u8 stack[AAD_PAD_STACK] = {0}, *heap = NULL;                                     \
        const u8 *a = aad;                                                               \
        if (pad && !(a = aad_for_avx(aad, aad_len, stack, &heap)))                       \
            return AESLAB_EFAIL;                                                         \
        j0_of(j0, iv);                                                                   \
        aesni_gcm_init##sfx(&k->aes, &d, j0, k->hash_subkey, a, aad_len);                \
        if (len) {                                                                       \
            if (enc)                                                                     \
                aesni_gcm_enc_update##sfx(&k->aes, &d, out, in, len);                    \
            else                                                                         \
                aesni_gcm_dec_update##sfx(&k->aes, &d, out, in, len);                    \
        }                                                                                \
        aesni_gcm_finalize##sfx(&k->aes, &d, tag, 16);                                   \
        lx_wipe(&d, sizeof d);                                                           \
        free(heap);                                                                      \
        return AESLAB_OK;                                                                \
    }
GCM61_CRYPT(_sse, 0)
GCM61_CRYPT(_avx_gen2, 1)
GCM61_CRYPT(_avx_gen4, 1)

/* 6.1's thresholds (AVX_GEN2_OPTSIZE, AVX_GEN4_OPTSIZE), on payload length. */
static int gcm_crypt_dispatch(struct lx61_gcm_key *k, int enc, const uint8_t iv[12],
                              const uint8_t *aad, size_t aad_len, const uint8_t *in,
                              size_t len, uint8_t *out, u8 tag[16])
{
    if (len >= 4096)
        return gcm_crypt_avx_gen4(k, enc, iv, aad, aad_len, in, len, out, tag);
    if (len >= 640)
        return gcm_crypt_avx_gen2(k, enc, iv, aad, aad_len, in, len, out, tag);
    return gcm_crypt_sse(k, enc, iv, aad, aad_len, in, len, out, tag);
}

#define GCM61_PATH(sfx)                                                                  \
    static int gcm_seal##sfx(void *key, const uint8_t iv[12], const uint8_t *aad,        \
                             size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, \
                             uint8_t tag[16])                                            \
    {                                                                                    \
        if (!LX_LEN_OK(len) || !LX_LEN_OK(aad_len))                                      \
            return AESLAB_EINVAL;                                                        \
        return gcm_crypt##sfx(key, 1, iv, aad, aad_len, in, len, out, tag);              \
    }                                                                                    \
    static int gcm_open##sfx(void *key, const uint8_t iv[12], const uint8_t *aad,        \
                             size_t aad_len, const uint8_t *in, size_t len,              \
                             const uint8_t tag[16], uint8_t *out)                        \
    {                                                                                    \
        u8 computed[16];                                                                 \
        if (!LX_LEN_OK(len) || !LX_LEN_OK(aad_len))                                      \
            return AESLAB_EINVAL;                                                        \
        int rc = gcm_crypt##sfx(key, 0, iv, aad, aad_len, in, len, out, computed);       \
        if (rc != AESLAB_OK)                                                             \
            return rc;                                                                   \
        int bad = lx_tag_differs(computed, tag);                                         \
        lx_wipe(computed, sizeof computed);                                              \
        if (bad) {                                                                       \
            lx_wipe(out, len); /* release nothing */                                     \
            return AESLAB_ETAG;                                                          \
        }                                                                                \
        return AESLAB_OK;                                                                \
    }
GCM61_PATH(_sse)
GCM61_PATH(_avx_gen2)
GCM61_PATH(_avx_gen4)
GCM61_PATH(_dispatch)

/* ---- XTS ---------------------------------------------------------------- */

/* Keys are struct lx_xts_key (glue_common.h): two aesni_set_key schedules. */
LX_XTS_KEY_NEW(aesni_set_key)
LX_XTS_AESNI_PATH(aesni, 0, aesni_xts_encrypt, aesni_xts_decrypt)

/* ---- machine-code size of each path ------------------------------------- */

static const struct lx_sym lx_syms[] = {
#include "linux-6.1-syms.inc"
    {NULL, 0}};

/* Local helpers such as _aesni_enc1 are named with the path that calls
 * them (lx_code_bytes in glue_common.h adds them up). */

/* ---- the implementations ------------------------------------------------ */

#define LIB "linux-6.1"
#define NOTE_GCM                                                                         \
    "asm called directly as 6.1's aesni-intel_glue.c does (init incl. H powers per "    \
    "message, update, finalize); no kernel_fpu_begin/end or scatterlist walk"
#define NOTE_DISPATCH                                                                    \
    "6.1's own per-message choice on an AVX2 CPU: payload >= 4096 B avx2 (gen4), "      \
    ">= 640 B avx (gen2), else the SSE aesni code; seed 000's Tables 1-2 baseline"
#define NOTE_XTS                                                                         \
    "aesni_enc(tweak) + one aesni_xts_{en,de}crypt call per unit (CTS inside), as "     \
    "6.1's glue for a unit within one page; no kernel_fpu_begin/end"

#define GCM_IMPLS(path, isa_, note_, sfx, pp)                                            \
    LX_IMPLS_GCM(path, isa_, note_, gcm_seal##sfx, gcm_open##sfx, gcm_key_free, pp)

static aeslab_impl impls[] = {
    GCM_IMPLS("gcm-dispatch", "aesni-avx2", NOTE_DISPATCH, _dispatch, p_avx2),
    GCM_IMPLS("gcm-avx2", "aesni-avx2", NOTE_GCM, _avx_gen4, p_avx2),
    GCM_IMPLS("gcm-avx", "aesni-avx", NOTE_GCM, _avx_gen2, p_avx),
    GCM_IMPLS("gcm-aesni", "aesni", NOTE_GCM, _sse, p_aesni),
    LX_XTS_IMPLS("xts-aesni", "aesni", NOTE_XTS, aesni, p_aesni),
};

/* Key setup (aesni_set_key and its helpers; _key_expansion_256a is an alias
 * of _key_expansion_128, counted once) and H = aesni_enc(0).  With them each
 * list is everything reachable from the path's entry points, as
 * `scripts/codesize.py reach` finds it, the own kernels' rule. */
#define KEY61_SYMS                                                                       \
    "aesni_set_key", "_key_expansion_128", "_key_expansion_192a", "_key_expansion_192b", \
        "_key_expansion_256b", "aesni_enc", "_aesni_enc1"
#define GCM61_SYMS(sfx)                                                                  \
    "aesni_gcm_init" sfx, "aesni_gcm_enc_update" sfx, "aesni_gcm_dec_update" sfx,        \
        "aesni_gcm_finalize" sfx

static const struct lx_path_syms path_syms[] = {
    {"gcm-dispatch", {KEY61_SYMS, GCM61_SYMS(""), GCM61_SYMS("_avx_gen2"),
                      GCM61_SYMS("_avx_gen4"), NULL}},
    {"gcm-avx2", {KEY61_SYMS, GCM61_SYMS("_avx_gen4"), NULL}},
    {"gcm-avx", {KEY61_SYMS, GCM61_SYMS("_avx_gen2"), NULL}},
    {"gcm-aesni", {KEY61_SYMS, GCM61_SYMS(""), NULL}},
    {"xts-aesni", {KEY61_SYMS, "_aesni_enc4", "_aesni_dec1", "_aesni_dec4", "aesni_xts_encrypt",
                   "aesni_xts_decrypt", NULL}},
};

LX_PLUGIN()
