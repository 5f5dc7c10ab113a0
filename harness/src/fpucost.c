/*
 * fpucost.c - `aesbench fpu-cost`: what saving and restoring the extended
 * register state costs, measured in user space (seed 004).
 *
 * When kernel code uses SIMD registers (kernel_fpu_begin), x86 Linux first
 * saves the interrupted task's user register state with an XSAVE-family
 * instruction and restores it with XRSTOR before that task next runs in user
 * space.  The question in seed 004 is how much that costs, and whether it
 * grows when the user program had ymm or zmm state live.  The kernel uses
 * XSAVES/XRSTORS (privileged); the closest user-space equivalents are:
 *   XSAVE      standard format, writes every requested component;
 *   XSAVEOPT   standard format, skips components in their initial state and
 *              (on the same buffer) components not modified since the last
 *              XRSTOR from it;
 *   XSAVEC     compacted format, skips components in their initial state
 *              (XSAVES adds the supervisor components and the "modified"
 *              optimisation to this);
 * each paired with XRSTOR from the same buffer.
 *
 * Method.  A template image is built with exactly the wanted components in
 * use (xmm: SSE; ymm: SSE + AVX; zmm: SSE + AVX + opmask + ZMM_Hi256 +
 * Hi16_ZMM), holding non-zero register values, and loaded with XRSTOR, so the
 * processor's in-use tracking is in a known state whatever libc did to the
 * registers before.  Each loop iteration then touches the live registers
 * (as a user program that computes with them would, so XSAVEOPT cannot skip
 * them as unmodified), saves, and restores.  Everything from loading the
 * template to the last timestamp is one asm statement, so no compiler-made
 * vector code can change the state in between.  Save alone and restore
 * alone are timed the same way.  A figure is the median over batches of the
 * per-iteration TSC time; core cycles come from the calibrated clock.
 * Components are limited to x87, SSE, AVX and the three AVX-512 ones: PKRU
 * and AMX tile state are left alone (restoring PKRU to its initial value
 * would change memory protection keys; AMX state needs permission).
 */
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "aesbench.h"
#include "clock.h"
#include "select.h"

#if defined(__x86_64__)

#define XF_X87 (1u << 0)
#define XF_SSE (1u << 1)
#define XF_AVX (1u << 2)
#define XF_OPMASK (1u << 5)
#define XF_ZMM_HI256 (1u << 6)
#define XF_HI16_ZMM (1u << 7)
#define XF_ALLOWED (XF_X87 | XF_SSE | XF_AVX | XF_OPMASK | XF_ZMM_HI256 | XF_HI16_ZMM)
#define AREA 16384

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

/* Fills the register contents of each component in `live` of a standard
 * format image with a non-zero pattern, and marks exactly those in use. */
static void make_template(uint8_t *img, uint64_t live)
{
    unsigned a, b, c, d;
    for (int i = 0; i < 256; i++) /* XMM0-15 */
        img[160 + i] = (uint8_t)(0x5a ^ i);
    for (int comp = 2; comp <= 7; comp++) {
        if (!(live >> comp & 1))
            continue;
        __cpuid_count(0xd, comp, a, b, c, d);
        for (unsigned i = 0; i < a && b + i < AREA; i++)
            img[b + i] = (uint8_t)(0xa5 ^ (i * 7) ^ comp);
    }
    memcpy(img + 512, &live, 8);     /* XSTATE_BV */
    memset(img + 520, 0, 64 - 8);    /* XCOMP_BV = 0: standard format */
}

/* One measured loop: establish the state from the template, save it once
 * with PRE (so restore-only loops have a valid image in the right format),
 * then `iters` iterations of (touch; save; restore), (touch; save) or
 * (restore).  Returns TSC ticks for the iterations. */
