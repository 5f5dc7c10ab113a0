#!/usr/bin/env python3
"""codesize.py - machine-code bytes behind each path, from symbols.

The bytes a path is charged are the sizes (`nm -S`) of every function
reachable from its entry points in the linked code, found by following
  - direct calls and jumps (x86 call/jmp/jcc, arm64 bl/b/b.cond/cbz/tbz),
  - addresses taken in code (x86 RIP-relative lea/mov, arm64 adrp+add/ldr,
    adr), resolved to a function, to a pointer slot (GOT, or a relocated
    pointer in data: followed to what it points at) or to a data object
    (every pointer in it is followed; an own_kernel table only through the
    fields of the path's algorithm family),
  - GCC's clones (.cold, .part.N, .isra.N, .constprop.N, .lto_priv.N) count
    with their parent: a reached function brings its clones.
Calls into shared libraries (libc: memcpy, abort, ...) are not counted.

Two uses:

  codesize.py own --objdump OBJDUMP --nm NM --readelf READELF --so LINKED.so \\
      [--objroot DIR name=folder ...]
    Writes the C table own_codesize.c: for each own kernel (the object
    own_kernel_<name> in LINKED.so) and family (gcm: gcm_init, gcm_seal,
    gcm_open, gcm_hp_init, gcm_seal_hp; xts: xts_init, xts_encrypt,
    xts_decrypt), the reachable total and the part defined in the kernel's
    own folder ("itself"; needs --objroot and the name=folder pairs).

  codesize.py reach --objdump OBJDUMP --nm NM [--readelf READELF] FILE SYM...
    Prints every function reachable from SYM... in FILE (an object, a
    shared object or an archive-extracted object) with its size, and the
    total: what a peer's symbol list must name to mean the same thing.

Handles x86-64 and aarch64 disassembly (GNU objdump syntax).
"""
from __future__ import annotations

import argparse
import bisect
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

# own_kernel field offsets (kernels/include/own_kernel.h, LP64)
OWN_FIELDS = ["name", "isa", "cpu_ok", "needs", "gcm_keys", "gcm_ctx_bytes", "gcm_init",
              "gcm_seal", "gcm_open", "gcm_stream_bytes", "gcm_stream_init",
              "gcm_stream_update", "gcm_stream_final", "xts_keys", "xts_ctx_bytes",
              "xts_init", "xts_encrypt", "xts_decrypt", "gcm_hp_init", "gcm_seal_hp",
              "describe"]
FAMILY_FIELDS = {"gcm": ("gcm_init", "gcm_seal", "gcm_open", "gcm_hp_init", "gcm_seal_hp"),
                 "xts": ("xts_init", "xts_encrypt", "xts_decrypt")}
CLONE = re.compile(r"^(.*?)\.(cold|part\.\d+|isra\.\d+|constprop\.\d+|lto_priv\.\d+|localalias)"
                   r"(\.\d+)?(\..*)?$")


def run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"codesize.py: {' '.join(cmd)}: {e}")


def base_name(name: str) -> str:
    m = CLONE.match(name)
    return m.group(1) if m else name


