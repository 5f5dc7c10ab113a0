/*
 * own/aesni - AES-GCM (128/192/256) and AES-XTS (128/256) with AES-NI and
 * PCLMULQDQ, 128-bit SSE registers, C intrinsics.
 *
 * GCM
 *   Counter: the J0 block is kept byte-reversed in a register, so GCM's
 *   32-bit big-endian counter is the low dword; PADDD bumps it modulo 2^32
 *   exactly as GCM's inc32 asks (never a 128-bit add), and one PSHUFB per
 *   block restores memory order before the AES rounds.
 *
 *   Bulk: 8 counter blocks in flight.  Each batch runs the AES rounds of
 *   the 8 blocks round by round and, after round j (j = 1..8), multiplies
 *   one of 8 GHASH input blocks by its power of H (block 0 by H^8, which
 *   also absorbs the running hash, ..., block 7 by H^1).  The 8 products
 *   are summed unreduced and reduced once, after round 9, so a batch costs
 *   one reduction and the GHASH work rides in the shadow of the AESENC
 *   latency chains.
 *     encrypt: the GHASH input is the previous batch's ciphertext, read
 *              back from out (the first batch is plain CTR, the last
 *              batch's ciphertext is hashed after the loop);
 *     decrypt: the GHASH input is the current batch's ciphertext, read from
 *              in before out is written (so in == out works).
 *   Multiplication is Karatsuba: per block CLMUL lo*lo, hi*hi and
 *   (lo^hi)*(lo^hi) with the last operand's key half precomputed in init,
 *   3 CLMULs instead of 4 (24 instead of 32 per batch); the three sums are
 *   recombined once per batch.  Reduction is the two-fold Montgomery step of
 *   x86_aes.h (keys stored as H^i * x^-1, reflected).
 *   The input is XORed into the last round key, so AESENCLAST emits the
 *   output block directly.
 *
 *   Tails: the last < 8 whole blocks and the partial block get their key
 *   stream from one 4- or 8-wide AES pass (same latency as one block, so
 *   short messages do not pay a 1-block serial chain per block), and their
 *   GHASH is one aggregated multiply (H^n..H^1, one reduction).  A partial
 *   block is hashed zero-padded.  AAD of any length goes through the same
 *   aggregated GHASH, 8 blocks per reduction.  E(J0) for the tag is computed
 *   first and overlaps everything else.
 *
 * XTS
 *   8 blocks in flight; each block is in ^ T_i ^ rk0, rounds, then
 *   AESENCLAST with rk_last ^ T_i.  The 8 tweaks of the next batch are
 *   T_i * x^8 (byte shift plus one CLMUL of the outgoing byte by 0x87), so
 *   they are computed in parallel rather than as a chain of 8 doublings.
 *   Remaining blocks go one at a time with the SIMD doubling (shift each
 *   qword, carries selected by an arithmetic shift mask, no branches).
 *   Ciphertext stealing (len % 16 != 0) handles the last full block and the
 *   partial one apart: encrypt uses T_{m-1} then T_m, decrypt T_m then
 *   T_{m-1} (IEEE 1619 order); the partial input is read before any output
 *   overlapping it is written, so in == out works.
 *
 * Constant time: no branch or index depends on key or data; lengths are
 * public.  Stack copies of partial blocks and key stream are wiped.
 */
#include <string.h>

#include "own_kernel.h"
#include "../common/x86_aes.h"

#define TGT OWN_X86_TGT_AES
#define INL __attribute__((always_inline)) static inline

/* ---- contexts ---------------------------------------------------------- */

struct gcm_ctx {
    __m128i rk[15];
    __m128i h[8];    /* h[i] = H^(i+1) * x^-1, register form (x86_aes.h) */
    __m128i hk[8];   /* low qword: h[i].lo ^ h[i].hi, for Karatsuba */
    __m128i hp_rk[15]; /* QUIC header-protection key schedule */
    int rounds, hp_rounds;
};

