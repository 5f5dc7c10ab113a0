"""Provenance: everything needed to compare a result months later, on
another machine of the fleet.

Read from /proc, /sys, uname, lscpu, systemd-detect-virt, readelf and git
(read-only: `git --no-optional-locks`).  Nothing here touches the network:
the cloud instance type comes from DMI (/sys/class/dmi/id) only, never from a
metadata service.  What cannot be found is recorded as null with the reason
under "absent"; a missing source is never an error.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import __version__, paths

SYS = Path("/sys")
PROC = Path("/proc")

# kernel parameters that change benchmark results (the rest of the command
# line is the boot environment's business and is not recorded)
KERNEL_PARAMS = ("mitigations", "isolcpus", "nohz_full", "rcu_nocbs", "intel_pstate",
                 "amd_pstate", "processor.max_cstate", "intel_idle.max_cstate", "idle", "nosmt",
                 "tsc", "clocksource", "transparent_hugepage", "nopti", "spectre_v2", "retbleed",
                 "spec_rstack_overflow", "cpufreq.default_governor")


class Absent:
    """Collects reasons for missing fields."""

    def __init__(self):
        self.reasons: dict[str, str] = {}

    def note(self, key: str, why: str) -> None:
        self.reasons[key] = why


def _read(p: Path) -> str | None:
    try:
        return p.read_text(errors="replace").strip()
    except OSError:
        return None


def _cmd(args: list[str], timeout: float = 20, cwd: Path | None = None) -> str | None:
    if not shutil.which(args[0]):
        return None
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return p.stdout if p.returncode == 0 else None


def sha256(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


# ---- CPU ------------------------------------------------------------------------------

def _cpuinfo() -> list[dict[str, str]]:
    text = _read(PROC / "cpuinfo") or ""
    cpus, cur = [], {}
    for line in text.splitlines():
        if not line.strip():
            if cur:
                cpus.append(cur)
            cur = {}
            continue
        k, _, v = line.partition(":")
        cur[k.strip()] = v.strip()
    if cur:
        cpus.append(cur)
    return cpus


def _lscpu() -> dict[str, str]:
    out = _cmd(["lscpu", "-J"])
    if not out:
        return {}
    try:
        rows = json.loads(out).get("lscpu", [])
    except ValueError:
        return {}
    flat: dict[str, str] = {}

    def walk(rs):
        for r in rs:
            flat[r.get("field", "").rstrip(":")] = r.get("data")
            walk(r.get("children", []))
    walk(rows)
    return flat


def _int(x: Any) -> int | None:
    try:
        return int(str(x), 0)
    except (TypeError, ValueError):
        return None


def cpu_info(ab: Absent) -> dict:
    infos = _cpuinfo()
    c0 = infos[0] if infos else {}
    ls = _lscpu()
    arch = platform.machine()
    cpu: dict[str, Any] = {
        "arch": arch,
        "vendor": c0.get("vendor_id") or ls.get("Vendor ID"),
        "model_name": c0.get("model name") or ls.get("Model name"),
        "family": _int(c0.get("cpu family") or ls.get("CPU family")),
        "model": _int(c0.get("model") or ls.get("Model")),
        "stepping": _int(c0.get("stepping") or ls.get("Stepping")),
        "microcode": c0.get("microcode"),
        "flags": sorted((c0.get("flags") or c0.get("Features") or ls.get("Flags") or "").split()),
        "logical_cpus": os.cpu_count(),
        "online": _read(SYS / "devices/system/cpu/online"),
        "affinity": sorted(os.sched_getaffinity(0)),
    }
    if arch in ("aarch64", "arm64"):  # arm64 /proc/cpuinfo names the core by implementer/part
        cpu["implementer"] = c0.get("CPU implementer")
        cpu["part"] = c0.get("CPU part")
        cpu["variant"] = c0.get("CPU variant")
        cpu["revision"] = c0.get("CPU revision")
        cpu["vendor"] = cpu["vendor"] or ls.get("Vendor ID")
    for k in ("vendor", "model_name", "family", "model", "stepping", "microcode"):
        if cpu.get(k) in (None, ""):
            cpu[k] = None
            ab.note(f"cpu.{k}", "not in /proc/cpuinfo or lscpu")
    if not cpu["flags"]:
        ab.note("cpu.flags", "not in /proc/cpuinfo")
    # topology: cores, SMT, packages from sysfs
    cores, pkgs, sib = set(), set(), {}
    cpu_dirs = sorted((SYS / "devices/system/cpu").glob("cpu[0-9]*"))
    for d in cpu_dirs:
        n = int(d.name[3:])
        pkg = _read(d / "topology/physical_package_id")
        core = _read(d / "topology/core_id")
        if pkg is None or core is None:
            continue
        pkgs.add(pkg)
        cores.add((pkg, core))
        sib[n] = _read(d / "topology/thread_siblings_list")
    cpu["packages"] = len(pkgs) or _int(ls.get("Socket(s)"))
    cpu["physical_cores"] = len(cores) or None
    cpu["threads_per_core"] = _int(ls.get("Thread(s) per core"))
    if cpu["physical_cores"] and os.cpu_count():
        cpu["threads_per_core"] = cpu["threads_per_core"] or max(1, os.cpu_count() // cpu["physical_cores"])
    if not cpu["physical_cores"]:
        ab.note("cpu.physical_cores", "no /sys/devices/system/cpu/cpu*/topology")
    cpu["siblings"] = sib
    smt_active = _read(SYS / "devices/system/cpu/smt/active")
    cpu["smt"] = {"active": smt_active == "1" if smt_active is not None else None,
                  "control": _read(SYS / "devices/system/cpu/smt/control")}
    if smt_active is None:
        ab.note("cpu.smt.active", "no /sys/devices/system/cpu/smt")
    # caches (cpu0's view, plus who shares each)
    caches = []
    for idx in sorted((SYS / "devices/system/cpu/cpu0/cache").glob("index*")):
        caches.append({"level": _int(_read(idx / "level")), "type": _read(idx / "type"),
                       "size": _read(idx / "size"), "line": _int(_read(idx / "coherency_line_size")),
                       "ways": _int(_read(idx / "ways_of_associativity")),
                       "shared_cpu_list": _read(idx / "shared_cpu_list")})
    cpu["caches"] = caches
    if not caches:
        ab.note("cpu.caches", "no /sys/devices/system/cpu/cpu0/cache")
    # NUMA
    nodes = []
    for nd in sorted((SYS / "devices/system/node").glob("node[0-9]*")):
        mem = _read(nd / "meminfo") or ""
        m = re.search(r"MemTotal:\s+(\d+) kB", mem)
        nodes.append({"node": int(nd.name[4:]), "cpus": _read(nd / "cpulist"),
                      "mem_total_kb": int(m.group(1)) if m else None})
    cpu["numa_nodes"] = nodes
    if not nodes:
        ab.note("cpu.numa_nodes", "no /sys/devices/system/node")
    cpu["lscpu"] = {k: ls[k] for k in ("L1d cache", "L1i cache", "L2 cache", "L3 cache",
                                        "BogoMIPS", "CPU max MHz", "CPU min MHz")
                    if ls.get(k)}
    return cpu


# ---- virtualisation and cloud ----------------------------------------------------------------

DMI_FIELDS = ("sys_vendor", "product_name", "product_version", "product_family", "board_vendor",
              "board_name", "chassis_vendor", "chassis_asset_tag", "bios_vendor", "bios_version")

# product_name values that name the platform rather than an instance type
_GENERIC_PRODUCTS = re.compile(r"^(standard pc|virtual machine|kvm|bochs|vmware|virtualbox|"
                               r"google compute engine|hvm domu|openstack|none|to be filled|"
                               r"system product name|default string)", re.I)


def virt_info(ab: Absent) -> dict:
    flags = (_cpuinfo() or [{}])[0].get("flags", "").split()
    ls = _lscpu()
    detect = _cmd(["systemd-detect-virt"])
    vm = _cmd(["systemd-detect-virt", "--vm"])
    ct = _cmd(["systemd-detect-virt", "--container"])
    hv_type = _read(SYS / "hypervisor/type")
    v = {
        "virtualized": ("hypervisor" in flags) or bool(vm and vm.strip() != "none") or None,
        "hypervisor": ls.get("Hypervisor vendor") or hv_type or (vm.strip() if vm and vm.strip() != "none" else None),
        "virtualization_type": ls.get("Virtualization type"),
        "cpuid_hypervisor_bit": "hypervisor" in flags if flags else None,
        "container": ct.strip() if ct and ct.strip() != "none" else None,
        "systemd_detect_virt": detect.strip() if detect else None,
    }
    if v["virtualized"] is None:
        v["virtualized"] = False if flags else None
    if v["virtualized"] and not v["hypervisor"]:
        ab.note("virt.hypervisor", "virtualised, but lscpu, /sys/hypervisor and systemd-detect-virt "
                "do not name the hypervisor")
    if detect is None:
        ab.note("virt.systemd_detect_virt", "systemd-detect-virt not installed or failed")
    return v


def cloud_info(ab: Absent) -> dict:
    dmi_dir = SYS / "class/dmi/id"
    dmi = {f: _read(dmi_dir / f) for f in DMI_FIELDS}
    dmi = {k: v for k, v in dmi.items() if v}
    c: dict[str, Any] = {"dmi": dmi or None, "instance_type": None, "instance_type_source": None,
                         "metadata_service": "never contacted"}
    if not dmi:
        ab.note("cloud.dmi", "no /sys/class/dmi/id (containers and some VMs hide it)")
        ab.note("cloud.instance_type", "no DMI data")
        return c
    vendor = (dmi.get("sys_vendor") or "") + " " + (dmi.get("board_vendor") or "")
    prod = dmi.get("product_name") or ""
    if re.search(r"amazon", vendor, re.I) and prod and not _GENERIC_PRODUCTS.match(prod):
        c["instance_type"], c["instance_type_source"] = prod, "dmi product_name (AWS)"
    elif prod and re.fullmatch(r"[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+", prod):
        c["instance_type"], c["instance_type_source"] = prod, "dmi product_name"
    else:
        ab.note("cloud.instance_type", "DMI does not name an instance type "
                f"(product_name {prod!r})")
    c["provider_hint"] = next((n for pat, n in ((r"amazon", "aws"), (r"google", "gcp"),
                                                (r"microsoft", "azure"), (r"alibaba", "alibaba"),
                                                (r"oracle", "oci"), (r"hetzner", "hetzner"))
                               if re.search(pat, vendor + " " + prod, re.I)), None)
    return c


# ---- OS, power, clocks ---------------------------------------------------------------------

def os_info(ab: Absent) -> dict:
    u = os.uname()
    osr = _read(Path("/etc/os-release")) or ""
    m = re.search(r'^PRETTY_NAME="?([^"\n]*)"?', osr, re.M)
    cmdline = (_read(PROC / "cmdline") or "").split()
    params = {}
    for tok in cmdline:
        k, _, val = tok.partition("=")
        if k in KERNEL_PARAMS:
            params[k] = val if val else True
    meminfo = _read(PROC / "meminfo") or ""
    mt = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    thp = _read(SYS / "kernel/mm/transparent_hugepage/enabled")
    vulns = {}
    for f in sorted((SYS / "devices/system/cpu/vulnerabilities").glob("*")):
        vulns[f.name] = _read(f)
    d = {
        "kernel": u.release, "kernel_version": u.version, "machine": u.machine,
        "distro": m.group(1) if m else None,
        "kernel_params": params,
        "mem_total_kb": int(mt.group(1)) if mt else None,
        "transparent_hugepage": thp,
        "perf_event_paranoid": _int(_read(PROC / "sys/kernel/perf_event_paranoid")),
        "cpu_vulnerabilities": vulns or None,
    }
    if not m:
        ab.note("os.distro", "no /etc/os-release")
    return d


def power_info(ab: Absent) -> dict:
    cf = SYS / "devices/system/cpu/cpu0/cpufreq"
    p: dict[str, Any] = {"cpufreq": cf.is_dir()}
    if cf.is_dir():
        p.update({
            "driver": _read(cf / "scaling_driver"),
            "governor": _read(cf / "scaling_governor"),
            "scaling_min_khz": _int(_read(cf / "scaling_min_freq")),
            "scaling_max_khz": _int(_read(cf / "scaling_max_freq")),
            "cpuinfo_min_khz": _int(_read(cf / "cpuinfo_min_freq")),
            "cpuinfo_max_khz": _int(_read(cf / "cpuinfo_max_freq")),
            "energy_performance_preference": _read(cf / "energy_performance_preference"),
        })
        govs = {}
        for d in sorted((SYS / "devices/system/cpu").glob("cpu[0-9]*")):
            g = _read(d / "cpufreq/scaling_governor")
            if g:
                govs[d.name] = g
        p["governors"] = govs
    else:
        for k in ("driver", "governor"):
            p[k] = None
            ab.note(f"power.{k}", "no cpufreq interface (/sys/devices/system/cpu/cpu0/cpufreq): "
                    "a virtual machine or container, frequency is the host's business")
    boost = _read(SYS / "devices/system/cpu/cpufreq/boost")
    no_turbo = _read(SYS / "devices/system/cpu/intel_pstate/no_turbo")
    if boost is not None:
        p["boost"] = boost == "1"
    elif no_turbo is not None:
        p["boost"] = no_turbo == "0"
    else:
        p["boost"] = None
        ab.note("power.boost", "neither cpufreq/boost nor intel_pstate/no_turbo exists")
    p["cpuidle_driver"] = _read(SYS / "devices/system/cpu/cpuidle/current_driver")
    return p


def clock_info(clock: dict | None, ab: Absent) -> dict:
    flags = (_cpuinfo() or [{}])[0].get("flags", "").split()
    c = dict(clock or {})
    c["clocksource"] = _read(SYS / "devices/system/clocksource/clocksource0/current_clocksource")
    c["tsc_flags"] = [f for f in ("constant_tsc", "nonstop_tsc", "tsc_known_freq", "tsc_reliable")
                      if f in flags]
    if not clock or "error" in (clock or {}):
        ab.note("clock", "aesbench clock did not answer: " + str((clock or {}).get("error")))
    if clock and not clock.get("counters"):
        ab.note("counters", "no hardware counters: " + (clock.get("note") or "unknown"))
    return c


# ---- build ---------------------------------------------------------------------------------

def producers(path: Path, limit: int = 12) -> list[str]:
    """Compiler and flags of each compilation unit (DW_AT_producer)."""
    out = _cmd(["readelf", "--debug-dump=info", "--dwarf-depth=1", str(path)], timeout=60)
    seen: list[str] = []
    for line in (out or "").splitlines():
        if "DW_AT_producer" in line:
            val = line.split("DW_AT_producer", 1)[1].strip().lstrip(":").strip()
            if val.startswith("(indirect"):  # "(indirect string, offset: 0x39): GNU C11 ..."
                val = val.split("): ", 1)[-1]
            if val not in seen:
                seen.append(val)
                if len(seen) >= limit:
                    break
    return seen


def elf_comment(path: Path) -> list[str]:
    out = _cmd(["readelf", "-p", ".comment", str(path)], timeout=30) or ""
    res = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*[0-9a-f]+\]\s+(.*)", line)
        if m and m.group(1) not in res:
            res.append(m.group(1))
    return res


def build_info(exe: Path, plugin_files: list[Path], ab: Absent) -> dict:
    cc = os.environ.get("CC", "gcc")
    ver = _cmd([cc, "--version"])
    b: dict[str, Any] = {
        "cc": cc, "cc_version": ver.splitlines()[0] if ver else None,
        "aesbench": {"path": str(exe), "sha256": sha256(exe), "producers": producers(exe)},
        "plugins": [],
    }
    if not ver:
        ab.note("build.cc_version", f"{cc} --version failed")
    for p in plugin_files:
        b["plugins"].append({"file": p.name, "sha256": sha256(p), "bytes": p.stat().st_size,
                             "producers": producers(p), "comment": elf_comment(p)})
    if not shutil.which("readelf"):
        ab.note("build.producers", "readelf not installed (binutils): compiler flags unknown")
    return b


def git_info(ab: Absent) -> dict:
    root = paths.root()
    g: dict[str, Any] = {"commit": None, "dirty": None}
    head = _cmd(["git", "-C", str(root), "rev-parse", "HEAD"])
    if not head:
        ab.note("git", "not a git checkout, or git missing")
        return g
    g["commit"] = head.strip()
    st = _cmd(["git", "--no-optional-locks", "-C", str(root), "status", "--porcelain",
               "--untracked-files=no"])
    if st is None:
        ab.note("git.dirty", "git status failed")
    else:
        changed = [l[3:] for l in st.splitlines() if l.strip()]
        g["dirty"] = bool(changed)
        g["changed_files"] = changed[:200]
    br = _cmd(["git", "-C", str(root), "rev-parse", "--abbrev-ref", "HEAD"])
    g["branch"] = br.strip() if br else None
    return g


def python_info() -> dict:
    from importlib import metadata
    vers = {}
    for dist in ("rich", "jsonschema", "PyYAML", "cryptography", "cryptography-vectors"):
        try:
            vers[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            vers[dist] = None
    return {"python": sys.version.split()[0], "aeslab": __version__, "modules": vers}


def libraries(impls: list[dict]) -> list[dict]:
    """Every implementation's library and exact version, from the harness."""
    keep = ("name", "alg", "library", "version", "isa", "plugin", "supported", "ops", "code_bytes",
            "note")
    return [{k: r.get(k) for k in keep if k != "ops" or "ops" in r} for r in impls]


