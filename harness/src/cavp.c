/*
 * cavp.c - reads the NIST CAVP GCM and XTS response files that ship in the
 * PyPI package cryptography-vectors (installed in the project venv), so the
 * vectors are never copied into the repository.
 *
 *   GCM: ciphers/AES/GCM/gcmEncryptExtIV{128,192,256}.rsp, gcmDecrypt*.rsp
 *        (only 96-bit IVs and 128-bit tags apply to the lab's ABI; decrypt
 *        cases marked FAIL must be rejected)
 *   XTS: ciphers/AES/XTS/tweak-128hexstr/XTSGenAES{128,256}.rsp ("i = " is
 *        the tweak) and tweak-dataunitseqno/ (the tweak is the data unit
 *        sequence number, little endian); data units that are not whole
 *        bytes are skipped.
 */
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aesbench.h"

const char *cavp_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0])
        return dir;
    const char *env = getenv("AESLAB_VECTORS");
    if (env && *env) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    /* <root>/build/aesbench -> <root>/.venv/lib/python3.X/site-packages/... */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = 0;
            char pat[PATH_MAX + 64];
            snprintf(pat, sizeof pat,
                     "%s/.venv/lib/python3*/site-packages/cryptography_vectors", exe);
            glob_t g;
            if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
                snprintf(dir, sizeof dir, "%s", g.gl_pathv[0]);
                globfree(&g);
                return dir;
            }
        }
    }
#ifdef AESLAB_VECTORS_DEFAULT
    snprintf(dir, sizeof dir, "%s", AESLAB_VECTORS_DEFAULT);
#endif
    return dir;
}

static void case_free(cavp_case *c)
{
    free(c->key); free(c->iv); free(c->aad); free(c->pt); free(c->ct); free(c->tag);
    memset(c, 0, sizeof *c);
}

static void set_field(uint8_t **dst, size_t *len, const char *hex)
{
    free(*dst);
    *dst = NULL;
    long n = hex_decode(hex, dst);
    if (n < 0)
        die("malformed hex in a CAVP file: %.40s", hex);
    *len = (size_t)n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
        *--e = 0;
    return s;
}

/* Parses one file; calls fn for each complete, applicable case. */
static int parse_file(const char *path, const char *base, int xts, int gcm_encrypt_file,
                      int (*fn)(const cavp_case *, void *), void *arg, int *seen)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[70000];
    cavp_case c = {0};
    int have = 0, rc = 0, xts_encrypt = 1;
    long du_bits = -1;
    for (;;) {
        char *ok = fgets(line, sizeof line, f);
        char *s = ok ? trim(line) : NULL;
        int boundary = !ok || *s == 0 || *s == '[' || !strncasecmp(s, "count", 5);
        if (boundary && have) {
            int applicable = xts ? (du_bits >= 128 && du_bits % 8 == 0 && c.pt && c.ct)
                                 : (c.iv_len == 12 && c.tag_len == 16 && c.key);
            if (applicable) {
                c.file = base;
                if (xts)
                    c.encrypt = xts_encrypt;
                else
                    c.encrypt = gcm_encrypt_file;
                (*seen)++;
                rc = fn(&c, arg);
            }
            case_free(&c);
            have = 0;
            du_bits = -1;
            if (rc)
                break;
        }
        if (!ok)
            break;
        if (*s == '#' || *s == 0)
            continue;
        if (*s == '[') {
            if (!strncmp(s, "[ENCRYPT]", 9)) xts_encrypt = 1;
            if (!strncmp(s, "[DECRYPT]", 9)) xts_encrypt = 0;
            continue;
        }
        if (!strcmp(s, "FAIL")) {
            c.fail = 1;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq)
            continue;
        *eq = 0;
        char *k = trim(s), *v = trim(eq + 1);
        if (!strcasecmp(k, "count")) {
            c.count = atoi(v);
            have = 1;
        } else if (!strcmp(k, "Key")) set_field(&c.key, &c.key_len, v);
        else if (!strcmp(k, "IV") || !strcmp(k, "i")) set_field(&c.iv, &c.iv_len, v);
        else if (!strcmp(k, "AAD")) set_field(&c.aad, &c.aad_len, v);
        else if (!strcmp(k, "PT")) set_field(&c.pt, &c.pt_len, v);
        else if (!strcmp(k, "CT")) set_field(&c.ct, &c.ct_len, v);
        else if (!strcmp(k, "Tag")) set_field(&c.tag, &c.tag_len, v);
        else if (!strcmp(k, "DataUnitLen")) du_bits = atol(v);
        else if (!strcmp(k, "DataUnitSeqNumber")) {
            /* IEEE 1619: the tweak is the sequence number, little endian */
            unsigned long long sn = strtoull(v, NULL, 10);
            free(c.iv);
            c.iv = xmalloc(16);
            memset(c.iv, 0, 16);
            for (int i = 0; i < 8; i++)
                c.iv[i] = (uint8_t)(sn >> (8 * i));
            c.iv_len = 16;
        }
    }
    case_free(&c);
    fclose(f);
    return rc;
}

int cavp_foreach(const alg_info *alg, int (*fn)(const cavp_case *c, void *arg), void *arg)
{
    const char *dir = cavp_dir();
    if (!*dir)
        return -1;
    char path[PATH_MAX], base[64];
    int seen = 0, rc = 0;
    if (!alg->xts) {
        const char *kinds[] = {"gcmEncryptExtIV", "gcmDecrypt"};
        for (int k = 0; k < 2 && !rc; k++) {
            snprintf(base, sizeof base, "%s%d.rsp", kinds[k], alg->aes_bits);
            snprintf(path, sizeof path, "%s/ciphers/AES/GCM/%s", dir, base);
            rc = parse_file(path, base, 0, k == 0, fn, arg, &seen);
            if (rc < 0)
                return -1;
        }
    } else {
        const char *sub[] = {"tweak-128hexstr", "tweak-dataunitseqno"};
        for (int k = 0; k < 2 && !rc; k++) {
            snprintf(base, sizeof base, "%s/XTSGenAES%d.rsp", sub[k], alg->aes_bits);
            snprintf(path, sizeof path, "%s/ciphers/AES/XTS/%s", dir, base);
            rc = parse_file(path, base, 1, 0, fn, arg, &seen);
            if (rc < 0)
                return -1;
        }
    }
    if (!rc && seen == 0)
        return -1;
    return rc;
}
