/*
 * xts256.c - AES-XTS (IEEE 1619) with VAES on 256-bit vectors and AVX2
 * only, AES-128 and AES-256, with ciphertext stealing.
 *
 * One body per direction (AESENC or AESDEC), the round count read from
 * the context at run time: a key size is a few more rounds on a shared
 * path, not another copy of the code.
 *
 * Tweaks.  T_0 = E(K2, tweak), T_i = T_0 * x^i (little-endian GF(2^128),
 * reduction byte 0x87).  A ymm holds the tweaks of two consecutive blocks.
 * The first W vectors are built from T_0 in parallel: a 128-bit shift by
 * the lane's exponent k from per-qword variable shifts, and the k bits
 * shifted out folded back with one carry-less multiply by 0x87.  Each
 * iteration then advances every vector by x^(2W) = x^8, so there is no
 * serial tweak chain; x^8 is a whole byte, so the step is two 128-bit byte
 * shifts and one carry-less multiply of the byte shifted out, with no
 * 64-bit shifts to carry between the halves.
 *
 * Main loop: 2W = 8 blocks (W = 4 ymm) per iteration.  Six vectors are the
 * most that fit with their tweaks and a round key in AVX2's 16 ymm
 * registers, but their x^12 step is not a byte shift and takes six vector
 * instructions to x^8's four; with four, whose iterations overlap out of
 * order, the cheaper step won (the A/B is in the commit that chose it).
 * Whitening is data ^ tweak ^ round key 0; the closing tweak XOR
 * is folded into the last round key (AESENCLAST(x, k ^ t) =
 * AESENCLAST(x, k) ^ t), computed at the top of the iteration so that the
 * next iteration's tweaks can be made early.  The round keys are
 * addressed from a base pointer that puts the last nine rounds and the last
 * round key at the same offsets for every key size: AES-256's four extra
 * rounds go first, skipped by a forward branch for AES-128 (no loop: a
 * rolled loop over the AES states made the compiler copy them between
 * registers every trip), then the nine fixed rounds with one vector of next
 * tweaks made after each of the first four, so they are ready when the next
 * iteration's first round needs them.  (At this width the multiply by 0x87
 * stays a VPCLMULQDQ: the shift-and-XOR form, xts512.c's on AMD, measured
 * slower here.)
 *
 * Tail: remaining whole blocks two at a time, a last single block on the
 * low lane (the high lane's zeros are encrypted and dropped), each vector
 * through the rounds inline (an out-of-line function was smaller, but
 * every ymm is caller-saved, so each call spilled the tail's tweaks around
 * it); the tweak vector advances by x^2 per step.  Ciphertext stealing
 * (length not a multiple of 16): where the last whole block would leave
 * seven for the tail, it joins the main loop's last iteration instead, in
 * its last lane (with T_q for decryption), and its output there is the
 * first pass; the eight blocks then run interleaved and only the second
 * pass follows, its tweak the loop's next one (T_q) or, to decrypt, that
 * divided by x.  Otherwise its first pass goes alone before the tail, so
 * that the two chained passes overlap the tail's blocks.  The second pass
 * runs on the low lane, the partial block loaded and stored in pieces of
 * 8, 4, 2 and 1 bytes chosen by the bits of its length (AVX2 has no byte
 * masks), reading each input before writing the output that may alias it;
 * decryption swaps the two last tweaks as the standard requires.
 *
 * Constant time: every branch and address depends on the length only.
 */
#include <string.h>

#include "own_kernel.h"
#include "v256.h"
#include "gcm256.h"

#define XW 4 /* ymm vectors per main-loop iteration: the tweak step is x^8 */
#define XWB (32 * XW)

/* 0x87 in the low qword of each lane. */
V256_INL __m256i x256_p87(void)
{
    return _mm256_set_epi64x(0, 0x87, 0, 0x87);
}

/* Both lanes of t times x^k, k per qword, 0 <= k < 64: of the k bits
 * shifted out of each qword, the high one's come back times 0x87 (one
 * carry-less multiply that reads that qword in place) and the low one's
 * move up into the high qword. */
V256_INL __m256i x256_mulxk(__m256i t, __m256i k)
{
    __m256i sr = _mm256_srlv_epi64(t, _mm256_sub_epi64(_mm256_set1_epi64x(64), k));
    return _mm256_xor_si256(
        _mm256_xor_si256(_mm256_sllv_epi64(t, k), _mm256_clmulepi64_epi128(sr, x256_p87(), 0x01)),
        _mm256_bslli_epi128(sr, 8));
}

