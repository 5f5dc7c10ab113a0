/*
 * timing.c - how one point (implementation, algorithm, op, size, AAD,
 * threads) is timed.
 *
 * Method.  Every worker thread has its own key object and its own buffers
 * (64-byte aligned plus an optional offset).  Workers are pinned one per
 * physical core first (SMT siblings only after every core has one, or when
 * asked), wait at a barrier, and then each runs batches of messages until a
 * common deadline: every thread is timed over the same interval, which is
 * what summing separately-timed processes (`openssl speed -multi`) gets
 * wrong.  A batch is calibrated to about 1/64 of a sample so the deadline
 * overshoot stays near 1.5%; the clock is read once per batch, never per
 * message.
 *
 * Per message: GCM seal takes a fresh IV (a 64-bit counter in the IV) and
 * the same AAD; open opens one valid message (its tag is checked every time,
 * and every call must succeed); XTS takes a fresh tweak per data unit.  The
 * key schedule is done once, outside the timed loop.  Every return code in
 * the loop is checked: a failing call fails the point.
 *
 * Statistics: one warm-up sample is discarded, then `samples` samples; with
 * a CV target, more samples follow (up to max_samples, within the point's
 * time budget) until the coefficient of variation of per-sample MB/s is
 * below it, and a point that never got there is flagged noisy.  The point
 * reports the median, a 95% confidence interval of the median from order
 * statistics, and the CV.  MB/s is 10^6 payload bytes per second (GCM counts
 * payload only, as the seeds' tables do).
 *
 * Clock: each worker reads its core clock (clock.c) right before and right
 * after its timed loop, outside the interval; core cycles per byte come from
 * that clock, TSC cycles per byte stay beside them, and with hardware
 * counters each point also gets instructions per byte and IPC.
 */
#include <errno.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aesbench.h"
#include "clock.h"

/* ---- clocks --------------------------------------------------------------- */

static inline uint64_t thread_cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static inline uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

uint64_t cycles_now(void)
{
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
#elif defined(__aarch64__)
    uint64_t v;
    __asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
#else
    return now_ns();
#endif
}

const char *cycle_source(void) { return clock_source_name(); }

/* Serialised timestamps for --cold, around one message: everything before
 * the first has completed (stores included) and nothing after it has
 * started; the second waits for the message's instructions to complete. */
