/* cmd_vector.c - `aesbench vector`: one operation, for outside oracles. */
#include <stdlib.h>
#include <string.h>

#include "aesbench.h"
#include "select.h"

static const char help[] =
    "usage: aesbench vector --impl NAME --alg ALG --op seal|open|enc|dec --key HEX\n"
    "                      [--iv HEX] [--aad HEX] [--tweak HEX] --in HEX\n"
    "One operation with one implementation, printed as one line of hex:\n"
    "  seal  (GCM; --iv is 12 bytes): ciphertext followed by the 16-byte tag\n"
    "  open  (GCM; --in is ciphertext||tag): the plaintext, or exit status 1 and\n"
    "        `tag mismatch` on stderr\n"
    "  enc, dec (XTS; --tweak is 16 bytes, --key is both halves, --in >= 16 bytes)\n"
    "No verification runs first: this is the tool to check an implementation\n"
    "against an outside oracle.\n";

static const opt_spec spec[] = {{"impl", 1}, {"alg", 1}, {"op", 1}, {"key", 1},
                                {"iv", 1},   {"aad", 1}, {"tweak", 1}, {"in", 1}};

static size_t need_hex(opts *o, const char *name, uint8_t **out, long want)
{
    const char *s = opt_get(o, name);
    if (!s)
        die("vector: --%s is required", name);
    long n = hex_decode(s, out);
    if (n < 0)
        die("vector: --%s is not valid hex (an even number of 0-9a-f digits)", name);
    if (want >= 0 && n != want)
        die("vector: --%s must be %ld bytes, got %ld", name, want, n);
    return (size_t)n;
}

int cmd_vector(int argc, char **argv)
{
    opts o = {spec, sizeof spec / sizeof spec[0], {0}};
    opts_parse(&o, argc, argv, "vector", help);
    const char *name = opt_get(&o, "impl"), *algname = opt_get(&o, "alg"), *ops = opt_get(&o, "op");
    if (!name || !algname || !ops)
        die("vector: --impl, --alg and --op are required (see aesbench vector --help)");
    const alg_info *alg = alg_find(algname);
    if (!alg)
        die("vector: unknown algorithm '%s'", algname);
    bench_op op;
    if (!op_parse(ops, &op) || op == OP_SEAL_HP)
        die("vector: unknown op '%s' (seal, open for GCM; enc, dec for XTS)", ops);
    if ((op == OP_ENC || op == OP_DEC) != alg->xts)
        die("vector: op %s does not apply to %s", ops, alg->name);
    registry_load(NULL);
    const aeslab_impl *sel[1];
    select_impls(name, algname, sel, 1, SELECT_QUIET);
    const aeslab_impl *im = registry_find(name, algname);
    if (!im)
        die("vector: unknown implementation '%s' for %s (see aesbench list)", name, algname);

    uint8_t *key, *in, *iv = NULL, *aad = NULL;
    need_hex(&o, "key", &key, (long)alg->key_len);
    size_t in_len = need_hex(&o, "in", &in, -1), aad_len = 0;
    void *k = im->key_new(im, key, alg->key_len);
    if (!k)
        die("vector: %s rejected the key", name);
    uint8_t *out = xmalloc(in_len + 16);
    int rc;
    if (alg->xts) {
        if (opt_get(&o, "iv") || opt_get(&o, "aad"))
            die("vector: XTS takes --tweak, not --iv or --aad");
        need_hex(&o, "tweak", &iv, 16);
        if (in_len < 16)
            die("vector: XTS needs a data unit of at least 16 bytes, got %zu", in_len);
        rc = op == OP_ENC ? im->xts_encrypt(k, iv, in, in_len, out)
                          : im->xts_decrypt(k, iv, in, in_len, out);
        if (rc)
            die("vector: %s failed (%d)", ops, rc);
        hex_print(stdout, out, in_len);
    } else {
        if (opt_get(&o, "tweak"))
            die("vector: GCM takes --iv, not --tweak");
        need_hex(&o, "iv", &iv, 12);
        if (opt_get(&o, "aad"))
            aad_len = need_hex(&o, "aad", &aad, -1);
        if (op == OP_SEAL) {
            rc = im->gcm_seal(k, iv, aad, aad_len, in, in_len, out, out + in_len);
            if (rc)
                die("vector: seal failed (%d)", rc);
            hex_print(stdout, out, in_len + 16);
        } else {
            if (in_len < 16)
                die("vector: open needs ciphertext||tag, at least 16 bytes, got %zu", in_len);
            rc = im->gcm_open(k, iv, aad, aad_len, in, in_len - 16, in + in_len - 16, out);
            if (rc == AESLAB_ETAG) {
                fputs("tag mismatch\n", stderr);
                return 1;
            }
            if (rc)
                die("vector: open failed (%d)", rc);
            hex_print(stdout, out, in_len - 16);
        }
    }
    putchar('\n');
    im->key_free(k);
    return 0;
}
