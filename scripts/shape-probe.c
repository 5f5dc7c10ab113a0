/*
 * shape-probe.c - how much of this CPU's 256-bit pipe rate the loop shapes
 * of own/vaes256's XTS and GCM main loops keep, one ingredient at a time.
 *
 *   gcc -O2 -mavx2 -maes -mvaes -mvpclmulqdq scripts/shape-probe.c \
 *       -o build/shape-probe && build/shape-probe [reps]
 *
 * Why.  `aesbench pipes` bounds XTS by its AES rounds alone and GCM by AES
 * and carry-less multiplies in GCM's proportion, each as independent chains.
 * A kernel also loads, stores, makes tweaks or counters, byte-swaps and
 * shuffles, and where that work runs on the vector pipes beside the rounds,
 * the rounds lose issue slots.  This probe times each main loop's shape
 * bare and then with each ingredient added, so a gap to the bound can be
 * split into what the shape costs and what each ingredient costs.  AES-128,
 * 16 KiB per pass; nothing is verified (these loops compute nothing anyone
 * reads, and their tweaks and counters are stand-ins with the real ones'
 * instructions).
 *
 * XTS rows (four vectors per iteration, round keys in registers), as shares
 * of the rate of 12 independent VAESENC chains:
 *   loop        the four AES chains, load, round-key-0 XOR, store
 *   +xor        and the tweak XORs (whitening, last round key)
 *   +shifts     and each vector's two 128-bit byte shifts of the x^8
 *               step, without the reduction (a cost, not a correct tweak)
 *   +clmul      and the reduction by VPCLMULQDQ: own/vaes256's step
 *   +shift-xor  the reduction by shifts and XORs instead
 * GCM rows (six vectors per iteration, the input hashed as it is
 * decrypted, each pair of vectors' Karatsuba products slotted after a
 * round, one reduction per iteration), as shares of the rate of 40 VAESENC
 * and 13 VPCLMULQDQ per 4 blocks as independent chains (the proportion of
 * `aesbench pipes`' gcm128 stream):
 *   ghash       the AES chains with load, XOR and store, and the 20
 *               multiplies, with no shuffle anywhere
 *   +bswap      and the byte swap of each hashed vector
 *   +karatsuba  and the qword swap that makes each middle operand
 *   +reduce     and the reduction's shuffles
 *   +counters   and the counter blocks made from one swapped counter
 * Each figure is the fastest of `reps` passes (rows interleaved, so a slow
 * spell of a shared host hits all of them), in TSC ticks on both sides of
 * every share, so no core clock is needed.  A CPU without VAES,
 * VPCLMULQDQ or AVX2 is reported as unsupported and exits 0.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

#define BYTES 16384
#define XW 4 /* XTS vectors per iteration */
#define GW 6 /* GCM vectors per iteration */
#define PIPE_ITERS 4096L

typedef void (*pass_fn)(void);

static __m256i keys[11], hpow[GW], hkar[GW];
static uint8_t buf[BYTES] __attribute__((aligned(64)));

/* ---- XTS ---- */

enum { X_LOOP, X_XOR, X_SHIFTS, X_CLMUL, X_SHIFTXOR, X_N };
static const char *const xnames[X_N] = {"loop", "+xor", "+shifts", "+clmul", "+shift-xor"};

static inline __attribute__((always_inline)) __m256i xstep(__m256i t, const int s)
{
    __m256i up = _mm256_bslli_epi128(t, 1), b = _mm256_bsrli_epi128(t, 15);
    if (s == X_SHIFTS)
        return _mm256_xor_si256(up, b);
    if (s == X_CLMUL)
        return _mm256_xor_si256(up, _mm256_clmulepi64_epi128(b, _mm256_set_epi64x(0, 0x87, 0, 0x87), 0));
    __m256i b2 = _mm256_add_epi64(b, b); /* b * 0x87 = b ^ 2b ^ 4b ^ 128b */
    return _mm256_xor_si256(_mm256_xor_si256(up, _mm256_xor_si256(b, b2)),
                            _mm256_xor_si256(_mm256_add_epi64(b2, b2), _mm256_slli_epi64(b, 7)));
}

