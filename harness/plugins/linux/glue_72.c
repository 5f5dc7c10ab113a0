/*
 * glue_72.c - Linux 7.2's x86-64 AES-GCM and AES-XTS assembly behind the
 * aeslab ABI.
 *
 * The assembly files come unchanged from Debian's linux-source-7.2 (sid;
 * see fetch-source.sh); this file is our own glue, written to call them the
 * way 7.2's arch/x86/crypto/aesni-intel_glue.c does, minus what only the
 * kernel needs (scatterlists, kernel_fpu_begin/end, RFC 4106, no-SIMD
 * fallbacks).  What changed since 6.12 (glue_612.c):
 *
 *  - GCM has four paths: aes-gcm-aesni-x86_64.S (aesni, aesni_avx),
 *    aes-gcm-vaes-avx2.S (vaes_avx2: VAES + VPCLMULQDQ on ymm, new in
 *    6.19) and aes-gcm-vaes-avx512.S (vaes_avx512: what 6.12 called
 *    avx10_512; the 256-bit AVX10 variant is gone).  Each path has its own
 *    aad_update and final functions.
 *  - The GCM key starts with the AES library's struct aes_enckey (length,
 *    rounds, padding, then the encryption round keys at offset 16), not a
 *    struct crypto_aes_ctx, and the kernel fills it with aes_prepareenckey():
 *    on an AES-NI CPU that is lib/crypto/x86/aes-aesni.S's
 *    aes{128,256}_expandkey_aesni for AES-128/256 (assembled here and
 *    called the same way) and portable C for AES-192 (here aesni_set_key
 *    from aesni-intel_asm.S, which writes the same round keys).  Key setup
 *    is not part of any timed loop.
 *  - The vaes_avx2 GCM key holds H^8..H^1 and their XORed halves in the
 *    order H^8,H^6,H^7,H^5,H^4,H^2,H^3,H^1; the assembly's precompute
 *    writes that layout, the glue only sizes and aligns the struct.
 *  - XTS is aes-xts-avx-x86_64.S (aesni_avx, vaes_avx2, vaes_avx512) and,
 *    as before, aesni-intel_asm.S's plain AES-NI code ("xts-aes-aesni").
 *    The XTS keys are struct crypto_aes_ctx as before, set with
 *    aesni_set_key (the kernel's aes_set_key_common when SIMD is usable).
 *
 * Per message the sequences are those of glue_common.h (LX_GCM_PATH,
 * LX_XTS_PATH); xts-aesni is aesni_enc(tweak key, iv) then one
 * aesni_xts_{enc,dec}(data key, dst, src, len, tweak) with CTS inside.
 *
 * CPU checks follow the kernel's registration (register_avx_algs): AVX for
 * the *-aesni-avx paths; AVX2 + VAES + VPCLMULQDQ + PCLMULQDQ with OS YMM
 * state for vaes_avx2 (the code uses no BMI2); additionally AVX512BW/VL
 * (and F) + BMI2 with OS ZMM state for vaes_avx512.
 */
#include <stddef.h>

#include "kcompat.h"
#include "cpu_x86.h"
#include "glue_common.h"

#ifndef LINUX_PKG_VERSION
#define LINUX_PKG_VERSION "unknown"
#endif

/* ---- GCM key layouts, as the assembly addresses them ------------------- */

/* <crypto/aes.h>'s struct aes_enckey on x86 (its union holds only the
 * round keys there). */
struct lx72_aes_enckey {
    u32 len;     /* key length in bytes: the assembly reads this */
    u32 nrounds; /* 6 + len / 4 */
    u32 padding[2];
    u32 rndkeys[AES_MAX_KEYLENGTH_U32];
};

struct lx72_gcm_key_base {
    struct lx72_aes_enckey aes_key;
    u32 rfc4106_nonce; /* unused, keeps the kernel's layout */
};

struct lx72_gcm_key_aesni {
    struct lx72_gcm_key_base base __aligned(16);
    u64 h_powers[8][2] __aligned(16);    /* H^8..H^1, times x^-1, byte-reversed */
    u64 h_powers_xored[8] __aligned(16); /* halves XORed, for Karatsuba */
    u64 h_times_x64[2] __aligned(16);
};

struct lx72_gcm_key_vaes_avx2 {
    struct lx72_gcm_key_base base __aligned(16);
    u64 h_powers[8][2] __aligned(32); /* H^8..H^1 */
    u64 h_powers_xored[8];            /* order 8,6,7,5,4,2,3,1 */
};

struct lx72_gcm_key_vaes_avx512 {
    struct lx72_gcm_key_base base __aligned(16);
    u64 h_powers[16][2] __aligned(64); /* H^16..H^1 */
    u64 padding[3][2];                 /* zero blocks the assembly reads */
};

