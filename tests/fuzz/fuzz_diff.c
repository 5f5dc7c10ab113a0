/*
 * fuzz_diff.c - libFuzzer differential target: every own kernel this CPU
 * runs against own/portable and against the distro OpenSSL (libcrypto EVP).
 *
 * Why differential: the kernels' hard parts (tails, ciphertext stealing,
 * AAD and payload lengths that straddle unrolled loops, in-place calls,
 * misaligned pointers) are exactly where hand-picked test vectors run out.
 * Three independent answers per input - the kernel under test, the
 * bitsliced portable kernel, and OpenSSL - make a wrong answer from any one
 * of them visible.  OpenSSL is compared with own/portable only (once per
 * input); every other kernel is compared with own/portable.
 *
 * The kernels are linked from their sources (mk/fuzz.mk), compiled with
 * coverage, ASan and UBSan, so the fuzzer is steered by the kernels' own
 * length-dependent branches, and a read or write past any buffer is caught:
 * every buffer handed to a kernel is its own heap block ending exactly at
 * its last byte, and the bytes before a misaligned start are poisoned.
 *
 * Input layout (all fields fixed-position so mutations stay meaningful):
 *   [0]      algorithm: % 5 -> aes-128-gcm aes-192-gcm aes-256-gcm
 *                                aes-128-xts aes-256-xts
 *   [1]      flags: bit0 op (0 seal/enc, 1 open/dec), bit1 in place,
 *            bit2 GCM streaming interface too (where offered),
 *            bit3 GCM seal_hp too (where offered)
 *   [2] [3]  misalignment of the input / output buffers (& 63)
 *   [4..5]   AAD length, little endian, & 0x7ff, clipped to what is left
 *   [6]      open: tamper target % 5 -> none, ciphertext, tag, AAD, IV
 *   [7..8]   tamper byte position (mod the target's length)
 *   [9]      tamper XOR mask (0 counts as 1: a tamper always changes a bit)
 *   [10..13] two split points (u16 each, mod len+1) for streaming
 *   [14..15] reserved
 *   [16..79] key bytes: GCM key = first 16/24/32, seal_hp key = bytes 32..;
 *            XTS key = first 32/64
 *   [80..95] GCM IV (first 12) or XTS tweak
 *   [96..111] seal_hp sample
 *   then the AAD (GCM only), then the payload (the rest).
 * Shorter inputs are zero-padded for the header.
 *
 * Checks, each a distinct abort() message naming kernel, algorithm, lengths
 * and offsets:
 *   GCM seal     ciphertext and tag == own/portable's == OpenSSL's;
 *                streaming (two splits) and seal_hp likewise, and the
 *                seal_hp mask == AES(hp key, sample) from OpenSSL's ECB.
 *   GCM open     the payload is sealed by own/portable, then optionally one
 *                byte of ciphertext/tag/AAD/IV is XORed: every kernel and
 *                OpenSSL must accept exactly when nothing was tampered; on
 *                accept the plaintext must match, on reject the output must
 *                be all zero (own_gcm_finish_open's wipe).  Streaming open
 *                must agree on accept/reject (it cannot wipe what it has
 *                already returned).
 *   XTS          len >= 16 (shorter inputs are skipped): encrypt or decrypt
 *                == own/portable's == OpenSSL's, and own/portable's inverse
 *                gives the input back.  OpenSSL refuses XTS keys whose two
 *                halves are equal; then only the own kernels are compared.
 *   always       read-only inputs (out-of-place input, AAD, IV, tag, tweak)
 *                unchanged after the call.
 *
 * FUZZ_DIFF_SELFTEST=1 plants a bug (see selftest_fault) so `make
 * test-fuzz-selftest` can show the fuzzer finds a wrong ciphertext that the
 * seed corpus does not reach.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <sanitizer/asan_interface.h>

#include "own_kernel.h"

extern const own_kernel *const own_kernel_candidates[];
extern const unsigned own_kernel_n_candidates;

enum { HDR = 112, KEY_OFF = 16, IV_OFF = 80, SAMPLE_OFF = 96 };
enum { OP_SEAL = 0, OP_OPEN = 1 };
enum { T_NONE, T_CT, T_TAG, T_AAD, T_IV, T_KINDS };

typedef struct {
    const char *name;
    int xts;
    size_t key_len; /* full key bytes (XTS: both halves) */
    unsigned mask;  /* OWN_K* bit the kernel must offer */
    const char *ossl;
} alg_t;

