"""busy-check.py - print, as JSON, whether this host is busy: its 1-minute
load average per CPU and the other benchmark processes running on it (an
aeslab run or an aesbench anywhere on the machine, whoever started it).

Read-only.  The bench role compares the load with its threshold and applies
its policy (refuse or warn).
"""
import json
import os

me = os.getpid()
ancestors = set()
pid = me
while pid > 1:
    ancestors.add(pid)
    try:
        with open(f"/proc/{pid}/stat") as f:
            pid = int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        break

others = []
for name in os.listdir("/proc"):
    if not name.isdigit() or int(name) in ancestors:
        continue
    try:
        with open(f"/proc/{name}/cmdline", "rb") as f:
            argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        continue
    if not argv:
        continue
    prog = os.path.basename(argv[0])
    words = [os.path.basename(a) for a in argv[:3]]
    if prog == "aesbench" or ("aeslab" in words and "run" in argv[1:4]):
        others.append({"pid": int(name), "cmd": " ".join(argv)[:200]})

load1 = os.getloadavg()[0]
cpus = os.cpu_count() or 1
print(json.dumps({"load1": round(load1, 2), "cpus": cpus, "load_per_cpu": round(load1 / cpus, 3),
                  "others": others}))
