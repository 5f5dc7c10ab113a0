/*
 * aesbench.h - internal interfaces of the harness, one section per unit.
 */
#ifndef AESBENCH_H
#define AESBENCH_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aeslab_abi.h"

#define AESBENCH_VERSION "0.1.0"

/* ---- util.c: errors, hex, PRNG ----------------------------------------- */
/* Print "aesbench: <msg>" on stderr and exit with status 2 (bad input). */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse hex into a fresh buffer; returns length, or -1 on malformed hex. */
long hex_decode(const char *hex, uint8_t **out);
void hex_print(FILE *f, const uint8_t *p, size_t n);
void *xmalloc(size_t n);
/* Deterministic PRNG (xoshiro256**) for reproducible random cases. */
typedef struct { uint64_t s[4]; } prng;
void prng_seed(prng *r, uint64_t seed);
uint64_t prng_next(prng *r);
void prng_fill(prng *r, uint8_t *p, size_t n);
/* Split "a,b,c" into a NULL-terminated array of fresh strings. */
char **split_list(const char *s, int *count);
/* Allocate n bytes at `offset` past a 64-byte boundary (for misalignment). */
uint8_t *alloc_at(size_t n, size_t offset, void **base);
/* Pin the calling thread to cpu (nothing if cpu < 0; best effort: a
 * container may refuse). */
void pin_to_cpu(int cpu);

/* ---- algs.c: the algorithms the lab knows ------------------------------ */
typedef struct {
    const char *name; /* aes-256-gcm ... */
    int xts;          /* 0: GCM, 1: XTS */
    size_t key_len;   /* bytes passed to key_new */
    int aes_bits;
} alg_info;
const alg_info *alg_find(const char *name);
extern const alg_info alg_table[];
extern const size_t alg_count;

/* ---- registry.c: plugins and implementations --------------------------- */
typedef struct {
    const aeslab_impl *impl;
    const char *plugin_file;
} impl_ref;

/* Load every plugin under dir (default: <exe dir>/plugins or $AESLAB_PLUGINS).
 * Problems loading a plugin are remembered and printed by `list`. */
void registry_load(const char *dir);
size_t registry_count(void);
const impl_ref *registry_get(size_t i);
/* The implementation `name` for `alg`, or NULL. */
const aeslab_impl *registry_find(const char *name, const char *alg);
/* Print plugin load problems (one line each) to f; returns their count. */
int registry_report_problems(FILE *f);
int impl_supported(const aeslab_impl *im);
/* The lab's own baselines (library "lab", e.g. lab/null): timed beside the
 * others to show the harness's cost, never verified, never a result. */
int impl_is_baseline(const aeslab_impl *im);

/* cpufeat.c: 1 if this CPU (and OS) has the named feature of an
 * implementation's `needs`, 0 if not, -1 for a name it does not know. */
int cpu_feature(const char *name);
/* The names in `needs` this machine lacks (unknown names get "(?)"),
 * space separated, in buf; "" if none. */
const char *cpu_lacking(const char *needs, char *buf, size_t n);
/* "unsupported: lacks X Y (needs ...)" for a row this CPU cannot run. */
const char *unsupported_status(const aeslab_impl *im, char *buf, size_t n);

/* ---- cavp.c: NIST CAVP vector files ------------------------------------ */
typedef struct {
    const char *file; /* basename, for messages */
    int count;        /* the file's Count / COUNT */
    int encrypt;      /* GCM: from an Encrypt file; XTS: [ENCRYPT] section */
    int fail;         /* GCM decrypt: the tag must be rejected */
    uint8_t *key, *iv, *aad, *pt, *ct, *tag;
    size_t key_len, iv_len, aad_len, pt_len, ct_len, tag_len;
} cavp_case;
/* Call fn for each applicable case of alg (96-bit IV and 128-bit tag for GCM;
 * whole-byte data units for XTS).  Stops at the first non-zero return and
 * returns it; returns -1 if the vector files cannot be found. */
int cavp_foreach(const alg_info *alg, int (*fn)(const cavp_case *c, void *arg), void *arg);
/* Where the CAVP files live ($AESLAB_VECTORS, else the project venv). */
const char *cavp_dir(void);

/* ---- verify.c: correctness before timing ------------------------------- */
#define VERIFY_MSG 256
/* Runs KATs, the differential check against own/portable, tamper checks and
 * streaming splits, in a child process (a crash or hang is a failure).
 * Returns 1 if it passed; otherwise writes the first failing case to msg
 * and returns 0, or VERIFY_TIMEOUT_EMULATED: under an emulator the check
 * ran out of time, which says nothing about the code. */