static inline uint64_t ts_open(void)
{
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ __volatile__("mfence\n\tlfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
#elif defined(__aarch64__)
    uint64_t v;
    __asm__ __volatile__("dsb sy\n\tisb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v)::"memory");
    return v;
#else
    return now_ns();
#endif
}

static inline uint64_t ts_close(void)
{
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
#elif defined(__aarch64__)
    uint64_t v;
    __asm__ __volatile__("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v)::"memory");
    return v;
#else
    return now_ns();
#endif
}

/* ns per tick of ts_open/ts_close */
static double ts_ns_per_tick(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
    return 1.0 / tsc_ghz();
#else
    return 1.0;
#endif
}

double tsc_ghz(void)
{
    static double ghz;
    if (ghz > 0)
        return ghz;
#if defined(__aarch64__)
    uint64_t f;
    __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
    ghz = (double)f / 1e9;
#else
    /* Count ticks over 50 ms of the monotonic clock. */
    uint64_t t0 = now_ns(), c0 = cycles_now(), t1, c1;
    struct timespec d = {0, 50 * 1000 * 1000};
    nanosleep(&d, NULL);
    t1 = now_ns();
    c1 = cycles_now();
    ghz = (double)(c1 - c0) / (double)(t1 - t0);
#endif
    return ghz;
}

/* ---- ops ------------------------------------------------------------------ */

static const char *const op_names[] = {"seal", "open", "enc", "dec", "seal-hp"};

const char *op_name(bench_op op) { return op_names[op]; }

int op_parse(const char *s, bench_op *op)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(s, op_names[i]) == 0) {
            *op = (bench_op)i;
            return 1;
        }
    return 0;
}

int op_fits(bench_op op, const alg_info *alg, const aeslab_impl *im)
{
    switch (op) {
    case OP_SEAL: case OP_OPEN: return !alg->xts;
    case OP_ENC: case OP_DEC: return alg->xts;
    case OP_SEAL_HP: return !alg->xts && im->gcm_seal_hp != NULL;
    }
    return 0;
}

/* ---- workers -------------------------------------------------------------- */

struct shared {
    pthread_barrier_t start, done;
    uint64_t deadline_ns; /* written before `start`, read after */
    uint64_t batch;
    int quit;
};

struct worker {
    const aeslab_impl *im;
    bench_op op;
    size_t size, aad_len;
    void *key, *bufs[3];
    uint8_t *in, *out, *aad;
    uint8_t iv[16] __attribute__((aligned(16))); /* GCM: the first 12 bytes */
    uint8_t tag[16], sample[16], mask[16];
    uint64_t seq;
    int cpu;
    struct shared *sh;
    pthread_t th;
    /* results of the last sample */
    uint64_t msgs, t0, t1, c0, c1;
    uint64_t cpu0, cpu1; /* thread CPU time: did the thread have its core? */
    clk_thread clk;
    clk_sample cs;
    int rc;
};

/*
 * The next message's IV / tweak: the sequence number in bytes off..off+8
 * (GCM: 4, XTS: 0).  On x86 the whole 16-byte buffer is rewritten with one
 * 16-byte store: a kernel's load of the IV must be contained in a single
 * earlier store to be forwarded from it, and kernels load IVs in different
 * pieces (a tweak as 16 or 8 + 8 bytes, a GCM nonce as 8 + 4 or 4 + 4 + 4;
 * none of them may straddle the store's two 8-byte halves).  An 8-byte store
 * under a 16-byte load stalls that load until the store commits, for a
 * time that depends on what else is in flight: 16-64 B XTS points swung by
 * up to 2x from one point to the next with it.
 */
static inline void bump(uint8_t *iv, size_t off, uint64_t *seq)
{
    ++*seq;
#ifdef __SSE2__
    /* in vector registers: through memcpy the compiler narrows it back to
     * the 8-byte store */
    const __m128i s = _mm_cvtsi64_si128((long long)*seq);
    const __m128i keep = off ? _mm_set_epi32(-1, 0, 0, -1) : _mm_set_epi32(-1, -1, 0, 0);
    const __m128i v = _mm_load_si128((const __m128i *)(const void *)iv);
    _mm_store_si128((__m128i *)(void *)iv,
                    _mm_or_si128(_mm_and_si128(v, keep), off ? _mm_slli_si128(s, 4) : s));
#else
    memcpy(iv + off, seq, 8);
#endif
}

/* Runs n messages; returns the OR of the return codes. */
static int run_batch(struct worker *w, uint64_t n)
{
    const aeslab_impl *im = w->im;
    int rc = 0;
    switch (w->op) {
    case OP_SEAL:
        for (uint64_t i = 0; i < n; i++) {
            bump(w->iv, 4, &w->seq);
            rc |= im->gcm_seal(w->key, w->iv, w->aad, w->aad_len, w->in, w->size, w->out, w->tag);
        }
        break;
    case OP_OPEN:
        for (uint64_t i = 0; i < n; i++)
            rc |= im->gcm_open(w->key, w->iv, w->aad, w->aad_len, w->in, w->size, w->tag, w->out);
        break;
    case OP_SEAL_HP:
        for (uint64_t i = 0; i < n; i++) {
            bump(w->iv, 4, &w->seq);
            rc |= im->gcm_seal_hp(w->key, w->iv, w->aad, w->aad_len, w->in, w->size, w->out,
                                  w->tag, w->sample, w->mask);
        }
        break;
    case OP_ENC:
        for (uint64_t i = 0; i < n; i++) {
            bump(w->iv, 0, &w->seq);
            rc |= im->xts_encrypt(w->key, w->iv, w->in, w->size, w->out);
        }
        break;
    case OP_DEC:
        for (uint64_t i = 0; i < n; i++) {
            bump(w->iv, 0, &w->seq);
            rc |= im->xts_decrypt(w->key, w->iv, w->in, w->size, w->out);
        }
        break;
    }
    return rc;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    pin_to_cpu(w->cpu);
    clk_thread_init(&w->clk, w->cpu);
    for (;;) {
        pthread_barrier_wait(&w->sh->start);
        if (w->sh->quit)
            break;
        uint64_t batch = w->sh->batch, deadline = w->sh->deadline_ns, msgs = 0;
        int rc = 0;
        clk_begin(&w->clk);
        w->cpu0 = thread_cpu_ns();
        w->t0 = now_ns();
        w->c0 = cycles_now();
        do {
            rc |= run_batch(w, batch);
            msgs += batch;
        } while (now_ns() < deadline && !rc);
        w->c1 = cycles_now();
        w->t1 = now_ns();
        w->cpu1 = thread_cpu_ns();
        clk_end(&w->clk, w->t1 - w->t0, w->c1 - w->c0, &w->cs);
        w->msgs = msgs;
        w->rc = rc;
        pthread_barrier_wait(&w->sh->done);
    }
    clk_thread_fini(&w->clk);
    return NULL;
}

/* CPUs to run on, one per physical core first, then SMT siblings. */
static int cpu_order(int *order, int max, int smt)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    int n = 0, first[CPU_SETSIZE], nfirst = 0, rest[CPU_SETSIZE], nrest = 0;
    long seen_core[CPU_SETSIZE];
    int nseen = 0;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        long pkg = 0, core = c;
        char path[128];
        FILE *f;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
        if ((f = fopen(path, "r"))) { if (fscanf(f, "%ld", &pkg) != 1) pkg = 0; fclose(f); }
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", c);
        if ((f = fopen(path, "r"))) { if (fscanf(f, "%ld", &core) != 1) core = c; fclose(f); }
        long id = pkg << 20 | core;
        int dup = 0;
        for (int i = 0; i < nseen; i++)
            dup |= seen_core[i] == id;
        if (!dup && nseen < CPU_SETSIZE)
            seen_core[nseen++] = id;
        if (smt || !dup)
            first[nfirst++] = c;
        else
            rest[nrest++] = c;
    }
    for (int i = 0; i < nfirst && n < max; i++) order[n++] = first[i];
    for (int i = 0; i < nrest && n < max; i++) order[n++] = rest[i];
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Sample standard deviation over the mean (0 for fewer than 2 samples). */
static double cv_of(const double *v, int n)
{
    double mean = 0, var = 0;
    for (int s = 0; s < n; s++)
        mean += v[s] / n;
    for (int s = 0; s < n; s++)
        var += (v[s] - mean) * (v[s] - mean) / (n > 1 ? n - 1 : 1);
    return mean > 0 ? sqrt(var) / mean : 0;
}

