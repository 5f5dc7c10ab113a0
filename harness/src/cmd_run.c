/*
 * cmd_run.c - `aesbench run`: verify, then time every selected point.
 *
 * Points are measured size by size with the implementations interleaved, so
 * that the implementations compared at one size are measured close together
 * in time (ratios side by side are what survive a noisy machine).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aesbench.h"
#include "clock.h"
#include "select.h"
#include "emulation.h"

static const char help[] =
    "usage: aesbench run --impl PATTERNS [options]\n"
    "Verify the selected implementations, then measure throughput.\n"
    "  --impl PATTERNS   names or globs, comma-separated (own/*, */vaes512, all)\n"
    "  --alg ALGS        algorithms (default: every one the implementations offer)\n"
    "  --op OPS          seal,open (GCM), enc,dec (XTS), seal-hp (GCM with QUIC\n"
    "                    header protection); default: all that apply\n"
    "  --sizes N,...     message sizes in bytes (k suffix = KiB); default: the seeds'\n"
    "                    16,63,64,200,300,500,512,1024,1420,4095,4096,8192,16384\n"
    "  --aad N           GCM AAD bytes per message (default 16)\n"
    "  --threads N       worker threads, each with its own key and buffers, timed\n"
    "                    over the same interval (default 1)\n"
    "  --min-time SEC    length of one sample (default 0.02)\n"
    "  --samples N       samples after one warm-up (default 7, at least 5)\n"
    "  --cv-target X     keep sampling while the CV of the samples is above X\n"
    "                    (e.g. 0.02), up to --max-samples (default 4 x --samples)\n"
    "                    and --budget SEC per point; points left above it (or\n"
    "                    above 5% without a target) are flagged noisy\n"
    "  --max-samples N   cap on samples with --cv-target\n"
    "  --budget SEC      time cap per point for extra samples (default: none)\n"
    "  --clock SRC       core-clock source: auto (default: pmu, else aperf, else\n"
    "                    calibrated), pmu, aperf, calibrated, tsc\n"
    "  --no-counters     do not count instructions even where the PMU allows\n"
    "  --allow-emulated  measure even under an emulator (refused otherwise: the\n"
    "                    figures are not performance); points say \"emulated\": true\n"
    "  --offset N        misalign buffers by N bytes (default 0: 64-byte aligned)\n"
    "  --no-pin          do not pin threads (default: one per physical core first)\n"
    "  --smt             use SMT siblings as early as distinct cores\n"
    "  --no-floor        do not measure lab/null (by default it is timed beside the\n"
    "                    selection at every algorithm, op and size, and the tables\n"
    "                    state the harness floor it gives: its ns per message and\n"
    "                    their share of the fastest figure at each size)\n"
    "  --cold            also time single messages from a cold start: after the warm\n"
    "                    samples, --cold-samples messages on thread 0, each timed\n"
    "                    alone (serialised timestamps around just the message)\n"
    "                    right after a disturbance that runs --cold-code KB of other\n"
    "                    machine code (generated functions with data-dependent\n"
    "                    branches: L1i, op cache, branch predictors) and then\n"
    "                    walks --cold-data KB of other data (L1d, L2); the median is\n"
    "                    cold_ns_per_msg, the disturbance's own median time is\n"
    "                    cold_disturb_ns and is in no figure.  The warm figures are\n"
    "                    measured exactly as without --cold\n"
    "  --cold-code KB    code run per disturbance (default 16 x this CPU's L1i, at\n"
    "                    least 256; 512 on a 32 KiB L1i; at most what is built)\n"
    "  --cold-data KB    data walked per disturbance (default 2 x this CPU's L2, at\n"
    "                    least 1024; more than L3 makes the key and buffers come\n"
    "                    from memory); --cold-code 0 --cold-data 0 times single\n"
    "                    messages with no disturbance (the control)\n"
    "  --cold-samples N  cold messages per point (default 101)\n"
    "  --format F        table (default) or jsonl (one JSON object per point)\n"
    "  --out FILE        also append every point as JSONL to FILE (flushed and\n"
    "                    fsynced point by point)\n"
    "Output per point: MB/s (10^6 payload bytes/s), ns per message, core cycles per\n"
    "byte (from the measured core clock, with its source; TSC cycles per byte\n"
    "beside), CV of the samples.  A failed implementation is reported as failed\n"
    "and never timed; exit status 3 if any failed.\n";

