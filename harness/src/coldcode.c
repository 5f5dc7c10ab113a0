/*
 * coldcode.c - the disturbance of `aesbench run --cold`: a controlled amount
 * of other code and data run between two timed messages, so that each
 * message starts with its code, its data and the branch predictors the way
 * a program that does other work between messages leaves them.
 *
 * Code.  COLD_FNS distinct functions, macro-expanded below (portable C: the
 * same source builds for x86-64 and arm64), each a straight run of COLD_STEPS
 * steps: a multiply-xorshift of a 64-bit state and a data-dependent branch
 * that stores to a small array on one side only (a conditional store, so the
 * compiler keeps the branch instead of a cmov).  Every function's constants
 * (multipliers, shifts, the bit tested, the slot stored to) come from its
 * number, so no two are alike (no identical-code folding) and the state
 * passed in decides each branch: the outcomes are pseudo-random, thousands of
 * distinct branch sites and one indirect call per function go through the
 * predictors.  The functions live in their own section (aeslab_cold), whose
 * __start_/__stop_ symbols give their exact total size: `--cold-code KB`
 * calls the first KB*1024 / (mean function size) of them, in order.
 *
 * Data.  Then a read-modify-write of one word per 64-byte line over a buffer
 * of `--cold-data KB`: it leaves L1d and L2 (and, larger than L3, L3) full of
 * dirty lines that are not the message's, the key's or the harness's.
 *
 * Only the message is timed (timing.c, cold_point); the disturbance is timed
 * apart with the same clock, to say what it costs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aesbench.h"

#define COLD_STEPS 16

/* Slots written on one side of each branch; the only data the code touches. */
static volatile uint64_t cold_sink[64];

/* One step of function n: constants from (n, i) are compile-time integers. */
#define COLD_STEP(n, i)                                                                        \
    x ^= x >> (7 + ((n) * 3 + (i)) % 23);                                                       \
    x *= 0x9E3779B97F4A7C15ull + 2ull * ((uint64_t)(n) * 64 + (i));                            \
    if ((x >> (((n) + 5 * (i)) % 61)) & 1)                                                       \
        cold_sink[((n) * 7 + (i)) & 63] += x;                                                    \
    else                                                                                         \
        y += x >> (((n) + (i)) % 17 + 1);

#define COLD_BODY(n)                                                                           \
    COLD_STEP(n, 0) COLD_STEP(n, 1) COLD_STEP(n, 2) COLD_STEP(n, 3) COLD_STEP(n, 4)             \
    COLD_STEP(n, 5) COLD_STEP(n, 6) COLD_STEP(n, 7) COLD_STEP(n, 8) COLD_STEP(n, 9)             \
    COLD_STEP(n, 10) COLD_STEP(n, 11) COLD_STEP(n, 12) COLD_STEP(n, 13) COLD_STEP(n, 14)        \
    COLD_STEP(n, 15)

/* n is a decimal literal 1abcd (a in 0..1, b, c, d in 0..7): 1024 functions. */
#define COLD_DEF(n)                                                                            \
    __attribute__((noinline, noclone, used, section("aeslab_cold"))) static uint64_t           \
    cold_fn_##n(uint64_t x)                                                                      \
    {                                                                                            \
        uint64_t y = (uint64_t)(n);                                                              \
        COLD_BODY(n)                                                                             \
        return x ^ y;                                                                            \
    }
#define COLD_REF(n) cold_fn_##n,