static int setup_worker(struct worker *w, const aeslab_impl *im, const alg_info *alg, bench_op op,
                        size_t size, size_t aad_len, const bench_cfg *cfg, int idx, char *err)
{
    prng r;
    prng_seed(&r, 0x5eed0000u + (uint64_t)idx);
    uint8_t kb[64];
    prng_fill(&r, kb, alg->key_len);
    if (alg->xts)
        kb[alg->key_len / 2] = (uint8_t)~kb[0];
    w->im = im;
    w->op = op;
    w->size = size;
    w->aad_len = aad_len;
    w->key = im->key_new(im, kb, alg->key_len);
    if (!w->key) {
        snprintf(err, 128, "key setup failed");
        return 0;
    }
    w->in = alloc_at(size, cfg->offset, &w->bufs[0]);
    w->out = alloc_at(size + 16, cfg->offset, &w->bufs[1]);
    w->aad = alloc_at(aad_len, cfg->offset, &w->bufs[2]);
    prng_fill(&r, w->in, size);
    prng_fill(&r, w->aad, aad_len);
    prng_fill(&r, w->iv, 12);
    prng_fill(&r, w->sample, 16);
    memset(w->iv + (alg->xts ? 0 : 4), 0, 8);
    if (op == OP_SEAL_HP && (!im->hp_init || im->hp_init(w->key, kb, alg->key_len))) {
        snprintf(err, 128, "header-protection key setup failed");
        return 0;
    }
    if (op == OP_OPEN) { /* a valid message to open, over and over */
        int rc = im->gcm_seal(w->key, w->iv, w->aad, aad_len, w->in, size, w->out, w->tag);
        memcpy(w->in, w->out, size);
        if (rc) {
            snprintf(err, 128, "seal before open failed (%d)", rc);
            return 0;
        }
    }
    return 1;
}

