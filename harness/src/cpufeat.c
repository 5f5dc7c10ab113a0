/*
 * cpufeat.c - the CPU features an implementation's `needs` names, as this
 * machine has them, so that a row the CPU cannot run is reported with what
 * it lacks rather than just "unsupported".
 *
 * x86-64 asks CPUID through GCC's __builtin_cpu_supports, which also checks
 * that the OS saves ymm/zmm state (XCR0) for the AVX and AVX-512 bits.
 * CPUID, not /proc/cpuinfo: under qemu-x86_64 -cpu MODEL, cpuinfo is the
 * host's while CPUID is the model's.  arm64 reads the kernel's HWCAPs.
 */
#include <string.h>

#include "aesbench.h"

#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_AES
#define HWCAP_AES (1UL << 3)
#endif
#ifndef HWCAP_PMULL
#define HWCAP_PMULL (1UL << 4)
#endif
#ifndef HWCAP_SHA3
#define HWCAP_SHA3 (1UL << 17)
#endif
#endif

int cpu_feature(const char *name)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    /* __builtin_cpu_supports takes a literal, hence one line per name. */
#define F(n) if (!strcmp(name, n)) return __builtin_cpu_supports(n) != 0
    F("aes"); F("pclmul"); F("ssse3"); F("sse4.1"); F("sse4.2"); F("avx"); F("avx2");
    F("bmi2"); F("movbe"); F("vaes"); F("vpclmulqdq"); F("gfni"); F("avx512f");
    F("avx512dq"); F("avx512cd"); F("avx512bw"); F("avx512vl"); F("avx512vbmi");
    F("avx512vbmi2");
#undef F
#elif defined(__aarch64__)
    unsigned long hw = getauxval(AT_HWCAP);
    if (!strcmp(name, "aes")) return (hw & HWCAP_AES) != 0;
    if (!strcmp(name, "pmull")) return (hw & HWCAP_PMULL) != 0;
    if (!strcmp(name, "sha3")) return (hw & HWCAP_SHA3) != 0;
#endif
    return -1;
}

const char *cpu_lacking(const char *needs, char *buf, size_t n)
{
    buf[0] = 0;
    if (!needs)
        return buf;
    size_t used = 0;
    const char *p = needs;
    while (*p) {
        size_t len = strcspn(p, " ");
        if (len) {
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)len, p);
            int has = cpu_feature(name);
            if (has != 1) {
                int w = snprintf(buf + used, used < n ? n - used : 0, "%s%s%s", used ? " " : "",
                                 name, has < 0 ? "(?)" : "");
                if (w > 0)
                    used += (size_t)w;
            }
        }
        p += len;
        p += strspn(p, " ");
    }
    if (used >= n && n > 4)
        strcpy(buf + n - 4, "...");
    return buf;
}

const char *unsupported_status(const aeslab_impl *im, char *buf, size_t n)
{
    char lack[256];
    cpu_lacking(im->needs, lack, sizeof lack);
    if (!im->needs)
        snprintf(buf, n, "unsupported: the plugin does not say what it needs");
    else if (lack[0])
        snprintf(buf, n, "unsupported: lacks %s (needs %s)", lack, im->needs);
    else
        snprintf(buf, n, "unsupported: refused by its plugin though this CPU has all it names "
                         "(needs %s)", im->needs);
    return buf;
}
