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
 * Per message, exactly the kernel's sequence for a linear buffer:
 *     le_ctr = {2, IV words byte-swapped}
 *     ghash_acc = 0; aes_gcm_aad_update_<p>(aad)        (if aad_len)
 *     aes_gcm_{enc,dec}_update_<path>(payload)          (always, even empty)
 *     aes_gcm_enc_final_<p>() -> tag  |  aes_gcm_dec_final_<p>() -> match?
 * dec_final compares the tag in constant time inside the assembly; the
 * kernel leaves the plaintext in place on a mismatch (its caller discards
 * it), here it is wiped before returning AESLAB_ETAG.
 *
 * XTS (aes-xts-avx-x86_64.S: aesni_avx, vaes_avx2, vaes_avx10_256,
 * vaes_avx10_512).  Two aes_expandkey() schedules (data key, tweak key);
 * per data unit: aes_xts_encrypt_iv(tweak key, iv) then one call of
 * aes_xts_{en,de}crypt_<path>(data key, src, dst, len, tweak), which does
 * ciphertext stealing itself for len % 16 != 0 (the kernel's fast path for
 * a unit within one page).
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
#define GCM_PROTOS(sfx)                                                                  \
    void aes_gcm_precompute_##sfx(void *key);                                            \
    void aes_gcm_enc_update_##sfx(const void *key, const u32 le_ctr[4], u8 acc[16],      \
                                  const u8 *src, u8 *dst, int len);                      \
    void aes_gcm_dec_update_##sfx(const void *key, const u32 le_ctr[4], u8 acc[16],      \
                                  const u8 *src, u8 *dst, int len);
#define GCM_TAIL_PROTOS(sfx)                                                             \
    void aes_gcm_aad_update_##sfx(const void *key, u8 acc[16], const u8 *aad, int len);  \
    void aes_gcm_enc_final_##sfx(const void *key, const u32 le_ctr[4], u8 acc[16],       \
                                 u64 aad_len, u64 len);                                  \
    bool aes_gcm_dec_final_##sfx(const void *key, const u32 le_ctr[4], const u8 acc[16], \
                                 u64 aad_len, u64 len, const u8 tag[16], int taglen);
GCM_PROTOS(aesni)
GCM_PROTOS(aesni_avx)
GCM_PROTOS(vaes_avx10_256)
GCM_PROTOS(vaes_avx10_512)
GCM_TAIL_PROTOS(aesni)
GCM_TAIL_PROTOS(aesni_avx)
GCM_TAIL_PROTOS(vaes_avx10)

#define XTS_PROTOS(sfx)                                                                  \
    void aes_xts_encrypt_##sfx(const struct crypto_aes_ctx *key, const u8 *src, u8 *dst, \
                               unsigned int len, u8 tweak[16]);                          \
    void aes_xts_decrypt_##sfx(const struct crypto_aes_ctx *key, const u8 *src, u8 *dst, \
                               unsigned int len, u8 tweak[16]);
XTS_PROTOS(aesni_avx)
XTS_PROTOS(vaes_avx2)
XTS_PROTOS(vaes_avx10_256)
XTS_PROTOS(vaes_avx10_512)
void aes_xts_encrypt_iv(const struct crypto_aes_ctx *tweak_key, u8 iv[16]);

/* crypto/aes_generic.c's block functions, reached through aes_generic_shim.c */
void lx_aes_generic_encrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);
void lx_aes_generic_decrypt(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in);

/* ---- what each path needs from the CPU --------------------------------- */

struct lx_path {
    unsigned cpu;      /* CPU_* bits */
    size_t key_bytes;  /* size of the key object */
    void (*precompute)(void *key);
};

#define NEED_AESNI (CPU_AES | CPU_PCLMUL | CPU_SSE41)
#define NEED_AVX (NEED_AESNI | CPU_AVX)
#define NEED_VAES_AVX2 (NEED_AVX | CPU_AVX2 | CPU_VAES | CPU_VPCLMUL)
#define NEED_AVX10 (NEED_VAES_AVX2 | CPU_AVX512 | CPU_BMI2)

