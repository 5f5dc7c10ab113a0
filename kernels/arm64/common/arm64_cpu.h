/*
 * arm64_cpu.h - which Armv8 crypto instructions this process may use, for
 * the own arm64 kernels (armv8-ce, armv8-ce-u4, armv8-ce-eor3) and own/auto.
 *
 * Source of truth: the kernel's AT_HWCAP word (getauxval), never MIDR or a
 * CPU-name table: HWCAP says what the kernel lets user space execute, on
 * bare metal, in a VM and under qemu alike.
 *     HWCAP_AES   (bit 3)   AESE/AESD/AESMC/AESIMC
 *     HWCAP_PMULL (bit 4)   PMULL/PMULL2 on 64-bit lanes
 *     HWCAP_SHA3  (bit 17)  EOR3/RAX1/XAR/BCAX (Armv8.2 SHA3 extension)
 *
 * Capability override, AESLAB_ARMCAP (documented in docs/arm64.md): hides
 * capabilities the CPU has, so every dispatch path can be exercised on one
 * machine (every CPU model of qemu 7.2 has AES and PMULL, so without it the
 * portable fallback would be unreachable under emulation).  It can only
 * remove, never add, so it can never make a kernel execute an instruction
 * the CPU lacks.  The value is a comma-separated list of:
 *     noaes nopmull nosha3   hide one capability
 *     none                   hide all three (the no-crypto fallback)
 *     0x<hex>                AND the raw AT_HWCAP word with this mask
 * Anything else hides all three: a typo falls back to the portable code,
 * which is slower but never wrong, and `aesbench list` shows it at once.
 *
 * Everything is static inline (code lands in the folder that uses it, for
 * the per-kernel code size); the result is cached per translation unit, and
 * the race on first use is benign (every thread computes the same value).
 */
#ifndef OWN_ARM64_CPU_H
#define OWN_ARM64_CPU_H

#if !defined(__aarch64__)
#error "arm64_cpu.h is for aarch64 builds only"
#endif
#if defined(__AARCH64EB__)
#error "the own arm64 kernels assume little-endian aarch64"
#endif

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#define OWN_ARM64_AES   (1ul << 3)
#define OWN_ARM64_PMULL (1ul << 4)
#define OWN_ARM64_SHA3  (1ul << 17)

/* The capability mask AESLAB_ARMCAP asks for (~0 if unset). */
static inline unsigned long own_arm64_override_mask(void)
{
    const char *env = getenv("AESLAB_ARMCAP");
    if (!env || !*env)
        return ~0ul;
    unsigned long keep = ~0ul;
    const char *p = env;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 5 && !strncmp(p, "noaes", 5))
            keep &= ~OWN_ARM64_AES;
        else if (n == 7 && !strncmp(p, "nopmull", 7))
            keep &= ~OWN_ARM64_PMULL;
        else if (n == 6 && !strncmp(p, "nosha3", 6))
            keep &= ~OWN_ARM64_SHA3;
        else if (n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            char buf[24], *end;
            if (n >= sizeof buf)
                return 0;
            memcpy(buf, p, n);
            buf[n] = 0;
            unsigned long m = strtoul(buf, &end, 16);
            if (*end)
                return 0;
            keep &= m;
        } else /* "none", or anything not understood */
            return 0;
        p += n;
        if (*p == ',')
            p++;
    }
    return keep;
}

static inline unsigned long own_arm64_hwcap(void)
{
    static volatile unsigned long cache; /* bit 63 = computed (never a HWCAP bit we use) */
    unsigned long v = cache;
    if (!(v >> 63)) {
        v = (getauxval(AT_HWCAP) & own_arm64_override_mask() &
             (OWN_ARM64_AES | OWN_ARM64_PMULL | OWN_ARM64_SHA3)) | (1ul << 63);
        cache = v;
    }
    return v & ~(1ul << 63);
}

static inline int own_arm64_has(unsigned long mask)
{
    return (own_arm64_hwcap() & mask) == mask;
}

/* AES + PMULL: the armv8-ce kernels.  + SHA3: armv8-ce-eor3. */
static inline int own_arm64_cpu_ce(void)
{
    return own_arm64_has(OWN_ARM64_AES | OWN_ARM64_PMULL);
}
static inline int own_arm64_cpu_ce_eor3(void)
{
    return own_arm64_has(OWN_ARM64_AES | OWN_ARM64_PMULL | OWN_ARM64_SHA3);
}

#endif /* OWN_ARM64_CPU_H */
