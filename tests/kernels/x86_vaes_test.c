/*
 * x86_vaes_test.c - correctness of the own x86 VAES kernels (vaes256,
 * vaes512, fused, auto) against own/portable, linked directly from their
 * sources (no plugin, no harness), so a failure points at a kernel.
 *
 * GCM (AES-128/192/256), for each kernel the CPU can run:
 *   - every payload length 0..4096 with the AAD length varying alongside
 *     (0..300), then every AAD length 0..300 at a few payload lengths, then
 *     a 70 KiB message (several carries of the counter's low byte, which
 *     the kernels' counter fast path relies on);
 *   - seal out of place with misaligned input and output, compared with
 *     own/portable byte for byte (ciphertext and tag);
 *   - open in place; open with one tag bit flipped must fail and leave the
 *     output all zero; open with one ciphertext bit flipped must fail;
 *   - seal_hp where offered: same ciphertext and tag, and the mask equal to
 *     own/portable's;
 *   - every 5th case again with input, output, AAD and IV each ending
 *     exactly at a PROT_NONE page, and with each starting right after one:
 *     a byte read or written past either end faults.
 * XTS (AES-128/256): every length 16..4096 (so every stealing remainder at
 * every block count) and 70 KiB + 3, encrypt out of place misaligned,
 * decrypt in place, both against own/portable, with the same guard pages.
 *
 * Built a second time with -DOWN_VAES_TEST_CTR (x86_vaes_ctr_test), J0's
 * counter becomes a variable and the counter-wrap cases run: counters
 * starting at ...fffffffe and around byte carries, compared with a small
 * reference GCM written here (AES from x86_aes.h, GHASH bit by bit from the
 * specification), since no 96-bit-IV API can reach those counters.  The
 * AES-NI kernels keep J0's counter a constant, so own/auto is left out of
 * this build wherever its picks send a GCM length to one of them.
 *
 * Native and emulated: a native build (the kernels as own.so builds them)
 * tests the named kernels this CPU can run and is silent about the others;
 * --list-emulated names those others.  The same sources built with
 * -DOWN_X86_EMULATED against tests/kernels/emu/ (SIMDe + a shim, no target
 * attributes) test the named kernels on a software emulation of VAES and
 * AVX-512, so every kernel is verified on every x86 host; there
 * auto-vaes256 is own/auto seeing a CPU with VAES but no AVX-512.  Knob
 * variants (mk/kernel-tests.mk) are built with -DOWN_VAES_TEST_VARIANT and
 * run --gcm-only (the knobs change GCM only; the x512-* ones --xts-only,
 * they change XTS only); --short N would cut the
 * every-length GCM pass to 0..N for AES-128/192, and the result line says
 * so (unused while the full run fits the time budget).
 * Emulation cannot show the hardware's fault suppression for masked-out
 * bytes at a guard page: the shim never reads them.
 *
 * Each tested kernel gets one line "x86 kernel NAME: native|emulated ...,
 * all cases passed".  Exit status 0 when everything matched (also when
 * this build has nothing to test here), 1 at the first mismatch (printed
 * with kernel, algorithm and lengths), 2 for a bad command line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "own_kernel.h"
#include "../../kernels/auto/picks.h"
#include "../../kernels/x86/common/x86_aes.h"

extern const own_kernel own_kernel_portable, own_kernel_vaes256, own_kernel_vaes512,
    own_kernel_vaes512_sb, own_kernel_fused, own_kernel_auto;

/* The kernels as named on the command line.  auto-vaes256 is own/auto on a
 * CPU with VAES but no AVX-512: only an emulated build can show auto that
 * CPU on any host (OWN_X86_EMU_ISA, see x86_aes.h), so a native build never
 * runs it; a native auto takes whichever wide path this CPU has. */
typedef struct {
    const char *arg;
    const own_kernel *k;
    unsigned native_isa; /* what a native run needs */
    const char *emu_isa; /* OWN_X86_EMU_ISA while its contexts are set up */
    const char *emu_cpu; /* OWN_X86_EMU_CPU likewise: a CPU model of picks.c */
} kentry;
/* The fixed kernels, then (add_pick_rows) one own/auto per row of its
 * measured picks that needs VAES, named auto-FAMILY-MODEL: emulated, auto
 * sees that CPU model and the ISA its row needs, so every step of every
 * row - the narrow aesni kernel beside the VAES ones included - runs here. */