static int supported(const aeslab_impl *self)
{
    return cpu_x86_has(((const struct lx_path *)self->priv)->cpu);
}

/* ---- GCM ---------------------------------------------------------------- */

static void *gcm_key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    const struct lx_path *p = self->priv;
    if (aes_check_keylen((unsigned)key_len) || !cpu_x86_has(p->cpu))
        return NULL;
    struct lx_gcm_key_base *k = lx_alloc(p->key_bytes);
    if (!k)
        return NULL;
    aes_expandkey(&k->aes_key, key, (unsigned)key_len);
    p->precompute(k);
    return k;
}

static void gcm_key_free_aesni(void *key)
{
    if (key)
        lx_wipe(key, sizeof(struct lx_gcm_key_aesni));
    free(key);
}

static void gcm_key_free_avx10(void *key)
{
    if (key)
        lx_wipe(key, sizeof(struct lx_gcm_key_avx10));
    free(key);
}

/* The counter block in the form the assembly takes: 32-bit words, least
 * significant first, each in CPU order; the low word starts at 2 (1 is the
 * block that encrypts the tag). */
static inline void gcm_le_ctr(u32 le_ctr[4], const uint8_t iv[12])
{
    le_ctr[0] = 2;
    le_ctr[1] = get_unaligned_be32(iv + 8);
    le_ctr[2] = get_unaligned_be32(iv + 4);
    le_ctr[3] = get_unaligned_be32(iv + 0);
}

/* One seal and one open per path, with direct calls (the kernel avoids
 * indirect calls here for the same reason: they cost at 16-byte sizes). */
#define GCM_PATH(path, upd, tail)                                                        \
    static int gcm_seal_##path(void *key, const uint8_t iv[12], const uint8_t *aad,      \
                               size_t aad_len, const uint8_t *in, size_t len,            \
                               uint8_t *out, uint8_t tag[16])                            \
    {                                                                                    \
        u32 le_ctr[4];                                                                   \
        u8 acc[16] = {0};                                                                \
        if (!LX_LEN_OK(len) || !LX_LEN_OK(aad_len))                                      \
            return AESLAB_EINVAL;                                                        \
        gcm_le_ctr(le_ctr, iv);                                                          \
        if (aad_len)                                                                     \
            aes_gcm_aad_update_##tail(key, acc, aad, (int)aad_len);                      \
        aes_gcm_enc_update_##upd(key, le_ctr, acc, in, out, (int)len);                   \
        aes_gcm_enc_final_##tail(key, le_ctr, acc, aad_len, len);                        \
        memcpy(tag, acc, 16);                                                            \
        return AESLAB_OK;                                                                \
    }                                                                                    \
    static int gcm_open_##path(void *key, const uint8_t iv[12], const uint8_t *aad,      \
                               size_t aad_len, const uint8_t *in, size_t len,            \
                               const uint8_t tag[16], uint8_t *out)                      \
    {                                                                                    \
        u32 le_ctr[4];                                                                   \
        u8 acc[16] = {0};                                                                \
        if (!LX_LEN_OK(len) || !LX_LEN_OK(aad_len))                                      \
            return AESLAB_EINVAL;                                                        \
        gcm_le_ctr(le_ctr, iv);                                                          \
        if (aad_len)                                                                     \
            aes_gcm_aad_update_##tail(key, acc, aad, (int)aad_len);                      \
        aes_gcm_dec_update_##upd(key, le_ctr, acc, in, out, (int)len);                   \
        if (!aes_gcm_dec_final_##tail(key, le_ctr, acc, aad_len, len, tag, 16)) {        \
            lx_wipe(out, len); /* release nothing */                                     \
            return AESLAB_ETAG;                                                          \
        }                                                                                \
        return AESLAB_OK;                                                                \
    }

GCM_PATH(aesni, aesni, aesni)
GCM_PATH(aesni_avx, aesni_avx, aesni_avx)
GCM_PATH(vaes_avx10_256, vaes_avx10_256, vaes_avx10)
GCM_PATH(vaes_avx10_512, vaes_avx10_512, vaes_avx10)

