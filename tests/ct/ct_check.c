/*
 * ct_check.c - constant-time check of the own kernels under valgrind
 * memcheck.  Keys, plaintexts, ciphertexts, IVs, AAD, tweaks and tags are
 * marked undefined ("secret"); memcheck then reports every conditional
 * branch and every memory address that depends on them.  A clean run means
 * no secret-dependent branch or index on the paths exercised here.
 *
 * The one expected report is the branch in own_gcm_finish_open on the
 * result of the tag comparison, which is public once computed; it is
 * suppressed by ct.supp, and the tests below mark open's return value public.
 *
 * valgrind executes AES-NI, PCLMULQDQ and AVX2 but not AVX-512 or VAES, so
 * this covers own/portable, own/aesni and own/aesni-avx (and own/vaes256
 * where valgrind gains VAES); README says what covers the rest.
 * usage: ct_check KERNEL...   (exit 0 if every named kernel ran)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "own_kernel.h"

extern const own_kernel *const own_kernel_candidates[];
extern const unsigned own_kernel_n_candidates;

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED(p, n)
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)

static void *xalloc(size_t n)
{
    void *p;
    if (posix_memalign(&p, OWN_CTX_ALIGN, n ? n : 1))
        exit(2);
    return p;
}

static void check(const own_kernel *k)
{
    static uint8_t key[64], iv[12], aad[37], pt[1000], ct[1000], tag[16], hpk[32], sample[16],
        mask[16], tw[16];
    static const size_t gl[] = {0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 333, 1000};
    static const size_t xl[] = {16, 17, 31, 32, 100, 128, 129, 1000};
    for (int i = 0; i < 1000; i++)
        pt[i] = (uint8_t)(i * 31);
    for (size_t kl = 16; kl <= 32; kl += 8) {
        if (!k->gcm_init || !(k->gcm_keys & (kl == 16 ? OWN_K128 : kl == 24 ? OWN_K192 : OWN_K256)))
            continue;
        void *ctx = xalloc(k->gcm_ctx_bytes);
        SECRET(key, kl);
        k->gcm_init(ctx, key, kl);
        if (k->gcm_hp_init) {
            SECRET(hpk, kl);
            k->gcm_hp_init(ctx, hpk, kl);
        }
        for (size_t li = 0; li < sizeof gl / sizeof gl[0]; li++) {
            size_t n = gl[li];
            SECRET(pt, n), SECRET(aad, sizeof aad), SECRET(iv, 12), SECRET(sample, 16);
            k->gcm_seal(ctx, iv, aad, sizeof aad, pt, n, ct, tag);
            if (k->gcm_seal_hp)
                k->gcm_seal_hp(ctx, iv, aad, 5, pt, n, ct, tag, sample, mask);
            SECRET(ct, n), SECRET(tag, 16);
            int bad = k->gcm_open(ctx, iv, aad, sizeof aad, ct, n, tag, pt);
            PUBLIC(&bad, sizeof bad);
            if (k->gcm_stream_init) {
                void *st = xalloc(k->gcm_stream_bytes);
                k->gcm_stream_init(st, ctx, 1, iv, aad, 7);
                k->gcm_stream_update(st, pt, n / 3, ct);
                k->gcm_stream_update(st, pt + n / 3, n - n / 3, ct + n / 3);
                k->gcm_stream_final(st, tag);
                SECRET(ct, n), SECRET(tag, 16);
                k->gcm_stream_init(st, ctx, 0, iv, aad, 7);
                k->gcm_stream_update(st, ct, n, pt);
                bad = k->gcm_stream_final(st, tag);
                PUBLIC(&bad, sizeof bad);
                free(st);
            }
        }
        free(ctx);
    }
    for (size_t kl = 32; kl <= 64; kl += 32) {
        if (!k->xts_init || !(k->xts_keys & (kl == 32 ? OWN_K128 : OWN_K256)))
            continue;
        void *ctx = xalloc(k->xts_ctx_bytes);
        SECRET(key, kl);
        k->xts_init(ctx, key, kl);
        for (size_t li = 0; li < sizeof xl / sizeof xl[0]; li++) {
            size_t n = xl[li];
            SECRET(pt, n), SECRET(tw, 16);
            k->xts_encrypt(ctx, tw, pt, n, ct);
            k->xts_decrypt(ctx, tw, ct, n, pt);
            k->xts_encrypt(ctx, tw, pt, n, pt); /* in place */
        }
        free(ctx);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ct_check KERNEL...\n");
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        const own_kernel *k = NULL;
        for (unsigned i = 0; i < own_kernel_n_candidates; i++)
            if (own_kernel_candidates[i] && !strcmp(own_kernel_candidates[i]->name, argv[a]))
                k = own_kernel_candidates[i];
        if (!k || (k->cpu_ok && !k->cpu_ok())) {
            fprintf(stderr, "ct_check: kernel %s is not available here\n", argv[a]);
            return 2;
        }
        fprintf(stderr, "ct_check: %s\n", argv[a]);
        check(k);
    }
    return 0;
}
