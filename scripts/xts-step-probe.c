/*
 * xts-step-probe.c - how much of this CPU's 256-bit AES pipe rate an
 * XTS-shaped main loop keeps, with and without the tweak arithmetic.
 *
 *   gcc -O2 -mavx2 -maes -mvaes -mvpclmulqdq scripts/xts-step-probe.c \
 *       -o build/xts-step-probe && build/xts-step-probe [reps]
 *
 * Why.  `aesbench pipes` bounds XTS by its AES rounds alone, at the pipe
 * rate of independent VAESENC chains.  Every XTS kernel also makes one
 * tweak per block, and where that arithmetic runs on the vector pipes
 * beside the rounds, the rounds lose issue slots.  This probe times the
 * loop shape of own/vaes256's main loop (four vectors of AES-128, round
 * keys in registers, data loaded, whitened and stored) with each step
 * added in turn, so a gap to the bound can be split into what the loop
 * shape costs and what the tweak step costs.  Rows:
 *   loop        the four AES chains, load, round-key-0 XOR, store
 *   +xor        and the tweak XORs (whitening, last round key)
 *   +shifts     and each vector's two 128-bit byte shifts of the x^8
 *               step, without the reduction (not a correct tweak: a cost)
 *   +clmul      and the reduction by VPCLMULQDQ: own/vaes256's step
 *   +shift-xor  the reduction by shifts and XORs instead
 * Each figure is the fastest of `reps` passes over 16 KiB, as a share of
 * the rate of 12 independent VAESENC chains timed the same way (both in
 * TSC ticks, so no core clock is needed).  Nothing is verified: these loops
 * compute nothing anyone reads.  A CPU without VAES and VPCLMULQDQ is
 * reported and exits 0.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

#define W 4            /* vectors per iteration, as in own/vaes256 */
#define BYTES 16384
#define NVEC (BYTES / 32)
#define PIPE_ITERS 4096L /* x 12 VAESENC: about as long as a pass of a loop */

static __m256i keys[11];
static uint8_t buf[BYTES] __attribute__((aligned(64)));

enum { LOOP, XOR, SHIFTS, CLMUL, SHIFTXOR, NSTEP };
static const char *const names[NSTEP] = {"loop", "+xor", "+shifts", "+clmul", "+shift-xor"};

static inline __attribute__((always_inline)) __m256i step(__m256i t, const int s)
{
    __m256i up = _mm256_bslli_epi128(t, 1), b = _mm256_bsrli_epi128(t, 15);
    if (s == SHIFTS)
        return _mm256_xor_si256(up, b);
    if (s == CLMUL)
        return _mm256_xor_si256(up, _mm256_clmulepi64_epi128(b, _mm256_set_epi64x(0, 0x87, 0, 0x87), 0));
    __m256i b2 = _mm256_add_epi64(b, b); /* b * 0x87 = b ^ 2b ^ 4b ^ 128b */
    return _mm256_xor_si256(_mm256_xor_si256(up, _mm256_xor_si256(b, b2)),
                            _mm256_xor_si256(_mm256_add_epi64(b2, b2), _mm256_slli_epi64(b, 7)));
}

