/*
 * lengths.c - every length, for every own kernel a plugin offers: GCM
 * payloads of 0..MAX bytes (AAD length varying with it) and XTS data units
 * of 16..MAX bytes (so every ciphertext-stealing remainder, 1..15, at every
 * block count), each sealed/encrypted, opened/decrypted back, and (GCM)
 * opened again with one tag bit flipped, which must be refused with nothing
 * released.  In place and out of place alternate, buffers are misaligned
 * by len % 16.
 *
 * The expected outputs come from own/portable, in one of two ways:
 *   lengths --emit FILE PLUGIN.so
 *       write one 64-bit digest of (ciphertext || tag) per (algorithm,
 *       length), computed by own/portable of PLUGIN.so;
 *   lengths --expect FILE PLUGIN.so
 *       check every supported implementation of PLUGIN.so against FILE.
 *   lengths PLUGIN.so
 *       compute the reference in-process with PLUGIN.so's own/portable.
 * The first two are how `make test` uses it on an x86-64 host: the digests
 * are made natively (fast) by the x86 build's own/portable, and the arm64
 * kernels are checked against them under qemu-aarch64, where the portable
 * bit-sliced reference would be the slowest thing in the run.  The inputs
 * are a pure function of (algorithm, length), identical on both sides.
 *
 * Options: --max N (default 4096), --impl NAME,... (default: every
 * supported own implementation except own/portable when --expect is
 * given).  Exit status 0 if everything matched, 1 on the first mismatch
 * (reported with algorithm, length and what differed), 2 on bad usage.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeslab_abi.h"

static const struct {
    const char *name;
    int xts;
    size_t key_len;
} algs[] = {
    {"aes-128-gcm", 0, 16}, {"aes-192-gcm", 0, 24}, {"aes-256-gcm", 0, 32},
    {"aes-128-xts", 1, 32}, {"aes-256-xts", 1, 64},
};
#define NALGS (sizeof algs / sizeof algs[0])

/* splitmix64: inputs are a pure function of the seed on every platform. */
static uint64_t sm_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void fill(uint64_t *s, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(sm_next(s) >> 56);
}

