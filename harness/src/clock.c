/*
 * clock.c - which clock the core really ran at while a point was timed.
 *
 * Throughput in MB/s needs only wall time, but cycles per byte need the core
 * clock, and the TSC is not it: the TSC ticks at a fixed rate while the core
 * boosts above it, or drops below it (AVX-512 licences, thermal limits, more
 * active cores).  The best source the machine offers is chosen once per
 * process (see clock.h for the list and clock_setup for the order).
 *
 * The calibrated source rests on one fact: an add whose input is the
 * previous add's output cannot complete faster than one core cycle, and on
 * every x86-64 and arm64 core we know it completes in exactly one.  A chain
 * of N such adds therefore takes N core cycles, and timing it with the TSC
 * gives the core clock.  The chain is unrolled 64 deep so the loop counter
 * (an independent one-cycle chain) never limits it.  A reading is the fastest
 * of three runs: an interrupt can only make a run slower, never faster.  It
 * runs on the worker's own pinned core immediately before and after the timed
 * loop, so it sees that core's clock at that moment (including a licence
 * drop still in force after wide-vector code); the point's clock is the mean
 * of the two.  Where a PMU exists, `aesbench clock` checks the one-cycle
 * assumption by counting the chain's cycles.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "aesbench.h"
#include "clock.h"
#include "select.h"

#define MSR_MPERF 0xE7
#define MSR_APERF 0xE8

static clk_source source = CLK_TSC;
static int resolved, counters_on;
static char note[320];
static uint64_t chain_iters = 512; /* x 64 adds; grown in clock_setup */

/* ---- the dependent-add chain --------------------------------------------- */

static inline uint64_t ticks_ordered(void)
{
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
#else
    return cycles_now();
#endif
}

static int chain_available(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
    return 1;
#else
    return 0;
#endif
}

/* Runs iters x 64 dependent adds; returns the ticks they took. */
static uint64_t chain_ticks(uint64_t iters)
{
    uint64_t x = 0, one = 1, n = iters ? iters : 1;
    uint64_t t0 = ticks_ordered();
#if defined(__x86_64__)
    __asm__ __volatile__("1:\n\t"
                         ".rept 64\n\t"
                         "addq %[one], %[x]\n\t"
                         ".endr\n\t"
                         "decq %[n]\n\t"
                         "jnz 1b"
                         : [x] "+r"(x), [n] "+r"(n)
                         : [one] "r"(one)
                         : "cc");
#elif defined(__aarch64__)
    __asm__ __volatile__("1:\n\t"
                         ".rept 64\n\t"
                         "add %[x], %[x], %[one]\n\t"
                         ".endr\n\t"
                         "subs %[n], %[n], #1\n\t"
                         "b.ne 1b"
                         : [x] "+r"(x), [n] "+r"(n)
                         : [one] "r"(one)
                         : "cc");
#else
    (void)one;
#endif
    uint64_t t1 = ticks_ordered();
    return t1 - t0;
}

uint64_t chain_adds(void) { return chain_iters * 64; }

double chain_ghz(void)
{
    if (!chain_available())
        return 0;
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 3; i++) {
        uint64_t t = chain_ticks(chain_iters);
        if (t < best)
            best = t;
    }
    return best ? (double)chain_adds() * tsc_ghz() / (double)best : 0;
}

/* ---- perf_event_open ----------------------------------------------------- */

static int perf_open(uint64_t config, int group, int exclude_kernel)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = PERF_TYPE_HARDWARE;
    a.config = config;
    a.exclude_kernel = (unsigned)exclude_kernel;
    a.exclude_hv = 1;
    a.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
                    PERF_FORMAT_TOTAL_TIME_RUNNING;
    return (int)syscall(SYS_perf_event_open, &a, 0, -1, group, 0);
}

static int perf_exclude_kernel;

/* Opens cycles (+ instructions) for the calling thread; 0 on success. */
static int perf_open_pair(int *fc, int *fi, int with_ins)
{
    *fc = perf_open(PERF_COUNT_HW_CPU_CYCLES, -1, perf_exclude_kernel);
    if (*fc < 0 && !perf_exclude_kernel && (errno == EACCES || errno == EPERM)) {
        perf_exclude_kernel = 1; /* perf_event_paranoid allows user-only counting */
        *fc = perf_open(PERF_COUNT_HW_CPU_CYCLES, -1, 1);
    }
    if (*fc < 0)
        return -1;
    *fi = with_ins ? perf_open(PERF_COUNT_HW_INSTRUCTIONS, *fc, perf_exclude_kernel) : -1;
    return 0;
}

