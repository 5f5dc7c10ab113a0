/*
 * xts512.c - AES-XTS (IEEE 1619) with VAES on 512-bit vectors (AVX-512
 * F/BW/VL), AES-128 and AES-256, encryption and decryption, with
 * ciphertext stealing.
 *
 * Tweaks.  T_0 = E(K2, tweak); block i uses T_i = T_0 * x^i in GF(2^128)
 * (little-endian bit order, reduction by x^128 = x^7 + x^2 + x + 1, i.e.
 * the byte 0x87).  A zmm of tweaks holds T_i .. T_i+3, one per lane.  Any
 * vector of tweaks is made straight from T_0 (x512_mulxk): a 128-bit shift
 * by each lane's exponent k < 64 built from per-qword variable shifts, the
 * k bits shifted out folded back with one carry-less multiply by 0x87 - so
 * no tweak waits on a serial doubling chain.  The main loop's third and
 * fourth vectors are made from the first two by whole bytes (X512_MULX8M),
 * one cheaper multiply away.
 *
 * Main loop: 16 blocks (4 zmm, 256 bytes) per iteration, the four AES
 * chains interleaved round by round: as many as the latency of a zmm AES
 * round (three to four cycles) times one per cycle needs.  Eight chains
 * were measured slower from 512 to 1420 bytes on Intel, where more of a
 * message then went through the tail, and no faster in bulk.  Each vector
 * is whitened as data ^ tweak ^ round key 0 in one VPTERNLOGQ, and the
 * closing tweak XOR is folded into the last round key (AESENCLAST(x, k ^ t)
 * = AESENCLAST(x, k) ^ t), computed at the top of the iteration.  The next
 * iteration's tweaks (every lane times x^16) are made early, one vector
 * after each of rounds 1..4, so the next first round never waits for them;
 * x^16 is a whole number of bytes (VPSLLDQ/VPSRLDQ by 2) and the 16 bits
 * shifted out are multiplied by 0x87: with one VPCLMULQDQ on Intel, which
 * runs it on a port 512-bit AES does not use, with shifts and XORs on AMD,
 * which runs it on AES's own pipes (X512_MULX8M, X512_MULX8S).
 *
 * Tail (fewer than 16 whole blocks left, all of a short message): a vector
 * at a time in a rolled loop (the out-of-order core overlaps the
 * independent vectors; four vectors round-major, the empty ones included,
 * measured slower), tweaks straight from T, only the last vector's load
 * and store byte-masked.
 *
 * Stealing: with a partial last block, the last whole block q-1 rides in
 * the tail's last vector (for decryption with T_q, the standard's swapped
 * order, by one more doubling in its lane), so its first pass costs no AES
 * instruction of its own; its second pass, on the partial block's bytes
 * and the rest of the first pass's output, is one xmm block.  A lone last
 * block of the tail goes through an xmm too.
 * The partial block is loaded and stored with byte masks too, so nothing
 * outside the buffers is read or written, and every input is loaded before
 * any output that may alias it is stored.
 *
 * Code size: one body per direction (AESENC and AESDEC are different
 * instructions); the round count is a run-time value: every chain of
 * rounds is unrolled for the rounds all key sizes have, and AES-256's four
 * extra rounds are branched into.
 *
 * Constant time: every branch and address depends on the length only,
 * but for the choice of tweak step, which depends on the CPU.
 */
#include <string.h>

#include "own_kernel.h"
#include "v512.h"
#include "gcm512.h"

#define XV 4 /* vectors per main-loop iteration */
#define XB (64 * XV)

/* 0x87 in the low qword of every lane. */
V512_INL __m512i x512_p87(void)
{
    return _mm512_broadcast_i32x4(_mm_set_epi64x(0, 0x87));
}

/* Lanes of t multiplied by x^k, k given per qword (both qwords of a lane
 * equal), 0 <= k < 64: a 128-bit shift from per-qword variable shifts; of
 * the k bits shifted out of each qword, the high one's come back times
 * 0x87 (one carry-less multiply that reads that qword in place) and the
 * low one's move up into the high qword. */