static const struct lx_path p_gcm_aesni = {NEED_AESNI, sizeof(struct lx_gcm_key_aesni),
                                           aes_gcm_precompute_aesni};
static const struct lx_path p_gcm_aesni_avx = {NEED_AVX, sizeof(struct lx_gcm_key_aesni),
                                               aes_gcm_precompute_aesni_avx};
static const struct lx_path p_gcm_avx10_256 = {NEED_AVX10, sizeof(struct lx_gcm_key_avx10),
                                               aes_gcm_precompute_vaes_avx10_256};
static const struct lx_path p_gcm_avx10_512 = {NEED_AVX10, sizeof(struct lx_gcm_key_avx10),
                                               aes_gcm_precompute_vaes_avx10_512};

/* ---- XTS with the assembly ---------------------------------------------- */

struct lx_xts_key {
    struct crypto_aes_ctx crypt __aligned(16); /* data key   */
    struct crypto_aes_ctx tweak __aligned(16); /* tweak key  */
};

static void *xts_key_new(const aeslab_impl *self, const uint8_t *key, size_t key_len)
{
    const struct lx_path *p = self->priv;
    size_t half = key_len / 2;
    if ((key_len != 32 && key_len != 64) || !cpu_x86_has(p->cpu))
        return NULL;
    struct lx_xts_key *k = lx_alloc(sizeof *k);
    if (!k)
        return NULL;
    aes_expandkey(&k->crypt, key, (unsigned)half);
    aes_expandkey(&k->tweak, key + half, (unsigned)half);
    return k;
}

static void xts_key_free(void *key)
{
    if (key)
        lx_wipe(key, sizeof(struct lx_xts_key));
    free(key);
}

#define XTS_PATH(sfx)                                                                    \
    static int xts_enc_##sfx(void *key, const uint8_t tweak[16], const uint8_t *in,      \
                             size_t len, uint8_t *out)                                   \
    {                                                                                    \
        const struct lx_xts_key *k = key;                                                \
        u8 t[16];                                                                        \
        if (len < 16 || !LX_LEN_OK(len))                                                 \
            return AESLAB_EINVAL;                                                        \
        memcpy(t, tweak, 16);                                                            \
        aes_xts_encrypt_iv(&k->tweak, t);                                                \
        aes_xts_encrypt_##sfx(&k->crypt, in, out, (unsigned)len, t);                     \
        return AESLAB_OK;                                                                \
    }                                                                                    \
    static int xts_dec_##sfx(void *key, const uint8_t tweak[16], const uint8_t *in,      \
                             size_t len, uint8_t *out)                                   \
    {                                                                                    \
        const struct lx_xts_key *k = key;                                                \
        u8 t[16];                                                                        \
        if (len < 16 || !LX_LEN_OK(len))                                                 \
            return AESLAB_EINVAL;                                                        \
        memcpy(t, tweak, 16);                                                            \
        aes_xts_encrypt_iv(&k->tweak, t);                                                \
        aes_xts_decrypt_##sfx(&k->crypt, in, out, (unsigned)len, t);                     \
        return AESLAB_OK;                                                                \
    }

XTS_PATH(aesni_avx)
XTS_PATH(vaes_avx2)
XTS_PATH(vaes_avx10_256)
XTS_PATH(vaes_avx10_512)

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

static int xts_enc_generic(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                           uint8_t *out)
{
    if (len < 16)
        return AESLAB_EINVAL;
    xts_plain(lx_aes_generic_encrypt, lx_aes_generic_encrypt, key, 0, tweak, in, len, out);
    return AESLAB_OK;
}

static int xts_dec_generic(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                           uint8_t *out)
{
    if (len < 16)
        return AESLAB_EINVAL;
    xts_plain(lx_aes_generic_decrypt, lx_aes_generic_encrypt, key, 1, tweak, in, len, out);
    return AESLAB_OK;
}

static int xts_enc_aeslib(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                          uint8_t *out)
{
    if (len < 16)
        return AESLAB_EINVAL;
    xts_plain(aes_encrypt, aes_encrypt, key, 0, tweak, in, len, out);
    return AESLAB_OK;
}