#define NCAT_MAX 16
static kentry catalogue[NCAT_MAX] = {
    {"vaes256", &own_kernel_vaes256, OWN_X86_VAES256_MASK, NULL, NULL},
    {"vaes512", &own_kernel_vaes512, OWN_X86_VAES512_MASK, NULL, NULL},
    {"vaes512-sb", &own_kernel_vaes512_sb, OWN_X86_VAES512_MASK, NULL, NULL},
    {"fused", &own_kernel_fused, OWN_X86_VAES512_MASK, NULL, NULL},
    {"auto", &own_kernel_auto, OWN_X86_VAES256_MASK, NULL, NULL},
    {"auto-vaes256", &own_kernel_auto, ~0u, "vaes256", NULL},
};
static size_t NCAT = 6;

static void add_pick_rows(void)
{
    static char names[NCAT_MAX][48], cpus[NCAT_MAX][48];
    for (const auto_cpu_picks *r = own_auto_picks; r->vendor && NCAT < NCAT_MAX; r++) {
        int wide = 0, w512 = 0;
        for (int o = 0; o < AO_N; o++)
            for (int s = 0; s < AUTO_STEPS && r->op[o][s].path; s++) {
                int p = r->op[o][s].path;
                wide |= p >= AP_VAES256, w512 |= p >= AP_VAES512;
            }
        if (!wide)
            continue; /* narrow kernels only: own.so's verify covers them natively */
        snprintf(names[NCAT], sizeof names[NCAT], "auto-%d-%d", r->family, r->model);
        snprintf(cpus[NCAT], sizeof cpus[NCAT], "%s:%d:%d", r->vendor, r->family, r->model);
        catalogue[NCAT] = (kentry){names[NCAT], &own_kernel_auto, ~0u, w512 ? NULL : "vaes256",
                                   cpus[NCAT]};
        NCAT++;
    }
}

/* The kernels this run tests. */
static const kentry *kernels[NCAT_MAX];
static size_t NK;

#ifdef OWN_X86_EMULATED
#define MODE "emulated (SIMDe " OWN_STR(SIMDE_VERSION_MAJOR) "." OWN_STR(SIMDE_VERSION_MINOR) \
             "." OWN_STR(SIMDE_VERSION_MICRO) " + shim)"
#else
#define MODE "native"
#endif
#define OWN_STR_(x) #x
#define OWN_STR(x) OWN_STR_(x)
#ifdef OWN_X86_EMULATED
#define OWN_EMULATED 1
#else
#define OWN_EMULATED 0
#endif

/* Key set-up of kernel i, under its emulated ISA if it has one. */
static void kinit(size_t i, void (*init)(void *, const uint8_t *, size_t), void *ctx,
                  const uint8_t *k, size_t klen)
{
    if (kernels[i]->emu_isa)
        setenv("OWN_X86_EMU_ISA", kernels[i]->emu_isa, 1);
    if (kernels[i]->emu_cpu)
        setenv("OWN_X86_EMU_CPU", kernels[i]->emu_cpu, 1);
    if (kernels[i]->k->cpu_ok && !kernels[i]->k->cpu_ok()) {
        fprintf(stderr, "FAIL %s: kernel refuses this (possibly emulated) CPU\n", kernels[i]->arg);
        exit(1);
    }
    /* A picks row auto would not take (a kernel it names missing from the
     * build or refused by the emulated CPU) would test the ISA order again
     * under another name. */
    if (kernels[i]->emu_cpu && !strstr(own_kernel_auto.describe("aes-128-gcm"), "measured picks")) {
        fprintf(stderr, "FAIL %s: own/auto does not take its measured picks: %s\n",
                kernels[i]->arg, own_kernel_auto.describe("aes-128-gcm"));
        exit(1);
    }
    init(ctx, k, klen);
    unsetenv("OWN_X86_EMU_ISA");
    unsetenv("OWN_X86_EMU_CPU");
}

/* Lengths of the every-length GCM pass per key size; --short N makes it
 * 0..N for AES-128 and AES-192 (variant builds, where time is short). */
static size_t gcm_max_short = 4096;
static int gcm_only, xts_only;

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t next(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(next() >> 56);
}

static void fail(const char *fmt, const char *k, size_t klen, size_t alen, size_t len)
{
    fprintf(stderr, "FAIL %s: %s (key %zu bytes, aad %zu, len %zu)\n", k, fmt, klen, alen, len);
    exit(1);
}