/* FNV-1a, 64 bit: a mismatch detector, not a MAC. */
static uint64_t digest(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static size_t max_len = 4096;

/* The test case of (alg, len): key (a new one every 64 lengths), IV/tweak,
 * AAD and plaintext. */
typedef struct {
    uint8_t key[64], iv[16], *aad, *pt;
    size_t aad_len;
} tcase;

static void make_case(size_t a, size_t len, tcase *t)
{
    uint64_t s = 0xae51ab000000ull ^ ((uint64_t)a << 40) ^ (uint64_t)(len / 64);
    fill(&s, t->key, algs[a].key_len);
    if (algs[a].xts) /* the two XTS halves must differ */
        t->key[algs[a].key_len / 2] = (uint8_t)~t->key[0];
    s = 0x1e9a7b000000ull ^ ((uint64_t)a << 40) ^ (uint64_t)len;
    fill(&s, t->iv, 16);
    t->aad_len = algs[a].xts ? 0 : (len * 7) % 53;
    fill(&s, t->aad, t->aad_len);
    fill(&s, t->pt, len);
}

static const aeslab_impl *find(const aeslab_plugin *p, const char *name, const char *alg)
{
    for (size_t i = 0; i < p->n_impls; i++)
        if (!strcmp(p->impls[i].name, name) && !strcmp(p->impls[i].alg, alg))
            return &p->impls[i];
    return NULL;
}

/*
 * Run (alg a, length len) on im; returns the digest of ciphertext || tag
 * and checks the way back (and, for GCM, a tampered tag).  On failure
 * prints why and returns 0 through *ok.
 */
static uint64_t run_case(const aeslab_impl *im, size_t a, size_t len, int *ok)
{
    static uint8_t *bufs[4];
    if (!bufs[0])
        for (int i = 0; i < 4; i++)
            bufs[i] = malloc(max_len + 64);
    tcase t;
    t.aad = bufs[0];
    t.pt = bufs[1] + 32;
    make_case(a, len, &t);
    const int inplace = (int)(len & 1);
    uint8_t *io = bufs[2] + (len % 16);   /* misaligned work buffer */
    uint8_t *back = bufs[3] + 7;
    uint8_t tag[16];
    uint64_t h = 0xcbf29ce484222325ull;
    void *key = im->key_new(im, t.key, algs[a].key_len);
    if (!key) {
        printf("FAIL %s %s len=%zu: key setup failed\n", im->name, im->alg, len);
        *ok = 0;
        return 0;
    }
    const uint8_t *src = t.pt;
    if (inplace) {
        memcpy(io, t.pt, len);
        src = io;
    }
    int rc;
    if (algs[a].xts) {
        rc = im->xts_encrypt(key, t.iv, src, len, io);
        h = digest(h, io, len);
        if (rc) {
            printf("FAIL %s %s len=%zu: encrypt returned %d\n", im->name, im->alg, len, rc);
            *ok = 0;
        } else {
            uint8_t *dst = inplace ? io : back;
            rc = im->xts_decrypt(key, t.iv, io, len, dst);
            if (rc || memcmp(dst, t.pt, len)) {
                printf("FAIL %s %s len=%zu (%s): decrypt does not give the plaintext back\n",
                       im->name, im->alg, len, inplace ? "in place" : "out of place");
                *ok = 0;
            }
        }
    } else {
        rc = im->gcm_seal(key, t.iv, t.aad, t.aad_len, src, len, io, tag);
        h = digest(digest(h, io, len), tag, 16);
        if (rc) {
            printf("FAIL %s %s len=%zu: seal returned %d\n", im->name, im->alg, len, rc);
            *ok = 0;
        } else {
            uint8_t *dst = inplace ? io : back;
            uint8_t *keep_ct = malloc(len + 1);
            memcpy(keep_ct, io, len);
            rc = im->gcm_open(key, t.iv, t.aad, t.aad_len, io, len, tag, dst);
            if (rc || memcmp(dst, t.pt, len)) {
                printf("FAIL %s %s len=%zu aad=%zu (%s): open %s\n", im->name, im->alg, len,
                       t.aad_len, inplace ? "in place" : "out of place",
                       rc ? "refused a valid message" : "gave the wrong plaintext");
                *ok = 0;
            } else {
                /* flip one tag bit: refused, and no plaintext released */
                memcpy(io, keep_ct, len);
                if (!inplace) /* so a released plaintext cannot be the last one */
                    for (size_t i = 0; i < len; i++)
                        back[i] = (uint8_t)~t.pt[i];
                tag[len % 16] ^= (uint8_t)(1u << (len % 8));
                rc = im->gcm_open(key, t.iv, t.aad, t.aad_len, io, len, tag, dst);
                int released = len >= 16 && memcmp(dst, t.pt, 16) == 0;
                if (rc != AESLAB_ETAG || released) {
                    printf("FAIL %s %s len=%zu: tampered tag %s\n", im->name, im->alg, len,
                           rc != AESLAB_ETAG ? "accepted" : "refused but plaintext released");
                    *ok = 0;
                }
            }
            free(keep_ct);
        }
    }
    im->key_free(key);
    return h;
}

static size_t first_len(size_t a) { return algs[a].xts ? 16 : 0; }

int main(int argc, char **argv)
{
    const char *emit = NULL, *expect = NULL, *plugin = NULL, *impls = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--emit") && i + 1 < argc)
            emit = argv[++i];
        else if (!strcmp(argv[i], "--expect") && i + 1 < argc)
            expect = argv[++i];
        else if (!strcmp(argv[i], "--max") && i + 1 < argc)
            max_len = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--impl") && i + 1 < argc)
            impls = argv[++i];
        else if (argv[i][0] != '-' && !plugin)
            plugin = argv[i];
        else {
            fprintf(stderr, "usage: lengths [--emit FILE | --expect FILE] [--max N] "
                            "[--impl NAME,...] PLUGIN.so\n");
            return 2;
        }
    }
    if (!plugin || max_len < 16 || max_len > (1u << 20)) {
        fprintf(stderr, "lengths: need a plugin, and 16 <= --max <= 1 MiB\n");
        return 2;
    }
    void *h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "lengths: %s\n", dlerror());
        return 2;
    }
    aeslab_plugin_entry_fn entry = (aeslab_plugin_entry_fn)dlsym(h, AESLAB_PLUGIN_ENTRY);
    const aeslab_plugin *p = entry ? entry() : NULL;
    if (!p || p->abi_version != AESLAB_ABI_VERSION || p->error) {
        fprintf(stderr, "lengths: %s is not a usable aeslab plugin\n", plugin);
        return 2;
    }

    /* Expected digests: [alg][len], from the file or from own/portable. */
    uint64_t *exp = calloc(NALGS * (max_len + 1), sizeof *exp);