static int xts_dec_aeslib(void *key, const uint8_t tweak[16], const uint8_t *in, size_t len,
                          uint8_t *out)
{
    if (len < 16)
        return AESLAB_EINVAL;
    xts_plain(aes_decrypt, aes_encrypt, key, 1, tweak, in, len, out);
    return AESLAB_OK;
}

static const struct lx_path p_xts_generic = {0, 0, NULL};

/* ---- machine-code size of each path ------------------------------------- */

/* {symbol, bytes} of every function in the plugin's kernel objects,
 * generated at build time from `nm -S` (see plugin.mk). */
struct lx_sym {
    const char *name;
    size_t bytes;
};
static const struct lx_sym lx_syms[] = {
#include "linux-6.12-syms.inc"
    {NULL, 0}};

static size_t code_bytes_of(const char *const *names)
{
    size_t total = 0;
    for (; *names; names++)
        for (const struct lx_sym *s = lx_syms; s->name; s++)
            if (!strcmp(s->name, *names))
                total += s->bytes;
    return total;
}

/* Key setup: aes_expandkey (lib/crypto/aes.c) and the helpers it calls. */
#define KEY_SYMS "aes_expandkey", "subw", "inv_mix_columns"
#define GCM_SYMS(upd, tail)                                                              \
    {KEY_SYMS, "aes_gcm_precompute_" #upd, "aes_gcm_aad_update_" #tail,                  \
     "aes_gcm_enc_update_" #upd, "aes_gcm_dec_update_" #upd, "aes_gcm_enc_final_" #tail,  \
     "aes_gcm_dec_final_" #tail, NULL}
#define XTS_SYMS(sfx)                                                                    \
    {KEY_SYMS, "aes_xts_encrypt_iv", "aes_xts_encrypt_" #sfx, "aes_xts_decrypt_" #sfx, NULL}

/* The functions each path runs, key setup included: everything reachable
 * from its entry points (calls, jumps, taken addresses), as
 * `scripts/codesize.py reach` finds it in these objects, the same rule as the
 * own kernels' code_bytes.  Our glue (xts_plain, key objects) is not counted,
 * as own_plugin.c is not for the own kernels. */
static const struct {
    const char *path;
    const char *syms[12];
} path_syms[] = {
    {"gcm-vaes-avx10-512", GCM_SYMS(vaes_avx10_512, vaes_avx10)},
    {"gcm-vaes-avx10-256", GCM_SYMS(vaes_avx10_256, vaes_avx10)},
    {"gcm-aesni-avx", GCM_SYMS(aesni_avx, aesni_avx)},
    {"gcm-aesni", GCM_SYMS(aesni, aesni)},
    {"xts-vaes-avx10-512", XTS_SYMS(vaes_avx10_512)},
    {"xts-vaes-avx10-256", XTS_SYMS(vaes_avx10_256)},
    {"xts-vaes-avx2", XTS_SYMS(vaes_avx2)},
    {"xts-aesni-avx", XTS_SYMS(aesni_avx)},
    {"xts-generic", {KEY_SYMS, "lx_aes_generic_encrypt", "lx_aes_generic_decrypt",
                     "crypto_aes_encrypt", "crypto_aes_decrypt", NULL}},
    {"xts-aeslib", {KEY_SYMS, "aes_encrypt", "aes_decrypt", NULL}},
};

/* ---- the implementations ------------------------------------------------ */

#define LIB "linux-6.12"
#define NOTE_GCM                                                                         \
    "asm called directly as aesni-intel_glue.c does (aad_update, update, final); "      \
    "no kernel_fpu_begin/end or scatterlist walk in the loop"
#define NOTE_XTS                                                                         \
    "asm called directly as aesni-intel_glue.c's single-page fast path does "           \
    "(encrypt_iv, one crypt call with CTS); no kernel_fpu_begin/end"

#define GCM_IMPL(path, alg_, isa_, fn, freefn, pp)                                       \
    {.name = LIB "/" path, .library = LIB, .version = LINUX_PKG_VERSION, .alg = alg_,    \
     .isa = isa_, .note = NOTE_GCM, .priv = &pp, .supported = supported,                  \
     .key_new = gcm_key_new, .key_free = freefn, .gcm_seal = gcm_seal_##fn,               \
     .gcm_open = gcm_open_##fn}
#define GCM_IMPLS(path, isa_, fn, freefn, pp)                                            \
    GCM_IMPL(path, "aes-128-gcm", isa_, fn, freefn, pp),                                 \
        GCM_IMPL(path, "aes-192-gcm", isa_, fn, freefn, pp),                             \
        GCM_IMPL(path, "aes-256-gcm", isa_, fn, freefn, pp)

#define XTS_IMPL(path, alg_, isa_, note_, fn, pp)                                        \
    {.name = LIB "/" path, .library = LIB, .version = LINUX_PKG_VERSION, .alg = alg_,    \
     .isa = isa_, .note = note_, .priv = &pp, .supported = supported,                     \
     .key_new = xts_key_new, .key_free = xts_key_free, .xts_encrypt = xts_enc_##fn,       \
     .xts_decrypt = xts_dec_##fn}
#define XTS_IMPLS(path, isa_, note_, fn, pp)                                             \
    XTS_IMPL(path, "aes-128-xts", isa_, note_, fn, pp),                                  \
        XTS_IMPL(path, "aes-256-xts", isa_, note_, fn, pp)

static aeslab_impl impls[] = {
    GCM_IMPLS("gcm-vaes-avx10-512", "vaes512", vaes_avx10_512, gcm_key_free_avx10,
              p_gcm_avx10_512),
    GCM_IMPLS("gcm-vaes-avx10-256", "avx10-256", vaes_avx10_256, gcm_key_free_avx10,
              p_gcm_avx10_256),
    GCM_IMPLS("gcm-aesni-avx", "aesni-avx", aesni_avx, gcm_key_free_aesni, p_gcm_aesni_avx),
    GCM_IMPLS("gcm-aesni", "aesni", aesni, gcm_key_free_aesni, p_gcm_aesni),
    XTS_IMPLS("xts-vaes-avx10-512", "vaes512", NOTE_XTS, vaes_avx10_512, p_xts_avx10_512),
    XTS_IMPLS("xts-vaes-avx10-256", "avx10-256", NOTE_XTS, vaes_avx10_256, p_xts_avx10_256),
    XTS_IMPLS("xts-vaes-avx2", "vaes256-avx2", NOTE_XTS, vaes_avx2, p_xts_vaes_avx2),
    XTS_IMPLS("xts-aesni-avx", "aesni-avx", NOTE_XTS, aesni_avx, p_xts_aesni_avx),
    XTS_IMPLS("xts-generic", "generic",
              "crypto/aes_generic.c (the aes-generic driver, T-tables, not constant time) "
              "under a plain one-pass XTS written here: seed 004's xts(ecb(aes-generic))",
              generic, p_xts_generic),
    XTS_IMPLS("xts-aeslib", "generic",
              "lib/crypto/aes.c (the kernel AES library, byte S-box preloaded, not "
              "constant time) under the same plain XTS",
              aeslib, p_xts_generic),
};

static aeslab_plugin plugin = {AESLAB_ABI_VERSION, LIB, NULL, sizeof impls / sizeof impls[0],
                               impls};

AESLAB_EXPORT const aeslab_plugin *aeslab_plugin_entry(void)
{
    static int done;
    if (!done) {
        static char needs[sizeof impls / sizeof impls[0]][96];
        for (size_t i = 0; i < plugin.n_impls; i++) {
            const struct lx_path *lp = impls[i].priv;
            impls[i].needs = cpu_x86_needs(lp->cpu, needs[i], sizeof needs[i]);
            const char *path = strchr(impls[i].name, '/') + 1;
            for (size_t j = 0; j < sizeof path_syms / sizeof path_syms[0]; j++)
                if (!strcmp(path, path_syms[j].path))
                    impls[i].code_bytes = code_bytes_of(path_syms[j].syms);
        }
        done = 1;
    }
    return &plugin;
}
