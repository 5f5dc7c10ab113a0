#!/usr/bin/env python3
"""A/B two builds of the own kernels on this machine: how kernel tuning knobs
were chosen.

    scripts/ab-build.py -A="-DX512_MULXK_CLMUL=1" -B="" --impl own/vaes512 \
        --alg aes-256-xts --op enc,dec --sizes 200,512,1420 [--rounds 8]

    scripts/ab-build.py --rev-A HEAD --impl own/aesni --alg aes-128-gcm \
        --sizes 16,512,16384          # the last commit against the work tree

Each variant's own.so is built into its own folder (build-ab/A, build-ab/B)
with the extra CFLAGS given, from the work tree or, with --rev-A/--rev-B,
from that git revision (exported to build-ab/src-A, src-B); then the two
are measured in alternating fresh aesbench processes, --rounds times each,
so that a slow spell of a shared machine hits both alike.  Printed per
point: the median MB/s of each variant over its rounds and B/A, B/A per
core cycle from the medians, and per core cycle from each variant's fastest
round ("best/cyc": on a host where another tenant on the same core slows
whole rounds down, the fastest round is the closest to the code's speed).
Beside the per-cycle ratio, its 95 % bootstrap interval (the rounds of each
variant resampled, seeded, so a rerun on the same figures prints the same
interval; none under 5 rounds); a "*" marks a point whose interval leaves
out 1.  An A/A run (-B equal to -A) shows what the machine's noise alone
prints.  Nothing is asserted; read the ratios beside the machine's noise
floor (`aeslab noise`).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def source(tag: str, rev: str | None) -> Path:
    """The tree to build variant tag from: the work tree, or rev exported."""
    if not rev:
        return ROOT
    src = ROOT / "build-ab" / f"src-{tag}"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True)
    if archive.returncode:
        sys.exit(f"ab-build: git archive {rev}: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
    return src


def build(tag: str, cflags: str, rev: str | None) -> Path:
    out = ROOT / "build-ab" / tag
    target = out / "plugins" / "own.so"
    # -B: an exported tree has its commit's timestamps, older than any
    # object a previous A/B left in out, so make must not trust the times.
    r = subprocess.run(["make", "-s", "-B", f"BUILD={out}", f"CFLAGS={cflags}", str(target)],
                       cwd=source(tag, rev), capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"ab-build: building {tag} ({rev or 'work tree'}, {cflags!r}) failed:\n{r.stderr[-2000:]}")
    return target.parent


def measure(plugins: Path, a) -> list[dict]:
    env = dict(os.environ, AESLAB_PLUGINS=str(plugins))
    cmd = [str(ROOT / "build" / "aesbench"), "run", "--format", "jsonl", "--impl", a.impl,
           "--alg", a.alg, "--sizes", a.sizes, "--min-time", a.min_time]
    if a.op:
        cmd += ["--op", a.op]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"ab-build: aesbench failed: {r.stderr.strip()[-500:]}")
    return [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]


def ratio_interval(a: list[float], b: list[float], resamples: int = 2000,
                   seed: int = 0) -> tuple[float, float]:
    """95 % bootstrap interval of median(a) / median(b): each variant's
    rounds resampled with replacement (percentile method).  a and b are
    cycles per byte, so the ratio is B's speed over A's."""
    rng = random.Random(seed)
    got = sorted(statistics.median(rng.choices(a, k=len(a)))
                 / statistics.median(rng.choices(b, k=len(b))) for _ in range(resamples))
    return got[int(0.025 * resamples)], got[int(0.975 * resamples) - 1]


def interval_cell(a: list[float], b: list[float]) -> str:
    """The printed interval of median(a) / median(b), "*" if it leaves out
    1; under five rounds a resampled median says nothing, so none."""
    if min(len(a), len(b)) < 5:
        return "(< 5 rounds) "
    lo, hi = ratio_interval(a, b)
    return f"{lo:6.3f}-{hi:.3f}{'*' if lo > 1 or hi < 1 else ' '}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-A", default="", help="extra CFLAGS of variant A (write -A=\"-DX=1\")")
    ap.add_argument("-B", default="", help="extra CFLAGS of variant B")
    ap.add_argument("--rev-A", help="build A from this git revision (default: the work tree)")
    ap.add_argument("--rev-B", help="build B from this git revision (default: the work tree)")
    ap.add_argument("--impl", required=True)
    ap.add_argument("--alg", required=True)
    ap.add_argument("--op")
    ap.add_argument("--sizes", default="512,16384")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--min-time", default="0.02")
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error(f"--rounds must be at least 1, not {a.rounds}")
    if not (ROOT / "build" / "aesbench").exists():
        sys.exit("ab-build: build/aesbench is missing (make build first)")
    dirs = {"A": build("A", a.A, a.rev_A), "B": build("B", a.B, a.rev_B)}
    got: dict = defaultdict(lambda: defaultdict(list))
    for i in range(a.rounds):
        for tag in ("A", "B") if i % 2 == 0 else ("B", "A"):
            for r in measure(dirs[tag], a):
                if r.get("status") == "ok":
                    k = (r["impl"], r["alg"], r["op"], r["size"])
                    got[k][tag].append(r["mb_per_s"])
                    got[k][tag + "c"].append(r.get("cycles_per_byte"))
        print(f"\rround {i + 1}/{a.rounds}", end="", file=sys.stderr)
    print(file=sys.stderr)
    print(f"A: {a.rev_A or 'work tree'} CFLAGS={a.A!r}   B: {a.rev_B or 'work tree'} CFLAGS={a.B!r}"
          f"   {a.rounds} alternating rounds each")
    # (per cycle: the core clock each sample ran at, measured beside it,
    # divided out; on a VM whose clock wanders that is the steadier ratio)
    print(f"{'impl':18} {'alg':12} {'op':5} {'size':>6} {'A MB/s':>9} {'B MB/s':>9} {'B/A':>6}"
          f" {'per cycle':>9} {'95% interval':>14} {'best/cyc':>8}")
    for k in sorted(got):
        ma, mb = statistics.median(got[k]["A"]), statistics.median(got[k]["B"])
        ca, cb = got[k]["Ac"], got[k]["Bc"]
        have = None not in ca + cb and ca and cb
        cyc, ci, best = f"{'-':>9}", f"{'-':>14}", f"{'-':>8}"
        if have:
            cyc = f"{statistics.median(ca) / statistics.median(cb):9.3f}"
            best = f"{min(ca) / min(cb):8.3f}"
            ci = interval_cell(ca, cb)
        print(f"{k[0]:18} {k[1]:12} {k[2]:5} {k[3]:6} {ma:9.0f} {mb:9.0f} {mb / ma:6.3f} {cyc}"
              f" {ci:>14} {best}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
