/*
 * glue_612.c - Linux 6.12's x86-64 AES-GCM and AES-XTS assembly, and its
 * generic C AES under a plain XTS, behind the aeslab ABI.
 *
 * The assembly files come unchanged from Debian's linux-source-6.12 (see
 * fetch-source.sh); this file is our own glue, written to call them the way
 * arch/x86/crypto/aesni-intel_glue.c does, minus what only the kernel needs
 * (scatterlists, kernel_fpu_begin/end, RFC 4106, no-SIMD fallbacks):
 *
 * GCM (aes-gcm-aesni-x86_64.S: aesni, aesni_avx; aes-gcm-avx10-x86_64.S:
 * vaes_avx10_256, vaes_avx10_512).  Key setup, once per key:
 *     aes_expandkey()                     round keys (same layout the
 *                                         kernel's aesni_set_key writes)
 *     aes_gcm_precompute_<path>()         H^n .. H^1, pre-multiplied by x^-1
 * Per message, the kernel's sequence for a linear buffer (LX_GCM_PATH in
 * glue_common.h).
 *
 * XTS (aes-xts-avx-x86_64.S: aesni_avx, vaes_avx2, vaes_avx10_256,
 * vaes_avx10_512).  Two aes_expandkey() schedules (data key, tweak key);
 * per data unit aes_xts_encrypt_iv() then one aes_xts_{en,de}crypt_<path>()
 * call with ciphertext stealing inside (LX_XTS_PATH in glue_common.h).
 *
 * xts-generic: crypto/aes_generic.c (the "aes-generic" driver, 4 KiB
 * T-tables: what seed 004's xts(ecb(aes-generic)) runs) under a plain XTS
 * written here; xts-aeslib: the same XTS over lib/crypto/aes.c (the
 * kernel's AES library, byte S-box, preloaded to blunt cache timing).  Both
 * are table-based and so NOT constant time; they are here as the no-SIMD
 * baseline the seeds compare with.
 */
#include <stddef.h>

#include "kcompat.h"
#include "cpu_x86.h"
#include "glue_common.h"

#ifndef LINUX_PKG_VERSION
#define LINUX_PKG_VERSION "unknown"
#endif

/* ---- GCM key layouts, as the assembly addresses them ------------------- */

struct lx_gcm_key_base {
    struct crypto_aes_ctx aes_key; /* round keys at 0, key length at 480 */
    u32 rfc4106_nonce;             /* unused, keeps the kernel's layout */
};

struct lx_gcm_key_aesni {
    struct lx_gcm_key_base base;
    u64 h_powers[8][2] __aligned(16);  /* H^8..H^1, times x^-1, byte-reversed */
    u64 h_powers_xored[8] __aligned(16); /* halves XORed, for Karatsuba */
    u64 h_times_x64[2] __aligned(16);
};

struct lx_gcm_key_avx10 {
    struct lx_gcm_key_base base;
    u64 h_powers[16][2] __aligned(64); /* H^16..H^1 */
    u64 padding[3][2];                 /* zero blocks the assembly reads */
};

_Static_assert(offsetof(struct lx_gcm_key_aesni, h_powers) == 496, "aesni h_powers");
_Static_assert(offsetof(struct lx_gcm_key_aesni, h_powers_xored) == 624, "aesni xored");
_Static_assert(offsetof(struct lx_gcm_key_aesni, h_times_x64) == 688, "aesni x64");
_Static_assert(offsetof(struct lx_gcm_key_avx10, h_powers) == 512, "avx10 h_powers");
_Static_assert(offsetof(struct lx_gcm_key_avx10, padding) == 768, "avx10 padding");

/* The assembly's entry points (the key pointer is the struct above). */
LX_GCM_UPDATE_PROTOS(aesni)
LX_GCM_UPDATE_PROTOS(aesni_avx)
LX_GCM_UPDATE_PROTOS(vaes_avx10_256)
LX_GCM_UPDATE_PROTOS(vaes_avx10_512)
LX_GCM_TAIL_PROTOS(aesni)
LX_GCM_TAIL_PROTOS(aesni_avx)
LX_GCM_TAIL_PROTOS(vaes_avx10)
LX_XTS_PROTOS(aesni_avx)
LX_XTS_PROTOS(vaes_avx2)
LX_XTS_PROTOS(vaes_avx10_256)
LX_XTS_PROTOS(vaes_avx10_512)

/* crypto/aes_generic.c's block functions, reached through aes_generic_shim.c */
void lx_aes_generic_encrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);
void lx_aes_generic_decrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);

#define NEED_AVX10 NEED_VAES_AVX512

/* ---- GCM ---------------------------------------------------------------- */

LX_GCM_KEY_NEW(struct lx_gcm_key_base, aes_expandkey)
LX_KEY_FREE(gcm_key_free_aesni, struct lx_gcm_key_aesni)
LX_KEY_FREE(gcm_key_free_avx10, struct lx_gcm_key_avx10)