/* The same for a constant k: immediate shifts, no count registers. */
V256_INL __m256i x256_mulxc(__m256i t, const int k)
{
    __m256i sr = _mm256_srli_epi64(t, 64 - k);
    return _mm256_xor_si256(
        _mm256_xor_si256(_mm256_slli_epi64(t, k), _mm256_clmulepi64_epi128(sr, x256_p87(), 0x01)),
        _mm256_bslli_epi128(sr, 8));
}

/* Both lanes times x^8: the low 15 bytes move up a byte, and the byte
 * shifted out comes back times 0x87 (at most 15 bits: the low qword). */
V256_INL __m256i x256_mulx8(__m256i t)
{
    return _mm256_xor_si256(_mm256_bslli_epi128(t, 1),
                            _mm256_clmulepi64_epi128(_mm256_bsrli_epi128(t, 15), x256_p87(), 0x00));
}

/* t times x^-1, undoing one doubling: a set low bit means the doubling
 * shifted out the top bit and added 0x87. */
V256_INL __m128i x128_divx(__m128i t)
{
    __m128i lsb = _mm_and_si128(t, _mm_set_epi64x(0, 1));
    __m128i m = _mm_shuffle_epi32(_mm_sub_epi64(_mm_setzero_si128(), lsb), 0x44); /* 0 or ~0 */
    t = _mm_xor_si128(t, _mm_and_si128(m, _mm_set_epi64x(0, 0x87)));
    __m128i sr = _mm_xor_si128(_mm_srli_epi64(t, 1), _mm_bsrli_si128(_mm_slli_epi64(t, 63), 8));
    return _mm_xor_si128(sr, _mm_and_si128(m, _mm_set_epi64x((long long)0x8000000000000000ull, 0)));
}

/* XTS of one vector (two blocks, or one in the low lane) with tweaks t,
 * rounds unrolled (OWN_X86_ROUNDS). */
V256_INL __m256i x256_round(__m256i b, __m256i k, const int dec)
{
    return dec ? _mm256_aesdec_epi128(b, k) : _mm256_aesenc_epi128(b, k);
}

V256_INL __m256i x256_vec(const __m512i *rk, const int nr, const int dec, __m256i b, __m256i t)
{
    b = _mm256_xor_si256(_mm256_xor_si256(b, t), v256_rk(rk, 0));
    OWN_X86_ROUNDS(nr, b = x256_round(b, v256_rk(rk, r_), dec));
    __m256i kt = _mm256_xor_si256(v256_rk(rk, nr), t);
    return dec ? _mm256_aesdeclast_epi128(b, kt) : _mm256_aesenclast_epi128(b, kt);
}

#define ROUNDX(k)                                                                   \
    do {                                                                            \
        __m256i k_ = (k);                                                           \
        _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++)                        \
            x[j] = dec ? _mm256_aesdec_epi128(x[j], k_) : _mm256_aesenc_epi128(x[j], k_); \
    } while (0)