/* The offsets 7.2's gcm_setkey() asserts. */
_Static_assert(offsetof(struct lx72_gcm_key_aesni, base.aes_key.len) == 0, "len");
_Static_assert(offsetof(struct lx72_gcm_key_aesni, base.aes_key.rndkeys) == 16, "rndkeys");
_Static_assert(offsetof(struct lx72_gcm_key_aesni, h_powers) == 272, "aesni h_powers");
_Static_assert(offsetof(struct lx72_gcm_key_aesni, h_powers_xored) == 400, "aesni xored");
_Static_assert(offsetof(struct lx72_gcm_key_aesni, h_times_x64) == 464, "aesni x64");
_Static_assert(offsetof(struct lx72_gcm_key_vaes_avx2, base.aes_key.rndkeys) == 16, "avx2 rk");
_Static_assert(offsetof(struct lx72_gcm_key_vaes_avx2, h_powers) == 288, "avx2 h_powers");
_Static_assert(offsetof(struct lx72_gcm_key_vaes_avx2, h_powers_xored) == 416, "avx2 xored");
_Static_assert(offsetof(struct lx72_gcm_key_vaes_avx512, base.aes_key.rndkeys) == 16, "512 rk");
_Static_assert(offsetof(struct lx72_gcm_key_vaes_avx512, h_powers) == 320, "512 h_powers");
_Static_assert(offsetof(struct lx72_gcm_key_vaes_avx512, padding) == 576, "512 padding");

/* ---- the assembly's entry points ---------------------------------------- */

LX_GCM_UPDATE_PROTOS(aesni)
LX_GCM_UPDATE_PROTOS(aesni_avx)
LX_GCM_UPDATE_PROTOS(vaes_avx2)
LX_GCM_UPDATE_PROTOS(vaes_avx512)
LX_GCM_TAIL_PROTOS(aesni)
LX_GCM_TAIL_PROTOS(aesni_avx)
LX_GCM_TAIL_PROTOS(vaes_avx2)
LX_GCM_TAIL_PROTOS(vaes_avx512)
LX_XTS_PROTOS(aesni_avx)
LX_XTS_PROTOS(vaes_avx2)
LX_XTS_PROTOS(vaes_avx512)

/* aesni-intel_asm.S */
void aesni_set_key(struct crypto_aes_ctx *ctx, const u8 *in_key, unsigned int key_len);
void aesni_enc(const void *ctx, u8 *out, const u8 *in);
void aesni_xts_enc(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in, unsigned int len,
                   u8 *iv);
void aesni_xts_dec(const struct crypto_aes_ctx *ctx, u8 *out, const u8 *in, unsigned int len,
                   u8 *iv);

/* lib/crypto/x86/aes-aesni.S (inv_rndkeys may be NULL: encryption only) */
void aes128_expandkey_aesni(u32 rndkeys[], u32 *inv_rndkeys, const u8 in_key[16]);
void aes256_expandkey_aesni(u32 rndkeys[], u32 *inv_rndkeys, const u8 in_key[32]);

/* ---- GCM ---------------------------------------------------------------- */

/* aes_prepareenckey() on an AES-NI CPU (see the top of this file). */
static void lx72_prepareenckey(struct lx72_aes_enckey *k, const u8 *key, unsigned len)
{
    k->len = len;
    k->nrounds = 6 + len / 4;
    if (len == 16) {
        aes128_expandkey_aesni(k->rndkeys, NULL, key);
    } else if (len == 32) {
        aes256_expandkey_aesni(k->rndkeys, NULL, key);
    } else {
        struct crypto_aes_ctx ctx __aligned(16);
        aesni_set_key(&ctx, key, len);
        memcpy(k->rndkeys, ctx.key_enc, sizeof k->rndkeys);
        lx_wipe(&ctx, sizeof ctx);
    }
}

LX_GCM_KEY_NEW(struct lx72_gcm_key_base, lx72_prepareenckey)
LX_KEY_FREE(gcm_key_free_aesni, struct lx72_gcm_key_aesni)
LX_KEY_FREE(gcm_key_free_vaes_avx2, struct lx72_gcm_key_vaes_avx2)
LX_KEY_FREE(gcm_key_free_vaes_avx512, struct lx72_gcm_key_vaes_avx512)

LX_GCM_PATH(aesni, aesni, aesni)
LX_GCM_PATH(aesni_avx, aesni_avx, aesni_avx)
LX_GCM_PATH(vaes_avx2, vaes_avx2, vaes_avx2)
LX_GCM_PATH(vaes_avx512, vaes_avx512, vaes_avx512)

static const struct lx_path p_gcm_aesni = {NEED_AESNI, sizeof(struct lx72_gcm_key_aesni),
                                           aes_gcm_precompute_aesni};
static const struct lx_path p_gcm_aesni_avx = {NEED_AVX, sizeof(struct lx72_gcm_key_aesni),
                                               aes_gcm_precompute_aesni_avx};