static void *ctx_new(size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, OWN_CTX_ALIGN, n ? n : 1))
        abort();
    memset(p, 0xa5, n); /* init must not rely on zeroed memory */
    return p;
}

static uint8_t *key, *iv, *aad, *pt, *ref_ct, *buf_in, *buf_out, *ref_mask;

#ifndef OWN_VAES_TEST_CTR
static uint8_t ref_tag[16];

/* ---- guard pages -------------------------------------------------------- */

static long pg;


typedef struct {
    uint8_t *base;
    size_t total;
    uint8_t *p; /* n usable bytes at p */
} gbuf;

/* n bytes ending exactly at a PROT_NONE page (end = 1), or starting right
 * after one (end = 0). */
static gbuf gb_new(size_t n, int end)
{
    gbuf g;
    size_t pages = (n + pg - 1) / pg + 2;
    g.total = pages * pg;
    g.base = mmap(NULL, g.total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g.base == MAP_FAILED)
        abort();
    if (mprotect(g.base, pg, PROT_NONE) || mprotect(g.base + g.total - pg, pg, PROT_NONE))
        abort();
    g.p = end ? g.base + g.total - pg - n : g.base + pg;
    return g;
}
static void gb_free(gbuf *g)
{
    munmap(g->base, g->total);
}

/* ---- GCM ---------------------------------------------------------------- */

static void gcm_case(size_t ki, void *kc, void *pc, size_t klen, size_t alen,
                     size_t len, unsigned idx, int hp)
{
    const own_kernel *k = kernels[ki]->k;
    const char *kn = kernels[ki]->arg;
    uint8_t tag[16], mask[16], bt[16];
    size_t oi = idx % 64, oo = (idx * 7 + 3) % 64;

    memcpy(buf_in + oi, pt, len);
    k->gcm_seal(kc, iv, aad, alen, buf_in + oi, len, buf_out + oo, tag);
    if (memcmp(buf_out + oo, ref_ct, len))
        fail("seal: ciphertext differs from own/portable", kn, klen, alen, len);
    if (memcmp(tag, ref_tag, 16))
        fail("seal: tag differs from own/portable", kn, klen, alen, len);

    memcpy(buf_in + oo, ref_ct, len);
    if (k->gcm_open(kc, iv, aad, alen, buf_in + oo, len, ref_tag, buf_in + oo))
        fail("open in place: valid tag refused", kn, klen, alen, len);
    if (memcmp(buf_in + oo, pt, len))
        fail("open in place: plaintext differs", kn, klen, alen, len);

    memcpy(bt, ref_tag, 16);
    bt[idx % 16] ^= (uint8_t)(1u << (idx % 8));
    memset(buf_out, 0x5a, len + 64);
    if (k->gcm_open(kc, iv, aad, alen, ref_ct, len, bt, buf_out + oi) != 1)
        fail("open: flipped tag bit accepted", kn, klen, alen, len);
    for (size_t i = 0; i < len; i++)
        if (buf_out[oi + i])
            fail("open: output not wiped after a tag mismatch", kn, klen, alen, len);
    if (len) {
        memcpy(buf_in, ref_ct, len);
        buf_in[idx % len] ^= 0x80;
        if (k->gcm_open(kc, iv, aad, alen, buf_in, len, ref_tag, buf_out) != 1)
            fail("open: flipped ciphertext bit accepted", kn, klen, alen, len);
    }

    if (hp && k->gcm_seal_hp) {
        memcpy(buf_in, pt, len);
        k->gcm_seal_hp(kc, iv, aad, alen, buf_in, len, buf_in, tag, ref_tag, mask);
        if (memcmp(buf_in, ref_ct, len) || memcmp(tag, ref_tag, 16))
            fail("seal_hp: ciphertext or tag differs", kn, klen, alen, len);
        if (memcmp(mask, ref_mask, 16))
            fail("seal_hp: header-protection mask differs", kn, klen, alen, len);
    }
    (void)pc;

    if (idx % 5 == 0) {
        for (int end = 0; end < 2; end++) {
            gbuf gi = gb_new(len, end), go = gb_new(len, end), ga = gb_new(alen, end),
                 gv = gb_new(12, end);
            memcpy(gi.p, pt, len);
            memcpy(ga.p, aad, alen);
            memcpy(gv.p, iv, 12);
            k->gcm_seal(kc, gv.p, ga.p, alen, gi.p, len, go.p, tag);
            if (memcmp(go.p, ref_ct, len) || memcmp(tag, ref_tag, 16))
                fail("seal at guard pages differs", kn, klen, alen, len);
            if (k->gcm_open(kc, gv.p, ga.p, alen, go.p, len, tag, go.p) || memcmp(go.p, pt, len))
                fail("open in place at guard pages differs", kn, klen, alen, len);
            gb_free(&gi), gb_free(&go), gb_free(&ga), gb_free(&gv);
        }
    }
}