static void free_worker(struct worker *w)
{
    if (w->key)
        w->im->key_free(w->key);
    for (int i = 0; i < 3; i++)
        free(w->bufs[i]);
}

/* --cold: n messages on w (its thread's CPU), each timed alone right after
 * the disturbance; the disturbance is timed apart.  Returns the OR of the
 * return codes. */
static int cold_messages(struct worker *w, const bench_cfg *cfg, bench_result *res)
{
    int n = cfg->cold_samples > 0 ? cfg->cold_samples : 101, rc = 0;
    double *msg = calloc((size_t)n, sizeof(double)), *dist = calloc((size_t)n, sizeof(double));
    double per = ts_ns_per_tick();
    if (!msg || !dist)
        die("out of memory");
    for (int i = 0; i < n && !rc; i++) {
        uint64_t d0 = ts_open();
        cold_disturb(cfg->cold);
        uint64_t t0 = ts_open();
        rc |= run_batch(w, 1);
        uint64_t t1 = ts_close();
        msg[i] = (double)(t1 - t0) * per;
        dist[i] = (double)(t0 - d0) * per;
    }
    if (!rc) {
        res->cold_ns_per_msg = median(msg, n); /* sorts msg */
        res->cold_ns_p10 = msg[(n - 1) / 10];
        res->cold_ns_p90 = msg[(n - 1) - (n - 1) / 10];
        res->cold_disturb_ns = median(dist, n);
        res->cold_samples = n;
    }
    free(msg);
    free(dist);
    return rc;
}