static const struct lx_path p_gcm_vaes_avx2 = {
    NEED_VAES_AVX2, sizeof(struct lx72_gcm_key_vaes_avx2), aes_gcm_precompute_vaes_avx2};
static const struct lx_path p_gcm_vaes_avx512 = {
    NEED_VAES_AVX512, sizeof(struct lx72_gcm_key_vaes_avx512), aes_gcm_precompute_vaes_avx512};

/* ---- XTS ---------------------------------------------------------------- */

/* xts_setkey_aesni: aesni_set_key for both halves */
LX_XTS_KEY_NEW(aesni_set_key)

LX_XTS_PATH(aesni_avx)
LX_XTS_PATH(vaes_avx2)
LX_XTS_PATH(vaes_avx512)

/* aesni-intel_asm.S's XTS, as xts_crypt() with aesni_xts_encrypt_iv and
 * aesni_xts_{en,de}crypt calls it. */
LX_XTS_AESNI_PATH(aesni, 1, aesni_xts_enc, aesni_xts_dec)

static const struct lx_path p_xts_aesni = {NEED_AESNI, 0, NULL};
static const struct lx_path p_xts_aesni_avx = {NEED_AVX, 0, NULL};
static const struct lx_path p_xts_vaes_avx2 = {NEED_VAES_AVX2, 0, NULL};
static const struct lx_path p_xts_vaes_avx512 = {NEED_VAES_AVX512, 0, NULL};

/* ---- machine-code size of each path ------------------------------------- */

static const struct lx_sym lx_syms[] = {
#include "linux-7.2-syms.inc"
    {NULL, 0}};

/* Key setup as this glue calls it: the AES-NI key expansions (AES-192
 * through aesni_set_key) and their helpers. */
#define AESNI_KEY "aesni_set_key", "_key_expansion_128", "_key_expansion_192a", \
    "_key_expansion_192b", "_key_expansion_256a", "_key_expansion_256b"
#define GCM_KEY "aes128_expandkey_aesni", "aes256_expandkey_aesni", AESNI_KEY

/* The functions each path runs, key setup included (as for 6.12). */
static const struct lx_path_syms path_syms[] = {
    {"gcm-vaes-avx512", LX_GCM_SYMS(GCM_KEY, vaes_avx512, vaes_avx512)},
    {"gcm-vaes-avx2", LX_GCM_SYMS(GCM_KEY, vaes_avx2, vaes_avx2)},
    {"gcm-aesni-avx", LX_GCM_SYMS(GCM_KEY, aesni_avx, aesni_avx)},
    {"gcm-aesni", LX_GCM_SYMS(GCM_KEY, aesni, aesni)},
    {"xts-vaes-avx512", LX_XTS_SYMS(AESNI_KEY, vaes_avx512)},
    {"xts-vaes-avx2", LX_XTS_SYMS(AESNI_KEY, vaes_avx2)},
    {"xts-aesni-avx", LX_XTS_SYMS(AESNI_KEY, aesni_avx)},
    {"xts-aesni", {AESNI_KEY, "aesni_enc", "_aesni_enc1", "_aesni_enc4", "_aesni_dec1",
                   "_aesni_dec4", "aesni_xts_enc", "aesni_xts_dec", NULL}},
};

/* ---- the implementations ------------------------------------------------ */

#define LIB "linux-7.2"

static aeslab_impl impls[] = {
    LX_GCM_IMPLS("gcm-vaes-avx512", "vaes512", vaes_avx512, gcm_key_free_vaes_avx512,
                 p_gcm_vaes_avx512),
    LX_GCM_IMPLS("gcm-vaes-avx2", "vaes256-avx2", vaes_avx2, gcm_key_free_vaes_avx2,
                 p_gcm_vaes_avx2),
    LX_GCM_IMPLS("gcm-aesni-avx", "aesni-avx", aesni_avx, gcm_key_free_aesni, p_gcm_aesni_avx),
    LX_GCM_IMPLS("gcm-aesni", "aesni", aesni, gcm_key_free_aesni, p_gcm_aesni),
    LX_XTS_IMPLS("xts-vaes-avx512", "vaes512", LX_NOTE_XTS, vaes_avx512, p_xts_vaes_avx512),
    LX_XTS_IMPLS("xts-vaes-avx2", "vaes256-avx2", LX_NOTE_XTS, vaes_avx2, p_xts_vaes_avx2),
    LX_XTS_IMPLS("xts-aesni-avx", "aesni-avx", LX_NOTE_XTS, aesni_avx, p_xts_aesni_avx),
    LX_XTS_IMPLS("xts-aesni", "aesni",
                 "aesni-intel_asm.S's XTS called as aesni-intel_glue.c's single-page fast "
                 "path does (aesni_enc of the tweak, one aesni_xts_enc/dec with CTS); no "
                 "kernel_fpu_begin/end",
                 aesni, p_xts_aesni),
};

LX_PLUGIN()