static void gcm_one(void **kcs, void *pc, size_t klen, size_t alen, size_t len, unsigned idx)
{
    const own_kernel *p = &own_kernel_portable;
    fill(iv, 12);
    fill(aad, alen);
    fill(pt, len);
    p->gcm_seal(pc, iv, aad, alen, pt, len, ref_ct, ref_tag);
    int hp = idx % 3 == 0;
    if (hp) {
        uint8_t scratch_tag[16];
        /* sample = the reference tag, any 16 bytes will do */
        p->gcm_seal_hp(pc, iv, aad, alen, pt, len, buf_out, scratch_tag, ref_tag, ref_mask);
    }
    for (size_t i = 0; i < NK; i++)
        if (kcs[i])
            gcm_case(i, kcs[i], pc, klen, alen, len, idx, hp);
}

static void test_gcm(void)
{
    static const size_t klens[] = {16, 24, 32};
    unsigned idx = 0;
    for (size_t ki = 0; ki < 3; ki++) {
        size_t klen = klens[ki];
        uint8_t hpk[32];
        fill(key, klen);
        fill(hpk, klen);
        void *pc = ctx_new(own_kernel_portable.gcm_ctx_bytes);
        own_kernel_portable.gcm_init(pc, key, klen);
        own_kernel_portable.gcm_hp_init(pc, hpk, klen);
        void *kcs[NCAT_MAX] = {0};
        for (size_t i = 0; i < NK; i++) {
            const own_kernel *k = kernels[i]->k;
            kcs[i] = ctx_new(k->gcm_ctx_bytes);
            kinit(i, k->gcm_init, kcs[i], key, klen);
            if (k->gcm_hp_init)
                k->gcm_hp_init(kcs[i], hpk, klen);
        }
        for (size_t len = 0; len <= (klen == 32 ? 4096 : gcm_max_short); len++)
            gcm_one(kcs, pc, klen, (len * 7) % 301, len, idx++);
        static const size_t few[] = {0, 1, 15, 16, 17, 64, 255};
        for (size_t f = 0; f < sizeof few / sizeof few[0]; f++)
            for (size_t alen = 0; alen <= 300; alen++)
                gcm_one(kcs, pc, klen, alen, few[f], idx++);
        gcm_one(kcs, pc, klen, 13, 70000 + 5, idx++);
        gcm_one(kcs, pc, klen, 1000, 70000 + 16 * 7, idx++);
        for (size_t i = 0; i < NK; i++)
            if (kcs[i]) {
                own_wipe(kcs[i], kernels[i]->k->gcm_ctx_bytes);
                free(kcs[i]);
            }
        free(pc);
    }
}

/* ---- XTS ---------------------------------------------------------------- */