int bench_point(const aeslab_impl *im, const alg_info *alg, bench_op op, size_t size,
                size_t aad_len, const bench_cfg *cfg, bench_result *res)
{
    memset(res, 0, sizeof *res);
    int nt = cfg->threads > 0 ? cfg->threads : 1;
    int order[CPU_SETSIZE];
    int ncpu = cfg->pin ? cpu_order(order, CPU_SETSIZE, cfg->smt) : 0;
    struct worker *w = calloc((size_t)nt, sizeof *w);
    struct shared sh = {0};
    if (!w)
        die("out of memory");
    for (int i = 0; i < nt; i++) {
        w[i].cpu = ncpu ? order[i % ncpu] : -1;
        w[i].sh = &sh;
        if (!setup_worker(&w[i], im, alg, op, size, aad_len, cfg, i, res->error)) {
            for (int j = 0; j <= i; j++)
                free_worker(&w[j]);
            free(w);
            return 0;
        }
    }

    /* Calibrate the batch on worker 0 (pinned like it will be). */
    pin_to_cpu(w[0].cpu);
    uint64_t batch = 1;
    for (;;) {
        uint64_t t0 = now_ns();
        if (run_batch(&w[0], batch)) {
            snprintf(res->error, sizeof res->error, "%s failed while calibrating", op_name(op));
            goto out;
        }
        uint64_t dt = now_ns() - t0;
        if (dt * 64 >= (uint64_t)(cfg->min_time * 1e9) || batch >= (1ull << 40))
            break;
        batch = dt < 1000 ? batch * 16 : batch * 2;
    }
    sh.batch = batch;
    pthread_barrier_init(&sh.start, NULL, (unsigned)nt + 1);
    pthread_barrier_init(&sh.done, NULL, (unsigned)nt + 1);
    for (int i = 0; i < nt; i++)
        if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
            die("cannot start thread %d", i);

    int min_ns = cfg->samples, max_ns = cfg->max_samples > min_ns ? cfg->max_samples : min_ns;
    int ns = 0, bad = 0;
    size_t cap = (size_t)max_ns;
    double *mbs = calloc(cap, sizeof(double)), *nspm = calloc(cap, sizeof(double));
    double *cpb = calloc(cap, sizeof(double)), *msgs = calloc(cap, sizeof(double));
    double *ccpb = calloc(cap, sizeof(double)), *ghz = calloc(cap, sizeof(double));
    double *ipb = calloc(cap, sizeof(double)), *ipc = calloc(cap, sizeof(double));
    double *thr = calloc(cap * (size_t)nt, sizeof(double));
    double *share = calloc(cap, sizeof(double)), *cpumbs = calloc(cap, sizeof(double));
    double *tghz = calloc(cap * (size_t)nt, sizeof(double));
    int counted = clock_have_counters();
    uint64_t started = now_ns();
    for (int s = -1; s < max_ns; s++) { /* s == -1: warm-up */
        uint64_t s_start = now_ns();
        sh.deadline_ns = s_start + (uint64_t)(cfg->min_time * 1e9);
        pthread_barrier_wait(&sh.start);
        pthread_barrier_wait(&sh.done);
        uint64_t tmin = UINT64_MAX, tmax = 0, bytes = 0, tsc = 0;
        double ns_sum = 0, m_sum = 0, core = 0, ghz_sum = 0, ins = 0, pcyc = 0;
        double cpu_sum = 0, wall_sum = 0;
        for (int i = 0; i < nt; i++) {
            if (w[i].rc)
                bad = w[i].rc;
            tmin = w[i].t0 < tmin ? w[i].t0 : tmin;
            tmax = w[i].t1 > tmax ? w[i].t1 : tmax;
            bytes += w[i].msgs * size;
            tsc += w[i].c1 - w[i].c0;
            ns_sum += (double)(w[i].t1 - w[i].t0) / (double)w[i].msgs;
            m_sum += (double)w[i].msgs;
            cpu_sum += (double)(w[i].cpu1 - w[i].cpu0);
            wall_sum += (double)(w[i].t1 - w[i].t0);
            core += w[i].cs.core_cycles;
            ghz_sum += w[i].cs.ghz;
            ins += w[i].cs.instructions;
            pcyc += w[i].cs.pmu_cycles;
            if (s >= 0) {
                thr[s * nt + i] = (double)(w[i].msgs * size) * 1e3 / (double)(w[i].t1 - w[i].t0);
                tghz[s * nt + i] = w[i].cs.ghz;
            }
            counted &= w[i].cs.pmu_cycles > 0;
        }
        if (bad)
            break;
        if (s < 0)
            continue;
        mbs[s] = (double)bytes * 1e3 / (double)(tmax - tmin);
        nspm[s] = ns_sum / nt;
        cpb[s] = size ? (double)tsc / ((double)bytes) : 0;
        ccpb[s] = size ? core / (double)bytes : 0;
        ghz[s] = ghz_sum / nt;
        ipb[s] = size ? ins / (double)bytes : 0;
        ipc[s] = pcyc > 0 ? ins / pcyc : 0;
        msgs[s] = m_sum / nt;
        share[s] = wall_sum > 0 ? cpu_sum / wall_sum : 0;
        cpumbs[s] = cpu_sum > 0 ? (double)bytes * 1e3 / cpu_sum : 0;
        ns = s + 1;
        if (ns < min_ns)
            continue;
        /* enough samples: stop unless a CV target asks for more and the
         * point's budget still has room for one more sample like the last */
        if (cfg->cv_target <= 0 || cv_of(mbs, ns) <= cfg->cv_target)
            break;
        uint64_t now = now_ns();
        if (cfg->budget > 0 && (double)(now - started + (now - s_start)) * 1e-9 > cfg->budget)
            break;
    }
    sh.quit = 1;
    pthread_barrier_wait(&sh.start);
    for (int i = 0; i < nt; i++)
        pthread_join(w[i].th, NULL);
    pthread_barrier_destroy(&sh.start);
    pthread_barrier_destroy(&sh.done);

    /* Cold messages after the warm samples, on this thread, which is pinned
     * where worker 0 ran, with worker 0's key and buffers. */
    if (!bad && cfg->cold && ns > 0)
        bad = cold_messages(&w[0], cfg, res);

    if (bad) {
        snprintf(res->error, sizeof res->error, "%s returned %d while timed", op_name(op), bad);
    } else {
        res->cv = cv_of(mbs, ns);
        /* A thread that did not have its core for the whole interval (other
         * processes, hypervisor steal) measured something else as well. */
        res->cpu_share = median(share, ns);
        res->mb_per_cpu_s = median(cpumbs, ns);
        res->noisy = res->cv > (cfg->cv_target > 0 ? cfg->cv_target : 0.05) ||
                     res->cpu_share < 0.9;
        res->samples = ns;
        res->mb_per_s = median(mbs, ns);
        /* 95% CI of the median: ranks n/2 -+ 0.98 sqrt(n) of the sorted samples */
        int lo = (int)floor(ns / 2.0 - 0.98 * sqrt(ns)), hi = (int)ceil(ns / 2.0 + 0.98 * sqrt(ns));
        res->ci95_lo = mbs[lo < 0 ? 0 : lo];
        res->ci95_hi = mbs[hi >= ns ? ns - 1 : hi];
        res->ns_per_msg = median(nspm, ns);
        res->tsc_per_byte = median(cpb, ns);
        res->msgs_per_sample = (uint64_t)median(msgs, ns);
        res->tsc_ghz = tsc_ghz();
        res->core_per_byte = median(ccpb, ns);
        res->core_ghz = median(ghz, ns);
        res->have_counters = counted;
        if (counted) {
            res->ins_per_byte = median(ipb, ns);
            res->ipc = median(ipc, ns);
        }
        double *per = calloc((size_t)nt, sizeof(double)), *col = calloc((size_t)ns, sizeof(double));
        double *pg = calloc((size_t)nt, sizeof(double));
        for (int i = 0; i < nt; i++) {
            for (int s = 0; s < ns; s++)
                col[s] = thr[s * nt + i];
            per[i] = median(col, ns);
            for (int s = 0; s < ns; s++)
                col[s] = tghz[s * nt + i];
            pg[i] = median(col, ns);
        }
        qsort(per, (size_t)nt, sizeof *per, cmp_double);
        res->thread_mb_min = per[0];
        res->thread_mb_max = per[nt - 1];
        res->thread_mb_med = median(per, nt);
        qsort(pg, (size_t)nt, sizeof *pg, cmp_double);
        res->thread_ghz_min = pg[0];
        res->thread_ghz_max = pg[nt - 1];
        res->thread_ghz_med = median(pg, nt);
        free(per);
        free(col);
        free(pg);
    }
    free(mbs); free(nspm); free(cpb); free(msgs); free(thr);
    free(ccpb); free(ghz); free(ipb); free(ipc); free(tghz); free(share); free(cpumbs);
out:
    for (int i = 0; i < nt; i++)
        free_worker(&w[i]);
    free(w);
    return res->error[0] == 0;
}
