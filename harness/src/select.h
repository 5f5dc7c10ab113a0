/* select.h - option parsing and implementation selection for the commands. */
#ifndef SELECT_H
#define SELECT_H

#include "aesbench.h"

typedef struct {
    const char *name;
    int takes_value;
} opt_spec;

#define MAX_OPTS 32
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
/* Implementations matching the patterns and algorithms.  A plain name that
 * is unknown or lacks the algorithm is an error.  What this CPU cannot run:
 *   SELECT_RUNNABLE  a plain name is an error, a glob skips it with a warning
 *   SELECT_QUIET     the same without the warning
 *   SELECT_ALL_ROWS  selected like any other row (verify reports it) */
enum { SELECT_RUNNABLE = 0, SELECT_QUIET = 1, SELECT_ALL_ROWS = 2 };
int select_impls(const char *impl_spec, const char *alg_spec, const aeslab_impl **out, int max,
                 int mode);

#endif
