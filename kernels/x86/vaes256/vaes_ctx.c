/*
 * vaes_ctx.c - key set-up for the VAES kernels (see vaes_ctx.h for the
 * layout).  Runs once per key, uses AES-NI and PCLMULQDQ only, so any CPU
 * that can run a VAES kernel can run it.
 */
#include <string.h>

#include "../common/x86_aes.h"
#include "own_kernel.h"
#include "vaes_ctx.h"

#define TGT_SETUP OWN_X86_TARGET("aes,pclmul,sse4.1,ssse3")

TGT_SETUP static void store_bcast(__m512i *dst, __m128i v)
{
    __m128i *d = (__m128i *)(void *)dst;
    for (int l = 0; l < 4; l++)
        _mm_store_si128(d + l, v);
}

/* One copy of the key expansion for the three set-ups (XTS runs it twice):
 * set-up runs once per key, so a call costs nothing that matters. */
TGT_SETUP __attribute__((noinline)) static int expand_enc(const uint8_t *key, size_t key_len,
                                                          __m128i rk[15])
{
    return own_x86_aes_expand_enc(key, key_len, rk);
}

TGT_SETUP void own_vaes_gcm_init(void *vctx, const uint8_t *key, size_t key_len)
{
    vaes_gcm_ctx *ctx = vctx;
    __m128i rk[15];
    memset(ctx, 0, sizeof *ctx);
    memset(rk, 0, sizeof rk);
    int rounds = expand_enc(key, key_len, rk);
    ctx->rounds = rounds;
    for (int r = 0; r < 15; r++) {
        store_bcast(&ctx->rk[r], rk[r]);
        ctx->rk1[r] = rk[r];
    }

    /* H'^1 .. H'^NPOW, stored highest power first. */
    __m128i h1 = own_x86_ghash_key(rk, rounds), hp = h1;
    for (int e = 1; e <= VAES_NPOW; e++) {
        int i = VAES_NPOW - e;
        ctx->hpow[i] = hp;
        __m128i x = _mm_xor_si128(hp, _mm_shuffle_epi32(hp, 0x4e));
        ctx->hkar[i] = x; /* lo^hi in both qwords */
        hp = own_x86_ghash_mul(hp, h1);
    }
    own_wipe(rk, sizeof rk);
}

TGT_SETUP void own_vaes_gcm_hp_init(void *vctx, const uint8_t *hp_key, size_t key_len)
{
    vaes_gcm_ctx *ctx = vctx;
    __m128i hk[15];
    memset(hk, 0, sizeof hk);
    expand_enc(hp_key, key_len, hk);
    for (int r = 0; r < 15; r++) {
        __m128i *d = (__m128i *)(void *)&ctx->hp_pair[r];
        _mm_store_si128(d, _mm_load_si128((const __m128i *)(const void *)&ctx->rk[r]));
        _mm_store_si128(d + 1, hk[r]);
    }
    ctx->hp_set = 1;
    own_wipe(hk, sizeof hk);
}

TGT_SETUP void own_vaes_xts_init(void *vctx, const uint8_t *key, size_t key_len)
{
    vaes_xts_ctx *ctx = vctx;
    __m128i ek[15], dk[15], tk[15];
    size_t half = key_len / 2;
    memset(ctx, 0, sizeof *ctx);
    memset(ek, 0, sizeof ek);
    memset(dk, 0, sizeof dk);
    memset(tk, 0, sizeof tk);
    int rounds = expand_enc(key, half, ek);
    expand_enc(key + half, half, tk);
    own_x86_aes_expand_dec(ek, rounds, dk);
    ctx->rounds = rounds;
    ctx->tweak_shift = own_x86_clmul_on_aes();
    for (int r = 0; r < 15; r++) {
        store_bcast(&ctx->ek[r], ek[r]);
        store_bcast(&ctx->dk[r], dk[r]);
        ctx->tk[r] = tk[r];
    }
    own_wipe(ek, sizeof ek);
    own_wipe(dk, sizeof dk);
    own_wipe(tk, sizeof tk);
}

/* The QUIC header-protection mask AES(K_hp, sample) on its own, for the
 * kernels that do not fold it into their pass (fused.c does). */
/* VEX-encoded: it runs between AVX code, where SSE encodings can cost a
 * state transition on some CPUs. */
OWN_X86_TARGET("avx,aes") void own_vaes_gcm_hp_mask(const void *vctx, const uint8_t sample[16], uint8_t mask[16])
{
    const vaes_gcm_ctx *ctx = vctx;
    const __m128i *pk = (const __m128i *)(const void *)ctx->hp_pair; /* (K, K_hp) pairs */
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)sample);
    b = _mm_xor_si128(b, _mm_load_si128(&pk[1]));
    for (int r = 1; r < ctx->rounds; r++)
        b = _mm_aesenc_si128(b, _mm_load_si128(&pk[2 * r + 1]));
    b = _mm_aesenclast_si128(b, _mm_load_si128(&pk[2 * ctx->rounds + 1]));
    _mm_storeu_si128((__m128i *)(void *)mask, b);
}
