/*
 * select.c - option parsing shared by the commands, and turning
 * --impl/--alg patterns into a list of implementations.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "aesbench.h"
#include "select.h"

const char *opt_get(opts *o, const char *name)
{
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->spec[i].name, name))
            return o->val[i];
    return NULL;
}

int opt_flag(opts *o, const char *name) { return opt_get(o, name) != NULL; }

void opts_parse(opts *o, int argc, char **argv, const char *cmd, const char *help)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            exit(0);
        }
        if (strncmp(a, "--", 2) != 0)
            die("%s: unexpected argument '%s' (see aesbench %s --help)", cmd, a, cmd);
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        int found = -1;
        for (int k = 0; k < o->n; k++)
            if (strlen(o->spec[k].name) == nlen && !strncmp(o->spec[k].name, a + 2, nlen))
                found = k;
        if (found < 0)
            die("%s: unknown option '%.*s' (see aesbench %s --help)", cmd, (int)nlen + 2, a, cmd);
        if (!o->spec[found].takes_value) {
            if (eq)
                die("%s: option --%s takes no value", cmd, o->spec[found].name);
            o->val[found] = "";
        } else if (eq) {
            o->val[found] = eq + 1;
        } else if (i + 1 < argc) {
            o->val[found] = argv[++i];
        } else {
            die("%s: option --%s needs a value", cmd, o->spec[found].name);
        }
    }
}

long parse_count(const char *what, const char *s, long min, long max)
{
    char *end;
    long mult = 1;
    if (!s || !*s)
        die("%s: empty number", what);
    long v = strtol(s, &end, 10);
    if (*end == 'k' || *end == 'K')
        mult = 1024, end++;
    if (*end || end == s)
        die("%s: '%s' is not a whole number", what, s);
    v *= mult;
    if (v < min || v > max)
        die("%s: %ld is out of range (%ld..%ld)", what, v, min, max);
    return v;
}

double parse_seconds(const char *what, const char *s, double min, double max)
{
    char *end;
    double v = strtod(s, &end);
    if (*end == 's')
        end++;
    else if (!strcmp(end, "ms"))
        v /= 1e3, end += 2;
    if (*end || end == s || !(v >= min && v <= max))
        die("%s: '%s' is not a time between %g and %g seconds", what, s, min, max);
    return v;
}

static int is_glob(const char *p) { return strpbrk(p, "*?[") != NULL; }

/* Algorithms named by --alg (all if absent). */
int select_algs(const char *spec, const alg_info **out)
{
    int n = 0;
    if (!spec || !strcmp(spec, "all")) {
        for (size_t i = 0; i < alg_count; i++)
            out[n++] = &alg_table[i];
        return n;
    }
    int cnt;
    char **v = split_list(spec, &cnt);
    for (int i = 0; i < cnt; i++) {
        const alg_info *a = alg_find(v[i]);
        if (!a)
            die("unknown algorithm '%s' (known: aes-128-gcm aes-192-gcm aes-256-gcm "
                "aes-128-xts aes-256-xts)",
                v[i]);
        int dup = 0;
        for (int k = 0; k < n; k++)
            dup |= out[k] == a;
        if (!dup)
            out[n++] = a;
    }
    return n;
}

int select_impls(const char *impl_spec, const char *alg_spec, const aeslab_impl **out, int max,
                 int mode)
{
    const alg_info *algs[8];
    int na = select_algs(alg_spec, algs), n = 0, cnt;
    if (!impl_spec || !*impl_spec)
        die("--impl is required (names or globs; `aesbench list` shows them)");
    char **pats = split_list(impl_spec, &cnt);
    for (int p = 0; p < cnt; p++) {
        const char *pat = !strcmp(pats[p], "all") ? "*" : pats[p];
        int glob = is_glob(pat), named = 0, matched = 0;
        for (size_t i = 0; i < registry_count(); i++) {
            const aeslab_impl *im = registry_get(i)->impl;
            if (fnmatch(pat, im->name, 0) != 0)
                continue;
            named = 1;
            int alg_ok = 0;
            for (int a = 0; a < na; a++)
                alg_ok |= !strcmp(algs[a]->name, im->alg);
            if (!alg_ok)
                continue;
            matched = 1;
            if (mode != SELECT_ALL_ROWS && !impl_supported(im)) {
                if (!glob)
                    die("%s (%s, isa %s) cannot run on this CPU", im->name, im->alg, im->isa);
                if (mode == SELECT_RUNNABLE)
                    warnx("skipping %s %s: this CPU cannot run it (isa %s)", im->name, im->alg,
                          im->isa);
                continue;
            }
            int dup = 0;
            for (int k = 0; k < n; k++)
                dup |= out[k] == im;
            if (!dup && n < max)
                out[n++] = im;
        }
        if (!named)
            die("unknown implementation '%s' (see aesbench list)", pats[p]);
        if (!matched && !glob && alg_spec)
            die("%s does not implement %s", pats[p], alg_spec);
    }
    return n;
}
