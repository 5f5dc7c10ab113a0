"""`aeslab fpu-cost`: the price of kernel-mode SIMD (seed 004), measured in
user space and set beside the published figures.

1. `aesbench fpu-cost`: XSAVE / XSAVEOPT / XSAVEC + XRSTOR with only xmm,
   also ymm, or also zmm state live (ns and core cycles).
2. One 512-byte AES-256-XTS sector: generic C (linux-6.12/xts-generic, the
   kernel's xts(ecb(aes-generic)) path, when that plugin is here; else
   own/portable) and the fastest accelerated XTS here.
3. Published (Sapphire Rapids, seed 004): a bare syscall 70 ns; with a
   kernel_fpu_begin/end pair 160 / 340 / 360 ns when the user program had
   xmm / ymm / zmm live; one sector 2235 ns generic vs 75 ns VAES.
4. Break-even: accelerating pays once the time it saves on a message exceeds
   the save+restore it costs.  With g and a the generic and accelerated
   ns per byte (from the 512-byte sector), the break-even message length is
   fpu_ns / (g - a); a 512-byte sector is worth it when that is < 512.
"""
from __future__ import annotations

import csv
import sys

from rich.console import Console
from rich.table import Table

from . import paths, provenance
from .harness import Harness, HarnessError, run_args, run_child
from .matrix import ConfigError, parse_seconds
from .store import Lock, StoreError, new_run_id, utcnow, write_json_atomic

# Seed 004 (LKML, "Faster AES-XTS on modern x86_64 CPUs", Eric Biggers,
# 2024-04-05), Intel Sapphire Rapids.  Used when the reference CSV is not at hand.
PUBLISHED = {
    "machine": "Intel Sapphire Rapids",
    "source": "seed 004_2b3d36bc10f054f2.txt (LKML: Faster AES-XTS on modern x86_64 CPUs)",
    "bare_syscall_ns": 70.0,
    "syscall_fpu_ns": {"xmm": 160.0, "ymm": 340.0, "zmm": 360.0},
    "sector_generic_ns": 2235.0,
    "sector_vaes_ns": 75.0,
}

ALG, SIZE = "aes-256-xts", 512


def published_figures() -> tuple[dict, str]:
    """From reference/seeds_other_figures.csv if found, else the constants
    above (the same figures)."""
    d = paths.reference_dir()
    f = d / "seeds_other_figures.csv" if d else None
    if not f or not f.exists():
        return dict(PUBLISHED), "built-in copy of seed 004's figures"
    pub = {"machine": PUBLISHED["machine"], "source": PUBLISHED["source"], "syscall_fpu_ns": {}}
    with open(f, newline="") as fh:
        for row in csv.DictReader(fh):
            claim = row.get("claim", "")
            try:
                v = float(row.get("value") or "nan")
            except ValueError:
                continue
            if not str(row.get("source", "")).startswith("seed 004"):
                continue
            if claim == "bare syscall":
                pub["bare_syscall_ns"] = v
            elif "kernel_fpu_begin/end" in claim:
                for st in ("xmm", "ymm", "zmm"):
                    if f"used {st}" in claim:
                        pub["syscall_fpu_ns"][st] = v
            elif "xts(ecb(aes-generic))" in claim:
                pub["sector_generic_ns"] = v
            elif "vaes" in claim:
                pub["sector_vaes_ns"] = v
    for k, v in PUBLISHED.items():
        pub.setdefault(k, v)
    if len(pub["syscall_fpu_ns"]) < 3:
        pub["syscall_fpu_ns"] = dict(PUBLISHED["syscall_fpu_ns"])
    return pub, str(f)


def breakeven(fpu_ns: float, generic_ns: float, accel_ns: float, size: int = SIZE) -> dict:
    g, a = generic_ns / size, accel_ns / size
    be = fpu_ns / (g - a) if g > a else None
    return {"fpu_ns": fpu_ns, "generic_ns": generic_ns, "accel_ns": accel_ns,
            "breakeven_bytes": be,
            "sector_worth_it": (generic_ns > accel_ns + fpu_ns),
            "sector_speedup_with_fpu": generic_ns / (accel_ns + fpu_ns)}