#define LOOP_FN(name, PRE, TOUCH, BODY)                                                         \
    static uint64_t name(uint8_t *tmpl, uint8_t *buf, uint64_t mask, uint64_t iters)        \
    {                                                                                       \
        uint64_t t0, t1, n = iters;                                                         \
        uint32_t lo = (uint32_t)mask, hi = (uint32_t)(mask >> 32);                          \
        __asm__ __volatile__(                                                               \
            "movl %[lo], %%eax\n\tmovl %[hi], %%edx\n\t"                                    \
            "xrstor64 (%[tmpl])\n\t"                                                        \
            "movl %[lo], %%eax\n\tmovl %[hi], %%edx\n\t"                                    \
            PRE " (%[buf])\n\t"                                                              \
            "lfence\n\trdtsc\n\tlfence\n\t"                                                 \
            "shlq $32, %%rdx\n\torq %%rdx, %%rax\n\tmovq %%rax, %[t0]\n\t"                  \
            "1:\n\t" TOUCH "\n\t"                                                           \
            "movl %[lo], %%eax\n\tmovl %[hi], %%edx\n\t" BODY "\n\t"                        \
            "decq %[n]\n\tjnz 1b\n\t"                                                       \
            "lfence\n\trdtsc\n\tlfence\n\t"                                                 \
            "shlq $32, %%rdx\n\torq %%rdx, %%rax\n\tmovq %%rax, %[t1]\n\t"                  \
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [n] "+r"(n)                                   \
            : [tmpl] "r"(tmpl), [buf] "r"(buf), [lo] "r"(lo), [hi] "r"(hi)                  \
            : "rax", "rdx", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",  \
              "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",  \
              "xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"); \
        return t1 - t0;                                                                     \
    }

/* Touches: write the live registers as computation would.  The xmm case uses
 * a legacy-SSE instruction, which leaves the (initial) upper halves alone. */
#define T_XMM "paddd %%xmm1, %%xmm0"
#define T_YMM "vpaddd %%ymm1, %%ymm0, %%ymm0"
#define T_ZMM "vpaddd %%zmm1, %%zmm0, %%zmm0\n\tvpaddd %%zmm17, %%zmm16, %%zmm16\n\tkorw %%k1, %%k2, %%k2"

#define PAIR(S) S " (%[buf])\n\txrstor64 (%[buf])"
#define SAVE(S) S " (%[buf])"
#define RSTR "xrstor64 (%[buf])"

#define FAMILY(st, T)                                                   \
    LOOP_FN(pair_xsave_##st, "xsave64", T, PAIR("xsave64"))             \
    LOOP_FN(pair_xsaveopt_##st, "xsave64", T, PAIR("xsaveopt64"))       \
    LOOP_FN(pair_xsavec_##st, "xsave64", T, PAIR("xsavec64"))           \
    LOOP_FN(save_xsave_##st, "xsave64", T, SAVE("xsave64"))             \
    LOOP_FN(save_xsaveopt_##st, "xsave64", T, SAVE("xsaveopt64"))       \
    LOOP_FN(save_xsavec_##st, "xsave64", T, SAVE("xsavec64"))           \
    LOOP_FN(rstr_xsave_##st, "xsave64", "", RSTR)                       \
    LOOP_FN(rstr_xsavec_##st, "xsavec64", "", RSTR)
FAMILY(xmm, T_XMM)
FAMILY(ymm, T_YMM)
FAMILY(zmm, T_ZMM)

typedef uint64_t (*loop_fn)(uint8_t *, uint8_t *, uint64_t, uint64_t);

struct row {
    const char *state, *insn;
    loop_fn pair, save, rstr;
};

static const struct row rows[] = {
    {"xmm", "xsave", pair_xsave_xmm, save_xsave_xmm, rstr_xsave_xmm},
    {"xmm", "xsaveopt", pair_xsaveopt_xmm, save_xsaveopt_xmm, rstr_xsave_xmm},
    {"xmm", "xsavec", pair_xsavec_xmm, save_xsavec_xmm, rstr_xsavec_xmm},
    {"ymm", "xsave", pair_xsave_ymm, save_xsave_ymm, rstr_xsave_ymm},
    {"ymm", "xsaveopt", pair_xsaveopt_ymm, save_xsaveopt_ymm, rstr_xsave_ymm},
    {"ymm", "xsavec", pair_xsavec_ymm, save_xsavec_ymm, rstr_xsavec_ymm},
    {"zmm", "xsave", pair_xsave_zmm, save_xsave_zmm, rstr_xsave_zmm},
    {"zmm", "xsaveopt", pair_xsaveopt_zmm, save_xsaveopt_zmm, rstr_xsave_zmm},
    {"zmm", "xsavec", pair_xsavec_zmm, save_xsavec_zmm, rstr_xsavec_zmm},
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Median over batches of ticks per iteration. */
static double measure(loop_fn f, uint8_t *tmpl, uint8_t *buf, uint64_t mask, uint64_t iters)
{
    enum { BATCHES = 31 };
    uint64_t t[BATCHES];
    f(tmpl, buf, mask, iters / 4 + 1); /* warm-up */
    for (int i = 0; i < BATCHES; i++)
        t[i] = f(tmpl, buf, mask, iters);
    qsort(t, BATCHES, sizeof t[0], cmp_u64);
    return (double)t[BATCHES / 2] / (double)iters;
}

static const char *const comp_names[8] = {"x87", "sse", "avx", "bndregs", "bndcsr",
                                          "opmask", "zmm_hi256", "hi16_zmm"};

static void print_components(uint64_t bv, int json)
{
    const char *sep = "";
    for (int i = 0; i < 8; i++)
        if (bv >> i & 1) {
            printf(json ? "%s\"%s\"" : "%s%s", sep, comp_names[i]);
            sep = json ? ", " : "+";
        }
}

static const char fpu_help[] =
    "usage: aesbench fpu-cost [--json] [--iters N]\n"
    "User-space cost of saving and restoring the extended register state, the\n"
    "work behind kernel_fpu_begin/end (seed 004): XSAVE, XSAVEOPT and XSAVEC,\n"
    "each with XRSTOR, when only xmm state, also ymm state, or also zmm state\n"
    "(with opmask and zmm16-31) is live.  Per row: ns and core cycles for\n"
    "save + restore, save alone, restore alone; the components the save\n"
    "recorded as in use.  The kernel uses XSAVES/XRSTORS, which user space\n"
    "cannot execute; XSAVEC is the nearest.  --iters: iterations per batch\n"
    "(default 2000; 31 batches, median).\n";

int cmd_fpu_cost(int argc, char **argv)
{
    static const opt_spec spec[] = {{"json", 0}, {"iters", 1}};
    opts o = {spec, 2, {0}};
    opts_parse(&o, argc, argv, "fpu-cost", fpu_help);
    int json = opt_flag(&o, "json");
    uint64_t iters = 2000;
    if (opt_get(&o, "iters"))
        iters = (uint64_t)parse_count("--iters", opt_get(&o, "iters"), 10, 10000000);

    unsigned a, b, c, d;
    __cpuid(1, a, b, c, d);
    if (!(c >> 26 & 1) || !(c >> 27 & 1))
        die("fpu-cost: this CPU or OS does not enable XSAVE");
    uint64_t xcr0 = xgetbv0();
    __cpuid_count(0xd, 1, a, b, c, d);
    int has_opt = a & 1, has_c = a >> 1 & 1;
    __cpuid_count(7, 0, a, b, c, d);
    int avx512 = (b >> 16 & 1) && (xcr0 & 0xe0) == 0xe0;
    int avx = (xcr0 & 6) == 6;
    uint64_t mask = xcr0 & XF_ALLOWED;

    /* one CPU for the whole measurement */
    const int cpu = sched_getcpu();
    pin_to_cpu(cpu);
    clock_setup("calibrated", 0);
    double tghz = tsc_ghz(), cghz = chain_ghz();
    uint8_t *tmpl = aligned_alloc(64, AREA), *buf = aligned_alloc(64, AREA);
    if (!tmpl || !buf)
        die("out of memory");

    if (json)
        printf("{\"tsc_ghz\": %.4f, \"core_ghz\": %.4f, \"xcr0\": \"0x%llx\", \"mask\": \"0x%llx\","
               " \"iters\": %llu, \"rows\": [",
               tghz, cghz, (unsigned long long)xcr0, (unsigned long long)mask,
               (unsigned long long)iters);
    else
        printf("fpu-cost: TSC %.3f GHz, core %.3f GHz (calibrated), XCR0 0x%llx, cpu %d\n"
               "%-5s %-9s %10s %10s %10s %10s  %s\n",
               tghz, cghz, (unsigned long long)xcr0, cpu, "state", "save", "pair_ns",
               "pair_cyc", "save_ns", "rstr_ns", "in use after save");
    int first = 1;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        const struct row *w = &rows[r];
        uint64_t live = XF_SSE;
        const char *why = NULL;
        if (!strcmp(w->state, "ymm")) {
            live |= XF_AVX;
            if (!avx) why = "no AVX state enabled";
        } else if (!strcmp(w->state, "zmm")) {
            live |= XF_AVX | XF_OPMASK | XF_ZMM_HI256 | XF_HI16_ZMM;
            if (!avx512) why = "no AVX-512 state enabled";
        }
        if (!strcmp(w->insn, "xsaveopt") && !has_opt) why = "no XSAVEOPT";
        if (!strcmp(w->insn, "xsavec") && !has_c) why = "no XSAVEC";
        if (why) {
            if (json)
                printf("%s{\"state\": \"%s\", \"insn\": \"%s\", \"unavailable\": \"%s\"}",
                       first ? "" : ", ", w->state, w->insn, why);
            else
                printf("%-5s %-9s %s\n", w->state, w->insn, why);
            first = 0;
            continue;
        }
        memset(tmpl, 0, AREA);
        memset(buf, 0, AREA);
        /* a valid legacy area (FCW, MXCSR) comes from the current state */
        uint32_t lo = (uint32_t)mask, hi = (uint32_t)(mask >> 32);
        __asm__ __volatile__("xsave64 (%0)" ::"r"(tmpl), "a"(lo), "d"(hi) : "memory");
        make_template(tmpl, live);
        double pair = measure(w->pair, tmpl, buf, mask, iters);
        uint64_t bv;
        memcpy(&bv, buf + 512, 8); /* what the last save recorded as in use */
        double save = measure(w->save, tmpl, buf, mask, iters);
        double rstr = measure(w->rstr, tmpl, buf, mask, iters);
        if (avx)
            __asm__ __volatile__("vzeroupper" ::: "memory");
        double to_ns = 1.0 / tghz, to_cyc = cghz > 0 ? cghz / tghz : 1.0;
        if (json) {
            printf("%s{\"state\": \"%s\", \"insn\": \"%s\", \"pair_ns\": %.2f, \"pair_cycles\": %.1f,"
                   " \"save_ns\": %.2f, \"restore_ns\": %.2f, \"in_use\": [",
                   first ? "" : ", ", w->state, w->insn, pair * to_ns, pair * to_cyc, save * to_ns,
                   rstr * to_ns);
            print_components(bv, 1);
            printf("]}");
        } else {
            printf("%-5s %-9s %10.1f %10.0f %10.1f %10.1f  ", w->state, w->insn, pair * to_ns,
                   pair * to_cyc, save * to_ns, rstr * to_ns);
            print_components(bv, 0);
            printf("\n");
        }
        first = 0;
        fflush(stdout);
    }
    if (json)
        printf("]}\n");
    free(tmpl);
    free(buf);
    return 0;
}

#else /* not x86-64 */

int cmd_fpu_cost(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    die("fpu-cost: XSAVE exists only on x86-64");
}

#endif
