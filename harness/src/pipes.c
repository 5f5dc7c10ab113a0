/*
 * pipes.c - `aesbench pipes`: the throughput of this CPU's AES and
 * carry-less-multiply pipes, and the lower bound on core cycles per byte it
 * implies for AES-GCM and AES-XTS.
 *
 * Method.  Each stream is CHAINS independent dependency chains (one register
 * each, the same round key / multiplier in a spare register), unrolled UNROLL
 * times in one inline-asm loop, so latency never limits it: with CHAINS = 12
 * chains, any unit of latency L and L x throughput <= 12 runs at its
 * throughput.  A batch is timed with the TSC (rdtsc between lfences); ticks
 * become core cycles through the harness's calibrated core clock (the
 * dependent-add chain of clock.c, read on the same pinned CPU before and
 * after), since this lab runs where no PMU counts cycles.  A figure is the
 * median over batches.  Streams:
 *   aesenc xmm, vaesenc ymm / zmm             AES round, 1 / 2 / 4 blocks
 *   pclmulqdq xmm, vpclmulqdq ymm / zmm       64x64 carry-less multiply,
 *                                             1 / 2 / 4 per instruction
 *   mixed xmm / ymm / zmm                     the two interleaved 1:1 (6 + 6
 *                                             chains): if a pair costs about
 *                                             the sum of the two alone, they
 *                                             share pipes; about the larger
 *                                             of the two, they do not.
 * Each runs only where this CPU has it (cpu_feature()); others are listed as
 * unsupported with what they lack.
 *
 * Bound.  Per 16-byte block: rounds+1 AES block operations (AES-128: 11,
 * AES-256: 15; the count issue 4's Zen 4 bounds use, the whitening XOR
 * counted as an operation, decryption rounds assumed as fast as encryption);
 * GCM adds GHASH: 3 carry-less multiplies (Karatsuba) plus the reduction's
 * 2 multiplies shared by 8 blocks (aggregated reduction), 3.25 per block.
 * At the widest width this CPU has (for GCM: the widest where it has both
 * AES and CLMUL), with a = cycles per AES block operation and c = cycles per
 * CLMUL multiply (per 128-bit lane): shared pipes give (A a + C c) / 16,
 * separate pipes max(A a, C c) / 16 core cycles per byte.  Seal and open
 * (encrypt and decrypt) have the same counts and the same bound.
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

static const char pipes_help[] =
    "usage: aesbench pipes [--json] [--iters N]\n"
    "Throughput of this CPU's AES and carry-less-multiply instructions: AESENC\n"
    "(xmm), VAESENC ymm/zmm, PCLMULQDQ (xmm), VPCLMULQDQ ymm/zmm, and AES+CLMUL\n"
    "interleaved, each as 12 independent chains, where this CPU has it (others\n"
    "listed as unsupported).  Per stream: core cycles per instruction (TSC time\n"
    "x the calibrated core clock; no PMU needed), instructions per cycle and\n"
    "cycles per 16-byte block.  From those, the lower bound in core cycles per\n"
    "byte of AES-128/256-GCM seal/open and AES-128/256-XTS enc/dec: rounds+1\n"
    "AES block operations per 16 bytes, plus for GCM 3.25 carry-less multiplies\n"
    "(Karatsuba 3 + the reduction's 2 shared by 8 blocks), at the widest width\n"
    "this CPU has, AES and CLMUL added if the interleaved stream shows they\n"
    "share pipes, else the larger of the two.  --iters: loop iterations per\n"
    "batch (default 4000, 48 instructions each; 21 batches, median).\n";

#if defined(__x86_64__)

#define CHAINS 12
#define UNROLL 4
#define PER_ITER (CHAINS * UNROLL)

/* Twelve chains of one instruction form; %%R13 holds the key/multiplier. */
#define X12(I, R)                                                                    \
    I(R, 0) I(R, 1) I(R, 2) I(R, 3) I(R, 4) I(R, 5) I(R, 6) I(R, 7) I(R, 8) I(R, 9) \
        I(R, 10) I(R, 11)