static const opt_spec spec[] = {
    {"impl", 1},    {"alg", 1},     {"op", 1},     {"sizes", 1}, {"aad", 1},
    {"threads", 1}, {"min-time", 1}, {"samples", 1}, {"offset", 1}, {"no-pin", 0},
    {"smt", 0},     {"format", 1},  {"out", 1},  {"cv-target", 1}, {"max-samples", 1},
    {"budget", 1},  {"clock", 1},   {"no-counters", 0}, {"allow-emulated", 0},
    {"no-floor", 0}, {"cold", 0}, {"cold-code", 1}, {"cold-data", 1}, {"cold-samples", 1},
};

static const char default_sizes[] = "16,63,64,200,300,500,512,1024,1420,4095,4096,8192,16384";

typedef struct {
    const aeslab_impl *im;
    const alg_info *alg;
    bench_op op;
    size_t size;
    const char *status; /* "ok", or why not measured */
    bench_result r;
} point;

static void json_point(FILE *out, const point *p, size_t aad, const bench_cfg *cfg)
{
    const aeslab_impl *im = p->im;
    fprintf(out, "{\"impl\": ");
    json_str(out, im->name);
    fprintf(out, ", \"library\": ");
    json_str(out, im->library);
    fprintf(out, ", \"version\": ");
    json_str(out, im->version);
    fprintf(out, ", \"alg\": \"%s\", \"isa\": ", p->alg->name);
    json_str(out, im->isa);
    fprintf(out, ", \"op\": \"%s\", \"size\": %zu, \"aad\": %zu, \"threads\": %d, \"status\": ",
           op_name(p->op), p->size, p->alg->xts ? 0 : aad, cfg->threads);
    json_str(out, p->status);
    if (!strcmp(p->status, "ok")) {
        const bench_result *r = &p->r;
        fprintf(out, ", \"mb_per_s\": %.3f, \"ns_per_msg\": %.3f, \"cycles_per_byte\": ", r->mb_per_s,
               r->ns_per_msg);
        if (p->size) fprintf(out, "%.4f", r->core_per_byte); else fputs("null", out);
        fprintf(out, ", \"cycle_source\": \"%s\", \"tsc_cycles_per_byte\": ", cycle_source());
        if (p->size) fprintf(out, "%.4f", r->tsc_per_byte); else fputs("null", out);
        fprintf(out, ", \"tsc_ghz\": %.4f, \"cv\": %.5f, \"ci95_mb_per_s\": [%.3f, %.3f]"
               ", \"samples\": %d, \"min_time_s\": %g, \"msgs_per_sample\": %llu",
               r->tsc_ghz, r->cv, r->ci95_lo, r->ci95_hi, r->samples, cfg->min_time,
               (unsigned long long)r->msgs_per_sample);
        fprintf(out, ", \"thread_mb_per_s\": {\"min\": %.3f, \"median\": %.3f, \"max\": %.3f}",
               r->thread_mb_min, r->thread_mb_med, r->thread_mb_max);
        fprintf(out, ", \"cpu_share\": %.4f, \"mb_per_cpu_s\": %.3f", r->cpu_share, r->mb_per_cpu_s);
        fprintf(out, ", \"core_ghz\": %.4f, \"thread_core_ghz\": {\"min\": %.4f, \"median\": %.4f"
               ", \"max\": %.4f}, \"noisy\": %s, \"cv_target\": ",
               r->core_ghz, r->thread_ghz_min, r->thread_ghz_med, r->thread_ghz_max,
               r->noisy ? "true" : "false");
        if (cfg->cv_target > 0) fprintf(out, "%g", cfg->cv_target); else fputs("null", out);
        if (r->have_counters)
            fprintf(out, ", \"instructions_per_byte\": %.4f, \"ipc\": %.4f", r->ins_per_byte, r->ipc);
        if (cfg->cold && r->cold_samples)
            fprintf(out, ", \"cold_ns_per_msg\": %.3f, \"cold_ns_p10\": %.3f, \"cold_ns_p90\": %.3f"
                    ", \"cold_samples\": %d, \"cold_disturb_ns\": %.1f, \"cold_code_kb\": %zu"
                    ", \"cold_data_kb\": %zu",
                    r->cold_ns_per_msg, r->cold_ns_p10, r->cold_ns_p90, r->cold_samples,
                    r->cold_disturb_ns, cfg->cold->code_bytes >> 10, cfg->cold->data_bytes >> 10);
    } else {
        fprintf(out, ", \"mb_per_s\": null, \"ns_per_msg\": null, \"cycles_per_byte\": null"
               ", \"cycle_source\": \"%s\", \"cv\": null",
               cycle_source());
    }
    if (emulation_labelled())
        fputs(", \"emulated\": true", out);
    fprintf(out, ", \"offset\": %zu, \"pinned\": %s, \"harness\": \"aesbench %s\"}\n", cfg->offset,
           cfg->pin ? "true" : "false", AESBENCH_VERSION);
    fflush(out);
}

