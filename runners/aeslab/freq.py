"""Setting the core frequency for a sweep, and always putting it back.

Where the kernel exposes cpufreq and we may write it (root), a level is
applied to the CPUs the run uses: `max`/`min` pin scaling_min_freq and
scaling_max_freq to the hardware limits, `2.0GHz` pins both to that value
(cpupower does the same writes; it is used when installed, and
likwid-setFrequencies otherwise, else the sysfs files are written directly).
A governor or boost setting is applied the same way.

The settings found before the run are saved to a file beside the run lock
before anything changes, restored at the end, on Ctrl-C and on SIGTERM, and
restored by the next aeslab command if this one died by SIGKILL or a power
cut.  Where frequency cannot be set (a VM or container without cpufreq, or
not root), the run says so in one line and records the measured clock only.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from . import paths


class FreqControl:
    def __init__(self, cpus: list[int], sysfs: Path | None = None,
                 state_file: Path | None = None, use_tools: bool = True):
        self.cpus = sorted(cpus)
        self.sys = Path(sysfs or "/sys") / "devices/system/cpu"
        self.state_file = Path(state_file or (str(paths.lock_path()) + ".freq.json"))
        self.use_tools = use_tools and sysfs is None
        self.saved: dict | None = None

    # -- capability ----------------------------------------------------------------

    def _cf(self, cpu: int) -> Path:
        return self.sys / f"cpu{cpu}" / "cpufreq"

    def permitted(self) -> tuple[bool, str]:
        cf = self._cf(self.cpus[0] if self.cpus else 0)
        if not cf.is_dir():
            return False, (f"no cpufreq interface ({cf}): this looks like a VM or container; "
                           "the host sets the clock")
        for f in ("scaling_min_freq", "scaling_max_freq"):
            if not os.access(cf / f, os.W_OK):
                return False, f"{cf / f} is not writable (run as root to set frequencies)"
        tool = ("cpupower" if self.use_tools and shutil.which("cpupower") else
                "likwid-setFrequencies" if self.use_tools and shutil.which("likwid-setFrequencies")
                else "sysfs")
        return True, f"cpufreq driver {self._read(cf / 'scaling_driver')}, via {tool}"

    @staticmethod
    def _read(p: Path) -> str | None:
        try:
            return p.read_text().strip()
        except OSError:
            return None

    def _write(self, p: Path, v: str) -> None:
        p.write_text(v)

    # -- save / restore ---------------------------------------------------------------

    def snapshot(self) -> dict:
        snap = {"cpus": {}, "boost": None, "no_turbo": None}
        for c in self.cpus:
            cf = self._cf(c)
            snap["cpus"][str(c)] = {k: self._read(cf / k) for k in
                                    ("scaling_min_freq", "scaling_max_freq", "scaling_governor")}
        snap["boost"] = self._read(self.sys / "cpufreq/boost")
        snap["no_turbo"] = self._read(self.sys / "intel_pstate/no_turbo")
        return snap

    def save(self) -> None:
        """Before the first change: the state file is what a later run uses
        to undo a run that was killed."""
        if self.saved is not None:
            return
        self.saved = self.snapshot()
        tmp = self.state_file.with_name(self.state_file.name + ".tmp")
        tmp.write_text(json.dumps(self.saved))
        os.replace(tmp, self.state_file)

    def restore(self) -> None:
        if self.saved is None:
            return
        self._apply_snapshot(self.saved)
        self.saved = None
        try:
            self.state_file.unlink()
        except FileNotFoundError:
            pass

    def _apply_snapshot(self, snap: dict) -> None:
        for c, vals in snap.get("cpus", {}).items():
            cf = self._cf(int(c))
            gov = vals.get("scaling_governor")
            if gov:
                self._try(cf / "scaling_governor", gov)
            lo, hi = vals.get("scaling_min_freq"), vals.get("scaling_max_freq")
            # widen first so that min <= max holds after every single write
            if hi:
                self._try(cf / "scaling_max_freq", self._read(cf / "cpuinfo_max_freq") or hi)
            if lo:
                self._try(cf / "scaling_min_freq", lo)
            if hi:
                self._try(cf / "scaling_max_freq", hi)
        if snap.get("boost") is not None:
            self._try(self.sys / "cpufreq/boost", snap["boost"])
        if snap.get("no_turbo") is not None:
            self._try(self.sys / "intel_pstate/no_turbo", snap["no_turbo"])

    def _try(self, p: Path, v: str) -> None:
        try:
            self._write(p, v)
        except OSError:
            pass

    def recover(self) -> str | None:
        """Undo a previous run that died with settings changed."""
        if not self.state_file.exists():
            return None
        try:
            snap = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        self._apply_snapshot(snap)
        self.state_file.unlink(missing_ok=True)
        return "a previous run died while frequency settings were changed; restored them"

    # -- apply a level ------------------------------------------------------------------

    def apply(self, level: str, governor: str = "", boost: str = "") -> None:
        if level == "as-is" and not governor and not boost:
            return
        self.save()
        if boost:
            on = boost == "on"
            if (self.sys / "cpufreq/boost").exists():
                self._write(self.sys / "cpufreq/boost", "1" if on else "0")
            elif (self.sys / "intel_pstate/no_turbo").exists():
                self._write(self.sys / "intel_pstate/no_turbo", "0" if on else "1")
        for c in self.cpus:
            cf = self._cf(c)
            if governor:
                self._write(cf / "scaling_governor", governor)
            if level == "as-is":
                continue
            lo_hw = int(self._read(cf / "cpuinfo_min_freq") or 0)
            hi_hw = int(self._read(cf / "cpuinfo_max_freq") or 0)
            if level == "max":
                khz = hi_hw
            elif level == "min":
                khz = lo_hw
            else:
                khz = int(round(float(level.removesuffix("GHz")) * 1e6))
                if hi_hw and not lo_hw <= khz <= hi_hw:
                    raise ValueError(f"{level} is outside this CPU's range "
                                     f"{lo_hw / 1e6:g}..{hi_hw / 1e6:g} GHz")
            if self.use_tools and shutil.which("cpupower"):
                subprocess.run(["cpupower", "-c", str(c), "frequency-set", "-d", f"{khz}kHz",
                                "-u", f"{khz}kHz"], check=True, capture_output=True)
            elif self.use_tools and shutil.which("likwid-setFrequencies"):
                subprocess.run(["likwid-setFrequencies", "-c", str(c), "-f", f"{khz / 1e6:g}"],
                               check=True, capture_output=True)
            else:
                # widen, then narrow: the kernel rejects min > max at every step
                self._write(cf / "scaling_max_freq", str(hi_hw or khz))
                self._write(cf / "scaling_min_freq", str(khz))
                self._write(cf / "scaling_max_freq", str(khz))
