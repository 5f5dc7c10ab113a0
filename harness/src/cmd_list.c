/* cmd_list.c - `aesbench list` and `aesbench verify`. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "aesbench.h"
#include "select.h"

static const char list_help[] =
    "usage: aesbench list [--json] [--no-verify] [--impl PATTERNS] [--alg ALGS]\n"
    "Every implementation in build/plugins (or $AESLAB_PLUGINS), one row per\n"
    "algorithm: library, exact version, ISA path, machine-code size where known,\n"
    "whether this CPU runs it, and its verification status: pass, fail: <first\n"
    "failing case>, unsupported (or unverified with --no-verify).  Verification\n"
    "runs the NIST CAVP vectors, a differential check against own/portable and\n"
    "tamper checks, each implementation in a child process.  A row this CPU\n"
    "cannot run says which features it lacks of those it needs.\n"
    "--json prints an array of objects with keys name, library, version, alg, isa,\n"
    "supported, status (pass, fail: ..., unsupported, unverified), needs (CPU\n"
    "features it executes), lacks (those this CPU has not), code_bytes, note,\n"
    "plugin, ops (what `run` can time).\n";

static const char verify_help[] =
    "usage: aesbench verify [--impl PATTERNS] [--alg ALGS]\n"
    "Verify the selected implementations (all by default) and print one line\n"
    "each: `<status> <name> <alg> <detail>`, status ok, FAIL or unsupported (a\n"
    "row this CPU cannot run, with the features it lacks; never verified, never\n"
    "counted as ok), TIMEOUT (under an emulator only: the check ran out of\n"
    "time, which says nothing about the code; natively a hang is a FAIL) or\n"
    "baseline (lab/null, which does nothing on purpose: never verified).\n"
    "Exit status 3 if any fails, else 4 if any timed out, else 0.\n";

static const opt_spec list_opts[] = {{"json", 0}, {"no-verify", 0}, {"impl", 1}, {"alg", 1}};

static int wanted(const aeslab_impl *im, const aeslab_impl **sel, int nsel)
{
    for (int i = 0; i < nsel; i++)
        if (sel[i] == im)
            return 1;
    return 0;
}

static const char *status_of(const aeslab_impl *im, int verify)
{
    static char buf[512];
    if (!impl_supported(im))
        return unsupported_status(im, buf, sizeof buf);
    return verify ? verify_status(im) : "unverified";
}

int cmd_list(int argc, char **argv)
{
    opts o = {list_opts, sizeof list_opts / sizeof list_opts[0], {0}};
    opts_parse(&o, argc, argv, "list", list_help);
    registry_load(NULL);
    registry_report_problems(stderr);
    int json = opt_flag(&o, "json"), verify = !opt_flag(&o, "no-verify");
    static const aeslab_impl *sel[4096];
    int nsel = -1;
    if (opt_get(&o, "impl") || opt_get(&o, "alg")) {
        const char *ip = opt_get(&o, "impl");
        nsel = 0;
        /* list also shows what this CPU cannot run, so select by hand */
        const alg_info *algs[8];
        int na = select_algs(opt_get(&o, "alg"), algs), cnt;
        char **pats = split_list(ip ? ip : "*", &cnt);
        for (size_t i = 0; i < registry_count(); i++) {
            const aeslab_impl *im = registry_get(i)->impl;
            int ok = 0;
            for (int p = 0; p < cnt; p++)
                ok |= !fnmatch(!strcmp(pats[p], "all") ? "*" : pats[p], im->name, 0);
            int aok = 0;
            for (int a = 0; a < na; a++)
                aok |= !strcmp(algs[a]->name, im->alg);
            if (ok && aok && nsel < 4096)
                sel[nsel++] = im;
        }
    }
    if (json)
        fputs("[\n", stdout);
    else
        printf("%-34s %-12s %-14s %-9s %-40s %s\n", "IMPLEMENTATION", "ALG", "ISA", "CODE",
               "LIBRARY VERSION", "STATUS");
    int first = 1;
    for (size_t i = 0; i < registry_count(); i++) {
        const impl_ref *r = registry_get(i);
        const aeslab_impl *im = r->impl;
        if (nsel >= 0 && !wanted(im, sel, nsel))
            continue;
        const char *st = status_of(im, verify);
        if (json) {
            printf("%s  {\"name\": ", first ? "" : ",\n");
            json_str(stdout, im->name);
            printf(", \"library\": ");
            json_str(stdout, im->library);
            printf(", \"version\": ");
            json_str(stdout, im->version);
            printf(", \"alg\": ");
            json_str(stdout, im->alg);
            printf(", \"isa\": ");
            json_str(stdout, im->isa);
            int sup = impl_supported(im);
            char lack[256];
            printf(", \"supported\": %s, \"status\": ", sup ? "true" : "false");
            json_str(stdout, sup ? st : "unsupported");
            printf(", \"needs\": ");
            if (im->needs) json_str(stdout, im->needs); else printf("null");
            printf(", \"lacks\": ");
            json_str(stdout, cpu_lacking(im->needs, lack, sizeof lack));
            printf(", \"code_bytes\": ");
            if (im->code_bytes) printf("%zu", im->code_bytes); else printf("null");
            printf(", \"note\": ");
            if (im->note) json_str(stdout, im->note); else printf("null");
            printf(", \"plugin\": ");
            json_str(stdout, r->plugin_file);
            /* the ops `aesbench run` can time for it (seal-hp only where offered) */
            const alg_info *ai = alg_find(im->alg);
            static const bench_op all_ops[] = {OP_SEAL, OP_OPEN, OP_SEAL_HP, OP_ENC, OP_DEC};
            printf(", \"ops\": [");
            for (size_t k = 0, n = 0; ai && k < sizeof all_ops / sizeof all_ops[0]; k++)
                if (op_fits(all_ops[k], ai, im))
                    printf("%s\"%s\"", n++ ? ", " : "", op_name(all_ops[k]));
            printf("]}");
        } else {
            char code[24] = "-", ver[96];
            if (im->code_bytes)
                snprintf(code, sizeof code, "%zu", im->code_bytes);
            snprintf(ver, sizeof ver, "%s %s", im->library ? im->library : "?",
                     im->version ? im->version : "?");
            printf("%-34s %-12s %-14s %-9s %-40.40s %s\n", im->name, im->alg, im->isa ? im->isa : "?",
                   code, ver, st);
        }
        fflush(stdout);
        first = 0;
    }
    if (json) {
        fputs("\n]\n", stdout);
        return 0;
    }
    /* notes, once per (implementation, note), with the algorithms sharing it */
    int header = 0;
    for (size_t i = 0; i < registry_count(); i++) {
        const aeslab_impl *im = registry_get(i)->impl;
        if (!im->note || (nsel >= 0 && !wanted(im, sel, nsel)))
            continue;
        int dup = 0;
        for (size_t k = 0; k < i && !dup; k++) {
            const aeslab_impl *p = registry_get(k)->impl;
            dup = !strcmp(p->name, im->name) && p->note && !strcmp(p->note, im->note);
        }
        if (dup)
            continue;
        if (!header)
            printf("\nnotes:\n");
        header = 1;
        printf("  %s [", im->name);
        const char *sep = "";
        for (size_t k = i; k < registry_count(); k++) {
            const aeslab_impl *p = registry_get(k)->impl;
            if (!strcmp(p->name, im->name) && p->note && !strcmp(p->note, im->note)) {
                printf("%s%s", sep, p->alg);
                sep = " ";
            }
        }
        printf("]: %s\n", im->note);
    }
    return 0;
}

