#!/usr/bin/env bash
# freq-state.sh save|changed|restore FILE [CPU_SYSFS]
#
# The bench role's guarantee that a run never leaves a frequency setting
# changed, whatever happens to it (the runner restores what it sets, but a
# SIGKILL, a timeout or a crash of the host gives it no chance):
#   save     record every cpufreq / boost / P-state setting this host exposes
#            in FILE ("path<TAB>value" lines); an empty FILE when there are
#            none (VMs).  Needs no privilege: the settings are world-readable.
#   changed  print the settings whose value now differs from FILE; exit 0.
#   restore  write back every setting that differs (needs root), then check;
#            exit 1 when one could not be put back.
# CPU_SYSFS defaults to /sys/devices/system/cpu (the test points it at a copy).
set -euo pipefail
cmd=${1:?usage: freq-state.sh save|changed|restore FILE [CPU_SYSFS]}
file=${2:?usage: freq-state.sh save|changed|restore FILE [CPU_SYSFS]}
sys=${3:-/sys/devices/system/cpu}

settings() {
  local f
  for f in "$sys"/cpu[0-9]*/cpufreq/scaling_governor \
           "$sys"/cpu[0-9]*/cpufreq/scaling_max_freq \
           "$sys"/cpu[0-9]*/cpufreq/scaling_min_freq \
           "$sys"/cpu[0-9]*/cpufreq/energy_performance_preference \
           "$sys"/cpufreq/boost \
           "$sys"/intel_pstate/no_turbo "$sys"/intel_pstate/max_perf_pct "$sys"/intel_pstate/min_perf_pct; do
    [ -r "$f" ] || continue
    printf '%s\t%s\n' "${f#"$sys"/}" "$(cat "$f" 2>/dev/null || true)"
  done
}

changed() {
  local path want have
  [ -f "$file" ] || return 0
  while IFS=$'\t' read -r path want; do
    [ -n "$path" ] || continue
    have=$(cat "$sys/$path" 2>/dev/null || echo '?')
    [ "$have" = "$want" ] || printf '%s\t%s\t%s\n' "$path" "$have" "$want"
  done < "$file"
}

case $cmd in
  save)
    mkdir -p "$(dirname "$file")"
    settings > "$file.tmp"
    mv "$file.tmp" "$file"
    echo "saved $(wc -l < "$file") frequency settings"
    ;;
  changed)
    changed | awk -F'\t' '{ printf "changed: %s is %s, was %s\n", $1, $2, $3 }'
    ;;
  restore)
    # Two passes: a max below the current min (or the reverse) is refused by
    # the kernel until the other bound has moved.
    for pass in 1 2; do
      changed | while IFS=$'\t' read -r path have want; do
        if printf '%s' "$want" > "$sys/$path" 2>/dev/null; then
          echo "restored: $path $have -> $want"
        fi
      done
    done
    left=$(changed)
    if [ -n "$left" ]; then
      printf '%s\n' "$left" | awk -F'\t' '{ printf "not restored: %s is %s, was %s\n", $1, $2, $3 }' >&2
      exit 1
    fi
    ;;
  *) echo "freq-state.sh: unknown command $cmd" >&2; exit 2 ;;
esac
