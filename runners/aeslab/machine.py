"""Which machine measured a result: an identity from the hardware and the OS's
view of it, never from the host name alone (cloud fleets reuse host names;
a Zen 3 and a Zen 4 both called `vm` are two machines).

The fingerprint holds what decides speed: CPU vendor, family / model /
stepping (arm64: implementer / part / variant / revision), the ISA flags
the lab cares about, logical CPUs, cores, threads per core, sockets, memory
(whole GiB), and whether it is virtualised (and by what).  Microcode,
kernel, governor and host name are provenance of each run, not identity: a
microcode update does not make another machine.

The id is readable and stable: ``<generation>-<model>-<N>c-<vm|bm>-<hash>``,
e.g. ``zen4-epyc-2c-vm-1a2b3c4d``; the hash is the first 8 hex digits of the
SHA-256 of the canonical fingerprint, so identical hosts share an id and any
difference in the fingerprint makes a new one.  Each machine has
``results/<id>/machine.json``, written once (its fingerprint, and the
description of the first run that met it); runs name it in ``"machine"``.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Iterable

from .provenance import _int  # the same lenient int() as the fingerprint is read with

SCHEMA = "aeslab-machine/1"
MACHINE_FILE = "machine.json"

# the ISA flags that choose an implementation path here (cpuinfo names)
X86_FLAGS = ("aes", "pclmulqdq", "avx", "avx2", "bmi2", "adx", "movbe", "sha_ni", "gfni",
             "vaes", "vpclmulqdq", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512vbmi",
             "avx512_vbmi2", "avx512ifma", "avx10")
ARM_FLAGS = ("asimd", "aes", "pmull", "sha1", "sha2", "sha3", "sha512", "sve", "sve2",
             "sveaes", "svepmull")

# ISA paths of the harness -> the flags a machine must have to run them
ISA_NEEDS = {"vaes512": {"vaes", "vpclmulqdq", "avx512f"}, "avx512": {"avx512f"},
             "vaes256": {"vaes", "vpclmulqdq"}, "vaes256-avx2": {"vaes", "avx2"},
             "aesni-avx2": {"aes", "avx2"}, "aesni-avx": {"aes", "avx"}, "aesni": {"aes"},
             "armv8-ce": {"aes", "pmull"}}


class MachineError(Exception):
    """A machine.json that cannot be used; the message names the file."""


def _gen_amd(family: int, model: int) -> str | None:
    if family == 0x17:
        return "zen2" if model >= 0x30 else "zen1"
    if family == 0x19:
        if 0x10 <= model <= 0x1f or 0x60 <= model <= 0x7f or 0xa0 <= model <= 0xaf:
            return "zen4"
        return "zen3"
    if family == 0x1a:
        return "zen5"
    return None


_INTEL = {0x3f: "hsw", 0x4f: "bdw", 0x55: "skx", 0x6a: "icx", 0x6c: "icx", 0x7d: "icl",
          0x7e: "icl", 0x8c: "tgl", 0x8d: "tgl", 0x8f: "spr", 0x97: "adl", 0x9a: "adl",
          0xad: "gnr", 0xae: "gnr", 0xb7: "rpl", 0xba: "rpl", 0xbf: "rpl", 0xcf: "emr",
          0x8e: "kbl", 0x9e: "cfl", 0xaa: "mtl", 0xc6: "arl"}
_ARM = {(0x41, 0xd0c): "neoverse-n1", (0x41, 0xd40): "neoverse-v1", (0x41, 0xd49): "neoverse-n2",
        (0x41, 0xd4f): "neoverse-v2", (0x41, 0xd8e): "neoverse-n3", (0x41, 0xd84): "neoverse-v3",
        (0xc0, 0xac3): "ampere1", (0xc0, 0xac4): "ampere1a", (0x61, None): "apple"}
GEN_LABEL = {"zen1": "Zen 1", "zen2": "Zen 2", "zen3": "Zen 3", "zen4": "Zen 4", "zen5": "Zen 5"}


def generation(fp: dict) -> str:
    """A short name of the core generation, from vendor + family + model where known."""
    v = fp.get("vendor") or ""
    fam, model = fp.get("family"), fp.get("model")
    if v == "AuthenticAMD" and isinstance(fam, int) and isinstance(model, int):
        g = _gen_amd(fam, model)
        if g:
            return g
    if v == "GenuineIntel" and fam == 6 and model in _INTEL:
        return _INTEL[model]
    if fp.get("implementer") is not None:
        imp, part = _int(fp.get("implementer")), _int(fp.get("part"))
        return _ARM.get((imp, part)) or _ARM.get((imp, None)) or f"arm-{imp or 0:x}-{part or 0:x}"
    short = {"AuthenticAMD": "amd", "GenuineIntel": "intel", "HygonGenuine": "hygon"}.get(v, "cpu")
    if isinstance(fam, int) and isinstance(model, int):
        return f"{short}-f{fam:x}m{model:x}"
    return short


_MODEL_WORDS = ("epyc", "threadripper", "ryzen", "xeon", "core", "atom", "graviton", "neoverse",
                "ampere", "altra", "kunpeng")


def model_word(model_name: str | None) -> str:
    name = (model_name or "").lower()
    return next((w for w in _MODEL_WORDS if w in name), "cpu")


def fingerprint(prov: dict) -> dict:
    """The identity of the machine that recorded this provenance."""
    cpu = prov.get("cpu") or {}
    arch = cpu.get("arch")
    flags = set(cpu.get("flags") or [])
    arm = arch in ("aarch64", "arm64")
    fp: dict[str, Any] = {"arch": arch, "vendor": cpu.get("vendor")}
    if arm:
        for k in ("implementer", "part", "variant", "revision"):
            fp[k] = cpu.get(k)
    else:
        for k in ("family", "model", "stepping"):
            fp[k] = cpu.get(k)
    fp["isa"] = sorted(flags & set(ARM_FLAGS if arm else X86_FLAGS))
    for k in ("logical_cpus", "physical_cores", "threads_per_core", "packages"):
        fp[k] = cpu.get(k)
    kb = ((prov.get("os") or {}).get("mem_total_kb"))
    fp["mem_gib"] = round(kb / 1048576) if isinstance(kb, (int, float)) and kb > 0 else None
    virt = prov.get("virtualization") or {}
    fp["virtualized"] = bool(virt.get("virtualized"))
    fp["hypervisor"] = virt.get("hypervisor") if fp["virtualized"] else None
    return fp


def digest(fp: dict) -> str:
    return hashlib.sha256(json.dumps(fp, sort_keys=True, separators=(",", ":"))
                          .encode()).hexdigest()[:8]


def machine_id(fp: dict, model_name: str | None = None) -> str:
    n = fp.get("logical_cpus")
    return (f"{generation(fp)}-{model_word(model_name)}-{n if n else 'x'}c-"
            f"{'vm' if fp.get('virtualized') else 'bm'}-{digest(fp)}")


def id_of(prov: dict) -> str:
    return machine_id(fingerprint(prov), (prov.get("cpu") or {}).get("model_name"))


def label(fp: dict, model_name: str | None = None) -> str:
    """A readable name: 'AMD EPYC (Zen 4), 2 CPUs, VM'."""
    name = (model_name or "").strip() or fp.get("arch") or "unknown CPU"
    gen = GEN_LABEL.get(generation(fp))
    if gen and gen not in name:
        name = f"{name} ({gen})"
    bits = [name]
    if fp.get("logical_cpus"):
        bits.append(f"{fp['logical_cpus']} CPUs")
    if fp.get("virtualized"):
        bits.append("VM")
    return ", ".join(bits)


def document(prov: dict, created: str, source: str) -> dict:
    """machine.json for the machine of this provenance."""
    fp = fingerprint(prov)
    cpu = prov.get("cpu") or {}
    desc_cpu = {k: cpu.get(k) for k in ("model_name", "flags", "caches", "numa_nodes", "lscpu",
                                        "smt")
                if k in cpu}
    return {"schema": SCHEMA, "id": machine_id(fp, cpu.get("model_name")),
            "label": label(fp, cpu.get("model_name")), "generation": generation(fp),
            "fingerprint": fp, "first_seen": created, "first_host": prov.get("host"),
            "source": source,
            "description": {"cpu": desc_cpu, "virtualization": prov.get("virtualization"),
                            "cloud": prov.get("cloud")}}


def load(path: Path) -> dict:
    """A machine.json, checked: valid JSON, the schema's keys, and an id that
    matches its fingerprint and its folder (a hand edit shows)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise MachineError(f"{path}: missing (every machine folder has one)") from None
    except (OSError, ValueError) as e:
        raise MachineError(f"{path}: not valid JSON ({e}); a truncated file?") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise MachineError(f"{path}: not a machine file (\"schema\": \"{SCHEMA}\" expected)")
    fp = doc.get("fingerprint")
    if not isinstance(fp, dict) or not isinstance(doc.get("id"), str):
        raise MachineError(f"{path}: no fingerprint or id")
    want = machine_id(fp, (doc.get("description") or {}).get("cpu", {}).get("model_name"))
    if doc["id"] != want:
        raise MachineError(f"{path}: id {doc['id']!r} does not match its fingerprint ({want}); "
                           "edited by hand?")
    if path.parent.name != doc["id"]:
        raise MachineError(f"{path}: in folder {path.parent.name!r}, but its id is {doc['id']!r}")
    return doc


def ensure(results: Path, prov: dict, created: str, source: str) -> tuple[Path, dict]:
    """The folder of this provenance's machine under results/, with its
    machine.json written if it is the first run there (never rewritten)."""
    from .store import write_json_atomic
    doc = document(prov, created, source)
    folder = Path(results) / doc["id"]
    path = folder / MACHINE_FILE
    if path.exists():
        old = load(path)
        if old["fingerprint"] != doc["fingerprint"]:  # a hash collision: never merge
            raise MachineError(f"{path}: another machine has this id; refusing to merge")
        return folder, old
    folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, doc)
    return folder, doc


def machines(results: Path) -> dict[str, Path]:
    """{machine id: folder} of the machine folders under results/."""
    return {p.parent.name: p.parent for p in sorted(Path(results).glob(f"*/{MACHINE_FILE}"))}


def needed_flags(isas: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for i in isas:
        out |= ISA_NEEDS.get(i, set())
    return out