/* The harness floor under a table: lab/null's ns per message at each size,
 * and the share of the fastest real implementation's ns per message that it
 * is (what of that figure is the harness's own cost). */
static void print_floor(const point *pts, int np, const alg_info *alg, bench_op op,
                        const size_t *sizes, int nsizes)
{
    double floor_ns[64] = {0}, fast_ns[64] = {0};
    int have = 0;
    for (int k = 0; k < np; k++) {
        const point *p = &pts[k];
        if (p->alg != alg || p->op != op || strcmp(p->status, "ok"))
            continue;
        for (int s = 0; s < nsizes && s < 64; s++) {
            if (p->size != sizes[s])
                continue;
            if (impl_is_baseline(p->im)) {
                floor_ns[s] = p->r.ns_per_msg;
                have = 1;
            } else if (fast_ns[s] == 0 || p->r.ns_per_msg < fast_ns[s]) {
                fast_ns[s] = p->r.ns_per_msg;
            }
        }
    }
    if (!have)
        return;
    printf("%-34s", "floor: lab/null, ns per message");
    for (int s = 0; s < nsizes && s < 64; s++)
        floor_ns[s] > 0 ? printf(" %9.1f", floor_ns[s]) : printf(" %9s", "");
    printf("\n%-34s", "floor: share of the fastest, %");
    for (int s = 0; s < nsizes && s < 64; s++)
        floor_ns[s] > 0 && fast_ns[s] > 0 ? printf(" %9.1f", 100 * floor_ns[s] / fast_ns[s])
                                          : printf(" %9s", "");
    printf("\n");
}

/* --cold: one matrix per (alg, op) of cold / warm ns per message, lab/null
 * (the floor of the cold mode) included, and what the disturbance cost. */
static void print_cold(const point *pts, int np, const alg_info *alg, bench_op op,
                       const size_t *sizes, int nsizes, const bench_cfg *cfg)
{
    printf("\n%s %s, --cold: ns per message, cold / warm (cold: the median of %d single "
           "messages, each after %zu KiB of other code and %zu KiB of other data)\n",
           alg->name, op_name(op), cfg->cold_samples, cfg->cold->code_bytes >> 10,
           cfg->cold->data_bytes >> 10);
    printf("%-34s", "implementation");
    for (int s = 0; s < nsizes; s++)
        printf(" %15zu", sizes[s]);
    printf("\n");
    double dist = 0;
    int nd = 0;
    for (int a = 0; a < np; a++) {
        if (pts[a].alg != alg || pts[a].op != op)
            continue;
        int dup = 0;
        for (int k = 0; k < a; k++)
            dup |= pts[k].alg == alg && pts[k].op == op && pts[k].im == pts[a].im;
        if (dup)
            continue;
        printf("%-34s", impl_is_baseline(pts[a].im) ? "lab/null (floor of the cold mode)"
                                                    : pts[a].im->name);
        for (int s = 0; s < nsizes; s++) {
            const point *p = NULL;
            for (int k = 0; k < np; k++)
                if (pts[k].alg == alg && pts[k].op == op && pts[k].im == pts[a].im &&
                    pts[k].size == sizes[s])
                    p = &pts[k];
            char cell[32];
            if (!p)
                cell[0] = 0;
            else if (strcmp(p->status, "ok") || !p->r.cold_samples)
                snprintf(cell, sizeof cell, "FAILED");
            else {
                snprintf(cell, sizeof cell, "%.0f / %.0f", p->r.cold_ns_per_msg, p->r.ns_per_msg);
                dist += p->r.cold_disturb_ns;
                nd++;
            }
            printf(" %15s", cell);
        }
        printf("\n");
    }
    if (nd)
        printf("%-34s %.1f us per disturbance (mean of the points' medians; in no figure)\n",
               "disturbance:", dist / nd / 1e3);
}

