/*
 * pipes.c - `aesbench pipes`: the throughput of this CPU's AES and
 * carry-less-multiply pipes, and the lower bound on core cycles per byte it
 * implies for AES-GCM and AES-XTS.
 *
 * Method.  Each stream is independent dependency chains (one register
 * each, the same round key / multiplier in a spare register), unrolled UNROLL
 * times in one inline-asm loop, so latency never limits it: with CHAINS = 12
 * chains, any unit of latency L and L x throughput <= 12 runs at its
 * throughput (the GCM-shaped streams: 10 AES chains at most 6 rounds deep
 * and 5 CLMUL chains at most 3 deep per body, shallower than a body's
 * throughput time).  A batch is timed with the TSC (rdtsc between lfences); ticks
 * become core cycles through the harness's calibrated core clock (the
 * dependent-add chain of clock.c, on the same pinned CPU), since this lab
 * runs where no PMU counts cycles.  A figure is the best of 21 batches (see
 * BATCHES), and the clock is the fastest chain reading, one taken after each
 * round of batches: a guest's vCPU loses time to the host in spells, and a
 * stolen spell slows a chain as it slows a batch, so a clean batch is only
 * turned into cycles by a clean reading (a reading in a stolen spell makes
 * every stream look faster than its pipes).  Streams:
 *   aesenc xmm, vaesenc ymm / zmm             AES round, 1 / 2 / 4 blocks
 *   pclmulqdq xmm, vpclmulqdq ymm / zmm       64x64 carry-less multiply,
 *                                             1 / 2 / 4 per instruction
 *   mixed xmm / ymm / zmm                     the two interleaved 1:1 (6 + 6
 *                                             chains): if a pair costs about
 *                                             the sum of the two alone, they
 *                                             share pipes; about the larger
 *                                             of the two, they do not.
 *   gcm128 / gcm256 xmm / ymm / zmm           AES and CLMUL in AES-GCM's own
 *                                             proportion: per 4 blocks (per
 *                                             128-bit lane) 40 or 56 AES
 *                                             rounds and 13 multiplies, spread
 *                                             evenly (10 AES chains, 5 CLMUL
 *                                             chains).
 * Each runs only where this CPU has it (cpu_feature()); others are listed as
 * unsupported with what they lack.
 *
 * Bound.  Per 16-byte block: `rounds` AES instructions (AES-128: 10,
 * AES-256: 14; the whitening XOR is not counted, it runs on any vector
 * pipe, and decryption rounds are assumed as fast as encryption); GCM adds
 * GHASH: 3 carry-less multiplies (Karatsuba) plus the reduction's 2
 * multiplies shared by 8 blocks (aggregated reduction), 3.25 per block.
 * XTS: rounds x the AES stream's cycles per 128-bit lane, at the widest
 * width this CPU has.  GCM: the gcm stream of that round count, at the
 * widest width where the CPU has both AES and CLMUL, measured as a whole:
 * whether the two compete for pipes, and how much, is not a yes/no a 1:1
 * stream can settle, so the mix itself is timed.  Seal and open (encrypt
 * and decrypt) have the same counts and the same bound.
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
    "(xmm), VAESENC ymm/zmm, PCLMULQDQ (xmm), VPCLMULQDQ ymm/zmm, AES+CLMUL\n"
    "interleaved 1:1, and AES+CLMUL in AES-GCM's proportion (rounds : 3.25 per\n"
    "block, for 10 and 14 rounds), each as independent chains, where this CPU\n"
    "has it (others listed as unsupported).  Per stream: core cycles per\n"
    "instruction (TSC time x the calibrated core clock; no PMU needed),\n"
    "instructions per cycle and cycles per 16-byte block.  From those, the\n"
    "lower bound in core cycles per byte of AES-128/256-XTS enc/dec (rounds AES\n"
    "instructions per 16 bytes) and AES-128/256-GCM seal/open (the GCM-shaped\n"
    "stream of that round count: 3.25 carry-less multiplies per block beside the\n"
    "rounds, Karatsuba 3 + the reduction's 2 shared by 8 blocks), at the widest\n"
    "width this CPU has.  --iters: loop iterations per batch (default 4000;\n"
    "the best of 21 batches, taken round-robin over the streams).\n";

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

/* GCM's proportion per 4 blocks of a 128-bit lane: 10 or 14 rounds x 4 AES
 * (chains 0-9) and 3.25 x 4 = 13 multiplies (chains 10-14), spread evenly;
 * register 15 is both round key and multiplier. */