static void xts_one(void **kcs, void *pc, size_t klen, size_t len, unsigned idx)
{
    const own_kernel *p = &own_kernel_portable;
    uint8_t tw[16];
    fill(tw, 16);
    fill(pt, len);
    p->xts_encrypt(pc, tw, pt, len, ref_ct);
    for (size_t i = 0; i < NK; i++) {
        if (!kcs[i])
            continue;
        const own_kernel *k = kernels[i]->k;
        const char *kn = kernels[i]->arg;
        size_t oi = idx % 64, oo = (idx * 5 + 1) % 64;
        memcpy(buf_in + oi, pt, len);
        k->xts_encrypt(kcs[i], tw, buf_in + oi, len, buf_out + oo);
        if (memcmp(buf_out + oo, ref_ct, len))
            fail("xts encrypt differs from own/portable", kn, klen, 0, len);
        k->xts_decrypt(kcs[i], tw, buf_out + oo, len, buf_out + oo);
        if (memcmp(buf_out + oo, pt, len))
            fail("xts decrypt in place differs", kn, klen, 0, len);
        memcpy(buf_in + oo, pt, len);
        k->xts_encrypt(kcs[i], tw, buf_in + oo, len, buf_in + oo);
        if (memcmp(buf_in + oo, ref_ct, len))
            fail("xts encrypt in place differs", kn, klen, 0, len);
        k->xts_decrypt(kcs[i], tw, ref_ct, len, buf_out + oi);
        if (memcmp(buf_out + oi, pt, len))
            fail("xts decrypt out of place differs", kn, klen, 0, len);
        if (idx % 5 == 0) {
            for (int end = 0; end < 2; end++) {
                gbuf gi = gb_new(len, end), go = gb_new(len, end), gt = gb_new(16, end);
                memcpy(gi.p, pt, len);
                memcpy(gt.p, tw, 16);
                k->xts_encrypt(kcs[i], gt.p, gi.p, len, go.p);
                if (memcmp(go.p, ref_ct, len))
                    fail("xts encrypt at guard pages differs", kn, klen, 0, len);
                k->xts_decrypt(kcs[i], gt.p, go.p, len, go.p);
                if (memcmp(go.p, pt, len))
                    fail("xts decrypt at guard pages differs", kn, klen, 0, len);
                gb_free(&gi), gb_free(&go), gb_free(&gt);
            }
        }
    }
}

static void test_xts(void)
{
    static const size_t klens[] = {32, 64};
    unsigned idx = 0;
    for (size_t ki = 0; ki < 2; ki++) {
        size_t klen = klens[ki];
        fill(key, klen);
        void *pc = ctx_new(own_kernel_portable.xts_ctx_bytes);
        own_kernel_portable.xts_init(pc, key, klen);
        void *kcs[NCAT_MAX] = {0};
        for (size_t i = 0; i < NK; i++) {
            const own_kernel *k = kernels[i]->k;
            if (!k->xts_init) /* fused: GCM only */
                continue;
            kcs[i] = ctx_new(k->xts_ctx_bytes);
            kinit(i, k->xts_init, kcs[i], key, klen);
        }
        for (size_t len = 16; len <= 4096; len++)
            xts_one(kcs, pc, klen, len, idx++);
        xts_one(kcs, pc, klen, 70000 + 3, idx++);
        for (size_t i = 0; i < NK; i++)
            if (kcs[i]) {
                own_wipe(kcs[i], kernels[i]->k->xts_ctx_bytes);
                free(kcs[i]);
            }
        free(pc);
    }
}

#endif /* !OWN_VAES_TEST_CTR */

/* ---- counter wrap (test build with OWN_VAES_TEST_CTR only) --------------- */

#ifdef OWN_VAES_TEST_CTR
uint32_t own_vaes_test_ctr0 = 1;

/* GHASH multiply straight from the specification (SP 800-38D, 6.3). */
static void gf_mul(uint8_t x[16], const uint8_t h[16])
{
    uint8_t z[16] = {0}, v[16];
    memcpy(v, h, 16);
    for (int i = 0; i < 128; i++) {
        if (x[i / 8] & (0x80 >> (i % 8)))
            for (int j = 0; j < 16; j++)
                z[j] ^= v[j];
        int lsb = v[15] & 1;
        for (int j = 15; j > 0; j--)
            v[j] = (uint8_t)((v[j] >> 1) | (v[j - 1] << 7));
        v[0] >>= 1;
        if (lsb)
            v[0] ^= 0xe1;
    }
    memcpy(x, z, 16);
}

OWN_X86_TARGET("aes,sse4.1,ssse3") static void aes_blk(const __m128i *rk, int nr,
                                                                const uint8_t in[16], uint8_t out[16])
{
    __m128i b = own_x86_aes_enc_block(rk, nr, _mm_loadu_si128((const __m128i *)(const void *)in));
    _mm_storeu_si128((__m128i *)(void *)out, b);
}

static void ghash_bytes(uint8_t s[16], const uint8_t h[16], const uint8_t *p, size_t n)
{
    for (size_t off = 0; off < n; off += 16) {
        for (size_t j = 0; j < 16 && off + j < n; j++)
            s[j] ^= p[off + j];
        gf_mul(s, h);
    }
}