struct xts_ctx {
    __m128i ek[15]; /* data key, encryption */
    __m128i dk[15]; /* data key, equivalent inverse cipher */
    __m128i tk[15]; /* tweak key, encryption */
    int rounds;
};

static int aesni_cpu_ok(void)
{
    return own_x86_cpu_aesni();
}

/* ---- GHASH ------------------------------------------------------------- */

#define LD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define ST(p, v) _mm_storeu_si128((__m128i *)(void *)(p), (v))

/* Accumulate the unreduced Karatsuba product x * h[i] into lo/mi/hi. */
#define GH_MUL(x, i)                                                           \
    do {                                                                       \
        const __m128i x_ = (x);                                                \
        lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(x_, c->h[i], 0x00));       \
        hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(x_, c->h[i], 0x11));       \
        mi = _mm_xor_si128(mi, _mm_clmulepi64_si128(                           \
                                   _mm_xor_si128(x_, _mm_shuffle_epi32(x_, 0x4e)), \
                                   c->hk[i], 0x00));                           \
    } while (0)

/* Karatsuba: the middle sum collected (a.lo^a.hi)(b.lo^b.hi); removing
 * lo and hi leaves the true cross terms, then one reduction. */
#define GH_REDUCE() own_x86_ghash_reduce(lo, _mm_xor_si128(mi, _mm_xor_si128(lo, hi)), hi)

/* xi <- (xi ^ p[0]) * H^n ^ p[1] * H^(n-1) ^ ... ^ p[n-1] * H, 1 <= n <= 8. */
TGT INL __m128i ghash_n(const struct gcm_ctx *c, __m128i xi, const uint8_t *p, size_t n)
{
    const __m128i bswap = own_x86_bswap_mask();
    __m128i lo = _mm_setzero_si128(), mi = lo, hi = lo;
    for (size_t j = 0; j < n; j++) {
        __m128i x = _mm_shuffle_epi8(LD(p + 16 * j), bswap);
        if (j == 0)
            x = _mm_xor_si128(x, xi);
        GH_MUL(x, n - 1 - j);
    }
    return GH_REDUCE();
}

/* GHASH over len bytes, the last block zero padded. */
TGT static __m128i ghash(const struct gcm_ctx *c, __m128i xi, const uint8_t *p, size_t len)
{
    for (; len >= 128; p += 128, len -= 128)
        xi = ghash_n(c, xi, p, 8);
    size_t n = len / 16, r = len % 16;
    if (n)
        xi = ghash_n(c, xi, p, n);
    if (r) {
        uint8_t buf[16] = {0};
        memcpy(buf, p + 16 * n, r);
        xi = ghash_n(c, xi, buf, 1);
        own_wipe(buf, sizeof buf);
    }
    return xi;
}

/* ---- CTR --------------------------------------------------------------- */

#define AES8(op, k)                                                            \
    do {                                                                       \
        const __m128i k_ = (k);                                                \
        b0 = op(b0, k_); b1 = op(b1, k_); b2 = op(b2, k_); b3 = op(b3, k_);    \
        b4 = op(b4, k_); b5 = op(b5, k_); b6 = op(b6, k_); b7 = op(b7, k_);    \
    } while (0)

#define CTR_BLOCK(i) \
    _mm_xor_si128(_mm_shuffle_epi8(_mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, i)), bswap), k0)