#define EXP(a, l) exp[(a) * (max_len + 1) + (l)]
    if (expect) {
        FILE *f = fopen(expect, "r");
        if (!f) {
            fprintf(stderr, "lengths: cannot read %s\n", expect);
            return 2;
        }
        char alg[32];
        size_t len, n = 0;
        uint64_t d;
        while (fscanf(f, "%31s %zu %" SCNx64, alg, &len, &d) == 3) {
            for (size_t a = 0; a < NALGS; a++)
                if (!strcmp(alg, algs[a].name) && len <= max_len)
                    EXP(a, len) = d, n++;
        }
        fclose(f);
        size_t want = 0;
        for (size_t a = 0; a < NALGS; a++)
            want += max_len + 1 - first_len(a);
        if (n != want) {
            fprintf(stderr, "lengths: %s has %zu of the %zu digests for --max %zu\n", expect, n,
                    want, max_len);
            return 2;
        }
    } else {
        FILE *f = emit ? fopen(emit, "w") : NULL;
        if (emit && !f) {
            fprintf(stderr, "lengths: cannot write %s\n", emit);
            return 2;
        }
        for (size_t a = 0; a < NALGS; a++) {
            const aeslab_impl *ref = find(p, "own/portable", algs[a].name);
            if (!ref) {
                fprintf(stderr, "lengths: %s has no own/portable %s\n", plugin, algs[a].name);
                return 2;
            }
            for (size_t len = first_len(a); len <= max_len; len++) {
                int ok = 1;
                EXP(a, len) = run_case(ref, a, len, &ok);
                if (!ok)
                    return 1;
                if (f)
                    fprintf(f, "%s %zu %016" PRIx64 "\n", algs[a].name, len, EXP(a, len));
            }
        }
        if (f) {
            fclose(f);
            printf("lengths: wrote the own/portable digests for lengths 0..%zu to %s\n",
                   max_len, emit);
            return 0;
        }
    }

    int all_ok = 1, tested = 0;
    for (size_t i = 0; i < p->n_impls; i++) {
        const aeslab_impl *im = &p->impls[i];
        if (impls) {
            int want = 0;
            size_t n = strlen(im->name);
            for (const char *s = impls; *s;) {
                size_t k = strcspn(s, ",");
                want |= k == n && !strncmp(s, im->name, n);
                s += k + (s[k] == ',');
            }
            if (!want)
                continue;
        } else if (!expect ? 0 : !strcmp(im->name, "own/portable")) {
            continue;
        }
        size_t a = 0;
        while (a < NALGS && strcmp(algs[a].name, im->alg))
            a++;
        if (a == NALGS)
            continue;
        if (im->supported && !im->supported(im)) {
            printf("skip %-22s %s: not supported on this CPU\n", im->name, im->alg);
            continue;
        }
        int ok = 1;
        size_t len;
        for (len = first_len(a); ok && len <= max_len; len++) {
            uint64_t d = run_case(im, a, len, &ok);
            if (ok && d != EXP(a, len)) {
                printf("FAIL %s %s len=%zu: output differs from own/portable\n", im->name,
                       im->alg, len);
                ok = 0;
            }
        }
        tested++;
        if (ok)
            printf("ok   %-22s %s: lengths %zu..%zu match own/portable, round trip%s\n", im->name,
                   im->alg, first_len(a), max_len, algs[a].xts ? " (stealing for len % 16 != 0)"
                                                               : ", tampered tag refused");
        all_ok &= ok;
    }
    if (tested == 0) {
        printf("lengths: no implementation was tested\n");
        return 1;
    }
    return all_ok ? 0 : 1;
}