static inline __attribute__((always_inline)) void body(uint8_t *p, const int s)
{
    __m256i t[W];
    _Pragma("GCC unroll 8") for (int j = 0; j < W; j++) t[j] = _mm256_set1_epi32(j + 5);
    for (size_t v = 0; v < NVEC; v += W) {
        __m256i x[W], kt[W], k0 = keys[0], kl = keys[10];
        _Pragma("GCC unroll 8") for (int j = 0; j < W; j++) {
            x[j] = _mm256_xor_si256(_mm256_load_si256((const __m256i *)(const void *)(p + 32 * (v + j))), k0);
            if (s >= XOR)
                x[j] = _mm256_xor_si256(x[j], t[j]);
            kt[j] = s >= XOR ? _mm256_xor_si256(kl, t[j]) : kl;
        }
        _Pragma("GCC unroll 16") for (int r = 1; r < 10; r++) {
            __m256i k = keys[r];
            _Pragma("GCC unroll 8") for (int j = 0; j < W; j++) x[j] = _mm256_aesenc_epi128(x[j], k);
            if (s >= SHIFTS && r <= W) /* one vector of next tweaks per round, as the kernel does */
                t[r - 1] = step(t[r - 1], s);
        }
        _Pragma("GCC unroll 8") for (int j = 0; j < W; j++)
            _mm256_store_si256((__m256i *)(void *)(p + 32 * (v + j)), _mm256_aesenclast_epi128(x[j], kt[j]));
    }
    __m256i sum = t[0];
    for (int j = 1; j < W; j++)
        sum = _mm256_xor_si256(sum, t[j]);
    _mm256_store_si256((__m256i *)(void *)p, _mm256_xor_si256(sum, _mm256_load_si256((const __m256i *)(const void *)p)));
}

#define VARIANT(s) static __attribute__((noinline)) void run_##s(void) { body(buf, s); }
VARIANT(LOOP) VARIANT(XOR) VARIANT(SHIFTS) VARIANT(CLMUL) VARIANT(SHIFTXOR)
static void (*const runs[NSTEP])(void) = {run_LOOP, run_XOR, run_SHIFTS, run_CLMUL, run_SHIFTXOR};

/* ticks for n x 12 independent VAESENC (ymm), the pipes' own rate */
static __attribute__((noinline)) uint64_t pipe_rate(long n)
{
    uint64_t t = __rdtsc();
    __asm__ volatile("vpxor %%ymm0,%%ymm0,%%ymm0\n"
                     ".irp r,1,2,3,4,5,6,7,8,9,10,11\n vmovdqa %%ymm0,%%ymm\\r\n .endr\n"
                     "1:\n"
                     ".irp r,0,1,2,3,4,5,6,7,8,9,10,11\n vaesenc %%ymm15,%%ymm\\r,%%ymm\\r\n .endr\n"
                     "dec %0\n jnz 1b\n"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
                       "xmm9", "xmm10", "xmm11", "cc");
    return __rdtsc() - t;
}

int main(int argc, char **argv)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("vaes") || !__builtin_cpu_supports("vpclmulqdq") ||
        !__builtin_cpu_supports("avx2")) {
        puts("xts-step-probe: unsupported: this CPU lacks VAES, VPCLMULQDQ or AVX2");
        return 0;
    }
    char *end = NULL;
    long reps = argc > 1 ? strtol(argv[1], &end, 10) : 2000;
    if (argc > 2 || reps < 1 || (end && *end)) {
        fprintf(stderr, "xts-step-probe: usage: xts-step-probe [reps]; reps is a positive integer, not %s\n", argv[1]);
        return 2;
    }
    for (int i = 0; i < 11; i++)
        keys[i] = _mm256_set1_epi32(i * 77 + 1);
    uint64_t best[NSTEP], pipe = UINT64_MAX;
    for (int s = 0; s < NSTEP; s++)
        best[s] = UINT64_MAX;
    for (long r = 0; r < reps; r++) { /* interleaved, so a slow spell hits every row */
        for (int s = 0; s < NSTEP; s++) {
            uint64_t t = __rdtsc();
            runs[s]();
            t = __rdtsc() - t;
            best[s] = t < best[s] ? t : best[s];
        }
        uint64_t p = pipe_rate(PIPE_ITERS);
        pipe = p < pipe ? p : pipe;
    }
    printf("%-11s %14s %13s\n", "loop", "ticks/VAESENC", "of pipe rate");
    const double per_pipe = (double)pipe / (double)(PIPE_ITERS * 12);
    printf("%-11s %14.3f %12.0f%%\n", "pipes", per_pipe, 100.0);
    for (int s = 0; s < NSTEP; s++) {
        double per = (double)best[s] / (double)(NVEC * 10);
        printf("%-11s %14.3f %12.0f%%\n", names[s], per, 100.0 * per_pipe / per);
    }
    return 0;
}
