"""tuning-report.py CPU_SYSFS - print, as JSON, the settings of this host that
make benchmark numbers noisy, with a note for each one worth a look.

Read-only: it changes nothing.  Every value that cannot be read is recorded
as absent (null), never an error: VMs and containers hide most of this.
"""
import json
import os
import sys

cpu = sys.argv[1] if len(sys.argv) > 1 else "/sys/devices/system/cpu"


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def cpus():
    out = []
    try:
        names = os.listdir(cpu)
    except OSError:
        return out
    for n in names:
        if n.startswith("cpu") and n[3:].isdigit():
            out.append(int(n[3:]))
    return sorted(out)


governors = {}
for c in cpus():
    g = read(f"{cpu}/cpu{c}/cpufreq/scaling_governor")
    if g is not None:
        governors.setdefault(g, []).append(c)

boost = read(f"{cpu}/cpufreq/boost")
no_turbo = read(f"{cpu}/intel_pstate/no_turbo")
smt = read(f"{cpu}/smt/active")
paranoid = read("/proc/sys/kernel/perf_event_paranoid")
load1 = os.getloadavg()[0]
ncpu = os.cpu_count() or 1

notes = []
if not governors:
    notes.append("no cpufreq interface (usual in VMs): the clock is the hypervisor's; "
                 "the runner measures it for every point")
else:
    for g, cs in sorted(governors.items()):
        if g != "performance":
            notes.append(f"cpufreq governor '{g}' on {len(cs)} CPUs: 'performance' gives steadier numbers")
if boost == "1" or no_turbo == "0":
    notes.append("turbo/boost is on: clocks follow temperature and load; compare runs by the measured clock")
if smt == "1":
    notes.append("SMT is on: a busy sibling thread slows a benchmark thread; "
                 "multi-thread runs pin one thread per physical core first")
if paranoid is not None and paranoid.lstrip("-").isdigit() and int(paranoid) > 2 and os.geteuid() != 0:
    notes.append(f"perf_event_paranoid is {paranoid}: hardware counters are not readable by this user")
if load1 > 0.25 * ncpu:
    notes.append(f"load average {load1:.2f} on {ncpu} CPUs: something else is running")

print(json.dumps({
    "governors": governors or None,
    "boost": boost,
    "intel_no_turbo": no_turbo,
    "smt_active": smt,
    "perf_event_paranoid": paranoid,
    "load1": load1,
    "cpus": ncpu,
    "notes": notes,
}))