LX_GCM_PATH(aesni, aesni, aesni)
LX_GCM_PATH(aesni_avx, aesni_avx, aesni_avx)
LX_GCM_PATH(vaes_avx10_256, vaes_avx10_256, vaes_avx10)
LX_GCM_PATH(vaes_avx10_512, vaes_avx10_512, vaes_avx10)

static const struct lx_path p_gcm_aesni = {NEED_AESNI, sizeof(struct lx_gcm_key_aesni),
                                           aes_gcm_precompute_aesni};
static const struct lx_path p_gcm_aesni_avx = {NEED_AVX, sizeof(struct lx_gcm_key_aesni),
                                               aes_gcm_precompute_aesni_avx};
static const struct lx_path p_gcm_avx10_256 = {NEED_AVX10, sizeof(struct lx_gcm_key_avx10),
                                               aes_gcm_precompute_vaes_avx10_256};
static const struct lx_path p_gcm_avx10_512 = {NEED_AVX10, sizeof(struct lx_gcm_key_avx10),
                                               aes_gcm_precompute_vaes_avx10_512};

/* ---- XTS with the assembly ---------------------------------------------- */

LX_XTS_KEY_NEW(aes_expandkey)

LX_XTS_PATH(aesni_avx)
LX_XTS_PATH(vaes_avx2)
LX_XTS_PATH(vaes_avx10_256)
LX_XTS_PATH(vaes_avx10_512)

static const struct lx_path p_xts_aesni_avx = {NEED_AVX, 0, NULL};
static const struct lx_path p_xts_vaes_avx2 = {NEED_VAES_AVX2, 0, NULL};
static const struct lx_path p_xts_avx10_256 = {NEED_AVX10, 0, NULL};
static const struct lx_path p_xts_avx10_512 = {NEED_AVX10, 0, NULL};

/* ---- plain XTS over a C block cipher ------------------------------------
 *
 * IEEE 1619 XTS, one block at a time: C_j = E_K1(P_j ^ T_j) ^ T_j with
 * T_0 = E_K2(tweak) and T_{j+1} = T_j * x in GF(2^128) (little-endian
 * convention: shift left by one bit, fold the carry out of bit 127 back in
 * as 0x87).  The doubling uses a mask, not a branch, on the carry bit.
 * For len % 16 = r != 0, ciphertext stealing: the last full block is
 * processed with T_{m-1}, its first r bytes become the short final block,
 * and the short input padded with the rest of that result is processed
 * with T_m into the last full position (decryption uses the two tweaks in
 * the opposite order).  The kernel's xts template makes two passes (XOR the
 * tweaks, ECB, XOR again); one pass does the same work with less memory
 * traffic, which is negligible next to a table-based AES block. */

typedef void lx_block_fn(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);

static inline void xts_double(u64 t[2])
{
    u64 carry = t[1] >> 63;
    t[1] = (t[1] << 1) | (t[0] >> 63);
    t[0] = (t[0] << 1) ^ (0x87 & (0 - carry));
}

static inline void xts_block(lx_block_fn *fn, const struct crypto_aes_ctx *ctx,
                             const u64 t[2], const u8 *in, u8 *out)
{
    u64 b[2];
    memcpy(b, in, 16);
    b[0] ^= t[0];
    b[1] ^= t[1];
    fn(ctx, (u8 *)b, (const u8 *)b);
    b[0] ^= t[0];
    b[1] ^= t[1];
    memcpy(out, b, 16);
}

static void xts_plain(lx_block_fn *fn, lx_block_fn *tweak_enc, const struct lx_xts_key *k,
                      int decrypt, const uint8_t tweak[16], const uint8_t *in, size_t len,
                      uint8_t *out)
{
    u64 t[2], t_next[2];
    size_t r = len % 16, full = len / 16;
    u8 cc[16];

    memcpy(t, tweak, 16);
    tweak_enc(&k->tweak, (u8 *)t, (const u8 *)t);

    /* every block that is not part of the stealing pair */
    size_t plain_blocks = r ? full - 1 : full;
    for (size_t j = 0; j < plain_blocks; j++, in += 16, out += 16) {
        xts_block(fn, &k->crypt, t, in, out);
        xts_double(t);
    }
    if (!r)
        return;

    memcpy(t_next, t, 16);
    xts_double(t_next);
    /* last full block: T_{m-1} to encrypt, T_m to decrypt */
    xts_block(fn, &k->crypt, decrypt ? t_next : t, in, cc);
    /* cc = processed last full block; swap its head with the short tail
     * (read the tail first: in and out may be the same buffer) */
    u8 tail[16];
    memcpy(tail, in + 16, r);
    memcpy(out + 16, cc, r);
    memcpy(cc, tail, r);
    xts_block(fn, &k->crypt, decrypt ? t : t_next, cc, out);
    lx_wipe(cc, sizeof cc);
    lx_wipe(tail, sizeof tail);
}

/* xts_enc_<name> / xts_dec_<name>: xts_plain with the block functions
 * enc and dec (the tweak is always encrypted with enc). */