int cmd_verify(int argc, char **argv)
{
    opts o = {list_opts + 2, 2, {0}};
    opts_parse(&o, argc, argv, "verify", verify_help);
    registry_load(NULL);
    registry_report_problems(stderr);
    static const aeslab_impl *sel[4096];
    int n = select_impls(opt_get(&o, "impl") ? opt_get(&o, "impl") : "all", opt_get(&o, "alg"),
                         sel, 4096, SELECT_ALL_ROWS);
    int failed = 0, timeouts = 0;
    for (int i = 0; i < n; i++) {
        if (!impl_supported(sel[i])) {
            char buf[512];
            printf("%-11s %-34s %-12s %s\n", "unsupported", sel[i]->name, sel[i]->alg,
                   unsupported_status(sel[i], buf, sizeof buf) + strlen("unsupported: "));
            fflush(stdout);
            continue;
        }
        const char *st = verify_status(sel[i]);
        const char *word = !strncmp(st, "pass", 4)       ? "ok"
                           : !strcmp(st, "baseline")     ? "baseline"
                           : !strncmp(st, "timeout", 7)  ? "TIMEOUT"
                                                         : "FAIL";
        printf("%-11s %-34s %-12s %s\n", word, sel[i]->name,
               sel[i]->alg, st);
        fflush(stdout);
        failed += *word == 'F';
        timeouts += *word == 'T';
    }
    return failed ? 3 : timeouts ? 4 : 0;
}