V512_INL __m512i x512_mulxk(__m512i t, __m512i k, __m512i p87)
{
    __m512i sr = _mm512_srlv_epi64(t, _mm512_sub_epi64(_mm512_set1_epi64(64), k));
    return _mm512_ternarylogic_epi64(_mm512_sllv_epi64(t, k),
                                     _mm512_clmulepi64_epi128(sr, p87, 0x01),
                                     _mm512_bslli_epi128(sr, 8), 0x96);
}

/* Every lane times x^(8m), 1 <= m <= 4: a whole number of bytes, and the
 * 8m bits shifted out, b, come back as b * 0x87 (< 2^40, so no bit leaves
 * the low qword) from one VPCLMULQDQ.  A macro: the byte counts are
 * immediates. */
#define X512_MULX8M(t, m, p87)                                                     \
    _mm512_xor_si512(                                                              \
        _mm512_clmulepi64_epi128(_mm512_bsrli_epi128((t), 16 - (m)), (p87), 0x00), \
        _mm512_bslli_epi128((t), (m)))

/* The same by shifts and XORs, b * 0x87 = b ^ b<<1 ^ b<<2 ^ b<<7 (b < 2^32,
 * so the product stays in the low qword): seven vector ops to the multiply
 * form's four, none of them a VPCLMULQDQ.  On Intel, 512-bit AES has one
 * port and VPCLMULQDQ another, and these shifts would compete with AES; on
 * AMD (Zen), VPCLMULQDQ issues to the very pipes AES runs on (`aesbench
 * pipes` shows how far they overlap), and the shifts are the cheaper form.
 * The main loop takes the one the CPU's vendor says (tweak_shift, set at
 * key setup). */
#define X512_MULX8S(t, m) x512_mulx8s(_mm512_bslli_epi128((t), (m)), _mm512_bsrli_epi128((t), 16 - (m)))

V512_INL __m512i x512_mulx8s(__m512i shifted, __m512i b)
{
    return _mm512_ternarylogic_epi64(
        _mm512_ternarylogic_epi64(shifted, b, _mm512_slli_epi64(b, 1), 0x96),
        _mm512_slli_epi64(b, 2), _mm512_slli_epi64(b, 7), 0x96);
}

/* XTS512_TWEAK=1 forces the multiply form, =2 the shift form (the kernel
 * tests build both, so each is checked on any CPU); unset, the context
 * says. */
#ifdef XTS512_TWEAK
#define XTS512_SHIFT(c) (XTS512_TWEAK == 2)
#else
#define XTS512_SHIFT(c) ((c)->tweak_shift)
#endif

V512_INL __m512i x512_round(__m512i x, __m512i k, const int dec)
{
    return dec ? _mm512_aesdec_epi128(x, k) : _mm512_aesenc_epi128(x, k);
}

V512_INL __m512i x512_last(__m512i x, __m512i k, const int dec)
{
    return dec ? _mm512_aesdeclast_epi128(x, k) : _mm512_aesenclast_epi128(x, k);
}

V512_INL __m128i x128_round(__m128i b, __m128i k, const int dec)
{
    return dec ? _mm_aesdec_si128(b, k) : _mm_aesenc_si128(b, k);
}

/* One xmm block through the data cipher, tweak XORed on both sides; like
 * every chain of rounds outside the main loop, unrolled (OWN_X86_ROUNDS). */
V512_INL __m128i x128_block(const __m512i *rk, const int nr, const int dec, __m128i b, __m128i t)
{
    b = _mm_ternarylogic_epi64(b, t, _mm512_castsi512_si128(rk[0]), 0x96);
    OWN_X86_ROUNDS(nr, b = x128_round(b, _mm512_castsi512_si128(rk[r_]), dec));
    __m128i kl = _mm_xor_si128(_mm512_castsi512_si128(rk[nr]), t);
    return dec ? _mm_aesdeclast_si128(b, kl) : _mm_aesenclast_si128(b, kl);
}

