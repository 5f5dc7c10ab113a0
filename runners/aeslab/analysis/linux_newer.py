"""Figures of the Linux patch series newer than the seeds (reference/
published_linux_newer.csv), each with the same comparison measured on this
machine where the lab has both sides of it.

A published figure belongs to the CPU it was measured on.  Every row is set
beside what this machine measures for the same pair of code paths, but a
claim is judged only on a machine of the same CPU generation (the machine
label names it, e.g. "Zen 3"); elsewhere the verdict says which CPU the
figure is about and the measured row stays as information.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from . import reference
from .common import FAILS, HOLDS, MISSING, UNCLEAR, Claim, Section, Table, noise_floor, pct, pick, ratio_pct
from .load import Results


def _first(have: set, *names: str) -> str | None:
    return next((n for n in names if n in have), None)


# comparison text (a substring of the CSV's column) -> (new, old) candidates,
# the newest source of each first: the lab's implementations of the two
# code paths the published figure compares.
PAIRS = [
    ("new VAES+AVX2 code vs the existing AES-NI code",
     ("linux-7.2/gcm-vaes-avx2",), ("linux-7.2/gcm-aesni-avx", "linux-6.12/gcm-aesni-avx")),
    ("VAES+AVX2 replaces VAES+AVX10/256",
     ("linux-7.2/gcm-vaes-avx2",), ("linux-6.12/gcm-vaes-avx10-256",)),
    ("xts-aes-aesni-avx vs xts-aes-aesni",
     ("linux-7.2/xts-aesni-avx", "linux-6.12/xts-aesni-avx"), ("linux-6.1/xts-aesni",)),
    ("xts-aes-vaes-avx2 vs xts-aes-aesni-avx",
     ("linux-7.2/xts-vaes-avx2", "linux-6.12/xts-vaes-avx2"),
     ("linux-7.2/xts-aesni-avx", "linux-6.12/xts-aesni-avx")),
    ("xts-aes-vaes-avx10_512 vs xts-aes-vaes-avx10_256",
     ("linux-7.2/xts-vaes-avx512", "linux-6.12/xts-vaes-avx10-512"),
     ("linux-6.12/xts-vaes-avx10-256",)),
    ("xts-aes-vaes-avx10_256 vs xts-aes-vaes-avx2",
     ("linux-6.12/xts-vaes-avx10-256",), ("linux-7.2/xts-vaes-avx2", "linux-6.12/xts-vaes-avx2")),
    # "best new AES-XTS implementation for the CPU vs the kernel before it":
    # the fastest of the series' paths this CPU runs, size by size
    ("best new AES-XTS implementation",
     ("linux-6.12/xts-vaes-avx10-512", "linux-6.12/xts-vaes-avx10-256",
      "linux-6.12/xts-vaes-avx2", "linux-6.12/xts-aesni-avx"), ("linux-6.1/xts-aesni",)),
]
BEST = "best new AES-XTS implementation"
# "absolute throughput of <kernel driver>" -> the lab's implementation
ABSOLUTE = {
    "xts-aes-aesni": ("linux-6.1/xts-aesni",),
    "xts-aes-aesni-avx": ("linux-7.2/xts-aesni-avx", "linux-6.12/xts-aesni-avx"),
    "xts-aes-vaes-avx2": ("linux-7.2/xts-vaes-avx2", "linux-6.12/xts-vaes-avx2"),
    "xts-aes-vaes-avx10_256": ("linux-6.12/xts-vaes-avx10-256",),
    "xts-aes-vaes-avx10_512": ("linux-7.2/xts-vaes-avx512", "linux-6.12/xts-vaes-avx10-512"),
}
OP = {("gcm", "encrypt"): "seal", ("gcm", "decrypt"): "open",
      ("xts", "encrypt"): "enc", ("xts", "decrypt"): "dec"}


def generation(label: str) -> str | None:
    """'Zen 3', 'Ice Lake', ... named in a machine label or a published machine."""
    m = re.search(r"Zen \d|Ice ?Lake|Sapphire Rapids|Emerald Rapids|Cascade Lake|Skylake", label)
    return m[0].replace("Icelake", "Ice Lake") if m else None


def _short(source: str) -> str:
    return source.split(" (")[0]


def section(res: Results, host: str) -> Section:
    pub = reference.linux_newer()
    sec = Section("linux-newer", "Newer Linux series: VAES+AVX2 AES-GCM (6.19) and the AES-XTS "
                  "series, published vs measured here")
    here = generation(res.machine_label(host)) or "unknown CPU"
    pts = pick(res, host, aad=[16, 0], threads=1)
    floor, floor_src = noise_floor(res, host, pts)
    have = set(pts["impl"])
    sec.intro = (f"Figures the Linux crypto maintainers published for series newer than the seeds "
                 f"(rows marked published, each with its source), beside the same comparison "
                 f"measured on this machine, {res.machine_label(host)}, where both code paths "
                 f"were measured.  A published figure is judged only on a machine of its own CPU "
                 f"generation (this one: {here}).  {floor_src}.")
    groups = pub.groupby(["source", "machine", "comparison", "alg", "direction", "unit"],
                         dropna=False, sort=False)
    for (src, machine, comp, alg, direction, unit), g in groups:
        mode = str(alg).rsplit("-", 1)[-1]
        op = OP.get((mode, direction))
        sizes = [int(s) for s in g["message_bytes"].dropna()]
        if unit == "improvement_pct" and op and sizes:
            _improvement(sec, res, pts, have, floor, here, src, machine, comp, alg, op, g)
        elif unit == "MB_per_s" and op and sizes:
            _absolute(sec, pts, have, here, src, machine, comp, alg, op, g)
        else:
            who = machine if isinstance(machine, str) else "no CPU named"
            sec.notes.append(f"Published, not set beside a measurement ({who}): "
                             f"{comp}: {g['value'].iloc[0]} ({unit}); {_short(src)}.  It compares code "
                             "before and after a commit, or states a maximum, which the lab's "
                             "rows cannot reproduce as such.")
    if not sec.tables:
        sec.missing.append("no published row of the newer series has both code paths measured here")
    return sec


def _same_cpu(machine, here: str) -> bool:
    return isinstance(machine, str) and generation(machine) == here


def _improvement(sec, res, pts, have, floor, here, src, machine, comp, alg, op, g) -> None:
    pair = next(((n, o) for key, n, o in PAIRS if key in comp), None)
    sizes = [int(s) for s in g["message_bytes"]]
    cols = [str(s) for s in sizes]
    published = dict(zip(sizes, g["value"].astype(float)))
    rows = {f"published ({machine})": [pct(published[s]) for s in sizes]}
    data = {f"published ({machine})": published}
    best = BEST in comp
    new = _first(have, *pair[0]) if pair else None
    old = _first(have, *pair[1]) if pair else None
    measured = None
    if new and old:
        p = pts[(pts["alg"] == alg) & (pts["op"] == op)]
        if best:  # the fastest of the new paths at each size
            s_new = p[p["impl"].isin(pair[0])].groupby("size")["mb_per_s"].max()
            new = "the fastest of " + ", ".join(i for i in pair[0] if i in have)
        else:
            s_new = p[p["impl"] == new].set_index("size")["mb_per_s"]
        s_old = p[p["impl"] == old].set_index("size")["mb_per_s"]
        measured = {s: ratio_pct(s_new.get(s, math.nan), s_old.get(s, math.nan)) for s in sizes}
        label = f"measured here: {new} vs {old}"
        rows[label] = [pct(measured[s]) for s in sizes]
        data[label] = measured
    sec.tables.append(Table(
        re.sub(r"\W+", "-", f"{machine}-{comp}-{alg}-{op}".lower())[:80],
        f"{alg} {op}: {comp} ({machine}), % by message length (bytes)",
        pd.DataFrame.from_dict(rows, orient="index", columns=cols),
        note=f"Published: {src}.  Improvement = MB/s new / MB/s old - 1.",
        data=pd.DataFrame.from_dict(data, orient="index")))
    claim = (f"{comp} on {machine}, {alg} {op}: published {min(published.values()):+.0f}% to "
             f"{max(published.values()):+.0f}%")
    if not pair:
        sec.claims.append(Claim("linux", claim, MISSING, "the lab has no pair of implementations "
                                "for this comparison"))
        return
    if measured is None:
        sec.claims.append(Claim("linux", claim, MISSING,
                                f"not measured here: {pair[0][0]} vs {pair[1][0]} (code this CPU "
                                "cannot run, or not in the runs)"))
        return
    vals = {s: v for s, v in measured.items() if not math.isnan(v)}
    if not vals:
        sec.claims.append(Claim("linux", claim, MISSING, "the published sizes were not measured"))
        return
    evidence = f"here ({here}) {min(vals.values()):+.0f}% to {max(vals.values()):+.0f}% ({new} vs {old})"
    if not _same_cpu(machine, here):
        sec.claims.append(Claim("linux", claim, MISSING,
                                f"a {machine} figure, and this machine is a {here}; {evidence}"))
        return
    # A size decides only where the published change is larger than this
    # machine's noise floor; a smaller one can be neither confirmed nor denied.
    agree = sum(abs(published[s]) > floor and v * published[s] > 0 and abs(v) > floor
                for s, v in vals.items())
    against = sum(abs(published[s]) > floor and v * published[s] < 0 and abs(v) > floor
                  for s, v in vals.items())
    verdict = HOLDS if agree == len(vals) else (FAILS if against > len(vals) / 2 else UNCLEAR)
    sec.claims.append(Claim("linux", claim, verdict,
                            f"{evidence}; the published change is confirmed beyond the "
                            f"{floor:.1f}% floor at {agree} of {len(vals)} sizes, contradicted at "
                            f"{against}, undecided at the rest"))


def _absolute(sec, pts, have, here, src, machine, comp, alg, op, g) -> None:
    drv = comp.rsplit(" ", 1)[-1]
    impl = _first(have, *ABSOLUTE.get(drv, ()))
    size = int(g["message_bytes"].iloc[0])
    val = float(g["value"].iloc[0])
    key = f"absolute-{alg}-{op}-{size}"
    t = next((t for t in sec.tables if t.key == key), None)
    if t is None:
        t = Table(key, f"{alg} {op} at {size} bytes: MB/s per Linux driver, published and "
                  "measured here", pd.DataFrame(columns=["MB/s"]),
                  note="Published: the Faster AES-XTS series (see each row's CPU); measured: "
                       "this lab, calling the same assembly directly.")
        sec.tables.append(t)
    t.df.loc[f"published ({machine}): {drv}"] = [f"{val:,.0f}"]
    if impl:
        p = pts[(pts["impl"] == impl) & (pts["alg"] == alg) & (pts["op"] == op) & (pts["size"] == size)]
        label = f"measured here ({here}): {impl}"
        if len(p) and label not in t.df.index:
            t.df.loc[label] = [f"{p['mb_per_s'].median():,.0f}"]