/* Reads the group; values scaled if the kernel multiplexed the counters. */
static int perf_read(int fc, int fi, uint64_t *cyc, uint64_t *ins)
{
    uint64_t buf[3 + 2] = {0};
    ssize_t n = read(fc, buf, sizeof buf);
    if (n < (ssize_t)(4 * sizeof(uint64_t)))
        return -1;
    double scale = buf[2] && buf[2] < buf[1] ? (double)buf[1] / (double)buf[2] : 1.0;
    *cyc = (uint64_t)((double)buf[3] * scale);
    *ins = fi >= 0 && buf[0] > 1 ? (uint64_t)((double)buf[4] * scale) : 0;
    return 0;
}

/* ---- APERF / MPERF ------------------------------------------------------- */

static int msr_open(int cpu)
{
    char path[64];
    snprintf(path, sizeof path, "/dev/cpu/%d/msr", cpu);
    return open(path, O_RDONLY | O_CLOEXEC);
}

static int msr_read(int fd, uint32_t reg, uint64_t *v)
{
    return pread(fd, v, sizeof *v, reg) == (ssize_t)sizeof *v ? 0 : -1;
}

/* ---- choosing the source ------------------------------------------------- */

static void add_note(const char *fmt, const char *what, int err)
{
    size_t len = strlen(note);
    snprintf(note + len, sizeof note - len, fmt, len ? "; " : "", what, strerror(err));
}

static int probe_pmu(void)
{
    int fc, fi;
    if (perf_open_pair(&fc, &fi, 1) != 0) {
        add_note("%sno PMU (%s: %s)", "perf_event_open cycles", errno);
        return 0;
    }
    uint64_t c0, i0, c1, i1;
    int ok = perf_read(fc, fi, &c0, &i0) == 0;
    chain_ticks(64);
    ok = ok && perf_read(fc, fi, &c1, &i1) == 0 && c1 > c0;
    if (!ok)
        add_note("%sno PMU (%s: %s)", "perf_event_open cycles do not count", EIO);
    counters_on = counters_on && ok && fi >= 0;
    if (fi >= 0)
        close(fi);
    close(fc);
    return ok;
}

static int probe_aperf(void)
{
    int cpu = sched_getcpu();
    int fd = msr_open(cpu < 0 ? 0 : cpu);
    if (fd < 0) {
        add_note("%sno APERF/MPERF (%s: %s)", "/dev/cpu/N/msr", errno);
        return 0;
    }
    uint64_t a0, m0, a1, m1;
    int ok = msr_read(fd, MSR_APERF, &a0) == 0 && msr_read(fd, MSR_MPERF, &m0) == 0;
    chain_ticks(64);
    ok = ok && msr_read(fd, MSR_APERF, &a1) == 0 && msr_read(fd, MSR_MPERF, &m1) == 0 &&
         a1 > a0 && m1 > m0;
    if (!ok)
        add_note("%sno APERF/MPERF (%s: %s)", "reading MSR 0xE7/0xE8", EIO);
    close(fd);
    return ok;
}

static const char *const source_names[] = {"tsc", "calibrated", "aperf", "pmu"};