/* One zmm (up to four blocks), tweak XORed on both sides. */
V512_INL __m512i x512_vec(const __m512i *rk, const int nr, const int dec, __m512i b, __m512i t)
{
    b = _mm512_ternarylogic_epi64(b, t, rk[0], 0x96);
    OWN_X86_ROUNDS(nr, b = x512_round(b, rk[r_], dec));
    return x512_last(b, _mm512_xor_si512(rk[nr], t), dec);
}

V512_INL void xts_body(const vaes_xts_ctx *c, const int nr, const int dec,
                       const uint8_t tweak[16], const uint8_t *in, size_t n, uint8_t *out)
{
    const __m512i *rk = dec ? c->dk : c->ek;
    const __m512i p87 = x512_p87();
    const int shift = XTS512_SHIFT(c);
    const size_t s = n & 15;                         /* stolen bytes */
    size_t nfull = (n >> 4) - (s ? 1 : 0);           /* blocks done without stealing */
    if (n < 16)
        return; /* XTS needs one whole block; the plugin rejects shorter */
    /* The partial block (an empty mask without stealing), loaded first of
     * all, before any store that may alias it. */
    const __mmask16 km = (__mmask16)((1u << s) - 1);
    const __m128i part = _mm_maskz_loadu_epi8(km, in + 16 * (nfull + 1));

    __m128i t0 = own_x86_xts_tweak(tweak);
    t0 = _mm_xor_si128(t0, c->tk[0]);
    OWN_X86_ROUNDS(nr, t0 = _mm_aesenc_si128(t0, c->tk[r_]));
    t0 = _mm_aesenclast_si128(t0, c->tk[nr]);

    /* Tweak vectors for the main loop; short messages make only the ones
     * their tail needs, below. */
    const __m512i lane = _mm512_set_epi64(3, 3, 2, 2, 1, 1, 0, 0);
    const __m512i tb = _mm512_broadcast_i32x4(t0);
    const int bulk = nfull >= 4 * XV;
    __m512i t[XV] = {0}; /* (only read when bulk) */
    if (bulk) {
        /* Two by bit shifts, the other two from those by a whole byte. */
        t[0] = x512_mulxk(tb, lane, p87);
        t[1] = x512_mulxk(tb, _mm512_add_epi64(lane, _mm512_set1_epi64(4)), p87);
        t[2] = X512_MULX8M(t[0], 1, p87);
        t[3] = X512_MULX8M(t[1], 1, p87);
    }

    while (nfull >= 4 * XV) {
        __m512i x[XV], kt[XV];
        _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++) {
            x[j] = _mm512_ternarylogic_epi64(_mm512_loadu_si512(in + 64 * j), t[j], rk[0], 0x96);
            kt[j] = _mm512_xor_si512(rk[nr], t[j]);
        }
        /* The next iteration's tweaks are made early, one vector per round,
         * so its first round never waits on them. */
        _Pragma("GCC unroll 8") for (int r = 1; r <= 8; r++) {
            _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++)
                x[j] = x512_round(x[j], rk[r], dec);
            if (r <= XV)
                t[r - 1] = shift ? X512_MULX8S(t[r - 1], XV / 2) : X512_MULX8M(t[r - 1], XV / 2, p87);
        }
        /* Rounds 9..nr-1: the extra ones of AES-256 branched into, not
         * looped over (a loop carrying the states makes the compiler
         * shuffle registers on every pass). */
        if (nr > 10)
            _Pragma("GCC unroll 4") for (int r = 9; r < 13; r++)
                _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++)
                    x[j] = x512_round(x[j], rk[r], dec);
        _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++)
            x[j] = x512_round(x[j], rk[nr - 1], dec);
        _Pragma("GCC unroll 8") for (int j = 0; j < XV; j++) {
            x[j] = x512_last(x[j], kt[j], dec);
            _mm512_storeu_si512(out + 64 * j, x[j]);
        }
        in += XB, out += XB, nfull -= 4 * XV;
    }
    /* T of the first block not yet done. */
    const __m128i tc = bulk ? _mm512_castsi512_si128(t[0]) : t0;

    /*
     * Tail: the other whole blocks (fewer than 16) and, with stealing, the
     * last whole block q-1's first pass (for decryption with T_q, the
     * standard's swapped order: one more doubling in its lane's exponent),
     * so that pass shares a vector with its neighbours instead of taking
     * an AES chain of its own.  A vector at a time, each vector's tweaks
     * made straight from tc: a rolled loop, which the out-of-order core
     * overlaps since the vectors are independent.  Only the last vector's
     * load and store are byte-masked (a masked store keeps the next
     * vector's load from passing it).
     */
    const size_t nt = nfull + (s ? 1 : 0);
    const __m512i tcv = _mm512_broadcast_i32x4(tc), one = _mm512_set1_epi64(1);
    /* (decryption's swap: block q-1's lane, in the last vector; a mask made
     * on the scalar side leaves the vector ports one op fewer per vector) */
    const __mmask8 kswap = dec && s ? (__mmask8)(3u << (2 * ((nt - 1) & 3))) : 0;
    __m512i last = tcv; /* the last vector's output (read only when s) */
    __m128i y = tc;     /* a lone last block's output, done on an xmm */
    for (size_t i = 0; i < nt; i += 4) {
        __m512i e = _mm512_add_epi64(lane, _mm512_set1_epi64((long long)i));
        e = _mm512_mask_add_epi64(e, i + 4 >= nt ? kswap : 0, e, one);
        __m512i tv = x512_mulxk(tcv, e, p87);
        if (nt - i >= 4) {
            last = x512_vec(rk, nr, dec, _mm512_loadu_si512(in + 16 * i), tv);
            _mm512_storeu_si512(out + 16 * i, last);
        } else if (nt - i == 1) {
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(in + 16 * i));
            b = x128_block(rk, nr, dec, b, _mm512_castsi512_si128(tv));
            _mm_storeu_si128((__m128i *)(void *)(out + 16 * i), b);
            y = b;
        } else {
            __mmask64 k = v512_bytes((nt - i) * 16);
            last = x512_vec(rk, nr, dec, _mm512_maskz_loadu_epi8(k, in + 16 * i), tv);
            _mm512_mask_storeu_epi8(out + 16 * i, k, last);
        }
    }
    if (s) {
        /* Block q-1's first pass is lane (nt-1) mod 4 of the last vector,
         * or y if it was alone; the second pass takes T_q for encryption,
         * T_q-1 for decryption. */
        const long long l = 2 * (long long)((nt - 1) & 3);
        if (l) /* (else it was a lone block, already in y) */
            y = _mm512_castsi512_si128(
                _mm512_permutexvar_epi64(_mm512_set_epi64(0, 0, 0, 0, 0, 0, l + 1, l), last));
        __m128i tf = _mm512_castsi512_si128(
            x512_mulxk(tcv, _mm512_set1_epi64((long long)nt - (dec ? 1 : 0)), p87));
        out += 16 * nt;
        __m128i z = _mm_mask_blend_epi8(km, y, part);
        _mm_mask_storeu_epi8(out, km, y); /* the short final block */
        _mm_storeu_si128((__m128i *)(void *)(out - 16), x128_block(rk, nr, dec, z, tf));
    }
}

V512_TGT void own_v512_xts_encrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                   size_t len, uint8_t *out)
{
    const vaes_xts_ctx *c = ctx;
    xts_body(c, c->rounds, 0, tweak, in, len, out);
}

V512_TGT void own_v512_xts_decrypt(const void *ctx, const uint8_t tweak[16], const uint8_t *in,
                                   size_t len, uint8_t *out)
{
    const vaes_xts_ctx *c = ctx;
    xts_body(c, c->rounds, 1, tweak, in, len, out);
}
