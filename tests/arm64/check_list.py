"""check_list.py LEVEL LIST.json - check `aesbench list --json` of the arm64
build against the capability level the CPU (model) offers:

    sha3   AES + PMULL + SHA3: every own arm64 kernel runs
    ce     AES + PMULL, no SHA3: own/armv8-ce-eor3 must be unsupported
    none   no crypto extension (or all of it hidden): only the portable
           code runs

Every implementation the level allows must be supported and pass
verification (CAVP KATs, differential against own/portable, tamper); every
other own arm64 kernel must report "unsupported" (never run, so never
trapped on).  Peers (non-own plugins) must all pass.  A row whose check
ran out of time under the emulator ("timeout: ...") is a named skip, not a
failure: it says nothing about the code.  Prints one line per
implementation and algorithm, and exits 1 on the first violated
expectation after printing everything.
"""
import json
import sys

ARM64 = {
    "own/armv8-ce": "ce",
    "own/armv8-ce-u4": "ce",
    "own/armv8-ce-eor3": "sha3",
}
RANK = {"none": 0, "ce": 1, "sha3": 2}


def main() -> int:
    level, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        rows = json.load(f)
    bad = []
    names = {r["name"] for r in rows}
    for name in ARM64:
        if name not in names:
            bad.append(f"{name}: missing from the arm64 build")
    if not any(r["library"] != "own" for r in rows):
        bad.append("no peer plugin in the arm64 build (expected at least openssl-3.0)")
    for r in rows:
        name, alg, status = r["name"], r["alg"], r["status"]
        if status.startswith("timeout"):
            # emulation too slow to finish: not verified, and not a verdict
            print(f"skip: {name} {alg} not verified under qemu: {status}")
            continue
        need = ARM64.get(name)
        if r["library"] == "lab":
            want = "baseline"  # lab/null: the harness floor, never verified
        elif need is not None and RANK[need] > RANK[level]:
            want = "unsupported"
        else:
            want = "pass"
        mark = "ok  " if status == want else "FAIL"
        print(f"    {mark} {name:34} {alg:12} {r['isa']:14} {status}"
              + ("" if status == want else f"  (expected {want})"))
        if status != want:
            bad.append(f"{name} {alg}: {status} (expected {want})")
    for b in bad:
        print(f"    FAIL {b}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
