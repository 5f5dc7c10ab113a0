/*
 * cpu_x86.h - what an x86-64 CPU and its OS let a code path use.
 *
 * A feature bit in CPUID says the CPU has the instructions; using ymm or
 * zmm registers also needs the OS to save them across context switches,
 * which XCR0 (read with XGETBV, only if OSXSAVE is set) tells.  A path is
 * "supported" only when both agree: the kernel checks the same pair
 * (boot_cpu_has + cpu_has_xfeatures) before registering each algorithm.
 */
#ifndef AESLAB_CPU_X86_H
#define AESLAB_CPU_X86_H

#include <cpuid.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../kit/needs.h"

enum {
    CPU_SSE41 = 1u << 0,
    CPU_AES = 1u << 1,
    CPU_PCLMUL = 1u << 2,
    CPU_AVX = 1u << 3,   /* instructions and OS-enabled ymm state */
    CPU_AVX2 = 1u << 4,
    CPU_BMI2 = 1u << 5,
    CPU_VAES = 1u << 6,
    CPU_VPCLMUL = 1u << 7,
    CPU_AVX512 = 1u << 8, /* F + BW + VL and OS-enabled opmask/zmm state */
};

static inline unsigned cpu_x86_features(void)
{
    unsigned a, b, c, d, f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    int osxsave = (c >> 27) & 1;
    uint64_t xcr0 = 0;
    if (osxsave) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = ((uint64_t)hi << 32) | lo;
    }
    int ymm_ok = (xcr0 & 0x6) == 0x6;          /* SSE + AVX state */
    int zmm_ok = ymm_ok && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */

    if ((c >> 19) & 1) f |= CPU_SSE41;
    if ((c >> 25) & 1) f |= CPU_AES;
    if ((c >> 1) & 1) f |= CPU_PCLMUL;
    if (((c >> 28) & 1) && ymm_ok) f |= CPU_AVX;

    if (__get_cpuid_max(0, 0) >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        if (((b >> 5) & 1) && (f & CPU_AVX)) f |= CPU_AVX2;
        if ((b >> 8) & 1) f |= CPU_BMI2;
        if ((c >> 9) & 1) f |= CPU_VAES;
        if ((c >> 10) & 1) f |= CPU_VPCLMUL;
        /* AVX512F (b16), AVX512BW (b30), AVX512VL (b31) */
        if (((b >> 16) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1) && zmm_ok)
            f |= CPU_AVX512;
    }
    return f;
}

/* 1 if every feature in `need` is present. */
static inline int cpu_x86_has(unsigned need)
{
    static unsigned cached;
    static int done;
    if (!done) {
        cached = cpu_x86_features();
        done = 1;
    }
    return (cached & need) == need;
}

/* The names of the bits in `need`, in the vocabulary of aeslab_impl.needs;
 * NULL if none. */
static inline const char *cpu_x86_needs(unsigned need, char *buf, size_t n)
{
    static const struct kit_need_name t[] = {
        {0, CPU_AES, "aes"}, {0, CPU_PCLMUL, "pclmul"}, {0, CPU_SSE41, "sse4.1"},
        {0, CPU_AVX, "avx"}, {0, CPU_AVX2, "avx2"}, {0, CPU_BMI2, "bmi2"},
        {0, CPU_VAES, "vaes"}, {0, CPU_VPCLMUL, "vpclmulqdq"},
        {0, CPU_AVX512, "avx512f avx512bw avx512vl"},
    };
    return kit_needs(t, sizeof t / sizeof t[0], &need, buf, n);
}

#endif /* AESLAB_CPU_X86_H */