#define XTS_PLAIN_FN(name, fn, tweak_enc, decrypt)                                       \
    static int name(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,   \
                    uint8_t *out)                                                        \
    {                                                                                    \
        if (len < 16)                                                                    \
            return AESLAB_EINVAL;                                                        \
        xts_plain(fn, tweak_enc, key, decrypt, tweak, in, len, out);                     \
        return AESLAB_OK;                                                                \
    }
#define XTS_PLAIN_PATH(name, enc, dec)                                                   \
    XTS_PLAIN_FN(xts_enc_##name, enc, enc, 0)                                            \
    XTS_PLAIN_FN(xts_dec_##name, dec, enc, 1)
XTS_PLAIN_PATH(generic, lx_aes_generic_encrypt, lx_aes_generic_decrypt)
XTS_PLAIN_PATH(aeslib, aes_encrypt, aes_decrypt)

static const struct lx_path p_xts_generic = {0, 0, NULL};

/* ---- machine-code size of each path ------------------------------------- */

static const struct lx_sym lx_syms[] = {
#include "linux-6.12-syms.inc"
    {NULL, 0}};

/* Key setup: aes_expandkey (lib/crypto/aes.c) and the helpers it calls. */
#define KEY_SYMS "aes_expandkey", "subw", "inv_mix_columns"

/* The functions each path runs, key setup included: everything reachable
 * from its entry points (calls, jumps, taken addresses), as
 * `scripts/codesize.py reach` finds it in these objects, the same rule as the
 * own kernels' code_bytes.  Our glue (xts_plain, key objects) is not counted,
 * as own_plugin.c is not for the own kernels. */
static const struct lx_path_syms path_syms[] = {
    {"gcm-vaes-avx10-512", LX_GCM_SYMS(KEY_SYMS, vaes_avx10_512, vaes_avx10)},
    {"gcm-vaes-avx10-256", LX_GCM_SYMS(KEY_SYMS, vaes_avx10_256, vaes_avx10)},
    {"gcm-aesni-avx", LX_GCM_SYMS(KEY_SYMS, aesni_avx, aesni_avx)},
    {"gcm-aesni", LX_GCM_SYMS(KEY_SYMS, aesni, aesni)},
    {"xts-vaes-avx10-512", LX_XTS_SYMS(KEY_SYMS, vaes_avx10_512)},
    {"xts-vaes-avx10-256", LX_XTS_SYMS(KEY_SYMS, vaes_avx10_256)},
    {"xts-vaes-avx2", LX_XTS_SYMS(KEY_SYMS, vaes_avx2)},
    {"xts-aesni-avx", LX_XTS_SYMS(KEY_SYMS, aesni_avx)},
    {"xts-generic", {KEY_SYMS, "lx_aes_generic_encrypt", "lx_aes_generic_decrypt",
                     "crypto_aes_encrypt", "crypto_aes_decrypt", NULL}},
    {"xts-aeslib", {KEY_SYMS, "aes_encrypt", "aes_decrypt", NULL}},
};

/* ---- the implementations ------------------------------------------------ */

#define LIB "linux-6.12"

static aeslab_impl impls[] = {
    LX_GCM_IMPLS("gcm-vaes-avx10-512", "vaes512", vaes_avx10_512, gcm_key_free_avx10,
              p_gcm_avx10_512),
    LX_GCM_IMPLS("gcm-vaes-avx10-256", "avx10-256", vaes_avx10_256, gcm_key_free_avx10,
              p_gcm_avx10_256),
    LX_GCM_IMPLS("gcm-aesni-avx", "aesni-avx", aesni_avx, gcm_key_free_aesni, p_gcm_aesni_avx),
    LX_GCM_IMPLS("gcm-aesni", "aesni", aesni, gcm_key_free_aesni, p_gcm_aesni),
    LX_XTS_IMPLS("xts-vaes-avx10-512", "vaes512", LX_NOTE_XTS, vaes_avx10_512, p_xts_avx10_512),
    LX_XTS_IMPLS("xts-vaes-avx10-256", "avx10-256", LX_NOTE_XTS, vaes_avx10_256, p_xts_avx10_256),
    LX_XTS_IMPLS("xts-vaes-avx2", "vaes256-avx2", LX_NOTE_XTS, vaes_avx2, p_xts_vaes_avx2),
    LX_XTS_IMPLS("xts-aesni-avx", "aesni-avx", LX_NOTE_XTS, aesni_avx, p_xts_aesni_avx),
    LX_XTS_IMPLS("xts-generic", "generic",
              "crypto/aes_generic.c (the aes-generic driver, T-tables, not constant time) "
              "under a plain one-pass XTS written here: seed 004's xts(ecb(aes-generic))",
              generic, p_xts_generic),
    LX_XTS_IMPLS("xts-aeslib", "generic",
              "lib/crypto/aes.c (the kernel AES library, byte S-box preloaded, not "
              "constant time) under the same plain XTS",
              aeslib, p_xts_generic),
};

LX_PLUGIN()