static const alg_t algs[] = {
    {"aes-128-gcm", 0, 16, OWN_K128, "AES-128-GCM"},
    {"aes-192-gcm", 0, 24, OWN_K192, "AES-192-GCM"},
    {"aes-256-gcm", 0, 32, OWN_K256, "AES-256-GCM"},
    {"aes-128-xts", 1, 32, OWN_K128, "AES-128-XTS"},
    {"aes-256-xts", 1, 64, OWN_K256, "AES-256-XTS"},
};
#define N_ALG (sizeof algs / sizeof algs[0])

static const char *const ecb_names[] = {"AES-128-ECB", "AES-192-ECB", "AES-256-ECB"};

static const own_kernel *kern[32]; /* kern[0] is own/portable */
static unsigned nk;
static EVP_CIPHER *ossl_cipher[N_ALG];
static EVP_CIPHER *ossl_ecb[3];

/* What the current input is, for failure messages. */
static struct {
    const alg_t *alg;
    int op, inplace, stream, hp, tamper;
    size_t len, aad_len, in_off, out_off, split1, split2;
} cur;

static void fail(const char *who, const char *what, const uint8_t *got, const uint8_t *want,
                 size_t n)
{
    size_t i = 0;
    if (got && want)
        while (i < n && got[i] == want[i])
            i++;
    fprintf(stderr,
            "\nfuzz_diff MISMATCH: %s: %s\n"
            "  alg %s op %s len %zu aad_len %zu in_place %d in_off %zu out_off %zu"
            " stream %d (splits %zu,%zu) seal_hp %d tamper %d\n",
            who, what, cur.alg->name,
            cur.alg->xts ? (cur.op ? "dec" : "enc") : (cur.op ? "open" : "seal"), cur.len,
            cur.aad_len, cur.inplace, cur.in_off, cur.out_off, cur.stream, cur.split1, cur.split2,
            cur.hp, cur.tamper);
    if (got && want && i < n)
        fprintf(stderr, "  first difference at byte %zu of %zu: got %02x want %02x\n", i, n,
                got[i], want[i]);
    abort();
}

static void must_eq(const char *who, const char *what, const uint8_t *got, const uint8_t *want,
                    size_t n)
{
    if (n && memcmp(got, want, n))
        fail(who, what, got, want, n);
}

/* ---- buffers: each its own heap block ending exactly at its last byte ---- */

typedef struct {
    uint8_t *base, *p;
    size_t off;
} buf_t;

static buf_t buf_new(size_t n, size_t off)
{
    buf_t b;
    void *base;
    if (posix_memalign(&base, 64, off + n + (off + n == 0)))
        abort();
    b.base = base;
    b.p = b.base + off;
    b.off = off;
    /* ASan poisons in 8-byte granules from the start of one, so only the
     * whole granules before p are poisoned; an underrun of more than 7
     * bytes is caught at any offset, and of any size at offset 0. */
    if (off)
        ASAN_POISON_MEMORY_REGION(b.base, off);
    return b;
}

static buf_t buf_dup(const uint8_t *src, size_t n, size_t off)
{
    buf_t b = buf_new(n, off);
    if (n)
        memcpy(b.p, src, n);
    return b;
}

static void buf_free(buf_t *b)
{
    if (b->off)
        ASAN_UNPOISON_MEMORY_REGION(b->base, b->off);
    free(b->base);
    b->base = b->p = NULL;
}

static void *ctx_new(size_t n)
{
    void *p;
    if (posix_memalign(&p, OWN_CTX_ALIGN, n ? n : 1))
        abort();
    return p;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= p[i];
    return d == 0;
}

/* ---- OpenSSL reference --------------------------------------------------- */