#define AK(R, n) "aesenc %%" #R "15, %%" #R #n "\n\t"
#define VAK(R, n) "vaesenc %%" #R "15, %%" #R #n ", %%" #R #n "\n\t"
#define CK(R, n) "pclmulqdq $0x11, %%" #R "15, %%" #R #n "\n\t"
#define VCK(R, n) "vpclmulqdq $0x11, %%" #R "15, %%" #R #n ", %%" #R #n "\n\t"
#define GCM40(A, C, R)                                                                     \
    A(R, 0) A(R, 1) A(R, 2) A(R, 3) C(R, 10) A(R, 4) A(R, 5) A(R, 6) C(R, 11) A(R, 7)      \
    A(R, 8) A(R, 9) C(R, 12) A(R, 0) A(R, 1) A(R, 2) C(R, 13) A(R, 3) A(R, 4) A(R, 5)      \
    C(R, 14) A(R, 6) A(R, 7) A(R, 8) C(R, 10) A(R, 9) A(R, 0) A(R, 1) C(R, 11) A(R, 2)     \
    A(R, 3) A(R, 4) C(R, 12) A(R, 5) A(R, 6) A(R, 7) C(R, 13) A(R, 8) A(R, 9) A(R, 0)      \
    C(R, 14) A(R, 1) A(R, 2) A(R, 3) C(R, 10) A(R, 4) A(R, 5) A(R, 6) C(R, 11) A(R, 7)     \
    A(R, 8) A(R, 9) C(R, 12)
#define GCM56(A, C, R)                                                                     \
    A(R, 0) A(R, 1) A(R, 2) A(R, 3) A(R, 4) C(R, 10) A(R, 5) A(R, 6) A(R, 7) A(R, 8)       \
    A(R, 9) C(R, 11) A(R, 0) A(R, 1) A(R, 2) A(R, 3) A(R, 4) C(R, 12) A(R, 5) A(R, 6)      \
    A(R, 7) A(R, 8) A(R, 9) C(R, 13) A(R, 0) A(R, 1) A(R, 2) A(R, 3) C(R, 14) A(R, 4)      \
    A(R, 5) A(R, 6) A(R, 7) C(R, 10) A(R, 8) A(R, 9) A(R, 0) A(R, 1) C(R, 11) A(R, 2)      \
    A(R, 3) A(R, 4) A(R, 5) C(R, 12) A(R, 6) A(R, 7) A(R, 8) A(R, 9) C(R, 13) A(R, 0)      \
    A(R, 1) A(R, 2) A(R, 3) C(R, 14) A(R, 4) A(R, 5) A(R, 6) A(R, 7) C(R, 10) A(R, 8)      \
    A(R, 9) A(R, 0) A(R, 1) C(R, 11) A(R, 2) A(R, 3) A(R, 4) A(R, 5) C(R, 12)

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
                           "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");             \
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
static uint64_t l_g10_x(uint64_t iters) { BODY_LOOP(GCM40(AK, CK, xmm)) }
static uint64_t l_g10_y(uint64_t iters) { BODY_LOOP(GCM40(VAK, VCK, ymm)) }
static uint64_t l_g10_z(uint64_t iters) { BODY_LOOP(GCM40(VAK, VCK, zmm)) }
static uint64_t l_g14_x(uint64_t iters) { BODY_LOOP(GCM56(AK, CK, xmm)) }
static uint64_t l_g14_y(uint64_t iters) { BODY_LOOP(GCM56(VAK, VCK, ymm)) }
static uint64_t l_g14_z(uint64_t iters) { BODY_LOOP(GCM56(VAK, VCK, zmm)) }

typedef uint64_t (*loop_fn)(uint64_t);

enum { K_AES, K_CLMUL, K_MIXED, K_GCM };

struct stream {
    const char *name, *insn;
    int kind, width; /* width in bits */
    int rounds;      /* K_GCM: AES rounds per block */
    const char *needs;
    loop_fn fn;
};

/* Instructions in one loop body (BODY_LOOP runs four per iteration). */
static unsigned body_insns(const struct stream *s)
{
    return s->kind != K_GCM ? PER_ITER / UNROLL : (unsigned)(4 * s->rounds + 13);
}