void clock_setup(const char *want, int counters)
{
    if (resolved)
        return;
    resolved = 1;
    counters_on = counters;
    note[0] = 0;
    /* Size the chain to >= 20 us of TSC time so the reading is well above
     * timer granularity (cntvct on arm64 can be as coarse as 40 ns). */
    if (chain_available()) {
        double need = 20e3 * tsc_ghz();
        while ((double)chain_ticks(chain_iters) < need && chain_iters < (1u << 20))
            chain_iters *= 2;
    }
    int w = -1;
    if (want && strcmp(want, "auto")) {
        for (int i = 0; i < 4; i++)
            if (!strcmp(want, source_names[i]))
                w = i;
        if (w < 0)
            die("--clock: unknown source '%s' (auto, pmu, aperf, calibrated, tsc)", want);
    }
    if (w == CLK_TSC) {
        source = CLK_TSC;
    } else if (w == CLK_CALIBRATED) {
        if (!chain_available())
            die("--clock calibrated: no dependent-add chain for this architecture");
        source = CLK_CALIBRATED;
    } else if (w == CLK_APERF) {
        if (!probe_aperf())
            die("--clock aperf: %s", note);
        source = CLK_APERF;
    } else if (probe_pmu()) {
        source = CLK_PMU;
    } else if (w == CLK_PMU) {
        die("--clock pmu: %s", note);
    } else if (probe_aperf()) {
        source = CLK_APERF;
    } else {
        source = chain_available() ? CLK_CALIBRATED : CLK_TSC;
    }
    if (source != CLK_PMU && counters_on) {
        counters_on = 0;
        if (w >= 0 && w != CLK_PMU) { /* a source was forced: try counters alone */
            int fc, fi;
            if (perf_open_pair(&fc, &fi, 1) == 0) {
                counters_on = fi >= 0;
                if (fi >= 0) close(fi);
                close(fc);
            }
        }
    }
}

clk_source clock_source(void)
{
    if (!resolved)
        clock_setup(NULL, 0);
    return source;
}

const char *clock_source_name(void)
{
    clk_source s = clock_source();
    if (s == CLK_TSC) {
#if defined(__x86_64__)
        return "tsc";
#elif defined(__aarch64__)
        return "cntvct";
#else
        return "ns";
#endif
    }
    return source_names[s];
}

const char *clock_note(void) { return note; }
int clock_have_counters(void) { return counters_on; }

/* ---- per thread ---------------------------------------------------------- */

void clk_thread_init(clk_thread *t, int cpu)
{
    memset(t, 0, sizeof *t);
    t->cpu = cpu;
    t->fd_cyc = t->fd_ins = t->fd_msr = -1;
    clk_source s = clock_source();
    if (s == CLK_PMU || counters_on) {
        if (perf_open_pair(&t->fd_cyc, &t->fd_ins, counters_on) != 0)
            t->fd_cyc = t->fd_ins = -1;
    }
    if (s == CLK_APERF) {
        int c = cpu >= 0 ? cpu : sched_getcpu();
        t->fd_msr = msr_open(c < 0 ? 0 : c);
    }
}

void clk_thread_fini(clk_thread *t)
{
    if (t->fd_ins >= 0) close(t->fd_ins);
    if (t->fd_cyc >= 0) close(t->fd_cyc);
    if (t->fd_msr >= 0) close(t->fd_msr);
    t->fd_cyc = t->fd_ins = t->fd_msr = -1;
}

void clk_begin(clk_thread *t)
{
    switch (source) {
    case CLK_CALIBRATED:
        t->ghz_before = chain_ghz();
        break;
    case CLK_APERF:
        if (t->fd_msr < 0 || msr_read(t->fd_msr, MSR_APERF, &t->aperf0) ||
            msr_read(t->fd_msr, MSR_MPERF, &t->mperf0))
            t->aperf0 = t->mperf0 = 0;
        break;
    default:
        break;
    }
    if (t->fd_cyc >= 0 && perf_read(t->fd_cyc, t->fd_ins, &t->cyc0, &t->ins0))
        t->cyc0 = t->ins0 = 0;
}

void clk_end(clk_thread *t, uint64_t dt_ns, uint64_t dtsc, clk_sample *out)
{
    uint64_t cyc1 = 0, ins1 = 0;
    int have_pmu = t->fd_cyc >= 0 && perf_read(t->fd_cyc, t->fd_ins, &cyc1, &ins1) == 0;
    memset(out, 0, sizeof *out);
    double tsc_rate = dt_ns ? (double)dtsc / (double)dt_ns : tsc_ghz();
    out->ghz = tsc_rate;
    switch (source) {
    case CLK_PMU:
        if (have_pmu && dt_ns)
            out->ghz = (double)(cyc1 - t->cyc0) / (double)dt_ns;
        break;
    case CLK_APERF: {
        uint64_t a1, m1;
        if (t->fd_msr >= 0 && !msr_read(t->fd_msr, MSR_APERF, &a1) &&
            !msr_read(t->fd_msr, MSR_MPERF, &m1) && m1 > t->mperf0 && t->mperf0)
            out->ghz = tsc_rate * (double)(a1 - t->aperf0) / (double)(m1 - t->mperf0);
        break;
    }
    case CLK_CALIBRATED: {
        double after = chain_ghz();
        out->ghz = t->ghz_before > 0 && after > 0 ? (t->ghz_before + after) / 2 : tsc_rate;
        break;
    }
    case CLK_TSC:
        break;
    }
    out->core_cycles = out->ghz * (double)dt_ns;
    if (have_pmu && counters_on) {
        out->pmu_cycles = (double)(cyc1 - t->cyc0);
        out->instructions = (double)(ins1 - t->ins0);
    }
}