static inline __attribute__((always_inline)) void xts_pass(uint8_t *p, const int s)
{
    __m256i t[XW];
    _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++) t[j] = _mm256_set1_epi32(j + 5);
    for (size_t off = 0; off + 32 * XW <= BYTES; off += 32 * XW) {
        __m256i x[XW], kt[XW], k0 = keys[0], kl = keys[10];
        _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++) {
            x[j] = _mm256_xor_si256(_mm256_load_si256((const __m256i *)(const void *)(p + off + 32 * j)), k0);
            if (s >= X_XOR)
                x[j] = _mm256_xor_si256(x[j], t[j]);
            kt[j] = s >= X_XOR ? _mm256_xor_si256(kl, t[j]) : kl;
        }
        _Pragma("GCC unroll 16") for (int r = 1; r < 10; r++) {
            __m256i k = keys[r];
            _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++) x[j] = _mm256_aesenc_epi128(x[j], k);
            if (s >= X_SHIFTS && r <= XW) /* one vector of next tweaks per round, as the kernel does */
                t[r - 1] = xstep(t[r - 1], s);
        }
        _Pragma("GCC unroll 8") for (int j = 0; j < XW; j++)
            _mm256_store_si256((__m256i *)(void *)(p + off + 32 * j), _mm256_aesenclast_epi128(x[j], kt[j]));
    }
    __m256i sum = t[0];
    for (int j = 1; j < XW; j++)
        sum = _mm256_xor_si256(sum, t[j]);
    _mm256_store_si256((__m256i *)(void *)p, _mm256_xor_si256(sum, _mm256_load_si256((const __m256i *)(const void *)p)));
}

#define XTS_PASS(s) static __attribute__((noinline)) void xts_##s(void) { xts_pass(buf, s); }
XTS_PASS(X_LOOP) XTS_PASS(X_XOR) XTS_PASS(X_SHIFTS) XTS_PASS(X_CLMUL) XTS_PASS(X_SHIFTXOR)
static const pass_fn xts_passes[X_N] = {xts_X_LOOP, xts_X_XOR, xts_X_SHIFTS, xts_X_CLMUL, xts_X_SHIFTXOR};

/* ---- GCM ---- */

enum { G_GHASH, G_BSWAP, G_KARATSUBA, G_REDUCE, G_COUNTERS, G_N };
static const char *const gnames[G_N] = {"ghash", "+bswap", "+karatsuba", "+reduce", "+counters"};

/* the qword swap where the row has it, else a stand-in the compiler cannot
 * fold (a ^ a would drop the multiply it feeds) */
static inline __attribute__((always_inline)) __m256i qswap(__m256i a, __m256i other, const int s,
                                                           const int from)
{
    return s >= from ? _mm256_shuffle_epi32(a, 0x4e) : other;
}