def fpu_command(a) -> int:
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    err = Console(stderr=True, highlight=False)
    try:
        min_time = parse_seconds(a.min_time, "--min-time")
    except ConfigError as e:
        err.print(f"aeslab fpu-cost: {e}", style="red")
        return 2
    lock = Lock()
    try:
        lock.acquire("fpu-cost", wait=a.wait)
    except StoreError as e:
        err.print(f"aeslab fpu-cost: {e}", style="red")
        return 1
    try:
        with Harness() as h:
            fc = h.fpu_cost(a.iters)
            listing = h.list_impls()
            xts = [r for r in listing.impls if r["alg"] == ALG and r.get("supported")]
            names = {r["name"]: r for r in xts}
            generic = "linux-6.12/xts-generic" if "linux-6.12/xts-generic" in names else "own/portable"
            why = ("the Linux generic-C path xts(ecb(aes-generic)), as in seed 004"
                   if generic.startswith("linux") else
                   "linux-6.12/xts-generic is not built here; own/portable (constant-time "
                   "bitsliced C) stands in, slower than the kernel's table-based generic C")
            if generic not in names:
                err.print(f"aeslab fpu-cost: no generic-C {ALG} implementation here", style="red")
                return 1
            accel = [r for r in xts if r.get("isa") not in ("generic", "ssse3", None)
                     and r["name"] != generic]
            measured: dict[str, dict] = {}
            for r in [names[generic]] + accel:
                args = run_args(r["name"], ALG, ["enc"], [SIZE], 0, 1, 0, True, False, min_time,
                                7, 21, 0.02, 1.0, "auto")
                res = run_child(h.exe, args, h.plugin_env(r["plugin"]), 300, 60, lambda x: None)
                for rec in res.records:
                    if rec.get("status") == "ok":
                        measured[r["name"]] = rec
            if generic not in measured:
                err.print(f"aeslab fpu-cost: {generic} could not be measured", style="red")
                return 1
            fast = min((n for n in measured if n != generic),
                       key=lambda n: measured[n]["ns_per_msg"], default=None)
            prov = provenance.collect(h.exe, h.plugin_files(), listing.impls, listing.problems,
                                      h.clock(), sys.argv)
    except HarnessError as e:
        err.print(f"aeslab fpu-cost: {e}", style="red")
        return 1
    finally:
        lock.release()

    pub, pub_src = published_figures()
    rows = [r for r in fc["rows"] if "unavailable" not in r]
    by = {(r["state"], r["insn"]): r for r in rows}
    gen_ns = measured[generic]["ns_per_msg"]
    acc_ns = measured[fast]["ns_per_msg"] if fast else None
    be_rows = []
    for st in ("xmm", "ymm", "zmm"):
        r = by.get((st, "xsavec")) or by.get((st, "xsaveopt")) or by.get((st, "xsave"))
        if r and acc_ns:
            m = breakeven(r["save_ns"] + r["restore_ns"], gen_ns, acc_ns)
            m.update({"state": st, "source": f"here ({r['insn']}+xrstor)"})
            be_rows.append(m)
        p_fpu = pub["syscall_fpu_ns"][st] - pub["bare_syscall_ns"]
        m = breakeven(p_fpu, pub["sector_generic_ns"], pub["sector_vaes_ns"])
        m.update({"state": st, "source": f"published, {pub['machine']}"})
        be_rows.append(m)

    t = Table(box=None, header_style="bold", show_edge=False,
              title=f"XSAVE* + XRSTOR in user space here (TSC {fc['tsc_ghz']:.3f} GHz, core "
                    f"{fc['core_ghz']:.3f} GHz calibrated); ns unless cycles",
              title_justify="left")
    for c in ("live", "save insn", "save", "restore", "save+restore", "cycles",
              "back-to-back", "in use after save"):
        t.add_column(c, justify="right" if c not in ("live", "save insn", "in use after save") else "left")
    for r in fc["rows"]:
        if "unavailable" in r:
            t.add_row(r["state"], r["insn"], r["unavailable"], "", "", "", "", "")
            continue
        s = r["save_ns"] + r["restore_ns"]
        cyc = s * fc["core_ghz"] if fc.get("core_ghz") else None
        t.add_row(r["state"], r["insn"], f"{r['save_ns']:.1f}", f"{r['restore_ns']:.1f}", f"{s:.1f}",
                  f"{cyc:.0f}" if cyc else "", f"{r['pair_ns']:.1f}", "+".join(r.get("in_use", [])))
    out.print(t)
    sc = pub["syscall_fpu_ns"]
    bare = pub["bare_syscall_ns"]
    out.print(f"published ({pub['machine']}): syscall with kernel_fpu_begin/end {sc['xmm']:.0f} / "
              f"{sc['ymm']:.0f} / {sc['zmm']:.0f} ns with xmm / ymm / zmm live, bare syscall "
              f"{bare:.0f} ns, so the save/restore adds {sc['xmm'] - bare:.0f} / {sc['ymm'] - bare:.0f}"
              f" / {sc['zmm'] - bare:.0f} ns (source: {pub_src})")
    out.print()
    out.print(f"one {SIZE}-byte {ALG} sector (encrypt) here: generic C {generic} "
              f"{gen_ns:.0f} ns ({why})" + (f"; fastest accelerated {fast} {acc_ns:.0f} ns "
                                             f"({gen_ns / acc_ns:.1f}x)" if fast else ""))
    out.print(f"published ({pub['machine']}): xts(ecb(aes-generic)) {pub['sector_generic_ns']:.0f} ns, "
              f"xts-aes-vaes-avx10_512 {pub['sector_vaes_ns']:.0f} ns")
    t2 = Table(box=None, header_style="bold", show_edge=False,
               title="break-even: accelerate with a save/restore, or stay in generic C?",
               title_justify="left")
    for c in ("state", "source", "FPU ns", "generic ns", "accel ns", "accel+FPU vs generic",
              "break-even length"):
        t2.add_column(c, justify="left" if c in ("state", "source") else "right")
    for m in be_rows:
        t2.add_row(m["state"], m["source"], f"{m['fpu_ns']:.0f}", f"{m['generic_ns']:.0f}",
                   f"{m['accel_ns']:.0f}", f"{m['sector_speedup_with_fpu']:.1f}x faster",
                   f"{m['breakeven_bytes']:.0f} B" if m["breakeven_bytes"] else "never")
    out.print()
    out.print(t2)
    out.print("The kernel saves with XSAVES and restores with XRSTORS (privileged); XSAVEC is the "
              "nearest user-space equivalent.  The published figures are whole syscalls; the "
              "part due to the save/restore is the difference to the bare syscall.")

    from . import machine
    host = paths.host()
    created = utcnow()
    folder, mdoc = machine.ensure(paths.results_dir(a.results), prov, created, "aeslab fpu-cost")
    fid = "fpu-cost-" + new_run_id(folder, "fpu-cost-")
    doc = {"kind": "aeslab-fpu-cost/1", "id": fid, "machine": mdoc["id"], "host": host,
           "created": created,
           "harness": fc,
           "xts": {"alg": ALG, "size": SIZE, "generic": generic, "generic_why": why,
                   "generic_ns": gen_ns, "accelerated": fast, "accelerated_ns": acc_ns,
                   "all": {n: {"ns_per_msg": r["ns_per_msg"], "mb_per_s": r["mb_per_s"],
                               "cv": r["cv"]} for n, r in measured.items()}},
           "published": {**pub, "file": pub_src}, "breakeven": be_rows, "provenance": prov}
    write_json_atomic(folder / f"{fid}.json", doc)
    out.print(f"saved: {folder / (fid + '.json')}")
    return 0