/* Reference GCM seal with J0 = IV || ctr0. */
static void ref_seal_ctr(const uint8_t *k, size_t klen, const uint8_t iv12[12], uint32_t ctr0,
                         const uint8_t *a, size_t alen, const uint8_t *in, size_t n, uint8_t *out,
                         uint8_t tag[16])
{
    __m128i rk[15];
    int nr = own_x86_aes_expand_enc(k, klen, rk);
    uint8_t h[16] = {0}, j[16], ks[16], s[16] = {0}, lb[16];
    aes_blk(rk, nr, h, h);
    memcpy(j, iv12, 12);
    for (size_t off = 0; off < n; off += 16) {
        uint32_t c = ctr0 + 1 + (uint32_t)(off / 16); /* inc32: wraps mod 2^32 */
        j[12] = (uint8_t)(c >> 24), j[13] = (uint8_t)(c >> 16), j[14] = (uint8_t)(c >> 8), j[15] = (uint8_t)c;
        aes_blk(rk, nr, j, ks);
        for (size_t b = 0; b < 16 && off + b < n; b++)
            out[off + b] = in[off + b] ^ ks[b];
    }
    ghash_bytes(s, h, a, alen);
    ghash_bytes(s, h, out, n);
    own_gcm_len_block(lb, alen, n);
    ghash_bytes(s, h, lb, 16);
    j[12] = (uint8_t)(ctr0 >> 24), j[13] = (uint8_t)(ctr0 >> 16), j[14] = (uint8_t)(ctr0 >> 8), j[15] = (uint8_t)ctr0;
    aes_blk(rk, nr, j, ks);
    for (int b = 0; b < 16; b++)
        tag[b] = s[b] ^ ks[b];
}

static void test_ctr(void)
{
    static const uint32_t starts[] = {0xfffffffeu, 0xffffffffu, 0xfffffff0u, 0xffffff00u - 5,
                                      0x000000fdu, 0x0000fffau, 0x00fffff0u, 1u};
    static const size_t lens[] = {0, 1, 16, 31, 64, 100, 255, 256, 512, 1000, 1024, 4096, 5000};
    static const size_t klens[] = {16, 24, 32};
    uint8_t tag[16], rtag[16];
    for (size_t ki = 0; ki < 3; ki++) {
        size_t klen = klens[ki];
        fill(key, klen);
        for (size_t i = 0; i < NK; i++) {
            const own_kernel *k = kernels[i]->k;
            const char *kn = kernels[i]->arg;
            void *kc = ctx_new(k->gcm_ctx_bytes);
            kinit(i, k->gcm_init, kc, key, klen);
            for (size_t si = 0; si < sizeof starts / sizeof starts[0]; si++)
                for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
                    size_t len = lens[li], alen = li * 5;
                    fill(iv, 12), fill(aad, alen), fill(pt, len);
                    own_vaes_test_ctr0 = starts[si];
                    ref_seal_ctr(key, klen, iv, starts[si], aad, alen, pt, len, ref_ct, rtag);
                    k->gcm_seal(kc, iv, aad, alen, pt, len, buf_out, tag);
                    if (memcmp(buf_out, ref_ct, len) || memcmp(tag, rtag, 16))
                        fail("seal with the counter near a wrap differs from the reference",
                             kn, klen, alen, len);
                    if (k->gcm_open(kc, iv, aad, alen, ref_ct, len, rtag, buf_out) ||
                        memcmp(buf_out, pt, len))
                        fail("open with the counter near a wrap differs", kn, klen, alen, len);
                }
            own_vaes_test_ctr0 = 1;
            free(kc);
        }
    }
}
#endif

static void usage(void)
{
    fprintf(stderr, "usage: x86_vaes_test [--list-emulated] [--gcm-only | --xts-only] [--short N] [kernel...]\n"
                    "kernels: vaes256 vaes512 fused auto auto-vaes256 auto-FAMILY-MODEL (a "
                    "VAES row of kernels/auto/picks.c)\n");
    exit(2);
}

/* The kernel's name in the result line. */
static const char *label(const kentry *e)
{
    static char buf[96];
    if (e->k != &own_kernel_auto)
        return e->arg;
    if (e->emu_cpu) {
        snprintf(buf, sizeof buf, "auto (measured picks of %s)", e->emu_cpu);
        return buf;
    }
    if (e->emu_isa || !own_x86_cpu_vaes512())
        return "auto (VAES-256 path)";
    return "auto (AVX-512 path)";
}