/* One matrix per (alg, op): implementations down, sizes across, MB/s in the
 * cells, the fastest at each size marked '*', noisy cells (CV > 5%) '~'.
 * lab/null is left out of the matrix and stated as the floor under it. */
static void print_tables(point *pts, int np, const size_t *sizes, int nsizes,
                         const bench_cfg *cfg)
{
    for (int i = 0; i < np; i++) {
        int seen = 0;
        for (int k = 0; k < i; k++)
            seen |= pts[k].alg == pts[i].alg && pts[k].op == pts[i].op;
        if (seen)
            continue;
        printf("\n%s %s, MB/s (10^6 B/s); * fastest at that size, ~ noisy (CV above target)\n",
               pts[i].alg->name, op_name(pts[i].op));
        printf("%-34s", "implementation");
        for (int s = 0; s < nsizes; s++)
            printf(" %9zu", sizes[s]);
        printf("\n");
        for (int a = i; a < np; a++) {
            if (pts[a].alg != pts[i].alg || pts[a].op != pts[i].op)
                continue;
            int dup = 0;
            for (int k = i; k < a; k++)
                dup |= pts[k].alg == pts[a].alg && pts[k].op == pts[a].op && pts[k].im == pts[a].im;
            if (dup || impl_is_baseline(pts[a].im))
                continue;
            printf("%-34s", pts[a].im->name);
            for (int s = 0; s < nsizes; s++) {
                const point *p = NULL;
                double best = 0;
                for (int k = 0; k < np; k++) {
                    if (pts[k].alg != pts[a].alg || pts[k].op != pts[a].op || pts[k].size != sizes[s])
                        continue;
                    if (pts[k].im == pts[a].im)
                        p = &pts[k];
                    if (!strcmp(pts[k].status, "ok") && !impl_is_baseline(pts[k].im) &&
                        pts[k].r.mb_per_s > best)
                        best = pts[k].r.mb_per_s;
                }
                if (!p)
                    printf(" %9s", "");
                else if (strcmp(p->status, "ok"))
                    printf(" %9s", "FAILED");
                else
                    printf(" %8.0f%c", p->r.mb_per_s,
                           p->r.mb_per_s == best ? '*' : p->r.noisy ? '~' : ' ');
            }
            printf("\n");
        }
        print_floor(pts, np, pts[i].alg, pts[i].op, sizes, nsizes);
        if (cfg->cold)
            print_cold(pts, np, pts[i].alg, pts[i].op, sizes, nsizes, cfg);
    }
    int header = 0;
    for (int i = 0; i < np; i++) {
        if (!strcmp(pts[i].status, "ok"))
            continue;
        int seen = 0;
        for (int k = 0; k < i; k++)
            seen |= pts[k].im == pts[i].im && !strcmp(pts[k].status, pts[i].status);
        if (seen)
            continue;
        if (!header)
            printf("\nfailed (never timed, or failed while timed):\n");
        header = 1;
        printf("  %s %s: %s\n", pts[i].im->name, pts[i].alg->name, pts[i].status);
    }
}

/* lab/null for every algorithm of the selection that lacks it, placed first
 * so that at each size it is timed right before the others. */
static int add_floor(const aeslab_impl **sel, int n, int max)
{
    int orig = n;
    for (int i = 0; i < orig; i++) {
        const aeslab_impl *f = registry_find("lab/null", sel[i]->alg);
        int have = 0;
        for (int k = 0; k < n; k++)
            have |= sel[k] == f;
        if (!f || have || n == max)
            continue;
        memmove(sel + 1, sel, sizeof *sel * (size_t)n++);
        sel[0] = f;
        orig++, i++;
    }
    return n;
}

