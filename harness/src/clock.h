/*
 * clock.h - the core clock during a timed interval, and hardware counters.
 *
 * One source is chosen per process (clock_setup) and named in every point's
 * `cycle_source`:
 *   pmu         perf_event_open core cycles of the thread (with instructions
 *               in the same group, so IPC comes for free);
 *   aperf       APERF/MPERF through /dev/cpu/N/msr (needs root and the msr
 *               driver): clock = TSC rate x dAPERF / dMPERF;
 *   calibrated  a chain of dependent adds (one cycle each) timed with the TSC
 *               on the same pinned core right before and right after the
 *               timed loop; the clock is the mean of the two readings;
 *   tsc         nothing better: the TSC rate stands in for the core clock
 *               (named cntvct on arm64 and ns elsewhere, as before).
 */
#ifndef AESBENCH_CLOCK_H
#define AESBENCH_CLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef enum { CLK_TSC, CLK_CALIBRATED, CLK_APERF, CLK_PMU } clk_source;

/* Decide the source once.  want: NULL or "auto" (best available), or a
 * source name, which is an error (exit 2) if this machine cannot give it.
 * counters: also count instructions when the PMU is there. */
void clock_setup(const char *want, int counters);
clk_source clock_source(void);
const char *clock_source_name(void);
/* Why a better source (or counters) is unavailable; "" if nothing to say. */
const char *clock_note(void);
int clock_have_counters(void);

/* One calibrated reading of the core clock (GHz) on the calling thread's
 * current CPU; 0 where the chain is not implemented. */
double chain_ghz(void);
/* Adds in one chain run (for reports). */
uint64_t chain_adds(void);

typedef struct {
    int cpu;             /* the CPU the thread is pinned to, or -1 */
    int fd_cyc, fd_ins;  /* perf events (group leader: cycles), -1 if none */
    int fd_msr;          /* /dev/cpu/N/msr, -1 if none */
    uint64_t cyc0, ins0, aperf0, mperf0;
    double ghz_before;   /* calibrated: reading before the interval */
} clk_thread;

typedef struct {
    double core_cycles;  /* core cycles of this thread over the interval */
    double ghz;          /* core clock over the interval */
    double instructions; /* retired instructions (counters only), else 0 */
    double pmu_cycles;   /* counted cycles (counters only), else 0 */
} clk_sample;

/* Called by each worker thread, after it is pinned. */
void clk_thread_init(clk_thread *t, int cpu);
void clk_thread_fini(clk_thread *t);
/* Right before the timed loop / right after it (outside the timed interval).
 * dt_ns and dtsc are the interval's length in ns and in TSC ticks. */
void clk_begin(clk_thread *t);
void clk_end(clk_thread *t, uint64_t dt_ns, uint64_t dtsc, clk_sample *out);

#endif