def collect(exe: Path, plugin_files: list[Path], impls: list[dict], problems: list[dict],
            clock: dict | None, argv: list[str]) -> dict:
    ab = Absent()
    prov = {
        "host": paths.host(),
        "cpu": cpu_info(ab),
        "virtualization": virt_info(ab),
        "cloud": cloud_info(ab),
        "os": os_info(ab),
        "power": power_info(ab),
        "clock": clock_info(clock, ab),
        "build": build_info(exe, plugin_files, ab),
        "libraries": libraries(impls),
        "plugins_left_out": problems,
        "git": git_info(ab),
        "python": python_info(),
        "command": {"argv": list(argv), "cwd": os.getcwd(),
                    "env": {k: v for k, v in sorted(os.environ.items())
                            if k.startswith("AESLAB_") or k in ("OPENSSL_ia32cap", "CC", "CFLAGS")}},
        "load_average": list(os.getloadavg()),
    }
    prov["absent"] = ab.reasons
    return prov


def machine_only() -> dict:
    """What identifies the machine (machine.py), without the build, git and
    library parts: for records that need their machine but not a run's
    provenance (`aeslab pipes`)."""
    ab = Absent()
    prov = {"host": paths.host(), "cpu": cpu_info(ab), "virtualization": virt_info(ab),
            "cloud": cloud_info(ab), "os": os_info(ab)}
    prov["absent"] = ab.reasons
    return prov


# fields whose change between sessions of one run is worth a warning; a
# change of CPU model makes a resume meaningless and is refused
HARD = ("cpu.vendor", "cpu.model_name", "cpu.family", "cpu.model", "cpu.stepping", "host")
SOFT = ("cpu.microcode", "os.kernel", "git.commit", "git.dirty", "build.aesbench.sha256",
        "power.governor", "power.boost", "clock.cycle_source")


def _get(d: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(d, dict):
            return None
        d = d.get(part)
    return d


def diff(old: dict, new: dict) -> tuple[dict, dict]:
    hard = {k: [_get(old, k), _get(new, k)] for k in HARD if _get(old, k) != _get(new, k)}
    soft = {k: [_get(old, k), _get(new, k)] for k in SOFT if _get(old, k) != _get(new, k)}
    ol = {(r["name"], r["alg"]): r.get("version") for r in old.get("libraries", [])}
    nl = {(r["name"], r["alg"]): r.get("version") for r in new.get("libraries", [])}
    for k in sorted(set(ol) | set(nl)):
        if ol.get(k) != nl.get(k):
            soft[f"libraries.{k[0]}.{k[1]}"] = [ol.get(k), nl.get(k)]
    return hard, soft