/* Key stream for 4 or 8 counter blocks (n <= 8) into ks[], counter += n. */
TGT static void ctr_keystream(const struct gcm_ctx *c, __m128i *ctrp, size_t n, __m128i ks[8])
{
    const __m128i bswap = own_x86_bswap_mask(), k0 = c->rk[0];
    const __m128i ctr = *ctrp;
    const int rounds = c->rounds;
    if (n <= 4) {
        __m128i b0 = CTR_BLOCK(0), b1 = CTR_BLOCK(1), b2 = CTR_BLOCK(2), b3 = CTR_BLOCK(3);
        for (int r = 1; r < rounds; r++) {
            const __m128i k = c->rk[r];
            b0 = _mm_aesenc_si128(b0, k); b1 = _mm_aesenc_si128(b1, k);
            b2 = _mm_aesenc_si128(b2, k); b3 = _mm_aesenc_si128(b3, k);
        }
        const __m128i kl = c->rk[rounds];
        ks[0] = _mm_aesenclast_si128(b0, kl); ks[1] = _mm_aesenclast_si128(b1, kl);
        ks[2] = _mm_aesenclast_si128(b2, kl); ks[3] = _mm_aesenclast_si128(b3, kl);
    } else {
        __m128i b0 = CTR_BLOCK(0), b1 = CTR_BLOCK(1), b2 = CTR_BLOCK(2), b3 = CTR_BLOCK(3);
        __m128i b4 = CTR_BLOCK(4), b5 = CTR_BLOCK(5), b6 = CTR_BLOCK(6), b7 = CTR_BLOCK(7);
        for (int r = 1; r < rounds; r++)
            AES8(_mm_aesenc_si128, c->rk[r]);
        AES8(_mm_aesenclast_si128, c->rk[rounds]);
        ks[0] = b0; ks[1] = b1; ks[2] = b2; ks[3] = b3;
        ks[4] = b4; ks[5] = b5; ks[6] = b6; ks[7] = b7;
    }
    *ctrp = _mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, (int)n));
}

/* The tail (< 128 bytes): XOR with key stream, GHASH the ciphertext side. */
TGT static __m128i gcm_tail(const struct gcm_ctx *c, __m128i ctr, __m128i xi,
                            const uint8_t *in, size_t len, uint8_t *out, int enc)
{
    if (len == 0)
        return xi;
    __m128i ks[8];
    uint8_t buf[16];
    size_t n = len / 16, r = len % 16;
    if (!enc)
        xi = ghash(c, xi, in, len); /* before out (maybe == in) changes */
    ctr_keystream(c, &ctr, n + (r != 0), ks);
    for (size_t i = 0; i < n; i++)
        ST(out + 16 * i, _mm_xor_si128(LD(in + 16 * i), ks[i]));
    if (r) {
        ST(buf, ks[n]);
        for (size_t i = 0; i < r; i++)
            out[16 * n + i] = (uint8_t)(in[16 * n + i] ^ buf[i]);
        own_wipe(buf, sizeof buf);
    }
    own_wipe(ks, sizeof ks);
    if (enc)
        xi = ghash(c, xi, out, len);
    return xi;
}

/*
 * One batch of 8 blocks: CTR on in -> out, and (if hash) GHASH of the 8
 * blocks at g interleaved with the rounds.  Always inlined with constant
 * `hash`, so the plain first batch of an encryption has no GHASH code.
 */