#define VERIFY_TIMEOUT_EMULATED 2
int verify_impl(const aeslab_impl *im, char msg[VERIFY_MSG]);
/* Same, in this process (used by the child, and by tests under sanitizers). */
int verify_impl_inproc(const aeslab_impl *im, char msg[VERIFY_MSG]);
/* Status string for list/run: "pass", "unsupported", "fail: ...",
 * "baseline" (lab/null: timed, never verified), or "timeout: ..." (emulated
 * only; neither pass nor fail) (cached). */
const char *verify_status(const aeslab_impl *im);

/* ---- timing.c: throughput of one point --------------------------------- */
typedef enum { OP_SEAL, OP_OPEN, OP_ENC, OP_DEC, OP_SEAL_HP } bench_op;
const char *op_name(bench_op op);
int op_parse(const char *s, bench_op *op);
int op_fits(bench_op op, const alg_info *alg, const aeslab_impl *im);

typedef struct {
    double min_time;  /* seconds per sample */
    int samples;      /* samples after warm-up */
    int threads;      /* worker threads, each with its own key and buffers */
    int pin;          /* pin threads: one per physical core first */
    int smt;          /* allow SMT siblings before all cores are used */
    size_t offset;    /* buffer misalignment in bytes */
    double cv_target; /* > 0: add samples until the CV is below it ... */
    int max_samples;  /* ... or this many samples were taken ... */
    double budget;    /* ... or this many seconds went into the point (0: no limit) */
    struct cold_state *cold; /* --cold: after the warm samples, time cold_samples single
                                messages, each after cold_disturb() (NULL: none) */
    int cold_samples;
} bench_cfg;

typedef struct {
    double mb_per_s;        /* median over samples, aggregate over threads */
    double ns_per_msg;      /* median, per thread (latency of one message) */
    double tsc_per_byte;    /* TSC cycles per byte (per thread), median */
    double cv;              /* coefficient of variation of per-sample MB/s */
    double ci95_lo, ci95_hi;/* 95% CI of the median MB/s (order statistics) */
    double tsc_ghz;
    int samples;
    uint64_t msgs_per_sample; /* median messages per thread per sample */
    /* per thread (threads > 1): median MB/s of each thread */
    double thread_mb_min, thread_mb_med, thread_mb_max;
    double core_ghz;        /* measured core clock (see clock.c), median */
    double cpu_share;       /* thread CPU time / wall time while timed, median */
    double mb_per_cpu_s;    /* payload MB per second of the threads' CPU time:
                               the rate while the code had its core */
    double core_per_byte;   /* core cycles per byte (per thread), median */
    double thread_ghz_min, thread_ghz_med, thread_ghz_max;
    int noisy;              /* CV above the target (or 5%) when sampling stopped */
    int have_counters;      /* instructions/IPC below are valid */
    double ins_per_byte, ipc;
    /* --cold: median ns of one message timed alone right after the
     * disturbance (coldcode.c), on thread 0; the disturbance is not in it */
    double cold_ns_per_msg, cold_ns_p10, cold_ns_p90;
    double cold_disturb_ns; /* median ns of the disturbance itself */
    int cold_samples;
    char error[128];        /* non-empty: the point failed while timed */
} bench_result;

int bench_point(const aeslab_impl *im, const alg_info *alg, bench_op op, size_t size,
                size_t aad_len, const bench_cfg *cfg, bench_result *res);
double tsc_ghz(void);
uint64_t cycles_now(void);
const char *cycle_source(void);

/* ---- coldcode.c: the disturbance of --cold ----------------------------- */
typedef struct cold_state {
    size_t nfn;          /* generated functions called per disturbance */
    size_t code_bytes;   /* their machine code (whole functions) */
    size_t data_bytes;   /* the buffer walked, one word per 64-byte line */
    uint64_t *data;
    uint64_t x;          /* the state that decides every branch */
} cold_state;
/* Machine code built for the disturbance, and in how many functions. */
size_t cold_code_available(void);
size_t cold_code_functions(void);
/* Default --cold-code / --cold-data in KiB for this machine (see coldcode.c). */
void cold_defaults(size_t *code_kb, size_t *data_kb);
/* 0 if the data buffer cannot be allocated. */
int cold_init(cold_state *s, size_t code_kb, size_t data_kb, uint64_t seed);
void cold_free(cold_state *s);
/* Run the code, then walk the data. */
void cold_disturb(cold_state *s);

/* ---- commands --------------------------------------------------------- */
int cmd_list(int argc, char **argv);
int cmd_vector(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_clock(int argc, char **argv);    /* clock.c */
int cmd_fpu_cost(int argc, char **argv); /* fpucost.c */
int cmd_pipes(int argc, char **argv);    /* pipes.c */

/* ---- json.c: tiny JSON writer ------------------------------------------ */
void json_str(FILE *f, const char *s);

#endif