int main(int argc, char **argv)
{
#ifndef OWN_VAES_TEST_CTR
    pg = sysconf(_SC_PAGESIZE);
#endif
    /* This CPU, even in an emulated build (own_x86_features() is the
     * emulated one there). */
    unsigned cpu = own_x86_features_uncached();
    int list = 0, i = 1;
    add_pick_rows();
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--list-emulated"))
            list = 1;
        else if (!strcmp(argv[i], "--gcm-only"))
            gcm_only = 1;
        else if (!strcmp(argv[i], "--xts-only"))
            xts_only = 1;
        else if (!strcmp(argv[i], "--short") && i + 1 < argc)
            gcm_max_short = strtoul(argv[++i], NULL, 10);
        else
            usage();
    }
    if (gcm_only && xts_only)
        usage();
    if (list) {
        /* What a native run leaves untested here, for the emulated build. */
        int v256_only = (cpu & OWN_X86_VAES256_MASK) == OWN_X86_VAES256_MASK &&
                        (cpu & OWN_X86_VAES512_MASK) != OWN_X86_VAES512_MASK;
        const char *sep = "";
        for (size_t c = 0; c < NCAT; c++) {
            const kentry *e = &catalogue[c];
            int native = e->emu_cpu   ? 0
                         : e->emu_isa ? v256_only
                                      : (cpu & e->native_isa) == e->native_isa;
            if (!native)
                printf("%s%s", sep, e->arg), sep = " ";
        }
        printf("\n");
        return 0;
    }
    /* Native: the named kernels this CPU runs (the others are the emulated
     * build's).  Emulated: every named kernel.  Default: all of them. */
    for (size_t c = 0; c < NCAT; c++) {
        const kentry *e = &catalogue[c];
        int named = i == argc && (e->emu_isa == NULL || OWN_EMULATED);
        for (int a = i; a < argc; a++)
            named |= !strcmp(argv[a], e->arg);
#ifdef OWN_VAES_TEST_CTR
        /* a picks row sends some lengths to aesni, whose J0 counter the
         * test cannot move; the kernels a row names are tested here by name */
        if (e->emu_cpu)
            continue;
        /* likewise the native auto where this CPU's own row does so (the
         * VAES kernels it names are tested here by name) */
        if (e->k == &own_kernel_auto && !e->emu_isa && own_kernel_auto.describe &&
            strstr(own_kernel_auto.describe("aes-128-gcm"), "aesni"))
            continue;
#endif
        if (named && (OWN_EMULATED || (cpu & e->native_isa) == e->native_isa))
            kernels[NK++] = e;
    }
    for (int a = i; a < argc; a++) {
        size_t c = 0;
        while (c < NCAT && strcmp(argv[a], catalogue[c].arg))
            c++;
        if (c == NCAT)
            usage();
    }
    if (!NK)
        return 0; /* nothing for this build here; make's other lines say what ran */

    size_t max = 70000 + 256;
    key = malloc(64), iv = malloc(12), aad = malloc(1024), pt = malloc(max);
    ref_ct = malloc(max), ref_mask = malloc(16);
    buf_in = malloc(max + 128), buf_out = malloc(max + 128);
    char what[160] = "all cases passed";
#if defined(OWN_VAES_TEST_CTR)
    const char *kind = " (counter wrap)";
#elif defined(__SANITIZE_ADDRESS__)
    const char *kind = " (ASan + UBSan)";
#else
    const char *kind = "";
#endif
#ifdef OWN_VAES_TEST_CTR
    test_ctr();
#else
    if (!xts_only)
        test_gcm();
    if (!gcm_only)
        test_xts();
    if (xts_only)
        snprintf(what, sizeof what, "XTS only: all cases passed");
    else if (gcm_only || gcm_max_short < 4096) {
        int n = snprintf(what, sizeof what, "%s", gcm_only ? "GCM only" : "");
        if (gcm_max_short < 4096)
            snprintf(what + n, sizeof what - n,
                     "%severy length 0..%zu for AES-128/192, 0..4096 for AES-256", n ? ", " : "",
                     gcm_max_short);
        strncat(what, ": all cases passed", sizeof what - strlen(what) - 1);
    }
#endif
#ifdef OWN_VAES_TEST_VARIANT
    const char *variant = " [" OWN_VAES_TEST_VARIANT "]";
#else
    const char *variant = "";
#endif
    for (size_t k = 0; k < NK; k++)
        printf("x86 kernel %s%s%s: %s, %s\n", label(kernels[k]), kind, variant, MODE, what);
    return 0;
}