TGT INL void gcm_batch8(const struct gcm_ctx *c, __m128i *ctrp, __m128i *xip,
                        const uint8_t *g, const uint8_t *in, uint8_t *out, int hash)
{
    const __m128i bswap = own_x86_bswap_mask(), k0 = c->rk[0];
    const __m128i ctr = *ctrp;
    const int rounds = c->rounds;
    __m128i lo = _mm_setzero_si128(), mi = lo, hi = lo;
    __m128i b0 = CTR_BLOCK(0), b1 = CTR_BLOCK(1), b2 = CTR_BLOCK(2), b3 = CTR_BLOCK(3);
    __m128i b4 = CTR_BLOCK(4), b5 = CTR_BLOCK(5), b6 = CTR_BLOCK(6), b7 = CTR_BLOCK(7);
    *ctrp = _mm_add_epi32(ctr, _mm_set_epi32(0, 0, 0, 8));

#define GH_STEP(j)                                                             \
    if (hash) {                                                                \
        __m128i x = _mm_shuffle_epi8(LD(g + 16 * (j)), bswap);                 \
        if ((j) == 0)                                                          \
            x = _mm_xor_si128(x, *xip);                                        \
        GH_MUL(x, 7 - (j));                                                    \
    }
    AES8(_mm_aesenc_si128, c->rk[1]); GH_STEP(0)
    AES8(_mm_aesenc_si128, c->rk[2]); GH_STEP(1)
    AES8(_mm_aesenc_si128, c->rk[3]); GH_STEP(2)
    AES8(_mm_aesenc_si128, c->rk[4]); GH_STEP(3)
    AES8(_mm_aesenc_si128, c->rk[5]); GH_STEP(4)
    AES8(_mm_aesenc_si128, c->rk[6]); GH_STEP(5)
    AES8(_mm_aesenc_si128, c->rk[7]); GH_STEP(6)
    AES8(_mm_aesenc_si128, c->rk[8]); GH_STEP(7)
#undef GH_STEP
    AES8(_mm_aesenc_si128, c->rk[9]);
    if (hash)
        *xip = GH_REDUCE();
    for (int r = 10; r < rounds; r++)
        AES8(_mm_aesenc_si128, c->rk[r]);
    const __m128i kl = c->rk[rounds];
    b0 = _mm_aesenclast_si128(b0, _mm_xor_si128(kl, LD(in + 0)));
    b1 = _mm_aesenclast_si128(b1, _mm_xor_si128(kl, LD(in + 16)));
    b2 = _mm_aesenclast_si128(b2, _mm_xor_si128(kl, LD(in + 32)));
    b3 = _mm_aesenclast_si128(b3, _mm_xor_si128(kl, LD(in + 48)));
    b4 = _mm_aesenclast_si128(b4, _mm_xor_si128(kl, LD(in + 64)));
    b5 = _mm_aesenclast_si128(b5, _mm_xor_si128(kl, LD(in + 80)));
    b6 = _mm_aesenclast_si128(b6, _mm_xor_si128(kl, LD(in + 96)));
    b7 = _mm_aesenclast_si128(b7, _mm_xor_si128(kl, LD(in + 112)));
    ST(out + 0, b0); ST(out + 16, b1); ST(out + 32, b2); ST(out + 48, b3);
    ST(out + 64, b4); ST(out + 80, b5); ST(out + 96, b6); ST(out + 112, b7);
}

/*
 * The whole payload: ctr is the byte-reversed counter block of the first
 * payload block (inc32(J0)); returns the GHASH state after the payload.
 * Exposed (static, not inline) with an arbitrary counter so a test can
 * start near 2^32 and check the wrap.
 */
TGT static __m128i gcm_payload(const struct gcm_ctx *c, __m128i ctr, __m128i xi,
                               const uint8_t *in, size_t len, uint8_t *out, int enc)
{
    size_t nb = len / 128;
    if (enc) {
        if (nb) {
            gcm_batch8(c, &ctr, &xi, NULL, in, out, 0);
            for (size_t i = 1; i < nb; i++)
                gcm_batch8(c, &ctr, &xi, out + 128 * (i - 1), in + 128 * i, out + 128 * i, 1);
            xi = ghash_n(c, xi, out + 128 * (nb - 1), 8);
        }
    } else {
        for (size_t i = 0; i < nb; i++)
            gcm_batch8(c, &ctr, &xi, in + 128 * i, in + 128 * i, out + 128 * i, 1);
    }
    return gcm_tail(c, ctr, xi, in + 128 * nb, len - 128 * nb, out + 128 * nb, enc);
}

/* GHASH(AAD, payload), tag mask E(J0): shared by seal and open. */
TGT static void gcm_crypt(const struct gcm_ctx *c, const uint8_t iv[12], const uint8_t *aad,
                          size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                          uint8_t tag[16], int enc)
{
    const __m128i bswap = own_x86_bswap_mask();
    uint8_t j0b[16];
    memcpy(j0b, iv, 12);
    j0b[12] = 0; j0b[13] = 0; j0b[14] = 0; j0b[15] = 1;
    const __m128i j0 = LD(j0b);
    const __m128i ekj0 = own_x86_aes_enc_block(c->rk, c->rounds, j0);
    __m128i ctr = _mm_add_epi32(_mm_shuffle_epi8(j0, bswap), _mm_set_epi32(0, 0, 0, 1));

    __m128i xi = ghash(c, _mm_setzero_si128(), aad, aad_len);
    xi = gcm_payload(c, ctr, xi, in, len, out, enc);
    /* length block in register form: the two big-endian bit counts */
    const __m128i lens = _mm_set_epi64x((long long)((uint64_t)aad_len * 8),
                                        (long long)((uint64_t)len * 8));
    xi = own_x86_ghash_mul(_mm_xor_si128(xi, lens), c->h[0]);
    ST(tag, _mm_xor_si128(_mm_shuffle_epi8(xi, bswap), ekj0));
}

