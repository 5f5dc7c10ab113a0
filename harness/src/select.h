/* select.h - option parsing and implementation selection for the commands. */
#ifndef SELECT_H
#define SELECT_H

#include "aesbench.h"

typedef struct {
    const char *name;
    int takes_value;
} opt_spec;

#define MAX_OPTS 24
typedef struct {
    const opt_spec *spec;
    int n;
    const char *val[MAX_OPTS];
} opts;

/* Parses --name VALUE / --name=VALUE / --flag; exits with a one-line error
 * on anything unknown or malformed, prints help and exits 0 on --help. */
void opts_parse(opts *o, int argc, char **argv, const char *cmd, const char *help);
const char *opt_get(opts *o, const char *name);
int opt_flag(opts *o, const char *name);

long parse_count(const char *what, const char *s, long min, long max);
double parse_seconds(const char *what, const char *s, double min, double max);

int select_algs(const char *spec, const alg_info **out);
/* Implementations matching the patterns and algorithms, supported here.
 * A plain name that is unknown, lacks the algorithm or cannot run on this CPU
 * is an error; globs skip what this CPU cannot run. */
int select_impls(const char *impl_spec, const char *alg_spec, const aeslab_impl **out, int max,
                 int quiet_unsupported);

#endif