class Image:
    """Functions, data objects, pointer slots and the reference graph of one file."""

    def __init__(self, path: str, objdump: str, nm: str, readelf: str | None):
        self.funcs: dict[int, tuple[str, int]] = {}   # addr -> (name, size)
        self.data: dict[int, tuple[str, int]] = {}
        self.by_name: dict[str, int] = {}
        for line in run([nm, "-S", "--defined-only", path]).splitlines():
            f = line.split()
            if len(f) != 4:
                continue
            addr, size, typ, name = int(f[0], 16), int(f[1], 16), f[2], f[3]
            if typ in "TtWw":
                # several names at one address (aliases): keep the first
                if addr not in self.funcs or self.funcs[addr][1] < size:
                    self.funcs[addr] = (name, size)
                self.by_name.setdefault(name, addr)
            elif typ in "DdRrBbVv":
                self.data[addr] = (name, size)
                self.by_name.setdefault(name, addr)
        self.faddrs = sorted(self.funcs)
        self.daddrs = sorted(self.data)
        # pointer slots: address -> target (RELATIVE / GLOB_DAT / ABS64 relocations)
        self.slots: dict[int, int] = {}
        if readelf:
            self._read_relocs(path, readelf)
        self.edges: dict[int, set] = defaultdict(set)  # func addr -> referenced addresses
        self._disassemble(path, objdump)
        self.clones: dict[str, list[int]] = defaultdict(list)
        for a, (n, _) in self.funcs.items():
            if base_name(n) != n:
                self.clones[base_name(n)].append(a)

    def _read_relocs(self, path: str, readelf: str) -> None:
        sym_addr = {}
        for line in run([readelf, "-rW", path]).splitlines():
            f = line.split()
            if len(f) < 3 or not re.fullmatch(r"[0-9a-f]+", f[0]):
                continue
            off = int(f[0], 16)
            typ = f[2]
            if typ.endswith("_RELATIVE") and len(f) >= 4:
                self.slots[off] = int(f[-1], 16)
            elif (typ.endswith("GLOB_DAT") or typ.endswith("_64") or typ.endswith("ABS64")) \
                    and len(f) >= 5 and re.fullmatch(r"[0-9a-f]+", f[3]):
                v = int(f[3], 16)
                if v:
                    self.slots[off] = v + (int(f[-1], 16) if f[-2] == "+" else 0)
        del sym_addr

    def func_at(self, addr: int) -> int | None:
        i = bisect.bisect_right(self.faddrs, addr) - 1
        if i >= 0:
            a = self.faddrs[i]
            if a <= addr < a + max(self.funcs[a][1], 1):
                return a
        return None

    def data_at(self, addr: int) -> int | None:
        i = bisect.bisect_right(self.daddrs, addr) - 1
        if i >= 0:
            a = self.daddrs[i]
            if a <= addr < a + max(self.data[a][1], 1):
                return a
        return None

    def _disassemble(self, path: str, objdump: str) -> None:
        head = re.compile(r"^([0-9a-f]+) <([^>]+)>:$")
        insn = re.compile(r"^\s*([0-9a-f]+):\t(\S+)\s*(.*)$")  # --no-show-raw-insn
        ref = re.compile(r"\b([0-9a-f]+) <([^>]+)>")
        x_page: dict[str, int] = {}  # aarch64: register -> page from adrp
        cur = None
        for line in run([objdump, "-d", "--no-show-raw-insn", path]).splitlines():
            m = head.match(line)
            if m:
                cur = self.func_at(int(m.group(1), 16))
                x_page.clear()
                continue
            m = insn.match(line)
            if not m or cur is None:
                continue
            mnem, ops = m.group(2), m.group(3)
            if mnem == "adrp":  # aarch64: page only; the add/ldr that follows completes it
                r = re.match(r"(\w+),\s*([0-9a-f]+)", ops)
                if r:
                    x_page[r.group(1)] = int(r.group(2), 16)
                continue
            if mnem == "add" and x_page:
                r = re.match(r"(\w+),\s*(\w+),\s*#(0x[0-9a-f]+|\d+)", ops)
                if r and r.group(2) in x_page:
                    self.edges[cur].add(x_page[r.group(2)] + int(r.group(3), 0))
                    continue
            if mnem.startswith("ldr") and x_page:
                r = re.match(r"(\w+),\s*\[(\w+),\s*#(0x[0-9a-f]+|\d+)\]", ops)
                if r and r.group(2) in x_page:
                    a = x_page[r.group(2)] + int(r.group(3), 0)
                    self.edges[cur].add(("load", a))
                    continue
            for r in ref.finditer(ops):
                sym = r.group(2)
                if sym.endswith("@plt"):  # an exported function called through the PLT
                    tgt = self.by_name.get(sym[:-4])
                    if tgt is not None and tgt in self.funcs:
                        self.edges[cur].add(tgt)
                    continue
                self.edges[cur].add(int(r.group(1), 16))

    def resolve(self, addr, family: str | None, out: set, seen_data: set) -> None:
        """Adds the functions an address reference leads to."""
        load = isinstance(addr, tuple)
        if load:
            addr = addr[1]
        f = self.func_at(addr)
        if f is not None and not load:
            out.add(f)
            return
        if addr in self.slots:  # a pointer slot (GOT entry, or a pointer in data)
            tgt = self.slots[addr]
            f = self.func_at(tgt)
            if f is not None:
                out.add(f)
            else:
                self.resolve(tgt, family, out, seen_data)
            if load or self.data_at(addr) is None:
                return
        d = self.data_at(addr)
        if d is None or (d, addr if addr != d else None) in seen_data:
            return
        name, size = self.data[d]
        if name.startswith("own_kernel_") and family:
            if addr != d:  # one field of a kernel table
                fields = [OWN_FIELDS[(addr - d) // 8]] if (addr - d) // 8 < len(OWN_FIELDS) else []
            else:          # the whole table: the family's fields
                fields = FAMILY_FIELDS[family]
            seen_data.add((d, addr if addr != d else None))
            for fld in fields:
                slot = d + 8 * OWN_FIELDS.index(fld)
                if slot in self.slots:
                    g = self.func_at(self.slots[slot])
                    if g is not None:
                        out.add(g)
            return
        seen_data.add((d, None))
        for s in range(d, d + size):
            if s in self.slots:
                self.resolve(self.slots[s], family, out, seen_data)

    def reach(self, entries: list[int], family: str | None) -> set[int]:
        todo, done, seen_data = list(entries), set(), set()
        while todo:
            f = todo.pop()
            if f in done:
                continue
            done.add(f)
            nxt: set[int] = set()
            for a in self.edges.get(f, ()):
                self.resolve(a, family, nxt, seen_data)
            for c in self.clones.get(self.funcs[f][0], ()):
                nxt.add(c)
            todo += [g for g in nxt if g not in done]
        return done

    def total(self, fs) -> int:
        return sum(self.funcs[f][1] for f in fs)

    def table_entries(self, kernel: str, family: str) -> list[int]:
        d = self.by_name.get(f"own_kernel_{kernel}")
        if d is None:
            return []
        out = []
        for fld in FAMILY_FIELDS[family]:
            t = self.slots.get(d + 8 * OWN_FIELDS.index(fld))
            f = self.func_at(t) if t is not None else None
            if f is not None:
                out.append(f)
        return out


def folder_functions(nm: str, objroot: Path, folder: str) -> set[tuple[str, int]]:
    """(name, size) of every function defined in a kernel folder's objects."""
    out = set()
    for o in sorted((objroot / folder).glob("*.o")):
        for line in run([nm, "-S", "--defined-only", str(o)]).splitlines():
            f = line.split()
            if len(f) == 4 and f[2] in "TtWw":
                out.add((f[3], int(f[1], 16)))
    return out


def kernel_names(img: Image) -> list[str]:
    return sorted(n[len("own_kernel_"):] for n in img.by_name
                  if n.startswith("own_kernel_") and n != "own_kernel_candidates"
                  and not n.startswith("own_kernel_n_") and img.by_name[n] in img.data)


def cmd_own(a) -> int:
    img = Image(a.so, a.objdump, a.nm, a.readelf)
    folders = dict(p.split("=", 1) for p in a.pairs)
    rows = []
    for k in kernel_names(img):
        own = set()
        folder = folders.get(k.replace("_", "-"), folders.get(k))
        if folder and a.objroot:
            own = folder_functions(a.nm, Path(a.objroot), folder)
        for fam in ("gcm", "xts"):
            ent = img.table_entries(k, fam)
            if not ent:
                continue
            fs = img.reach(ent, fam)
            itself = sum(img.funcs[f][1] for f in fs if img.funcs[f] in own)
            rows.append((k.replace("_", "-"), fam, img.total(fs), itself, len(fs)))
            if a.verbose:
                print(f"{k} {fam}: {img.total(fs)} bytes, {len(fs)} functions", file=sys.stderr)
                for f in sorted(fs, key=lambda f: -img.funcs[f][1]):
                    print(f"  {img.funcs[f][1]:7d} {img.funcs[f][0]}"
                          f"{'' if img.funcs[f] in own else '  (outside the folder)'}",
                          file=sys.stderr)
    print("/* generated by scripts/codesize.py: bytes of the functions reachable from each")
    print(" * own kernel's entry points, per algorithm family (see that script). */")
    print("#include <stddef.h>")
    print("struct own_codesize { const char *kernel, *family; size_t reachable, itself;"
          " unsigned functions; };")
    print("const struct own_codesize own_codesizes[] = {")
    for k, fam, tot, itself, n in rows:
        print(f'    {{"{k}", "{fam}", {tot}, {itself}, {n}}},')
    print("    {0, 0, 0, 0, 0}};")
    if not rows:
        print("codesize.py: no own_kernel_* table found in " + a.so, file=sys.stderr)
        return 1
    return 0


def cmd_reach(a) -> int:
    img = Image(a.file, a.objdump, a.nm, a.readelf)
    ent = []
    for s in a.syms:
        if s not in img.by_name or img.by_name[s] not in img.funcs:
            print(f"codesize.py: no function {s} in {a.file}", file=sys.stderr)
            return 1
        ent.append(img.by_name[s])
    fs = img.reach(ent, None)
    for f in sorted(fs, key=lambda f: img.funcs[f][0]):
        print(f"{img.funcs[f][1]:7d} {img.funcs[f][0]}")
    print(f"{img.total(fs):7d} total, {len(fs)} functions")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("own", "reach"):
        s = sub.add_parser(name)
        s.add_argument("--objdump", default="objdump")
        s.add_argument("--nm", default="nm")
        s.add_argument("--readelf", default="readelf")
        s.add_argument("-v", "--verbose", action="store_true")
    o = sub.choices["own"]
    o.add_argument("--so", required=True)
    o.add_argument("--objroot")
    o.add_argument("pairs", nargs="*", help="kernel=folder")
    r = sub.choices["reach"]
    r.add_argument("file")
    r.add_argument("syms", nargs="+")
    a = p.parse_args()
    return cmd_own(a) if a.cmd == "own" else cmd_reach(a)


if __name__ == "__main__":
    sys.exit(main())