static const struct stream streams[] = {
    {"aes-xmm", "aesenc", K_AES, 128, 0, "aes", l_aes_x},
    {"aes-ymm", "vaesenc", K_AES, 256, 0, "avx2 vaes", l_aes_y},
    {"aes-zmm", "vaesenc", K_AES, 512, 0, "avx512f vaes", l_aes_z},
    {"clmul-xmm", "pclmulqdq", K_CLMUL, 128, 0, "pclmul", l_clm_x},
    {"clmul-ymm", "vpclmulqdq", K_CLMUL, 256, 0, "avx2 vpclmulqdq", l_clm_y},
    {"clmul-zmm", "vpclmulqdq", K_CLMUL, 512, 0, "avx512f vpclmulqdq", l_clm_z},
    {"mixed-xmm", "aesenc+pclmulqdq", K_MIXED, 128, 0, "aes pclmul", l_mix_x},
    {"mixed-ymm", "vaesenc+vpclmulqdq", K_MIXED, 256, 0, "avx2 vaes vpclmulqdq", l_mix_y},
    {"mixed-zmm", "vaesenc+vpclmulqdq", K_MIXED, 512, 0, "avx512f vaes vpclmulqdq", l_mix_z},
    {"gcm128-xmm", "aesenc 40:pclmulqdq 13", K_GCM, 128, 10, "aes pclmul", l_g10_x},
    {"gcm128-ymm", "vaesenc 40:vpclmulqdq 13", K_GCM, 256, 10, "avx2 vaes vpclmulqdq", l_g10_y},
    {"gcm128-zmm", "vaesenc 40:vpclmulqdq 13", K_GCM, 512, 10, "avx512f vaes vpclmulqdq",
     l_g10_z},
    {"gcm256-xmm", "aesenc 56:pclmulqdq 13", K_GCM, 128, 14, "aes pclmul", l_g14_x},
    {"gcm256-ymm", "vaesenc 56:vpclmulqdq 13", K_GCM, 256, 14, "avx2 vaes vpclmulqdq", l_g14_y},
    {"gcm256-zmm", "vaesenc 56:vpclmulqdq 13", K_GCM, 512, 14, "avx512f vaes vpclmulqdq",
     l_g14_z},
};
#define NSTREAMS (sizeof streams / sizeof streams[0])

/* A stream's time is its fastest batch: an interrupt, a migration or a busy
 * sibling thread only ever slows a batch down, and the streams that mix AES
 * with CLMUL swing between batches with how the scheduler happens to
 * interleave them, in spells that can last a whole stream's worth of
 * batches; so the batches go round-robin over the streams, each stream's
 * spread over the whole run, and the best batch is what the pipes can
 * sustain. */
#define BATCHES 21
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
    double cyc_body; /* core cycles per loop body */
};

/* Per instruction (mixed: per AES+CLMUL pair), and per 16-byte block of one
 * 128-bit lane (gcm: per block of GCM-shaped work). */
static double per_insn(const struct stream *s, const struct result *r)
{
    return r->cyc_body / (s->kind == K_MIXED ? body_insns(s) / 2 : body_insns(s));
}

static double per_block(const struct stream *s, const struct result *r)
{
    double lanes = s->width / 128.0;
    return s->kind == K_GCM ? r->cyc_body / (4 * lanes) : per_insn(s, r) / lanes;
}

/* The stream of a kind at a width (128/256/512), -1 if none. */
static int stream_at(int kind, int width, int rounds)
{
    for (size_t i = 0; i < NSTREAMS; i++)
        if (streams[i].kind == kind && streams[i].width == width && streams[i].rounds == rounds)
            return (int)i;
    return -1;
}