int cmd_run(int argc, char **argv)
{
    opts o = {spec, sizeof spec / sizeof spec[0], {0}};
    opts_parse(&o, argc, argv, "run", help);
    emulation_gate_run(opt_flag(&o, "allow-emulated"));
    bench_cfg cfg = {0.02, 7, 1, 1, 0, 0, 0, 0, 0, NULL, 0};
    if (opt_get(&o, "min-time"))
        cfg.min_time = parse_seconds("--min-time", opt_get(&o, "min-time"), 0.001, 60);
    if (opt_get(&o, "samples"))
        cfg.samples = (int)parse_count("--samples", opt_get(&o, "samples"), 5, 1000);
    if (opt_get(&o, "threads"))
        cfg.threads = (int)parse_count("--threads", opt_get(&o, "threads"), 1, 1024);
    if (opt_get(&o, "offset"))
        cfg.offset = (size_t)parse_count("--offset", opt_get(&o, "offset"), 0, 63);
    if (opt_get(&o, "cv-target")) {
        char *end;
        cfg.cv_target = strtod(opt_get(&o, "cv-target"), &end);
        if (*end || end == opt_get(&o, "cv-target") || !(cfg.cv_target > 0 && cfg.cv_target < 1))
            die("--cv-target: '%s' is not a fraction between 0 and 1 (e.g. 0.02)",
                opt_get(&o, "cv-target"));
        cfg.max_samples = 4 * cfg.samples;
    }
    if (opt_get(&o, "max-samples"))
        cfg.max_samples = (int)parse_count("--max-samples", opt_get(&o, "max-samples"),
                                           cfg.samples, 100000);
    if (opt_get(&o, "budget"))
        cfg.budget = parse_seconds("--budget", opt_get(&o, "budget"), 0.001, 86400);
    static cold_state cold;
    size_t cold_code_kb, cold_data_kb;
    cold_defaults(&cold_code_kb, &cold_data_kb);
    if (!opt_flag(&o, "cold")) {
        const char *only[] = {"cold-code", "cold-data", "cold-samples"};
        for (int i = 0; i < 3; i++)
            if (opt_get(&o, only[i]))
                die("run: --%s needs --cold", only[i]);
    } else {
        if (opt_get(&o, "cold-code"))
            cold_code_kb = (size_t)parse_count("--cold-code", opt_get(&o, "cold-code"), 0,
                                               (long)(cold_code_available() >> 10));
        if (opt_get(&o, "cold-data"))
            cold_data_kb = (size_t)parse_count("--cold-data", opt_get(&o, "cold-data"), 0,
                                               1L << 22);
        cfg.cold_samples = 101;
        if (opt_get(&o, "cold-samples"))
            cfg.cold_samples = (int)parse_count("--cold-samples", opt_get(&o, "cold-samples"), 5,
                                                100000);
        if (!cold_init(&cold, cold_code_kb, cold_data_kb, 0xc01dc0deu))
            die("run: --cold-data: cannot allocate %zu KiB", cold_data_kb);
        cfg.cold = &cold;
    }
    cfg.pin = !opt_flag(&o, "no-pin");
    cfg.smt = opt_flag(&o, "smt");
    size_t aad = 16;
    if (opt_get(&o, "aad"))
        aad = (size_t)parse_count("--aad", opt_get(&o, "aad"), 0, 1 << 20);
    const char *fmt = opt_get(&o, "format") ? opt_get(&o, "format") : "table";
    int jsonl = !strcmp(fmt, "jsonl");
    if (!jsonl && strcmp(fmt, "table"))
        die("run: unknown format '%s' (table or jsonl)", fmt);

    FILE *outf = NULL;
    if (opt_get(&o, "out") && !(outf = fopen(opt_get(&o, "out"), "a")))
        die("run: cannot open %s for writing", opt_get(&o, "out"));
    int nsizes;
    char **sv = split_list(opt_get(&o, "sizes") ? opt_get(&o, "sizes") : default_sizes, &nsizes);
    if (nsizes == 0)
        die("run: --sizes is empty");
    size_t *sizes = xmalloc(sizeof(size_t) * (size_t)nsizes);
    for (int i = 0; i < nsizes; i++)
        sizes[i] = (size_t)parse_count("--sizes", sv[i], 0, 1 << 26);

    bench_op ops[5];
    int nops = 0;
    if (opt_get(&o, "op")) {
        int cnt;
        char **ov = split_list(opt_get(&o, "op"), &cnt);
        for (int i = 0; i < cnt; i++)
            if (!op_parse(ov[i], &ops[nops++]))
                die("run: unknown op '%s' (seal, open, seal-hp, enc, dec)", ov[i]);
    }

    registry_load(NULL);
    registry_report_problems(stderr);
    static const aeslab_impl *sel[4096];
    int nsel = select_impls(opt_get(&o, "impl"), opt_get(&o, "alg"), sel, 4096, SELECT_RUNNABLE);
    if (nsel == 0)
        die("run: nothing to run (no selected implementation offers the algorithm on this CPU)");
    if (!opt_flag(&o, "no-floor"))
        nsel = add_floor(sel, nsel, 4096);
    const alg_info *algs[8];
    int na = select_algs(opt_get(&o, "alg"), algs);
    for (int a = 0; a < na; a++)
        for (int s = 0; s < nsizes; s++)
            if (algs[a]->xts && sizes[s] < 16) {
                int used = 0;
                for (int i = 0; i < nsel; i++)
                    used |= !strcmp(sel[i]->alg, algs[a]->name);
                if (used)
                    die("run: XTS needs a data unit of at least 16 bytes (size %zu)", sizes[s]);
            }
    if (opt_get(&o, "op")) {
        for (int k = 0; k < nops; k++) {
            int fits = 0;
            for (int i = 0; i < nsel; i++)
                fits |= op_fits(ops[k], alg_find(sel[i]->alg), sel[i]);
            if (!fits)
                die("run: op %s applies to none of the selected algorithms/implementations",
                    op_name(ops[k]));
        }
    } else {
        ops[0] = OP_SEAL, ops[1] = OP_OPEN, ops[2] = OP_ENC, ops[3] = OP_DEC;
        nops = 4;
    }

    /* Arguments are all good: choose the clock (and say once why not a better one). */
    clock_setup(opt_get(&o, "clock"), !opt_flag(&o, "no-counters"));
    if (clock_note()[0])
        warnx("note: cycle source %s%s (%s)", clock_source_name(),
              clock_have_counters() ? "" : ", no instruction counts", clock_note());

    /* Verify first: a failed implementation is reported, never timed. */
    const char **status = xmalloc(sizeof(char *) * (size_t)nsel);
    int any_failed = 0;
    for (int i = 0; i < nsel; i++) {
        if (isatty(2))
            fprintf(stderr, "\rverifying %-34s %-12s", sel[i]->name, sel[i]->alg);
        status[i] = verify_status(sel[i]);
        if (!strcmp(status[i], "baseline"))
            status[i] = "pass"; /* timed, and never a result (print_tables) */
        if (strcmp(status[i], "pass")) {
            any_failed = 1;
            warnx("%s %s: %s (not timed)", sel[i]->name, sel[i]->alg, status[i]);
        }
    }
    if (isatty(2))
        fprintf(stderr, "\r%70s\r", "");

    int cap = nsel * nops * nsizes, np = 0, total = 0;
    point *pts = calloc((size_t)cap, sizeof *pts);
    for (int a = 0; a < na; a++)
        for (int k = 0; k < nops; k++)
            for (int s = 0; s < nsizes; s++)
                for (int i = 0; i < nsel; i++)
                    total += !strcmp(sel[i]->alg, algs[a]->name) && op_fits(ops[k], algs[a], sel[i]);
    for (int a = 0; a < na; a++)
        for (int k = 0; k < nops; k++)
            for (int s = 0; s < nsizes; s++)
                for (int i = 0; i < nsel; i++) {
                    if (strcmp(sel[i]->alg, algs[a]->name) || !op_fits(ops[k], algs[a], sel[i]))
                        continue;
                    point *p = &pts[np++];
                    p->im = sel[i];
                    p->alg = algs[a];
                    p->op = ops[k];
                    p->size = sizes[s];
                    if (isatty(2))
                        fprintf(stderr, "\r[%d/%d] %-30s %-12s %-7s %6zu B ", np, total,
                                p->im->name, p->alg->name, op_name(p->op), p->size);
                    if (strcmp(status[i], "pass")) {
                        p->status = status[i];
                    } else if (bench_point(p->im, p->alg, p->op, p->size, aad, &cfg, &p->r)) {
                        p->status = "ok";
                    } else {
                        size_t n = strlen(p->r.error) + 8;
                        char *m = xmalloc(n);
                        snprintf(m, n, "fail: %s", p->r.error);
                        p->status = m;
                        any_failed = 1;
                    }
                    if (jsonl)
                        json_point(stdout, p, aad, &cfg);
                    if (outf) {
                        json_point(outf, p, aad, &cfg);
                        fflush(outf);
                        fsync(fileno(outf));
                    }
                }
    if (isatty(2))
        fprintf(stderr, "\r%80s\r", "");
    if (!jsonl) {
        printf("aesbench run: %d threads, AAD %zu B, %d samples x %g s, core cycles: %s,"
               " TSC %.3f GHz\n",
               cfg.threads, aad, cfg.samples, cfg.min_time, cycle_source(), tsc_ghz());
        print_tables(pts, np, sizes, nsizes, &cfg);
    }
    return any_failed ? 3 : 0;
}
