/*
 * emulation.c - detect that aesbench runs under an instruction-set
 * emulator, so that no throughput measured there is ever recorded.
 *
 * Why: the lab cross-builds its arm64 code on x86 and verifies it under
 * qemu-aarch64.  Verification there is meaningful; speed is not (an
 * emulated AESE is a C helper in qemu, an emulated PMULL a loop), and a
 * number in a results file outlives the context it was taken in.
 *
 * Signals, cheapest and most specific first; the first that fires wins:
 *  1. AESLAB_EMULATED=1 (told so) or =0 (told not: skip detection, for a
 *     false positive).
 *  2. qemu-user.  It rewrites the guest's view of /proc/self/exe and
 *     /proc/self/maps, but not /proc/thread-self/exe (nor
 *     /proc/self/task/<tid>/exe), which still names the emulator binary.
 *     Matched on a basename starting with "qemu-"; binfmt_misc launches
 *     are caught too, since the emulator is still the process image.
 *  3. An architecture mismatch in /proc/cpuinfo.  qemu-user (7.x) passes
 *     the host's file through, so an aarch64 process that reads an x86
 *     cpuinfo ("vendor_id", "flags", no "CPU implementer") is emulated; an
 *     x86-64 process reading an Arm one likewise (qemu-x86_64, FEX, box64).
 *  4. aarch64: MIDR_EL1 implementer 0x00, "reserved for software use",
 *     which no silicon carries and qemu's "max" CPU model reports (read
 *     from /proc/cpuinfo, or with MRS when HWCAP_CPUID says the kernel
 *     emulates it).  x86-64: the hypervisor CPUID leaf's signature
 *     "TCGTCGTCGTCG", qemu's software (TCG) system emulation.  A hardware
 *     VM (KVM, Nitro, Hyper-V) runs instructions natively and is not
 *     emulation.
 * Not caught: full-system qemu TCG with a named Arm CPU model (it looks
 * like that CPU in every register).  Set AESLAB_EMULATED=1 there.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "aesbench.h"
#include "emulation.h"

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#endif

static char reason_buf[320];

/* 2. the emulator's own image behind a per-thread /proc entry */
static int qemu_user(void)
{
    char path[64], exe[256];
    const char *tries[2] = {"/proc/thread-self/exe", path};
    snprintf(path, sizeof path, "/proc/self/task/%ld/exe", (long)syscall(SYS_gettid));
    for (int i = 0; i < 2; i++) {
        ssize_t n = readlink(tries[i], exe, sizeof exe - 1);
        if (n <= 0)
            continue;
        exe[n] = 0;
        const char *base = strrchr(exe, '/');
        base = base ? base + 1 : exe;
        if (!strncmp(base, "qemu-", 5)) {
            snprintf(reason_buf, sizeof reason_buf, "qemu-user (%s)", exe);
            return 1;
        }
    }
    return 0;
}

/* 3./4. what /proc/cpuinfo says about the CPU */
static int cpuinfo_mismatch(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return 0;
    char line[512];
    int x86 = 0, arm = 0, implementer0 = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "vendor_id", 9) || !strncmp(line, "flags\t", 6))
            x86 = 1;
        if (!strncmp(line, "CPU implementer", 15)) {
            arm = 1;
            const char *v = strchr(line, ':');
            if (v && strtoul(v + 1, NULL, 0) == 0)
                implementer0 = 1;
        }
    }
    fclose(f);
#if defined(__aarch64__)
    if (x86 && !arm) {
        snprintf(reason_buf, sizeof reason_buf,
                 "an aarch64 process on an x86 CPU (/proc/cpuinfo)");
        return 1;
    }
    if (implementer0) {
        snprintf(reason_buf, sizeof reason_buf,
                 "CPU implementer 0x00 in /proc/cpuinfo (qemu's 'max' model)");
        return 1;
    }
#elif defined(__x86_64__)
    if (arm && !x86) {
        snprintf(reason_buf, sizeof reason_buf,
                 "an x86-64 process on an Arm CPU (/proc/cpuinfo)");
        return 1;
    }
#endif
    (void)implementer0;
    return 0;
}

/* 4. the CPU's own identification */
static int cpu_id_says_emulator(void)
{
#if defined(__aarch64__)
#ifndef HWCAP_CPUID
#define HWCAP_CPUID (1ul << 11)
#endif
    if (getauxval(AT_HWCAP) & HWCAP_CPUID) {
        unsigned long midr;
        __asm__ __volatile__("mrs %0, midr_el1" : "=r"(midr));
        if (((midr >> 24) & 0xff) == 0) {
            snprintf(reason_buf, sizeof reason_buf,
                     "MIDR_EL1 %#lx: implementer 0x00 (qemu's 'max' model)", midr);
            return 1;
        }
    }
#elif defined(__x86_64__)
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31))) {
        __cpuid(0x40000000, a, b, c, d);
        char sig[13];
        memcpy(sig, &b, 4), memcpy(sig + 4, &c, 4), memcpy(sig + 8, &d, 4);
        sig[12] = 0;
        if (!strcmp(sig, "TCGTCGTCGTCG")) {
            snprintf(reason_buf, sizeof reason_buf, "qemu TCG (CPUID hypervisor leaf)");
            return 1;
        }
    }
#endif
    return 0;
}

const char *emulation_reason(void)
{
    static int done;
    static const char *reason;
    if (done)
        return reason;
    done = 1;
    const char *env = getenv("AESLAB_EMULATED");
    if (env && *env == '1')
        reason = "AESLAB_EMULATED=1";
    else if (env && *env == '0')
        reason = NULL;
    else if (qemu_user() || cpuinfo_mismatch() || cpu_id_says_emulator())
        reason = reason_buf;
    return reason;
}

static int labelled;

void emulation_gate_run(int allow)
{
    const char *why = emulation_reason();
    if (!why)
        return;
    if (!allow)
        die("run: refusing to measure under emulation (%s): emulated throughput says nothing "
            "about any CPU; verify here, measure on the hardware (or pass --allow-emulated, "
            "which labels every point \"emulated\": true)",
            why);
    warnx("run: emulated (%s): these figures are not performance; every point is labelled "
          "\"emulated\": true",
          why);
    labelled = 1;
}

int emulation_labelled(void)
{
    return labelled;
}