/* ---- GCM entry points ------------------------------------------------- */

TGT static void aesni_gcm_init(void *ctx, const uint8_t *key, size_t key_len)
{
    struct gcm_ctx *c = ctx;
    c->rounds = own_x86_aes_expand_enc(key, key_len, c->rk);
    __m128i h = own_x86_ghash_key(c->rk, c->rounds), p = h;
    for (int i = 0; i < 8; i++) {
        c->h[i] = p;
        c->hk[i] = _mm_xor_si128(p, _mm_shuffle_epi32(p, 0x4e));
        p = own_x86_ghash_mul(p, h);
    }
}

static void aesni_gcm_seal(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                           size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                           uint8_t tag[16])
{
    gcm_crypt(ctx, iv, aad, aad_len, in, len, out, tag, 1);
}

static int aesni_gcm_open(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                          size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[16],
                          uint8_t *out)
{
    uint8_t computed[16];
    gcm_crypt(ctx, iv, aad, aad_len, in, len, out, computed, 0);
    return own_gcm_finish_open(computed, tag, out, len);
}

TGT static void aesni_gcm_hp_init(void *ctx, const uint8_t *hp_key, size_t key_len)
{
    struct gcm_ctx *c = ctx;
    c->hp_rounds = own_x86_aes_expand_enc(hp_key, key_len, c->hp_rk);
}

/* The mask is independent of the payload; issued first, its AES rounds
 * overlap the start of the seal. */
TGT static void aesni_gcm_seal_hp(const void *ctx, const uint8_t iv[12], const uint8_t *aad,
                                  size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                                  uint8_t tag[16], const uint8_t sample[16], uint8_t mask[16])
{
    const struct gcm_ctx *c = ctx;
    ST(mask, own_x86_aes_enc_block(c->hp_rk, c->hp_rounds, LD(sample)));
    gcm_crypt(c, iv, aad, aad_len, in, len, out, tag, 1);
}

/* ---- XTS --------------------------------------------------------------- */

/* T * x in GF(2^128), XTS (little-endian) convention: shift each qword left,
 * carry bit 63 into bit 64 and fold bit 127 back as 0x87. */
TGT INL __m128i xts_mul_x(__m128i t)
{
    __m128i m = _mm_srai_epi32(_mm_shuffle_epi32(t, 0x13), 31);
    m = _mm_and_si128(m, _mm_set_epi32(0, 1, 0, 0x87));
    return _mm_xor_si128(_mm_add_epi64(t, t), m);
}

/* T * x^8: shift by one byte, fold the outgoing byte times 0x87. */
TGT INL __m128i xts_mul_x8(__m128i t)
{
    __m128i top = _mm_srli_si128(t, 15);
    return _mm_xor_si128(_mm_slli_si128(t, 1),
                         _mm_clmulepi64_si128(top, _mm_cvtsi32_si128(0x87), 0x00));
}

TGT static void aesni_xts_init(void *ctx, const uint8_t *key, size_t key_len)
{
    struct xts_ctx *c = ctx;
    size_t half = key_len / 2;
    c->rounds = own_x86_aes_expand_enc(key, half, c->ek);
    own_x86_aes_expand_enc(key + half, half, c->tk);
    own_x86_aes_expand_dec(c->ek, c->rounds, c->dk);
}

/*
 * n blocks (multiple of nothing) from in to out with tweaks starting at *tp;
 * *tp is left at the tweak of the next block.  dec selects AESDEC and the
 * inverse schedule; always inlined with a constant dec.
 */