/* The widest supported stream of a kind (and round count), -1 if none. */
static int widest(const struct result *res, int kind, int rounds)
{
    for (int w = 512; w >= 128; w /= 2) {
        int i = stream_at(kind, w, rounds);
        if (i >= 0 && res[i].ok)
            return i;
    }
    return -1;
}

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
    double cghz = chain_ghz();

    struct result res[NSTREAMS];
    memset(res, 0, sizeof res);
    double best[NSTREAMS];
    for (size_t i = 0; i < NSTREAMS; i++) {
        cpu_lacking(streams[i].needs, res[i].lacks, sizeof res[i].lacks);
        res[i].ok = !res[i].lacks[0];
        best[i] = 1e300;
    }
    for (int b = -1; b < BATCHES; b++) {
        for (size_t i = 0; i < NSTREAMS; i++) {
            if (!res[i].ok)
                continue;
            /* batch -1 is a short warm-up: it wakes the vector units */
            double t = (double)streams[i].fn(b < 0 ? iters / 4 + 1 : iters);
            if (b >= 0 && t < best[i])
                best[i] = t;
            if (streams[i].width > 128)
                __asm__ __volatile__("vzeroupper" ::: "memory");
        }
        const double g = chain_ghz();
        if (g > cghz)
            cghz = g;
    }
    for (size_t i = 0; i < NSTREAMS; i++)
        res[i].cyc_body = best[i] / (double)(iters * UNROLL);
    double to_cyc = cghz > 0 && tghz > 0 ? cghz / tghz : 1.0;
    for (size_t i = 0; i < NSTREAMS; i++)
        res[i].cyc_body *= to_cyc; /* ticks until here */

    /* sharing at the widest width with both: a 1:1 pair vs the two alone */
    const char *sharing = "unknown";
    double pair = 0, sum = 0, mx = 0;
    int wpair = widest(res, K_MIXED, 0);
    if (wpair >= 0) {
        int ia = stream_at(K_AES, streams[wpair].width, 0);
        int ic = stream_at(K_CLMUL, streams[wpair].width, 0);
        double ta = per_insn(&streams[ia], &res[ia]), tc = per_insn(&streams[ic], &res[ic]);
        pair = per_insn(&streams[wpair], &res[wpair]);
        sum = ta + tc;
        mx = ta > tc ? ta : tc;
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
               "(calibrated), independent chains\n",
               brand, fam, model, cpu, tghz, cghz);
        printf("%-10s %-24s %5s %9s %6s %14s\n", "stream", "instruction", "bits", "cyc/insn",
               "IPC", "cyc/16B block");
    }
    static const char *const kinds[] = {"aes", "clmul", "mixed", "gcm"};
    for (size_t i = 0; i < NSTREAMS; i++) {
        const struct stream *s = &streams[i];
        const struct result *r = &res[i];
        if (json) {
            printf("%s{\"name\": \"%s\", \"insn\": \"%s\", \"kind\": \"%s\", \"width\": %d,"
                   " \"needs\": \"%s\", ",
                   i ? ", " : "", s->name, s->insn, kinds[s->kind], s->width, s->needs);
            if (s->kind == K_GCM)
                printf("\"rounds\": %d, ", s->rounds);
            if (!r->ok) {
                printf("\"supported\": false, \"lacks\": \"%s\"}", r->lacks);
                continue;
            }
            printf("\"supported\": true, \"cycles_per_insn\": %.4f, \"ipc\": %.3f,"
                   " \"cycles_per_block\": %.4f}",
                   per_insn(s, r), body_insns(s) / r->cyc_body, per_block(s, r));
        } else if (!r->ok) {
            printf("%-10s %-24s %5d unsupported: lacks %s\n", s->name, s->insn, s->width,
                   r->lacks);
        } else {
            printf("%-10s %-24s %5d %9.3f %6.2f %14.3f%s\n", s->name, s->insn, s->width,
                   per_insn(s, r), body_insns(s) / r->cyc_body, per_block(s, r),
                   s->kind == K_MIXED ? "  (cyc per AES+CLMUL pair)"
                   : s->kind == K_GCM ? "  (cyc/insn: mean; per block of GCM work)"
                                      : "");
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
               " \"rounds\", \"clmul_per_block\": %.2f, \"clmul_note\": \"Karatsuba: 3 carry-less"
               " multiplies per block + the reduction's 2 shared by 8 blocks\", \"gcm\": \"the"
               " gcm stream of the round count, measured as a whole\"}, \"bounds\": [",
               sharing, pair, sum, mx, clmul_per_block);
    else {
        if (wpair >= 0)
            printf("AES+CLMUL 1:1 at %d bits: a pair costs %.3f cycles, the two alone %.3f "
                   "summed, %.3f the larger: %s pipes\n",
                   streams[wpair].width, pair, sum, mx, sharing);
        printf("\nbound (core cycles per byte): XTS, `rounds` AES instructions per 16 B; GCM, "
               "the gcm stream of its round count (%.2f carry-less multiplies per 16 B beside "
               "the rounds)\n",
               clmul_per_block);
        printf("%-12s %-5s %5s %8s %8s %10s  %s\n", "alg", "op", "bits", "aes ops", "clmul",
               "cyc/B", "from");
    }
    int first = 1;
    for (size_t b = 0; b < sizeof balgs / sizeof balgs[0]; b++) {
        const int gcm = balgs[b].gcm, rounds = balgs[b].rounds;
        const int w = gcm ? widest(res, K_GCM, rounds) : widest(res, K_AES, 0);
        const double cl = gcm ? clmul_per_block : 0;
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
            double per_blk = gcm ? per_block(&streams[w], &res[w])
                                 : rounds * per_block(&streams[w], &res[w]);
            double cpb = per_blk / 16.0;
            if (json)
                printf("%s{\"alg\": \"%s\", \"op\": \"%s\", \"width\": %d, \"aes_ops_per_block\":"
                       " %d, \"clmul_per_block\": %.2f, \"stream\": \"%s\","
                       " \"cycles_per_byte\": %.4f}",
                       first ? "" : ", ", balgs[b].alg, op, streams[w].width, rounds, cl,
                       streams[w].name, cpb);
            else
                printf("%-12s %-5s %5d %8d %8.2f %10.4f  %s\n", balgs[b].alg, op,
                       streams[w].width, rounds, cl, cpb, streams[w].name);
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
