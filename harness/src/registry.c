/*
 * registry.c - finds plugins and the implementations they offer.
 *
 * Every *.so in the plugin folder is dlopen'ed with RTLD_LOCAL, so that the
 * statically linked copies of OpenSSL, BoringSSL and AWS-LC inside peer
 * plugins never see each other's symbols.  A plugin that fails to load, has
 * the wrong ABI version or reports an error is left out and remembered.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aesbench.h"

static impl_ref *refs;
static size_t nrefs, caprefs;
static char *problems[256];
static int nproblems;

static void problem(const char *file, const char *what)
{
    if (nproblems < 256) {
        size_t n = strlen(file) + strlen(what) + 8;
        problems[nproblems] = xmalloc(n);
        snprintf(problems[nproblems], n, "%s: %s", file, what);
        nproblems++;
    }
}

static void add_impl(const aeslab_impl *im, const char *file)
{
    if (!im->name || !im->alg || !im->key_new || !alg_find(im->alg)) {
        problem(file, "an implementation is malformed (no name, alg or key_new)");
        return;
    }
    if (nrefs == caprefs) {
        caprefs = caprefs ? caprefs * 2 : 64;
        refs = realloc(refs, caprefs * sizeof *refs);
        if (!refs)
            die("out of memory");
    }
    refs[nrefs].impl = im;
    refs[nrefs].plugin_file = file;
    nrefs++;
}

static void load_one(const char *path, const char *file)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        problem(file, dlerror());
        return;
    }
    aeslab_plugin_entry_fn entry = (aeslab_plugin_entry_fn)dlsym(h, AESLAB_PLUGIN_ENTRY);
    if (!entry) {
        problem(file, "no " AESLAB_PLUGIN_ENTRY " symbol");
        return;
    }
    const aeslab_plugin *p = entry();
    if (!p) {
        problem(file, "plugin returned no description");
        return;
    }
    if (p->abi_version != AESLAB_ABI_VERSION) {
        char msg[96];
        snprintf(msg, sizeof msg, "ABI version %u, harness expects %u", p->abi_version,
                 AESLAB_ABI_VERSION);
        problem(file, msg);
        return;
    }
    if (p->error) {
        problem(file, p->error);
        return;
    }
    char *keep = strdup(file);
    for (size_t i = 0; i < p->n_impls; i++)
        add_impl(&p->impls[i], keep);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *default_dir(void)
{
    static char dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 16);
    if (n <= 0)
        return "plugins";
    dir[n] = 0;
    char *slash = strrchr(dir, '/');
    strcpy(slash ? slash + 1 : dir, "plugins");
    return dir;
}

void registry_load(const char *dir)
{
    if (!dir)
        dir = getenv("AESLAB_PLUGINS");
    if (!dir || !*dir)
        dir = default_dir();
    DIR *d = opendir(dir);
    if (!d)
        die("cannot open plugin folder %s (run `make build`, or set AESLAB_PLUGINS)", dir);
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".so") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    /* own.so first: own/portable is everybody's differential reference. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            int is_own = strcmp(names[i], "own.so") == 0;
            if (is_own != (pass == 0))
                continue;
            char path[2 * PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            load_one(path, names[i]);
        }
}

size_t registry_count(void) { return nrefs; }
const impl_ref *registry_get(size_t i) { return i < nrefs ? &refs[i] : NULL; }

const aeslab_impl *registry_find(const char *name, const char *alg)
{
    for (size_t i = 0; i < nrefs; i++)
        if (strcmp(refs[i].impl->name, name) == 0 && strcmp(refs[i].impl->alg, alg) == 0)
            return refs[i].impl;
    return NULL;
}

int registry_report_problems(FILE *f)
{
    for (int i = 0; i < nproblems; i++)
        fprintf(f, "aesbench: plugin %s (left out)\n", problems[i]);
    return nproblems;
}

int impl_supported(const aeslab_impl *im)
{
    return im->supported == NULL || im->supported(im);
}

int impl_is_baseline(const aeslab_impl *im)
{
    return im->library && !strcmp(im->library, "lab");
}
