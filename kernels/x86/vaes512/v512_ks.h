/*
 * v512_ks.h - the round-major keystream of the 512-bit GCM kernels
 * (gcm512.c, fused.c), apart from v512.h so that a file that does not call
 * it (xts512.c) does not carry a copy: the kernels are built with
 * -fno-toplevel-reorder, which keeps unreferenced static functions.
 */
#ifndef OWN_V512_KS_H
#define OWN_V512_KS_H

#include "v512.h"

/*
 * Keystream for nv (1..8) counter vectors, rounds issued round-major four
 * vectors at a time so those chains are in flight together (a loop that
 * finishes one vector's rounds before the next leaves it to the
 * out-of-order window to find the parallelism).  ctr is the byte-reflected
 * counter of the first vector; x[j] gets the keystream of counter vector j.
 * The four-vector group, which every keystream of four or more vectors
 * runs, has its rounds unrolled (OWN_X86_ROUNDS); the groups of one to
 * three keep a rolled loop, which keeps the three within the code-size
 * budget.  Not inlined: one copy serves every round count and direction,
 * and a call is cheap next to its 10..14 rounds.
 */
#define V512_KS_ROUND(N)                                                       \
    do {                                                                       \
        __m512i k_ = rk[r_];                                                   \
        _Pragma("GCC unroll 4") for (int j = 0; j < N; j++)                    \
            y[j] = _mm512_aesenc_epi128(y[j], k_);                             \
    } while (0)
#define V512_KS_ROLLED(N) for (int r_ = 1; r_ < nr; r_++) V512_KS_ROUND(N)
#define V512_KS_UNROLLED(N) OWN_X86_ROUNDS(nr, V512_KS_ROUND(N))
#define V512_KS_CASE(N, ROUNDS)                                                \
    case N: {                                                                  \
        __m512i y[N];                                                          \
        _Pragma("GCC unroll 4") for (int j = 0; j < N; j++)                    \
            y[j] = _mm512_xor_si512(_mm512_shuffle_epi8(                       \
                _mm512_add_epi32(ctr, v512_incall(4 * j)), bswap), rk[0]);     \
        ROUNDS(N);                                                             \
        _Pragma("GCC unroll 4") for (int j = 0; j < N; j++)                    \
            x[j] = _mm512_aesenclast_epi128(y[j], rk[nr]);                     \
        break;                                                                 \
    }

__attribute__((noinline)) V512_TGT static void
v512_keystream(const __m512i *rk, int nr, __m512i ctr, int nv, __m512i x[8])
{
    const __m512i bswap = _mm512_broadcast_i32x4(own_x86_bswap_mask());
    for (; nv > 0; nv -= 4, x += 4, ctr = _mm512_add_epi32(ctr, v512_incall(16))) {
        switch (nv < 4 ? nv : 4) {
            V512_KS_CASE(1, V512_KS_ROLLED)
            V512_KS_CASE(2, V512_KS_ROLLED)
            V512_KS_CASE(3, V512_KS_ROLLED)
            V512_KS_CASE(4, V512_KS_UNROLLED)
        default: break;
        }
    }
}

#endif /* OWN_V512_KS_H */