#define AESX(R, n) "aesenc %%" #R "13, %%" #R #n "\n\t"
#define VAES(R, n) "vaesenc %%" #R "13, %%" #R #n ", %%" #R #n "\n\t"
#define CLMX(R, n) "pclmulqdq $0x11, %%" #R "13, %%" #R #n "\n\t"
#define VCLM(R, n) "vpclmulqdq $0x11, %%" #R "13, %%" #R #n ", %%" #R #n "\n\t"
/* mixed: six AES chains (0 2 4 6 8 11) and six CLMUL chains (1 3 5 7 10 12)
 * interleaved, the key/multiplier in register 9 */
#define MIXX(R, a, c) "aesenc %%" #R "9, %%" #R #a "\n\tpclmulqdq $0x11, %%" #R "9, %%" #R #c "\n\t"
#define MIXV(R, a, c)                                                                      \
    "vaesenc %%" #R "9, %%" #R #a ", %%" #R #a "\n\tvpclmulqdq $0x11, %%" #R "9, %%" #R #c \
    ", %%" #R #c "\n\t"
#define MIX6(M, R) M(R, 0, 1) M(R, 2, 3) M(R, 4, 5) M(R, 6, 7) M(R, 8, 10) M(R, 11, 12)

#define BODY_LOOP(BODY)                                                                    \
    uint64_t t0, t1, n = iters;                                                            \
    __asm__ __volatile__("lfence\n\trdtsc\n\tlfence\n\t"                                   \
                         "shlq $32, %%rdx\n\torq %%rdx, %%rax\n\tmovq %%rax, %[t0]\n\t"    \
                         "1:\n\t" BODY BODY BODY BODY "decq %[n]\n\tjnz 1b\n\t"            \
                         "lfence\n\trdtsc\n\tlfence\n\t"                                   \
                         "shlq $32, %%rdx\n\torq %%rdx, %%rax\n\tmovq %%rax, %[t1]\n\t"    \
                         : [t0] "=&r"(t0), [t1] "=&r"(t1), [n] "+r"(n)                     \
                         :                                                                 \
                         : "rax", "rdx", "cc", "memory", "xmm0", "xmm1", "xmm2", "xmm3",   \
                           "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",        \
                           "xmm11", "xmm12", "xmm13");                                     \
    return t1 - t0;

/* The registers start from whatever they hold; values do not change timing
 * of these instructions.  vzeroupper after wide streams. */
static uint64_t l_aes_x(uint64_t iters) { BODY_LOOP(X12(AESX, xmm)) }
static uint64_t l_aes_y(uint64_t iters) { BODY_LOOP(X12(VAES, ymm)) }
static uint64_t l_aes_z(uint64_t iters) { BODY_LOOP(X12(VAES, zmm)) }
static uint64_t l_clm_x(uint64_t iters) { BODY_LOOP(X12(CLMX, xmm)) }
static uint64_t l_clm_y(uint64_t iters) { BODY_LOOP(X12(VCLM, ymm)) }
static uint64_t l_clm_z(uint64_t iters) { BODY_LOOP(X12(VCLM, zmm)) }
static uint64_t l_mix_x(uint64_t iters) { BODY_LOOP(MIX6(MIXX, xmm)) }
static uint64_t l_mix_y(uint64_t iters) { BODY_LOOP(MIX6(MIXV, ymm)) }
static uint64_t l_mix_z(uint64_t iters) { BODY_LOOP(MIX6(MIXV, zmm)) }

typedef uint64_t (*loop_fn)(uint64_t);

enum { K_AES, K_CLMUL, K_MIXED };

struct stream {
    const char *name, *insn;
    int kind, width; /* width in bits */
    const char *needs;
    loop_fn fn;
};