/* ---- aesbench clock ------------------------------------------------------ */

static const char clock_help[] =
    "usage: aesbench clock [--json] [--clock SRC] [--no-counters]\n"
    "Which core-clock source `run` uses here and why (pmu, aperf, calibrated,\n"
    "tsc), the TSC rate, and a calibrated reading of the core clock on each CPU\n"
    "this process may run on (the fastest of 3 runs of a dependent-add chain,\n"
    "median of 9 readings).  Where a PMU exists it also counts the chain's\n"
    "cycles: cycles_per_add should be 1.00, which checks the calibration.\n";

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int cmd_clock(int argc, char **argv)
{
    static const opt_spec spec[] = {{"json", 0}, {"clock", 1}, {"no-counters", 0}};
    opts o = {spec, 3, {0}};
    opts_parse(&o, argc, argv, "clock", clock_help);
    int json = opt_flag(&o, "json");
    clock_setup(opt_get(&o, "clock"), !opt_flag(&o, "no-counters"));
    cpu_set_t orig, set;
    sched_getaffinity(0, sizeof orig, &orig);
    double cpus_ghz[CPU_SETSIZE];
    int cpu_ids[CPU_SETSIZE], ncpu = 0;
    for (int c = 0; c < CPU_SETSIZE && chain_available(); c++) {
        if (!CPU_ISSET(c, &orig))
            continue;
        CPU_ZERO(&set);
        CPU_SET(c, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0)
            continue;
        double r[9];
        for (int i = 0; i < 9; i++)
            r[i] = chain_ghz();
        qsort(r, 9, sizeof r[0], cmp_d);
        cpu_ids[ncpu] = c;
        cpus_ghz[ncpu++] = r[4];
    }
    sched_setaffinity(0, sizeof orig, &orig);
    double per_add = 0;
    int fc, fi;
    if (chain_available() && perf_open_pair(&fc, &fi, 0) == 0) {
        uint64_t c0, c1, i0;
        if (!perf_read(fc, -1, &c0, &i0)) {
            chain_ticks(chain_iters);
            if (!perf_read(fc, -1, &c1, &i0) && c1 > c0)
                per_add = (double)(c1 - c0) / (double)chain_adds();
        }
        close(fc);
    }
    if (json) {
        printf("{\"cycle_source\": \"%s\", \"note\": ", clock_source_name());
        json_str(stdout, clock_note());
        printf(", \"counters\": %s, \"tsc_ghz\": %.4f, \"chain_adds\": %llu, \"cpus\": [",
               clock_have_counters() ? "true" : "false", tsc_ghz(),
               (unsigned long long)chain_adds());
        for (int i = 0; i < ncpu; i++)
            printf("%s{\"cpu\": %d, \"core_ghz\": %.4f}", i ? ", " : "", cpu_ids[i], cpus_ghz[i]);
        printf("], \"cycles_per_add\": ");
        if (per_add > 0) printf("%.4f}\n", per_add); else printf("null}\n");
        return 0;
    }
    printf("cycle source: %s\n", clock_source_name());
    if (clock_note()[0])
        printf("why: %s\n", clock_note());
    printf("hardware counters (instructions, IPC): %s\n", clock_have_counters() ? "yes" : "no");
#if defined(__aarch64__)
    printf("generic timer (cntvct): %.4f GHz\n", tsc_ghz());
#else
    printf("TSC: %.4f GHz\n", tsc_ghz());
#endif
    for (int i = 0; i < ncpu; i++)
        printf("cpu %d: core clock %.4f GHz (calibrated, %llu dependent adds)\n", cpu_ids[i],
               cpus_ghz[i], (unsigned long long)chain_adds());
    if (per_add > 0)
        printf("PMU check: %.3f cycles per add (1.000 expected)\n", per_add);
    return 0;
}