/* GCM seal (open when tag_in): returns 1 on success / tag accepted. */
static int ossl_gcm(const alg_t *a, int open, const uint8_t *key, const uint8_t *iv,
                    const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                    uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int ok = c && EVP_CipherInit_ex(c, ossl_cipher[a - algs], NULL, key, iv, !open) == 1;
    int outl = 0;
    if (ok && aad_len)
        ok = EVP_CipherUpdate(c, NULL, &outl, aad, (int)aad_len) == 1;
    if (ok && len)
        ok = EVP_CipherUpdate(c, out, &outl, in, (int)len) == 1 && (size_t)outl == len;
    if (ok && open)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, tag) == 1;
    if (!ok)
        fail("openssl", "GCM call failed before the tag check", NULL, NULL, 0);
    ok = EVP_CipherFinal_ex(c, out + len, &outl) == 1;
    if (ok && !open && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1)
        fail("openssl", "GCM get tag failed", NULL, NULL, 0);
    if (!ok && !open)
        fail("openssl", "GCM seal final failed", NULL, NULL, 0);
    EVP_CIPHER_CTX_free(c);
    return ok;
}

/* XTS: 1 if OpenSSL did it, 0 if it refused the key (equal halves). */
static int ossl_xts(const alg_t *a, int dec, const uint8_t *key, const uint8_t *tweak,
                    const uint8_t *in, size_t len, uint8_t *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0, ok = c != NULL;
    ok = ok && EVP_CipherInit_ex(c, ossl_cipher[a - algs], NULL, key, tweak, !dec) == 1;
    ok = ok && EVP_CipherUpdate(c, out, &outl, in, (int)len) == 1 && (size_t)outl == len;
    ok = ok && EVP_CipherFinal_ex(c, out + len, &outl) == 1;
    EVP_CIPHER_CTX_free(c);
    if (!ok) {
        size_t h = a->key_len / 2;
        if (!memcmp(key, key + h, h))
            return 0;
        fail("openssl", "XTS call failed", NULL, NULL, 0);
    }
    return 1;
}