#define COLD_D(M, p) M(p##0) M(p##1) M(p##2) M(p##3) M(p##4) M(p##5) M(p##6) M(p##7)
#define COLD_C(M, p)                                                                           \
    COLD_D(M, p##0) COLD_D(M, p##1) COLD_D(M, p##2) COLD_D(M, p##3)                              \
    COLD_D(M, p##4) COLD_D(M, p##5) COLD_D(M, p##6) COLD_D(M, p##7)
#define COLD_B(M, p)                                                                           \
    COLD_C(M, p##0) COLD_C(M, p##1) COLD_C(M, p##2) COLD_C(M, p##3)                              \
    COLD_C(M, p##4) COLD_C(M, p##5) COLD_C(M, p##6) COLD_C(M, p##7)
#define COLD_ALL(M) COLD_B(M, 10) COLD_B(M, 11)

COLD_ALL(COLD_DEF)

typedef uint64_t (*cold_fn)(uint64_t);
static cold_fn const cold_table[] = {COLD_ALL(COLD_REF)};
#define COLD_FNS (sizeof cold_table / sizeof cold_table[0])

extern const char __start_aeslab_cold[], __stop_aeslab_cold[];

size_t cold_code_available(void)
{
    return (size_t)(__stop_aeslab_cold - __start_aeslab_cold);
}

size_t cold_code_functions(void) { return COLD_FNS; }

/* The size of one cache level of CPU 0 (sysfs), 0 if unknown.
 * type: "Instruction", "Data" or "Unified". */
static size_t cache_size(int level, const char *type)
{
    for (int i = 0; i < 8; i++) {
        char path[96], buf[32];
        int lv = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        if (fscanf(f, "%d", &lv) != 1)
            lv = 0;
        fclose(f);
        if (lv != level)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        if (!(f = fopen(path, "r")))
            continue;
        int ok = fgets(buf, sizeof buf, f) && !strncmp(buf, type, strlen(type));
        fclose(f);
        if (!ok)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if (!(f = fopen(path, "r")))
            continue;
        unsigned long v = 0;
        char unit = 0;
        int n = fscanf(f, "%lu%c", &v, &unit);
        fclose(f);
        if (n < 1)
            continue;
        return unit == 'K' ? v << 10 : unit == 'M' ? v << 20 : v;
    }
    return 0;
}

/* Defaults: code = 16 x L1i (every line of the instruction cache and the
 * op cache replaced many times over), at least 256 KiB and at most what was
 * built; data = 2 x L2 (the L2 replaced, L1d with it), at least 1 MiB.
 * Without sysfs: 512 KiB of code, 1 MiB of data (a Zen 2 core's 32 KiB L1i
 * x 16, and its 512 KiB L2 x 2). */
void cold_defaults(size_t *code_kb, size_t *data_kb)
{
    size_t l1i = cache_size(1, "Instruction"), l2 = cache_size(2, "Unified");
    size_t code = l1i ? 16 * l1i : 512 << 10, data = l2 ? 2 * l2 : 1 << 20;
    size_t avail = cold_code_available();
    if (code < (256 << 10))
        code = 256 << 10;
    if (code > avail)
        code = avail;
    if (data < (1 << 20))
        data = 1 << 20;
    *code_kb = code >> 10;
    *data_kb = data >> 10;
}

int cold_init(cold_state *s, size_t code_kb, size_t data_kb, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    size_t avail = cold_code_available();
    size_t per = avail / COLD_FNS;
    s->nfn = per ? (code_kb << 10) / per : COLD_FNS;
    if (s->nfn > COLD_FNS)
        s->nfn = COLD_FNS;
    if (code_kb && !s->nfn)
        s->nfn = 1;
    s->code_bytes = s->nfn * per;
    s->data_bytes = data_kb << 10;
    if (s->data_bytes) {
        s->data = aligned_alloc(64, s->data_bytes);
        if (!s->data)
            return 0;
        memset(s->data, 0x5a, s->data_bytes);
    }
    s->x = seed | 1;
    return 1;
}

void cold_free(cold_state *s)
{
    free(s->data);
    s->data = NULL;
}

void cold_disturb(cold_state *s)
{
    uint64_t x = s->x;
    for (size_t i = 0; i < s->nfn; i++)
        x = cold_table[i](x + i);
    uint64_t *p = s->data;
    for (size_t i = 0; i < s->data_bytes / 8; i += 8) { /* one word per 64-byte line */
        p[i] += x;
        x = x * 0x2545F4914F6CDD1Dull + p[i];
    }
    s->x = x;
}