TGT INL void xts_blocks(const struct xts_ctx *c, __m128i *tp, const uint8_t *in, size_t n,
                        uint8_t *out, int dec)
{
    const __m128i *rk = dec ? c->dk : c->ek;
    const int rounds = c->rounds;
    __m128i t = *tp;
    if (n >= 8) {
        __m128i t0 = t, t1 = xts_mul_x(t0), t2 = xts_mul_x(t1), t3 = xts_mul_x(t2);
        __m128i t4 = xts_mul_x(t3), t5 = xts_mul_x(t4), t6 = xts_mul_x(t5), t7 = xts_mul_x(t6);
        const __m128i k0 = rk[0], kl = rk[rounds];
        for (; n >= 8; n -= 8, in += 128, out += 128) {
            __m128i b0 = _mm_xor_si128(LD(in + 0), _mm_xor_si128(t0, k0));
            __m128i b1 = _mm_xor_si128(LD(in + 16), _mm_xor_si128(t1, k0));
            __m128i b2 = _mm_xor_si128(LD(in + 32), _mm_xor_si128(t2, k0));
            __m128i b3 = _mm_xor_si128(LD(in + 48), _mm_xor_si128(t3, k0));
            __m128i b4 = _mm_xor_si128(LD(in + 64), _mm_xor_si128(t4, k0));
            __m128i b5 = _mm_xor_si128(LD(in + 80), _mm_xor_si128(t5, k0));
            __m128i b6 = _mm_xor_si128(LD(in + 96), _mm_xor_si128(t6, k0));
            __m128i b7 = _mm_xor_si128(LD(in + 112), _mm_xor_si128(t7, k0));
            if (dec) {
                for (int r = 1; r < rounds; r++)
                    AES8(_mm_aesdec_si128, rk[r]);
                b0 = _mm_aesdeclast_si128(b0, _mm_xor_si128(kl, t0));
                b1 = _mm_aesdeclast_si128(b1, _mm_xor_si128(kl, t1));
                b2 = _mm_aesdeclast_si128(b2, _mm_xor_si128(kl, t2));
                b3 = _mm_aesdeclast_si128(b3, _mm_xor_si128(kl, t3));
                b4 = _mm_aesdeclast_si128(b4, _mm_xor_si128(kl, t4));
                b5 = _mm_aesdeclast_si128(b5, _mm_xor_si128(kl, t5));
                b6 = _mm_aesdeclast_si128(b6, _mm_xor_si128(kl, t6));
                b7 = _mm_aesdeclast_si128(b7, _mm_xor_si128(kl, t7));
            } else {
                for (int r = 1; r < rounds; r++)
                    AES8(_mm_aesenc_si128, rk[r]);
                b0 = _mm_aesenclast_si128(b0, _mm_xor_si128(kl, t0));
                b1 = _mm_aesenclast_si128(b1, _mm_xor_si128(kl, t1));
                b2 = _mm_aesenclast_si128(b2, _mm_xor_si128(kl, t2));
                b3 = _mm_aesenclast_si128(b3, _mm_xor_si128(kl, t3));
                b4 = _mm_aesenclast_si128(b4, _mm_xor_si128(kl, t4));
                b5 = _mm_aesenclast_si128(b5, _mm_xor_si128(kl, t5));
                b6 = _mm_aesenclast_si128(b6, _mm_xor_si128(kl, t6));
                b7 = _mm_aesenclast_si128(b7, _mm_xor_si128(kl, t7));
            }
            ST(out + 0, b0); ST(out + 16, b1); ST(out + 32, b2); ST(out + 48, b3);
            ST(out + 64, b4); ST(out + 80, b5); ST(out + 96, b6); ST(out + 112, b7);
            t0 = xts_mul_x8(t0); t1 = xts_mul_x8(t1); t2 = xts_mul_x8(t2); t3 = xts_mul_x8(t3);
            t4 = xts_mul_x8(t4); t5 = xts_mul_x8(t5); t6 = xts_mul_x8(t6); t7 = xts_mul_x8(t7);
        }
        t = t0;
    }
    for (; n; n--, in += 16, out += 16) {
        __m128i b = _mm_xor_si128(LD(in), t);
        b = dec ? own_x86_aes_dec_block(rk, rounds, b) : own_x86_aes_enc_block(rk, rounds, b);
        ST(out, _mm_xor_si128(b, t));
        t = xts_mul_x(t);
    }
    *tp = t;
}