V256_INL void xts_body(const vaes_xts_ctx *c, const int dec, const uint8_t tweak[16],
                       const uint8_t *in, size_t n, uint8_t *out)
{
    const int nr = c->rounds;
    const __m512i *rk = dec ? c->dk : c->ek;
    const size_t s = n & 15;
    size_t nfull = (n >> 4) - (s ? 1 : 0);
    if (n < 16)
        return; /* XTS needs one whole block; the plugin rejects shorter */
    /* With stealing, block q-1 joins the main loop's last iteration where
     * it completes one (see the header). */
    const int q1_in_loop = s && nfull % (2 * XW) == 2 * XW - 1;
    nfull += (size_t)q1_in_loop;

    __m128i t0 = own_x86_xts_tweak(tweak);
    t0 = _mm_xor_si128(t0, c->tk[0]);
    OWN_X86_ROUNDS(nr, t0 = _mm_aesenc_si128(t0, c->tk[r_]));
    t0 = _mm_aesenclast_si128(t0, c->tk[nr]);

    const __m256i tb0 = _mm256_broadcastsi128_si256(t0);
    __m256i t[XW];
    t[0] = x256_mulxk(tb0, _mm256_set_epi64x(1, 1, 0, 0));
    if (nfull >= 2 * XW) {
        _Pragma("GCC unroll 8") for (int j = 1; j < XW; j++)
            t[j] = x256_mulxk(tb0, _mm256_set_epi64x(2 * j + 1, 2 * j + 1, 2 * j, 2 * j));
    }

    /* ke[1..9]: the nine fixed rounds, ke[10]: the last round key. */
    const __m512i *ke = rk + (nr - 10);
    /* One compare in the loop, its rare case out of line, and no other
     * value live across it: the AES-128 loop is sensitive to both. */
    const size_t swap_at = dec && q1_in_loop ? 2 * XW : 0;
    while (nfull >= 2 * XW) {
        if (__builtin_expect(nfull == swap_at, 0)) /* q-1's lane: decryption takes T_q */
            t[XW - 1] = _mm256_inserti128_si256(
                t[XW - 1], _mm256_extracti128_si256(x256_mulxc(t[XW - 1], 1), 1), 1);
        __m256i x[XW], kt[XW];
        __m256i k0 = v256_rk(rk, 0), kl = v256_rk(ke, 10);
        _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++) {
            x[j] = _mm256_xor_si256(
                _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)(in + 32 * j)), t[j]),
                k0);
            kt[j] = _mm256_xor_si256(kl, t[j]);
        }
        /* The rounds beyond AES-128's (rk[1..nr-10]), skipped by forward
         * branches as far as the key size needs. */
        if (nr > 10) {
            if (nr > 12) {
                ROUNDX(v256_rk(ke, -3));
                ROUNDX(v256_rk(ke, -2));
            }
            ROUNDX(v256_rk(ke, -1));
            ROUNDX(v256_rk(ke, 0));
        }
        /* Nine fixed rounds, next iteration's tweaks early, one vector per round. */
        _Pragma("GCC unroll 16") for (int r = 1; r < 10; r++) {
            __m256i k = v256_rk(ke, r);
            _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++)
                x[j] = dec ? _mm256_aesdec_epi128(x[j], k) : _mm256_aesenc_epi128(x[j], k);
            if (r <= XW)
                t[r - 1] = x256_mulx8(t[r - 1]);
        }
        _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++) {
            x[j] = dec ? _mm256_aesdeclast_epi128(x[j], kt[j]) : _mm256_aesenclast_epi128(x[j], kt[j]);
            _mm256_storeu_si256((__m256i *)(void *)(out + 32 * j), x[j]);
        }
        in += XWB, out += XWB, nfull -= 2 * XW;
    }

    /* Tweaks of the next two blocks not yet done. */
    __m256i tv = t[0];
    __m128i ta = _mm_setzero_si128(), tb = ta; /* with stealing: T_q-1, T_q */
    if (q1_in_loop) { /* the loop ended with q-1: the next tweak is T_q */
        tb = _mm256_castsi256_si128(tv);
        ta = x128_divx(tb);
    }

    /* With stealing, the last whole block q-1 takes T_q-1 to encrypt, T_q
     * to decrypt (the standard's swapped order).  Unless the main loop
     * took it, it goes first, on its own, so that the two chained AES
     * passes of ciphertext stealing overlap the other blocks. */
    __m128i part = _mm_setzero_si128(), first = part;
    if (s && !q1_in_loop) {
        __m256i tab = x256_mulxk(tv, _mm256_set1_epi64x((long long)nfull));
        ta = _mm256_castsi256_si128(tab);
        tb = _mm256_extracti128_si256(tab, 1);
        part = v128_load_tail(in + 16 * nfull + 16, s);
        __m128i q1 = _mm_loadu_si128((const __m128i *)(const void *)(in + 16 * nfull));
        first = _mm256_castsi256_si128(x256_vec(rk, nr, dec, _mm256_zextsi128_si256(q1),
                                                _mm256_zextsi128_si256(dec ? tb : ta)));
    }

    /* Whole blocks left (< 8): two at a time, a last odd one in the low lane. */
    for (; nfull >= 2; nfull -= 2, in += 32, out += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)in);
        _mm256_storeu_si256((__m256i *)(void *)out, x256_vec(rk, nr, dec, x, tv));
        tv = x256_mulxc(tv, 2);
    }
    if (nfull) {
        __m256i x = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)in));
        x = x256_vec(rk, nr, dec, x, tv);
        _mm_storeu_si128((__m128i *)(void *)out, _mm256_castsi256_si128(x));
        in += 16, out += 16;
    }
    if (!s)
        return;
    if (q1_in_loop) { /* its first pass is the loop's last block, just stored */
        out -= 16;
        first = _mm_loadu_si128((const __m128i *)(const void *)out);
        part = v128_load_tail(in, s);
    }
    v128_store_tail(out + 16, first, s); /* the stolen bytes become the short block */
    __m256i last = x256_vec(rk, nr, dec, _mm256_zextsi128_si256(v128_merge(part, first, s)),
                            _mm256_zextsi128_si256(dec ? ta : tb));
    _mm_storeu_si128((__m128i *)(void *)out, _mm256_castsi256_si128(last));
}

V256_TGT void own_v256_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                   size_t len, uint8_t *out)
{
    xts_body(ctx, 0, tweak, in, len, out);
}

V256_TGT void own_v256_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                   size_t len, uint8_t *out)
{
    xts_body(ctx, 1, tweak, in, len, out);
}