static inline __attribute__((always_inline)) void gcm_pass(uint8_t *p, const int s)
{
    const __m256i bswap = _mm256_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i poly = _mm256_set1_epi64x((long long)0xc200000000000000ull);
    __m256i ctr = _mm256_set_epi32(0, 0, 0, 2, 0, 0, 0, 1), acc = _mm256_setzero_si256();
    for (size_t off = 0; off + 32 * GW <= BYTES; off += 32 * GW) {
        const uint8_t *in = p + off;
        __m256i x[GW], k0 = keys[0];
        /* without counters, six distinct blocks by one XOR each (the same
         * blocks would be one chain to the compiler) */
        __m256i be = s >= G_COUNTERS ? _mm256_shuffle_epi8(ctr, bswap) : ctr;
        _Pragma("GCC unroll 8") for (int j = 0; j < GW; j++)
            x[j] = _mm256_xor_si256(s < G_COUNTERS ? _mm256_xor_si256(be, hkar[j])
                                    : j ? _mm256_add_epi32(be, _mm256_set1_epi32(2 * j)) : be, k0);
        ctr = _mm256_add_epi32(ctr, _mm256_set1_epi32(2 * GW));
        __m256i lo = _mm256_setzero_si256(), mi = lo, hi = lo;
        _Pragma("GCC unroll 16") for (int r = 1; r < 10; r++) {
            __m256i k = keys[r];
            _Pragma("GCC unroll 8") for (int j = 0; j < GW; j++) x[j] = _mm256_aesenc_epi128(x[j], k);
            _Pragma("GCC unroll 8") for (int j = 0; j < GW; j += 2) {
                if (r != 1 + j * 8 / GW)
                    continue;
                __m256i a = _mm256_load_si256((const __m256i *)(const void *)(in + 32 * j));
                __m256i b = _mm256_load_si256((const __m256i *)(const void *)(in + 32 * j + 32));
                if (s >= G_BSWAP)
                    a = _mm256_shuffle_epi8(a, bswap), b = _mm256_shuffle_epi8(b, bswap);
                if (j == 0)
                    a = _mm256_xor_si256(a, acc);
                lo = _mm256_xor_si256(lo, _mm256_xor_si256(_mm256_clmulepi64_epi128(a, hpow[j], 0x00),
                                                           _mm256_clmulepi64_epi128(b, hpow[j + 1], 0x00)));
                hi = _mm256_xor_si256(hi, _mm256_xor_si256(_mm256_clmulepi64_epi128(a, hpow[j], 0x11),
                                                           _mm256_clmulepi64_epi128(b, hpow[j + 1], 0x11)));
                a = _mm256_xor_si256(a, qswap(a, hpow[j], s, G_KARATSUBA));
                b = _mm256_xor_si256(b, qswap(b, hpow[j + 1], s, G_KARATSUBA));
                mi = _mm256_xor_si256(mi, _mm256_xor_si256(_mm256_clmulepi64_epi128(a, hkar[j], 0x00),
                                                           _mm256_clmulepi64_epi128(b, hkar[j + 1], 0x00)));
            }
        }
        mi = _mm256_xor_si256(mi, _mm256_xor_si256(lo, hi));
        mi = _mm256_xor_si256(mi, _mm256_xor_si256(qswap(lo, hi, s, G_REDUCE), _mm256_clmulepi64_epi128(lo, poly, 0x10)));
        hi = _mm256_xor_si256(hi, _mm256_xor_si256(qswap(mi, lo, s, G_REDUCE), _mm256_clmulepi64_epi128(mi, poly, 0x10)));
        /* the two lanes folded into the next iteration's first block */
        acc = s >= G_REDUCE ? _mm256_zextsi128_si256(_mm_xor_si128(_mm256_castsi256_si128(hi),
                                                                   _mm256_extracti128_si256(hi, 1)))
                            : hi;
        __m256i kl = keys[10];
        _Pragma("GCC unroll 8") for (int j = 0; j < GW; j++) {
            __m256i d = _mm256_load_si256((const __m256i *)(const void *)(in + 32 * j));
            _mm256_store_si256((__m256i *)(void *)(p + off + 32 * j),
                               _mm256_xor_si256(_mm256_aesenclast_epi128(x[j], kl), d));
        }
    }
    _mm256_store_si256((__m256i *)(void *)p, _mm256_xor_si256(acc, _mm256_load_si256((const __m256i *)(const void *)p)));
}

#define GCM_PASS(s) static __attribute__((noinline)) void gcm_##s(void) { gcm_pass(buf, s); }
GCM_PASS(G_GHASH) GCM_PASS(G_BSWAP) GCM_PASS(G_KARATSUBA) GCM_PASS(G_REDUCE) GCM_PASS(G_COUNTERS)
static const pass_fn gcm_passes[G_N] = {gcm_G_GHASH, gcm_G_BSWAP, gcm_G_KARATSUBA, gcm_G_REDUCE,
                                        gcm_G_COUNTERS};

/* ---- the pipes' own rates ---- */

/* Returns the ticks for PIPE_ITERS runs of an asm body over ymm0..ymm13
 * (zeroed first), ymm15 the round key or multiplier. */
#define PIPE_LOOP(body)                                                                       \
    do {                                                                                      \
        long n_ = PIPE_ITERS;                                                                 \
        uint64_t t_ = __rdtsc();                                                              \
        __asm__ volatile("vpxor %%ymm0,%%ymm0,%%ymm0\n"                                       \
                         ".irp r,1,2,3,4,5,6,7,8,9,10,11,12,13\n vmovdqa %%ymm0,%%ymm\\r\n .endr\n" \
                         "1:\n" body "dec %0\n jnz 1b\n"                                       \
                         : "+r"(n_)                                                           \
                         :                                                                    \
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",    \
                           "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "cc");         \
        return __rdtsc() - t_;                                                                \
    } while (0)