static void ossl_ecb1(size_t key_len, const uint8_t *key, const uint8_t in[16], uint8_t out[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0;
    int ok = c && EVP_EncryptInit_ex(c, ossl_ecb[(key_len - 16) / 8], NULL, key, NULL) == 1 &&
             EVP_CIPHER_CTX_set_padding(c, 0) == 1 && EVP_EncryptUpdate(c, out, &outl, in, 16) == 1 &&
             outl == 16;
    if (!ok)
        fail("openssl", "AES-ECB failed", NULL, NULL, 0);
    EVP_CIPHER_CTX_free(c);
}

/* ---- planted bug for the self-test --------------------------------------- */

/* FUZZ_DIFF_SELFTEST=1 in the environment plants a wrong ciphertext bit in
 * one kernel's GCM seal (the last kernel this CPU runs), only for lengths
 * the seed corpus avoids: a 9-byte tail after >= 6 whole blocks, the kind
 * of tail-handling slip a kernel really makes.  `make test-fuzz-selftest`
 * checks that the corpus replay still passes and that the fuzzer then
 * reaches the bug by mutation and reports it: the target can fail.  A
 * switch at run time rather than a second build, because the build with
 * coverage and sanitizers is most of this test's cost. */
static int selftest;

static void selftest_fault(const own_kernel *k, uint8_t *out, size_t len)
{
    if (selftest && k == kern[nk - 1] && len >= 96 && len % 16 == 9)
        out[len - 3] ^= 0x10;
}

/* ---- GCM ----------------------------------------------------------------- */

typedef struct {
    const alg_t *a;
    const uint8_t *key, *hp_key, *iv, *sample, *aad, *msg;
    size_t aad_len, len;
} gcm_in;

static void gcm_kernel_seal(const own_kernel *k, const gcm_in *g, const uint8_t *ref_ct,
                            const uint8_t *ref_tag, const uint8_t *ref_mask)
{
    void *ctx = ctx_new(k->gcm_ctx_bytes);
    k->gcm_init(ctx, g->key, g->a->key_len);
    if (k->gcm_hp_init)
        k->gcm_hp_init(ctx, g->hp_key, g->a->key_len);

    buf_t in = buf_dup(g->msg, g->len, cur.in_off);
    buf_t out = cur.inplace ? in : buf_new(g->len, cur.out_off);
    buf_t aad = buf_dup(g->aad, g->aad_len, (cur.in_off * 7 + 3) & 63);
    buf_t iv = buf_dup(g->iv, 12, cur.out_off & 15);
    buf_t tag = buf_new(16, (cur.out_off + 5) & 15);

    k->gcm_seal(ctx, iv.p, aad.p, g->aad_len, in.p, g->len, out.p, tag.p);
    selftest_fault(k, out.p, g->len);
    must_eq(k->name, "seal ciphertext differs from own/portable", out.p, ref_ct, g->len);
    must_eq(k->name, "seal tag differs from own/portable", tag.p, ref_tag, 16);
    if (!cur.inplace)
        must_eq(k->name, "seal modified its input", in.p, g->msg, g->len);
    must_eq(k->name, "seal modified the AAD", aad.p, g->aad, g->aad_len);
    must_eq(k->name, "seal modified the IV", iv.p, g->iv, 12);

    if (cur.hp && k->gcm_seal_hp) {
        buf_t in2 = buf_dup(g->msg, g->len, cur.in_off);
        buf_t out2 = cur.inplace ? in2 : buf_new(g->len, cur.out_off);
        buf_t sample = buf_dup(g->sample, 16, (cur.in_off + 9) & 15);
        buf_t mask = buf_new(16, (cur.in_off + 1) & 15);
        k->gcm_seal_hp(ctx, iv.p, aad.p, g->aad_len, in2.p, g->len, out2.p, tag.p, sample.p,
                       mask.p);
        must_eq(k->name, "seal_hp ciphertext differs from own/portable", out2.p, ref_ct, g->len);
        must_eq(k->name, "seal_hp tag differs from own/portable", tag.p, ref_tag, 16);
        must_eq(k->name, "seal_hp mask differs from AES(hp key, sample)", mask.p, ref_mask, 16);
        must_eq(k->name, "seal_hp modified the sample", sample.p, g->sample, 16);
        if (!cur.inplace)
            buf_free(&out2);
        buf_free(&in2), buf_free(&sample), buf_free(&mask);
    }

    if (cur.stream && k->gcm_stream_init) {
        void *st = ctx_new(k->gcm_stream_bytes);
        buf_t in2 = buf_dup(g->msg, g->len, cur.in_off);
        buf_t out2 = cur.inplace ? in2 : buf_new(g->len, cur.out_off);
        size_t s1 = cur.split1, s2 = cur.split2;
        k->gcm_stream_init(st, ctx, 1, iv.p, aad.p, g->aad_len);
        k->gcm_stream_update(st, in2.p, s1, out2.p);
        k->gcm_stream_update(st, in2.p + s1, s2 - s1, out2.p + s1);
        k->gcm_stream_update(st, in2.p + s2, g->len - s2, out2.p + s2);
        k->gcm_stream_final(st, tag.p);
        must_eq(k->name, "streaming seal ciphertext differs from own/portable", out2.p, ref_ct,
                g->len);
        must_eq(k->name, "streaming seal tag differs from own/portable", tag.p, ref_tag, 16);
        if (!cur.inplace)
            buf_free(&out2);
        buf_free(&in2);
        free(st);
    }

    if (!cur.inplace)
        buf_free(&out);
    buf_free(&in), buf_free(&aad), buf_free(&iv), buf_free(&tag);
    free(ctx);
}

/* Open of (ct, tag) under (iv, aad); expect_ok says whether nothing was
 * tampered; pt is the plaintext an accepting open must give. */
static void gcm_kernel_open(const own_kernel *k, const gcm_in *g, const uint8_t *ct,
                            const uint8_t *tag_in, int expect_ok, const uint8_t *pt)
{
    void *ctx = ctx_new(k->gcm_ctx_bytes);
    k->gcm_init(ctx, g->key, g->a->key_len);

    buf_t in = buf_dup(ct, g->len, cur.in_off);
    buf_t out = cur.inplace ? in : buf_new(g->len, cur.out_off);
    buf_t aad = buf_dup(g->aad, g->aad_len, (cur.in_off * 7 + 3) & 63);
    buf_t iv = buf_dup(g->iv, 12, cur.out_off & 15);
    buf_t tag = buf_dup(tag_in, 16, (cur.out_off + 5) & 15);

    int bad = k->gcm_open(ctx, iv.p, aad.p, g->aad_len, in.p, g->len, tag.p, out.p);
    if (bad != 0 && bad != 1)
        fail(k->name, "open returned neither 0 nor 1", NULL, NULL, 0);
    if (bad == expect_ok)
        fail(k->name, expect_ok ? "open rejected an authentic message"
                                : "open accepted a tampered message", NULL, NULL, 0);
    if (expect_ok)
        must_eq(k->name, "open plaintext differs", out.p, pt, g->len);
    else if (!all_zero(out.p, g->len))
        fail(k->name, "rejected open left plaintext in the output (not wiped)", NULL, NULL, 0);
    if (!cur.inplace)
        must_eq(k->name, "open modified its input", in.p, ct, g->len);
    must_eq(k->name, "open modified the AAD", aad.p, g->aad, g->aad_len);
    must_eq(k->name, "open modified the IV", iv.p, g->iv, 12);
    must_eq(k->name, "open modified the tag", tag.p, tag_in, 16);

    if (cur.stream && k->gcm_stream_init) {
        void *st = ctx_new(k->gcm_stream_bytes);
        buf_t in2 = buf_dup(ct, g->len, cur.in_off);
        buf_t out2 = cur.inplace ? in2 : buf_new(g->len, cur.out_off);
        size_t s1 = cur.split1, s2 = cur.split2;
        k->gcm_stream_init(st, ctx, 0, iv.p, aad.p, g->aad_len);
        k->gcm_stream_update(st, in2.p, s1, out2.p);
        k->gcm_stream_update(st, in2.p + s1, s2 - s1, out2.p + s1);
        k->gcm_stream_update(st, in2.p + s2, g->len - s2, out2.p + s2);
        int sbad = k->gcm_stream_final(st, tag.p);
        if (sbad != 0 && sbad != 1)
            fail(k->name, "streaming open returned neither 0 nor 1", NULL, NULL, 0);
        if (sbad == expect_ok)
            fail(k->name, expect_ok ? "streaming open rejected an authentic message"
                                    : "streaming open accepted a tampered message", NULL, NULL, 0);
        if (expect_ok)
            must_eq(k->name, "streaming open plaintext differs", out2.p, pt, g->len);
        if (!cur.inplace)
            buf_free(&out2);
        buf_free(&in2);
        free(st);
    }

    if (!cur.inplace)
        buf_free(&out);
    buf_free(&in), buf_free(&aad), buf_free(&iv), buf_free(&tag);
    free(ctx);
}

static void gcm_case(const gcm_in *g0, const uint8_t *hdr)
{
    gcm_in g = *g0;
    const own_kernel *ref = kern[0];
    void *rctx = ctx_new(ref->gcm_ctx_bytes);
    ref->gcm_init(rctx, g.key, g.a->key_len);
    uint8_t *ref_ct = malloc(g.len + 16); /* + 16: OpenSSL's Final may write at out+len */
    uint8_t *ossl_ct = malloc(g.len + 16);
    uint8_t ref_tag[16], ossl_tag[16], ref_mask[16] = {0};
    if (!ref_ct || !ossl_ct)
        abort();

    ref->gcm_seal(rctx, g.iv, g.aad, g.aad_len, g.msg, g.len, ref_ct, ref_tag);
    if (cur.op == OP_SEAL) {
        ossl_gcm(g.a, 0, g.key, g.iv, g.aad, g.aad_len, g.msg, g.len, ossl_ct, ossl_tag);
        must_eq("own/portable", "seal ciphertext differs from OpenSSL", ref_ct, ossl_ct, g.len);
        must_eq("own/portable", "seal tag differs from OpenSSL", ref_tag, ossl_tag, 16);
        if (cur.hp)
            ossl_ecb1(g.a->key_len, g.hp_key, g.sample, ref_mask);
        for (unsigned i = 0; i < nk; i++)
            if (kern[i]->gcm_init && (kern[i]->gcm_keys & g.a->mask))
                gcm_kernel_seal(kern[i], &g, ref_ct, ref_tag, ref_mask);
    } else {
        /* Tamper with one byte of what the receiver sees.  A target with no
         * bytes (empty ciphertext or AAD) moves the tamper to the tag. */
        uint8_t tag[16], iv[12];
        uint8_t *aad = malloc(g.aad_len + 1);
        if (!aad)
            abort();
        memcpy(tag, ref_tag, 16), memcpy(iv, g.iv, 12);
        if (g.aad_len)
            memcpy(aad, g.aad, g.aad_len);
        unsigned pos = hdr[7] | hdr[8] << 8;
        uint8_t x = hdr[9] ? hdr[9] : 1;
        int t = cur.tamper;
        if ((t == T_CT && !g.len) || (t == T_AAD && !g.aad_len))
            t = T_TAG;
        switch (t) {
        case T_CT: ref_ct[pos % g.len] ^= x; break;
        case T_TAG: tag[pos % 16] ^= x; break;
        case T_AAD: aad[pos % g.aad_len] ^= x; break;
        case T_IV: iv[pos % 12] ^= x; break;
        }
        int expect_ok = t == T_NONE;
        gcm_in r = g;
        r.aad = aad, r.iv = iv;

        /* OpenSSL must accept own/portable's seal and reject the tampered
         * one: a cross-check of the reference before it judges the kernels. */
        int ok = ossl_gcm(g.a, 1, g.key, iv, aad, g.aad_len, ref_ct, g.len, ossl_ct, tag);
        if (ok != expect_ok)
            fail("openssl", expect_ok ? "OpenSSL rejected own/portable's seal"
                                      : "OpenSSL accepted a tampered message", NULL, NULL, 0);
        if (ok)
            must_eq("openssl", "open plaintext differs", ossl_ct, g.msg, g.len);
        for (unsigned i = 0; i < nk; i++)
            if (kern[i]->gcm_init && (kern[i]->gcm_keys & g.a->mask))
                gcm_kernel_open(kern[i], &r, ref_ct, tag, expect_ok, g.msg);
        free(aad);
    }
    free(ref_ct), free(ossl_ct), free(rctx);
}

/* ---- XTS ----------------------------------------------------------------- */

static void xts_case(const alg_t *a, const uint8_t *key, const uint8_t *tweak, const uint8_t *msg,
                     size_t len)
{
    const own_kernel *ref = kern[0];
    int dec = cur.op;
    void *rctx = ctx_new(ref->xts_ctx_bytes);
    ref->xts_init(rctx, key, a->key_len);
    uint8_t *want = malloc(len + 16), *back = malloc(len), *ossl_out = malloc(len + 16);
    if (!want || !back || !ossl_out)
        abort();
    (dec ? ref->xts_decrypt : ref->xts_encrypt)(rctx, tweak, msg, len, want);
    (dec ? ref->xts_encrypt : ref->xts_decrypt)(rctx, tweak, want, len, back);
    must_eq("own/portable", "XTS inverse does not give the input back", back, msg, len);
    if (ossl_xts(a, dec, key, tweak, msg, len, ossl_out))
        must_eq("own/portable", dec ? "XTS decrypt differs from OpenSSL"
                                    : "XTS encrypt differs from OpenSSL", want, ossl_out, len);

    for (unsigned i = 0; i < nk; i++) {
        const own_kernel *k = kern[i];
        if (!k->xts_init || !(k->xts_keys & a->mask))
            continue;
        void *ctx = ctx_new(k->xts_ctx_bytes);
        k->xts_init(ctx, key, a->key_len);
        buf_t in = buf_dup(msg, len, cur.in_off);
        buf_t out = cur.inplace ? in : buf_new(len, cur.out_off);
        buf_t tw = buf_dup(tweak, 16, (cur.out_off + 3) & 15);
        (dec ? k->xts_decrypt : k->xts_encrypt)(ctx, tw.p, in.p, len, out.p);
        must_eq(k->name, dec ? "XTS decrypt differs from own/portable"
                             : "XTS encrypt differs from own/portable", out.p, want, len);
        if (!cur.inplace)
            must_eq(k->name, "XTS modified its input", in.p, msg, len);
        must_eq(k->name, "XTS modified the tweak", tw.p, tweak, 16);
        if (!cur.inplace)
            buf_free(&out);
        buf_free(&in), buf_free(&tw);
        free(ctx);
    }
    free(want), free(back), free(ossl_out), free(rctx);
}

/* ---- libFuzzer entry points ---------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    extern const own_kernel own_kernel_portable;
    kern[nk++] = &own_kernel_portable;
    for (unsigned i = 0; i < own_kernel_n_candidates; i++) {
        const own_kernel *k = own_kernel_candidates[i];
        if (!k || k == &own_kernel_portable)
            continue;
        if (k->cpu_ok && !k->cpu_ok()) {
            /* a named skip (scripts/run-tests.sh counts these lines) */
            fprintf(stderr, "skip: fuzz_diff: own/%s is not fuzzed here: this CPU cannot run it "
                            "(needs %s)\n", k->name, k->needs ? k->needs : "?");
            continue;
        }
        if (nk == sizeof kern / sizeof kern[0])
            abort();
        kern[nk++] = k;
    }
    for (unsigned i = 0; i < N_ALG; i++)
        if (!(ossl_cipher[i] = EVP_CIPHER_fetch(NULL, algs[i].ossl, NULL)))
            fail("openssl", "cannot fetch a cipher", NULL, NULL, 0);
    for (unsigned i = 0; i < 3; i++)
        if (!(ossl_ecb[i] = EVP_CIPHER_fetch(NULL, ecb_names[i], NULL)))
            fail("openssl", "cannot fetch AES-ECB", NULL, NULL, 0);
    fprintf(stderr, "fuzz_diff: reference own/portable and %s; kernels:", OpenSSL_version(0));
    for (unsigned i = 0; i < nk; i++)
        fprintf(stderr, " %s", kern[i]->name);
    const char *st = getenv("FUZZ_DIFF_SELFTEST");
    selftest = st && !strcmp(st, "1");
    fprintf(stderr, "%s\n", selftest ? " (FUZZ_DIFF_SELFTEST: a bug is planted in the last one)" : "");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t hdr[HDR] = {0};
    memcpy(hdr, data, size < HDR ? size : HDR);
    const uint8_t *rest = size > HDR ? data + HDR : data + size;
    size_t rest_len = size > HDR ? size - HDR : 0;

    const alg_t *a = &algs[hdr[0] % N_ALG];
    memset(&cur, 0, sizeof cur);
    cur.alg = a;
    cur.op = hdr[1] & 1;
    cur.inplace = (hdr[1] >> 1) & 1;
    cur.stream = (hdr[1] >> 2) & 1;
    cur.hp = (hdr[1] >> 3) & 1 && !a->xts && !cur.op;
    cur.in_off = hdr[2] & 63;
    cur.out_off = hdr[3] & 63;

    if (a->xts) {
        cur.len = rest_len;
        if (rest_len < 16)
            return 0;
        xts_case(a, hdr + KEY_OFF, hdr + IV_OFF, rest, rest_len);
        return 0;
    }

    size_t aad_len = (size_t)(hdr[4] | hdr[5] << 8) & 0x7ff;
    if (aad_len > rest_len)
        aad_len = rest_len;
    cur.aad_len = aad_len;
    cur.len = rest_len - aad_len;
    cur.tamper = cur.op ? hdr[6] % T_KINDS : T_NONE;
    size_t s1 = (size_t)(hdr[10] | hdr[11] << 8) % (cur.len + 1);
    size_t s2 = (size_t)(hdr[12] | hdr[13] << 8) % (cur.len + 1);
    cur.split1 = s1 < s2 ? s1 : s2;
    cur.split2 = s1 < s2 ? s2 : s1;

    gcm_in g = {
        .a = a,
        .key = hdr + KEY_OFF,
        .hp_key = hdr + KEY_OFF + 32,
        .iv = hdr + IV_OFF,
        .sample = hdr + SAMPLE_OFF,
        .aad = rest,
        .aad_len = aad_len,
        .msg = rest + aad_len,
        .len = cur.len,
    };
    gcm_case(&g, hdr);
    return 0;
}
