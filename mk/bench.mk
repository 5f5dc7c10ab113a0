# Named benchmark runs behind the figures in the issues' closing notes and the
# reports.  Every one goes through the runner (`aeslab run`), so its points
# land in results/<machine-id>/<run-id>.jsonl.gz beside their provenance
# (<run-id>.run.json, machine.json) and pass `aeslab validate` like any run.
# As root they run at nice -20, so other processes on a shared machine
# disturb them less.
AESLAB ?= $(VENV)/bin/aeslab
BENCH_NICE := $(shell [ "$$(id -u)" = 0 ] && echo nice -n -20)
BENCH_IDFILE = $(BUILD)/bench-$(1).run
# the run's folder and id, written by aeslab run --run-id-file when it starts
BENCH_RUN = $(BENCH_NICE) $(AESLAB) run --cv-target 0.03 --max-samples 21 --no-progress --wait \
	--run-id-file $(call BENCH_IDFILE,$(1))

.PHONY: bench-goals bench-table3 bench-xts bench-openssl-speed
# The scoreboard (named bench-goals after issue 4, whose goals it grew out
# of): own kernels vs every peer, GCM and XTS, both directions (the `goals`
# preset: peers as globs, so it runs on any CPU and a path this one cannot
# run is left out with a note), the whole matrix GOAL_PASSES times spread
# over the run; `aeslab scoreboard` then prints each cell as the median of
# its repetitions and the 16 KiB cycles per byte against this machine's
# bound (`aeslab pipes`), saved beside the run as scoreboard-<run-id>.md,
# ranked per core cycle (--per-cycle) as scoreboard-<run-id>-per-cycle.md,
# and per core cycle from each cell's fastest pass (--best: a host whose
# other tenants slow whole passes down) as scoreboard-<run-id>-per-cycle-best.md.
GOAL_PASSES ?= 3
bench-goals: build
	$(BENCH_NICE) $(AESLAB) run --preset goals --repeat $(GOAL_PASSES) --no-progress --wait \
	  --run-id-file $(call BENCH_IDFILE,goals) >/dev/null
	@set -e; read dir rid < $(call BENCH_IDFILE,goals); \
	  $(AESLAB) scoreboard "$$rid" | tee "$$dir/scoreboard-$$rid.md"; \
	  $(AESLAB) scoreboard --per-cycle "$$rid" > "$$dir/scoreboard-$$rid-per-cycle.md"; \
	  $(AESLAB) scoreboard --per-cycle --best "$$rid" > "$$dir/scoreboard-$$rid-per-cycle-best.md"

# Seed 000 Table 3/4: Linux VAES/AVX10-512 vs OpenSSL's Intel AVX-512 code vs
# ipsec-mb (standing in for the Intel Linux proposal), and the 6.1 baseline;
# OpenSSL both as the seed measured it (its assembly called directly) and
# through EVP, and Linux 7.2's retuned and VAES+AVX2 code beside 6.12's.
bench-table3: build
	$(call BENCH_RUN,table3) --impl 'linux-6.12/gcm-vaes-avx10-512,linux-6.12/gcm-vaes-avx10-256,linux-7.2/gcm-vaes-avx512,linux-7.2/gcm-vaes-avx2,openssl-4.0/vaes512-asm,openssl-4.0/vaes512,ipsec-mb/avx512,linux-6.1/gcm-dispatch,linux-6.1/gcm-avx2' \
	  --alg aes-256-gcm --op seal,open --sizes seeds --aad 16

# Seed 004: every XTS variant at 4096 and 512 bytes.
bench-xts: build
	$(call BENCH_RUN,xts) --impl 'linux-6.12/xts-*,linux-6.1/xts-*,own/auto,own/portable,openssl-4.0/vaes512,aws-lc/vaes512' \
	  --alg aes-256-xts,aes-128-xts --op enc,dec --sizes 4096,512

# Issue 2: the distro OpenSSL in aesbench beside `openssl speed` (wall time).
bench-openssl-speed: build
	@for b in 16 1420 16384; do \
	  $(BENCH_NICE) openssl speed -elapsed -aead -evp aes-256-gcm -bytes $$b -seconds 2 2>/dev/null | tail -n 1; \
	done
	$(call BENCH_RUN,openssl-speed) --impl openssl-3.0/evp --alg aes-256-gcm --op seal --sizes 16,1420,16384 --aad 13