static const struct stream streams[] = {
    {"aes-xmm", "aesenc", K_AES, 128, "aes", l_aes_x},
    {"aes-ymm", "vaesenc", K_AES, 256, "avx2 vaes", l_aes_y},
    {"aes-zmm", "vaesenc", K_AES, 512, "avx512f vaes", l_aes_z},
    {"clmul-xmm", "pclmulqdq", K_CLMUL, 128, "pclmul", l_clm_x},
    {"clmul-ymm", "vpclmulqdq", K_CLMUL, 256, "avx2 vpclmulqdq", l_clm_y},
    {"clmul-zmm", "vpclmulqdq", K_CLMUL, 512, "avx512f vpclmulqdq", l_clm_z},
    {"mixed-xmm", "aesenc+pclmulqdq", K_MIXED, 128, "aes pclmul", l_mix_x},
    {"mixed-ymm", "vaesenc+vpclmulqdq", K_MIXED, 256, "avx2 vaes vpclmulqdq", l_mix_y},
    {"mixed-zmm", "vaesenc+vpclmulqdq", K_MIXED, 512, "avx512f vaes vpclmulqdq", l_mix_z},
};
#define NSTREAMS (sizeof streams / sizeof streams[0])

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double median_ticks(loop_fn f, uint64_t iters)
{
    enum { BATCHES = 21 };
    uint64_t t[BATCHES];
    f(iters / 4 + 1); /* warm-up: wakes the vector units */
    for (int i = 0; i < BATCHES; i++)
        t[i] = f(iters);
    qsort(t, BATCHES, sizeof t[0], cmp_u64);
    return (double)t[BATCHES / 2];
}

static void cpu_brand(char *out, size_t n, unsigned *fam, unsigned *model)
{
    unsigned r[12] = {0}, a, b, c, d;
    __cpuid(0x80000000, a, b, c, d);
    if (a >= 0x80000004) {
        for (unsigned i = 0; i < 3; i++)
            __cpuid(0x80000002 + i, r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]);
    }
    char s[49];
    memcpy(s, r, 48);
    s[48] = 0;
    char *p = s;
    while (*p == ' ')
        p++;
    size_t len = strlen(p);
    while (len && p[len - 1] == ' ')
        p[--len] = 0;
    snprintf(out, n, "%s", p);
    __cpuid(1, a, b, c, d);
    unsigned f = a >> 8 & 0xf, m = a >> 4 & 0xf;
    if (f == 0xf)
        f += a >> 20 & 0xff;
    if (f >= 6)
        m |= (a >> 16 & 0xf) << 4;
    *fam = f;
    *model = m;
}

struct result {
    int ok;
    char lacks[128];
    double cyc_per_insn; /* per instruction (mixed: per AES+CLMUL pair) */
};