TGT static void aesni_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                  size_t len, uint8_t *out)
{
    const struct xts_ctx *c = ctx;
    size_t m = len / 16, r = len % 16;
    __m128i t = own_x86_aes_enc_block(c->tk, c->rounds, LD(tweak));
    xts_blocks(c, &t, in, r ? m - 1 : m, out, 0);
    if (r) {
        /* t = T_{m-1}.  CC = E(P_{m-1}); C_m = CC[0..r); C_{m-1} = E(P_m || CC[r..16)) under T_m */
        const uint8_t *pin = in + 16 * (m - 1);
        uint8_t *pout = out + 16 * (m - 1);
        uint8_t cc[16], pm[16];
        ST(cc, _mm_xor_si128(own_x86_aes_enc_block(c->ek, c->rounds, _mm_xor_si128(LD(pin), t)), t));
        memcpy(pm, pin + 16, r);     /* read P_m before C_m may overwrite it */
        memcpy(pout + 16, cc, r);
        memcpy(cc, pm, r);
        t = xts_mul_x(t);
        ST(pout, _mm_xor_si128(own_x86_aes_enc_block(c->ek, c->rounds, _mm_xor_si128(LD(cc), t)), t));
        own_wipe(cc, sizeof cc);
        own_wipe(pm, sizeof pm);
    }
}

TGT static void aesni_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                  size_t len, uint8_t *out)
{
    const struct xts_ctx *c = ctx;
    size_t m = len / 16, r = len % 16;
    __m128i t = own_x86_aes_enc_block(c->tk, c->rounds, LD(tweak));
    xts_blocks(c, &t, in, r ? m - 1 : m, out, 1);
    if (r) {
        /* t = T_{m-1}.  PP = D(C_{m-1}) under T_m; P_m = PP[0..r);
         * P_{m-1} = D(C_m || PP[r..16)) under T_{m-1}. */
        const uint8_t *cin = in + 16 * (m - 1);
        uint8_t *pout = out + 16 * (m - 1);
        uint8_t pp[16], cm[16];
        const __m128i t2 = xts_mul_x(t);
        ST(pp, _mm_xor_si128(own_x86_aes_dec_block(c->dk, c->rounds, _mm_xor_si128(LD(cin), t2)), t2));
        memcpy(cm, cin + 16, r);     /* read C_m before P_m may overwrite it */
        memcpy(pout + 16, pp, r);
        memcpy(pp, cm, r);
        ST(pout, _mm_xor_si128(own_x86_aes_dec_block(c->dk, c->rounds, _mm_xor_si128(LD(pp), t)), t));
        own_wipe(pp, sizeof pp);
        own_wipe(cm, sizeof cm);
    }
}

/* ---- kernel table ------------------------------------------------------ */

const own_kernel own_kernel_aesni = {
    .name = "aesni",
    .isa = "aesni",
    .cpu_ok = aesni_cpu_ok,
    .gcm_keys = OWN_K128 | OWN_K192 | OWN_K256,
    .gcm_ctx_bytes = sizeof(struct gcm_ctx),
    .gcm_init = aesni_gcm_init,
    .gcm_seal = aesni_gcm_seal,
    .gcm_open = aesni_gcm_open,
    .xts_keys = OWN_K128 | OWN_K256,
    .xts_ctx_bytes = sizeof(struct xts_ctx),
    .xts_init = aesni_xts_init,
    .xts_encrypt = aesni_xts_encrypt,
    .xts_decrypt = aesni_xts_decrypt,
    .gcm_hp_init = aesni_gcm_hp_init,
    .gcm_seal_hp = aesni_gcm_seal_hp,
};
