#!/usr/bin/env python3
"""pathcheck.py - prove that each forced code path of a peer library runs
the code it claims.

Every plugin given is run by the driver (pathcheck.c) under gdb, one plugin
per process, with a breakpoint on each library function named in the
expectations file.  The driver announces every (implementation, algorithm,
operation) step through pathcheck_mark(); the functions hit between two
marks belong to that step.  Each expectation line then says which functions
must have run and which must not:

    # impl-glob          alg-glob     op    must-run            must-not-run    [cpu=flags]
    openssl-4.0/aesni    aes-*-gcm    seal  +aesni_ctr32_encrypt_blocks  -aesni_gcm_encrypt

Globs are fnmatch patterns; lists are comma-separated; "-" alone means
none.  cpu=a,b limits a line to CPUs whose /proc/cpuinfo flags include
them (for the as-shipped rows, whose choice depends on the CPU).  Lines
whose implementation was not built are skipped, unless its name starts
with a --require prefix, which makes that a failure.  Ends with
"pathcheck: N passed, N failed, N skipped" and exits non-zero on failure.
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tempfile


def parse_expect(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if len(line) < 5:
                sys.exit(f"{path}:{n}: need impl alg op +must -mustnot")
            impl, alg, op, must, mustnot, *rest = line
            if not must.startswith("+") or not mustnot.startswith("-"):
                sys.exit(f"{path}:{n}: must-run list starts with +, must-not-run list with -")
            cpu = []
            for r in rest:
                if r.startswith("cpu="):
                    cpu = [c for c in r[4:].split(",") if c]
                else:
                    sys.exit(f"{path}:{n}: unknown field {r}")
            rows.append(dict(line=n, impl=impl, alg=alg, op=op,
                             must=[m for m in must[1:].split(",") if m],
                             mustnot=[m for m in mustnot[1:].split(",") if m],
                             cpu=cpu))
    return rows


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def symbols_of(so):
    out = subprocess.run(["nm", so], capture_output=True, text=True).stdout
    return {l.split()[-1] for l in out.splitlines() if len(l.split()) >= 3}


def run_plugin(driver, so, watch, length):
    """Returns ({(impl, alg): supported}, {(impl, alg, op): set(hits)}, failures)."""
    present = sorted(w for w in watch if w in symbols_of(so))
    script = ["set pagination off", "set confirm off", "set breakpoint pending on",
              "set debuginfod enabled off", "set startup-with-shell off",
              "break pathcheck_mark", "commands", "silent",
              'printf "MARK %s\\n", (char *)$rdi', "continue", "end"]
    for fn in present:
        script += [f"break {fn}", "commands", "silent", f'printf "HIT {fn}\\n"',
                   "continue", "end"]
    script += ["run", "quit"]
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write("\n".join(script) + "\n")
        gdbx = f.name
    env = dict(os.environ, DEBUGINFOD_URLS="")
    try:
        r = subprocess.run(["gdb", "-nx", "-batch", "-x", gdbx, "--args", driver, so,
                            str(length)], capture_output=True, text=True, env=env,
                           timeout=600)
    except FileNotFoundError:
        return {}, {}, ["gdb is not installed (scripts/apt-packages.txt lists it)"], set()
    finally:
        os.unlink(gdbx)
    impls, hits, fails = {}, {}, []
    cur = None
    for line in r.stdout.splitlines():
        m = re.match(r"^MARK (\S+) (\S+) (\S+)$", line)
        if m:
            cur = (m[1], m[2], m[3])
            hits.setdefault(cur, set())
            continue
        m = re.match(r"^HIT (\S+)$", line)
        if m and cur:
            hits[cur].add(m[1])
            continue
        m = re.match(r"^impl (\S+) (\S+) (supported|unsupported)$", line)
        if m:
            impls[(m[1], m[2])] = m[3] == "supported"
            continue
        if line.startswith("fail "):
            fails.append(line)
    if not impls:
        fails.append(f"fail {so}: the driver did not run:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return impls, hits, fails, set(present)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--require", action="append", default=[],
                    help="impl-name prefix whose plugins must be present")
    ap.add_argument("--len", type=int, default=1024)
    ap.add_argument("plugins", nargs="*")
    a = ap.parse_args()

    rows = parse_expect(a.expect)
    watch = {f for r in rows for f in r["must"] + r["mustnot"]}
    flags = cpu_flags()
    impls, hits, present = {}, {}, {}
    passed = failed = skipped = 0
    for so in a.plugins:
        i, h, fails, pres = run_plugin(a.driver, so, watch, a.len)
        impls.update(i)
        hits.update(h)
        for k in i:
            present[k[0]] = pres
        for f in fails:
            print(f"FAIL {os.path.basename(so)}: {f}")
            failed += 1

    checked = set()
    for r in rows:
        where = f"{os.path.basename(a.expect)}:{r['line']}"
        what = f"{r['impl']} {r['alg']} {r['op']}"
        if r["cpu"] and not set(r["cpu"]) <= flags:
            print(f"skip: {what} ({where}: this CPU lacks {','.join(sorted(set(r['cpu']) - flags))})")
            skipped += 1
            continue
        keys = [k for k in impls if fnmatch.fnmatchcase(k[0], r["impl"])
                and fnmatch.fnmatchcase(k[1], r["alg"])]
        if not keys:
            if any(r["impl"].startswith(p) for p in a.require):
                print(f"FAIL {what} ({where}): no plugin of it was built")
                failed += 1
            else:
                print(f"skip: {what} ({where}): not built here")
                skipped += 1
            continue
        for impl, alg in sorted(keys):
            if not impls[(impl, alg)]:
                print(f"skip: {impl} {alg} {r['op']}: this CPU cannot run it")
                skipped += 1
                continue
            key = (impl, alg, r["op"])
            checked.add(key)
            got = hits.get(key)
            problems = []
            if got is None:
                problems.append("the step did not run")
                got = set()
            absent = [f for f in r["must"] if f not in present.get(impl, set())]
            if absent:
                problems.append("not in the plugin: " + ",".join(absent))
            missing = [f for f in r["must"] if f not in got and f not in absent]
            if missing:
                problems.append("did not run: " + ",".join(missing))
            bad = [f for f in r["mustnot"] if f in got]
            if bad:
                problems.append("ran: " + ",".join(bad))
            ran = ",".join(sorted(got)) or "(none watched)"
            if problems:
                print(f"FAIL {impl} {alg} {r['op']} ({where}): {'; '.join(problems)} [ran {ran}]")
                failed += 1
            else:
                print(f"ok   {impl} {alg} {r['op']} [ran {ran}]")
                passed += 1
    for key in sorted(hits):
        if key[2] in ("keysetup", "done") or key in checked:
            continue
        if impls.get(key[:2]):
            print(f"note {' '.join(key)}: no expectation covers it [ran {','.join(sorted(hits[key]))}]")
    print(f"pathcheck: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
