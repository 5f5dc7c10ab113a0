/* util.c - errors, hex, a reproducible PRNG, list splitting, buffers. */
#include <ctype.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "aesbench.h"

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("aesbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

void warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("aesbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

long hex_decode(const char *hex, uint8_t **out)
{
    size_t n = strlen(hex);
    if (n % 2)
        return -1;
    uint8_t *p = xmalloc(n / 2);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)hex[2 * i]), lo = hexval((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(p);
            return -1;
        }
        p[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = p;
    return (long)(n / 2);
}

void hex_print(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void prng_seed(prng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) { /* splitmix64 expands the seed */
        seed += 0x9e3779b97f4a7c15ull;
        uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        r->s[i] = z ^ (z >> 31);
    }
}

uint64_t prng_next(prng *r)
{
    uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return res;
}

void prng_fill(prng *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = prng_next(r);
        for (size_t j = 0; j < 8 && i + j < n; j++)
            p[i + j] = (uint8_t)(v >> (8 * j));
    }
}

char **split_list(const char *s, int *count)
{
    int n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    char **v = xmalloc(sizeof(char *) * (size_t)(n + 1));
    int k = 0;
    const char *start = s;
    for (const char *p = s;; p++) {
        if (*p == ',' || *p == 0) {
            size_t len = (size_t)(p - start);
            if (len) {
                v[k] = xmalloc(len + 1);
                memcpy(v[k], start, len);
                v[k][len] = 0;
                k++;
            }
            if (!*p)
                break;
            start = p + 1;
        }
    }
    v[k] = NULL;
    *count = k;
    return v;
}

uint8_t *alloc_at(size_t n, size_t offset, void **base)
{
    if (posix_memalign(base, 64, n + offset + 64) != 0)
        die("out of memory");
    memset(*base, 0, n + offset + 64);
    return (uint8_t *)*base + offset;
}

void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void pin_to_cpu(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}
