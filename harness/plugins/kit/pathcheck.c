/*
 * pathcheck.c - run every implementation of ONE plugin through each of its
 * operations once, announcing each step through pathcheck_mark(), so that a
 * debugger watching the library's own functions can tell which code each
 * (implementation, algorithm, operation) really ran.  pathcheck.py drives
 * it under gdb; on its own it is only a smoke test.
 *
 *   pathcheck PLUGIN.so [LEN]      LEN = message / data-unit bytes (1024)
 *
 * Output lines: "impl NAME ALG supported|unsupported" and, on a failure of
 * an operation, "fail NAME ALG OP rc". Exit status 1 on any failure.
 * Correctness is not judged here (the harness's verification does that);
 * the round trip is only checked so that a broken path is not mistaken for
 * a quiet one.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeslab_abi.h"

/* gdb breaks here; `what` (first argument register) names the next step. */
__attribute__((noinline, used)) void pathcheck_mark(const char *what)
{
    __asm__ volatile("" : : "r"(what) : "memory");
}

static void mark(const aeslab_impl *im, const char *op)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s %s %s", im->name, im->alg, op);
    pathcheck_mark(buf);
}

static size_t aes_key_bytes(const char *alg)
{
    if (!strncmp(alg, "aes-128", 7)) return 16;
    if (!strncmp(alg, "aes-192", 7)) return 24;
    if (!strncmp(alg, "aes-256", 7)) return 32;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: pathcheck PLUGIN.so [LEN]\n");
        return 2;
    }
    /* one write per line: gdb's own output shares the pipe */
    setvbuf(stdout, NULL, _IOLBF, 0);
    size_t len = argc > 2 ? strtoul(argv[2], NULL, 0) : 1024;
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "pathcheck: %s\n", dlerror());
        return 2;
    }
    aeslab_plugin_entry_fn entry = (aeslab_plugin_entry_fn)dlsym(h, AESLAB_PLUGIN_ENTRY);
    const aeslab_plugin *p = entry ? entry() : NULL;
    if (!p || p->error) {
        fprintf(stderr, "pathcheck: %s: %s\n", argv[1], p ? p->error : "no entry point");
        return 2;
    }

    uint8_t key[64], iv[12], aad[16], tag[16], tweak[16];
    uint8_t *pt = malloc(len + 1), *ct = malloc(len + 1), *back = malloc(len + 1);
    if (!pt || !ct || !back)
        return 2;
    for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof iv; i++) iv[i] = (uint8_t)(0xa0 + i);
    for (size_t i = 0; i < sizeof aad; i++) aad[i] = (uint8_t)(0x30 + i);
    for (size_t i = 0; i < sizeof tweak; i++) tweak[i] = (uint8_t)(0x50 + i);
    for (size_t i = 0; i < len; i++) pt[i] = (uint8_t)(i * 13);

    int failures = 0;
    for (size_t i = 0; i < p->n_impls; i++) {
        const aeslab_impl *im = &p->impls[i];
        int ok = im->supported(im);
        printf("impl %s %s %s\n", im->name, im->alg, ok ? "supported" : "unsupported");
        if (!ok)
            continue;
        int xts = im->xts_encrypt != NULL;
        size_t klen = aes_key_bytes(im->alg) * (xts ? 2 : 1);
        mark(im, "keysetup");
        void *k = im->key_new(im, key, klen);
        if (!k) {
            printf("fail %s %s keysetup\n", im->name, im->alg);
            failures++;
            continue;
        }
        int rc1, rc2;
        if (xts) {
            mark(im, "enc");
            rc1 = im->xts_encrypt(k, tweak, pt, len, ct);
            mark(im, "dec");
            rc2 = im->xts_decrypt(k, tweak, ct, len, back);
        } else {
            mark(im, "seal");
            rc1 = im->gcm_seal(k, iv, aad, sizeof aad, pt, len, ct, tag);
            mark(im, "open");
            rc2 = im->gcm_open(k, iv, aad, sizeof aad, ct, len, tag, back);
        }
        mark(im, "done");
        im->key_free(k);
        if (rc1 != AESLAB_OK || rc2 != AESLAB_OK || memcmp(pt, back, len)) {
            printf("fail %s %s roundtrip %d %d\n", im->name, im->alg, rc1, rc2);
            failures++;
        }
    }
    free(pt);
    free(ct);
    free(back);
    return failures ? 1 : 0;
}