/* 12 independent VAESENC */
static __attribute__((noinline)) uint64_t aes_rate(void)
{
    PIPE_LOOP(".irp r,0,1,2,3,4,5,6,7,8,9,10,11\n vaesenc %%ymm15,%%ymm\\r,%%ymm\\r\n .endr\n");
}

/* 40 VAESENC on 10 chains + 13 VPCLMULQDQ on 4 chains: GCM's proportion
 * for 4 blocks per lane, 8 blocks per body */
static __attribute__((noinline)) uint64_t gcm_rate(void)
{
    PIPE_LOOP(".rept 4\n"
              ".irp r,0,1,2,3,4,5,6,7,8,9\n vaesenc %%ymm15,%%ymm\\r,%%ymm\\r\n .endr\n"
              ".irp r,10,11,12\n vpclmulqdq $0x00,%%ymm15,%%ymm\\r,%%ymm\\r\n .endr\n"
              ".endr\n"
              "vpclmulqdq $0x11,%%ymm15,%%ymm13,%%ymm13\n");
}

static uint64_t best_of(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

int main(int argc, char **argv)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("vaes") || !__builtin_cpu_supports("vpclmulqdq") ||
        !__builtin_cpu_supports("avx2")) {
        puts("shape-probe: unsupported: this CPU lacks VAES, VPCLMULQDQ or AVX2");
        return 0;
    }
    char *end = NULL;
    long reps = argc > 1 ? strtol(argv[1], &end, 10) : 2000;
    if (argc > 2 || reps < 1 || (end && *end)) {
        fprintf(stderr, "shape-probe: usage: shape-probe [reps]; reps is a positive integer, not %s\n",
                argv[1]);
        return 2;
    }
    for (int i = 0; i < 11; i++)
        keys[i] = _mm256_set1_epi32(i * 77 + 1);
    for (int i = 0; i < GW; i++)
        hpow[i] = _mm256_set1_epi32(i * 31 + 7), hkar[i] = _mm256_set1_epi32(i * 13 + 3);

    uint64_t xbest[X_N], gbest[G_N], aes = UINT64_MAX, gcm = UINT64_MAX;
    for (int s = 0; s < X_N; s++)
        xbest[s] = UINT64_MAX;
    for (int s = 0; s < G_N; s++)
        gbest[s] = UINT64_MAX;
    for (long r = 0; r < reps; r++) {
        for (int s = 0; s < X_N; s++) {
            uint64_t t = __rdtsc();
            xts_passes[s]();
            xbest[s] = best_of(xbest[s], __rdtsc() - t);
        }
        for (int s = 0; s < G_N; s++) {
            uint64_t t = __rdtsc();
            gcm_passes[s]();
            gbest[s] = best_of(gbest[s], __rdtsc() - t);
        }
        aes = best_of(aes, aes_rate());
        gcm = best_of(gcm, gcm_rate());
    }

    /* per 16-byte block: XTS passes cover BYTES, GCM passes the whole
     * iterations that fit in it */
    const double xblocks = BYTES / 16, gblocks = (double)(BYTES / (32 * GW) * 2 * GW);
    const double aes_blk = (double)aes / (PIPE_ITERS * 12.0) * 10.0 / 2.0; /* 10 rounds, 2 blocks per insn */
    const double gcm_blk = (double)gcm / (PIPE_ITERS * 8.0);
    printf("%-4s %-11s %12s %13s\n", "alg", "loop", "ticks/block", "of pipe rate");
    printf("%-4s %-11s %12.3f %12.0f%%\n", "xts", "pipes", aes_blk, 100.0);
    for (int s = 0; s < X_N; s++) {
        double v = (double)xbest[s] / xblocks;
        printf("%-4s %-11s %12.3f %12.0f%%\n", "xts", xnames[s], v, 100.0 * aes_blk / v);
    }
    printf("%-4s %-11s %12.3f %12.0f%%\n", "gcm", "pipes", gcm_blk, 100.0);
    for (int s = 0; s < G_N; s++) {
        double v = (double)gbest[s] / gblocks;
        printf("%-4s %-11s %12.3f %12.0f%%\n", "gcm", gnames[s], v, 100.0 * gcm_blk / v);
    }
    return 0;
}