int cmd_pipes(int argc, char **argv)
{
    static const opt_spec spec[] = {{"json", 0}, {"iters", 1}};
    opts o = {spec, 2, {0}};
    opts_parse(&o, argc, argv, "pipes", pipes_help);
    int json = opt_flag(&o, "json");
    uint64_t iters = 4000;
    if (opt_get(&o, "iters"))
        iters = (uint64_t)parse_count("--iters", opt_get(&o, "iters"), 10, 10000000);

    const int cpu = sched_getcpu();
    pin_to_cpu(cpu);
    clock_setup("calibrated", 0);
    double tghz = tsc_ghz();
    double g0 = chain_ghz();

    struct result res[NSTREAMS];
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < NSTREAMS; i++) {
        cpu_lacking(streams[i].needs, res[i].lacks, sizeof res[i].lacks);
        if (res[i].lacks[0])
            continue;
        double ticks = median_ticks(streams[i].fn, iters);
        unsigned per = streams[i].kind == K_MIXED ? PER_ITER / 2 : PER_ITER;
        res[i].ok = 1;
        res[i].cyc_per_insn = ticks / (double)(iters * per); /* ticks for now */
        if (streams[i].width > 128)
            __asm__ __volatile__("vzeroupper" ::: "memory");
    }
    double g1 = chain_ghz();
    double cghz = (g0 > 0 && g1 > 0) ? (g0 + g1) / 2 : (g0 > 0 ? g0 : g1);
    double to_cyc = cghz > 0 && tghz > 0 ? cghz / tghz : 1.0;
    for (size_t i = 0; i < NSTREAMS; i++)
        res[i].cyc_per_insn *= to_cyc;

    /* widest widths: AES alone (XTS), AES with CLMUL (GCM) */
    int waes = -1, wgcm = -1; /* index of the aes stream */
    for (int w = 2; w >= 0; w--) {
        if (waes < 0 && res[w].ok)
            waes = w;
        if (wgcm < 0 && res[w].ok && res[3 + w].ok)
            wgcm = w;
    }
    /* sharing at the GCM width: a pair vs the two alone */
    const char *sharing = "unknown";
    double pair = 0, sum = 0, mx = 0;
    if (wgcm >= 0 && res[6 + wgcm].ok) {
        pair = res[6 + wgcm].cyc_per_insn;
        sum = res[wgcm].cyc_per_insn + res[3 + wgcm].cyc_per_insn;
        mx = res[wgcm].cyc_per_insn > res[3 + wgcm].cyc_per_insn ? res[wgcm].cyc_per_insn
                                                                  : res[3 + wgcm].cyc_per_insn;
        /* nearer the sum than the max: they compete */
        sharing = (pair - mx) > (sum - pair) ? "shared" : "separate";
    }

    char brand[64];
    unsigned fam, model;
    cpu_brand(brand, sizeof brand, &fam, &model);
    if (json) {
        printf("{\"cpu\": ");
        json_str(stdout, brand);
        printf(", \"family\": %u, \"model\": %u, \"cpu_index\": %d, \"tsc_ghz\": %.4f,"
               " \"core_ghz\": %.4f, \"cycle_source\": \"calibrated\", \"chains\": %d,"
               " \"iters\": %llu, \"streams\": [",
               fam, model, cpu, tghz, cghz, CHAINS, (unsigned long long)iters);
    } else {
        printf("pipes: %s (family %u model %u), cpu %d, TSC %.3f GHz, core %.3f GHz "
               "(calibrated), %d independent chains\n",
               brand, fam, model, cpu, tghz, cghz, CHAINS);
        printf("%-10s %-19s %5s %12s %8s %14s\n", "stream", "instruction", "bits", "cyc/insn",
               "IPC", "cyc/16B block");
    }
    for (size_t i = 0; i < NSTREAMS; i++) {
        const struct stream *s = &streams[i];
        double blocks = s->width / 128.0;
        if (json) {
            printf("%s{\"name\": \"%s\", \"insn\": \"%s\", \"kind\": \"%s\", \"width\": %d,"
                   " \"needs\": \"%s\", ",
                   i ? ", " : "", s->name, s->insn,
                   s->kind == K_AES ? "aes" : s->kind == K_CLMUL ? "clmul" : "mixed", s->width,
                   s->needs);
            if (!res[i].ok) {
                printf("\"supported\": false, \"lacks\": \"%s\"}", res[i].lacks);
                continue;
            }
            printf("\"supported\": true, \"cycles_per_insn\": %.4f, \"ipc\": %.3f,"
                   " \"cycles_per_block\": %.4f}",
                   res[i].cyc_per_insn,
                   (s->kind == K_MIXED ? 2.0 : 1.0) / res[i].cyc_per_insn,
                   res[i].cyc_per_insn / blocks);
        } else if (!res[i].ok) {
            printf("%-10s %-19s %5d unsupported: lacks %s\n", s->name, s->insn, s->width,
                   res[i].lacks);
        } else {
            printf("%-10s %-19s %5d %12.3f %8.2f %14.3f%s\n", s->name, s->insn, s->width,
                   res[i].cyc_per_insn,
                   (s->kind == K_MIXED ? 2.0 : 1.0) / res[i].cyc_per_insn,
                   res[i].cyc_per_insn / blocks,
                   s->kind == K_MIXED ? "  (per AES+CLMUL pair; IPC counts both)" : "");
        }
    }

    /* bounds */
    static const struct {
        const char *alg;
        int gcm, rounds;
        const char *ops[2];
    } balgs[] = {{"aes-128-gcm", 1, 10, {"seal", "open"}}, {"aes-256-gcm", 1, 14, {"seal", "open"}},
                 {"aes-128-xts", 0, 10, {"enc", "dec"}}, {"aes-256-xts", 0, 14, {"enc", "dec"}}};
    const double clmul_per_block = 3.25;
    if (json)
        printf("], \"sharing\": {\"verdict\": \"%s\", \"pair_cycles\": %.4f,"
               " \"sum_cycles\": %.4f, \"max_cycles\": %.4f}, \"assumptions\": {\"aes_ops_per_block\":"
               " \"rounds+1\", \"clmul_per_block\": %.2f, \"clmul_note\": \"Karatsuba: 3 carry-less"
               " multiplies per block + the reduction's 2 shared by 8 blocks\"}, \"bounds\": [",
               sharing, pair, sum, mx, clmul_per_block);
    else {
        if (wgcm >= 0)
            printf("AES+CLMUL at %d bits: a pair costs %.3f cycles, the two alone %.3f summed, "
                   "%.3f the larger: %s pipes\n",
                   streams[wgcm].width, pair, sum, mx, sharing);
        printf("\nbound (core cycles per byte): rounds+1 AES block ops per 16 B; GCM adds %.2f "
               "carry-less multiplies per 16 B (Karatsuba 3 + reduction 2/8)\n",
               clmul_per_block);
        printf("%-12s %-5s %5s %8s %8s %10s\n", "alg", "op", "bits", "aes ops", "clmul", "cyc/B");
    }
    int first = 1;
    for (size_t b = 0; b < sizeof balgs / sizeof balgs[0]; b++) {
        int w = balgs[b].gcm ? wgcm : waes;
        double aes_ops = balgs[b].rounds + 1, cl = balgs[b].gcm ? clmul_per_block : 0;
        for (int d = 0; d < 2; d++) {
            const char *op = balgs[b].ops[d];
            if (w < 0) {
                if (json)
                    printf("%s{\"alg\": \"%s\", \"op\": \"%s\", \"cycles_per_byte\": null,"
                           " \"why\": \"this CPU lacks the instructions\"}",
                           first ? "" : ", ", balgs[b].alg, op);
                else
                    printf("%-12s %-5s %5s %8s %8s %10s\n", balgs[b].alg, op, "-", "-", "-",
                           "n/a (no AES/CLMUL instructions)");
                first = 0;
                continue;
            }
            double blocks = streams[w].width / 128.0;
            double a = res[w].cyc_per_insn / blocks;
            double c = balgs[b].gcm ? res[3 + w].cyc_per_insn / blocks : 0;
            double aes_c = aes_ops * a, cl_c = cl * c;
            double per_block = !balgs[b].gcm ? aes_c
                               : !strcmp(sharing, "separate") ? (aes_c > cl_c ? aes_c : cl_c)
                                                              : aes_c + cl_c;
            double cpb = per_block / 16.0;
            if (json)
                printf("%s{\"alg\": \"%s\", \"op\": \"%s\", \"width\": %d, \"aes_ops_per_block\":"
                       " %.0f, \"clmul_per_block\": %.2f, \"aes_cycles_per_op\": %.4f,"
                       " \"clmul_cycles_per_op\": %.4f, \"combine\": \"%s\","
                       " \"cycles_per_byte\": %.4f}",
                       first ? "" : ", ", balgs[b].alg, op, streams[w].width, aes_ops, cl, a, c,
                       !balgs[b].gcm ? "aes only" : !strcmp(sharing, "separate") ? "max" : "sum",
                       cpb);
            else
                printf("%-12s %-5s %5d %8.0f %8.2f %10.4f\n", balgs[b].alg, op, streams[w].width,
                       aes_ops, cl, cpb);
            first = 0;
        }
    }
    if (json)
        printf("]}\n");
    return 0;
}

#else /* not x86-64 */

int cmd_pipes(int argc, char **argv)
{
    static const opt_spec spec[] = {{"json", 0}, {"iters", 1}};
    opts o = {spec, 2, {0}};
    opts_parse(&o, argc, argv, "pipes", pipes_help);
    die("pipes: implemented for x86-64 only (AESENC/PCLMULQDQ and their VEX/EVEX forms)");
}

#endif
