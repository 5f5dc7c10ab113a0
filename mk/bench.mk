# Named benchmark runs behind the figures in the issues' closing notes and the
# reports.  Each interleaves the implementations size by size in one aesbench
# process (ratios side by side), and appends its points to
# results/<host>/<name>-<UTC time>.jsonl.  As root they run at nice -20, so
# other processes on a shared machine disturb them less.
BENCH_HOST := $(shell hostname -s)
BENCH_NICE := $(shell [ "$$(id -u)" = 0 ] && echo nice -n -20)
BENCH_OUT = results/$(BENCH_HOST)/$(1)-$(shell date -u +%Y%m%dT%H%M%SZ).jsonl
BENCH_RUN = mkdir -p results/$(BENCH_HOST) && $(BENCH_NICE) $(BUILD)/aesbench run --cv-target 0.03 --max-samples 21

# Own kernels vs the peers' fastest paths on whatever machine this runs:
# globs, so that a path this CPU cannot run is left out (aesbench skips it
# with a warning) and the dispatchers stand for whatever their library picks.
GOAL_OWN := own/*
GOAL_GCM_PEERS := boringssl/auto,aws-lc/auto,openssl-4.0/evp,openssl-3.0/evp,openssl-4.0/*-asm,linux-7.2/gcm-*,linux-6.12/gcm-*,ipsec-mb/*,libsodium/*
GOAL_XTS_PEERS := aws-lc/auto,openssl-4.0/evp,openssl-3.0/evp,linux-7.2/xts-*,linux-6.12/xts-*

.PHONY: bench-goals bench-table3 bench-xts bench-openssl-speed
# The scoreboard (named bench-goals after issue 4, whose goals it grew out
# of): own kernels vs every peer, GCM and XTS, both directions, in
# GOAL_PASSES passes minutes apart appended to the same two files; `aeslab
# scoreboard` then prints each cell as the median of its passes, and the
# 16 KiB cycles per byte against this machine's bound (`aeslab pipes`).
GOAL_PASSES ?= 3
GOAL_STAMP := $(shell date -u +%Y%m%dT%H%M%SZ)
GOAL_GCM_OUT = results/$(BENCH_HOST)/goals-gcm-$(GOAL_STAMP).jsonl
GOAL_XTS_OUT = results/$(BENCH_HOST)/goals-xts-$(GOAL_STAMP).jsonl
bench-goals: build
	@for pass in $$(seq $(GOAL_PASSES)); do \
	  echo "== bench-goals: pass $$pass of $(GOAL_PASSES)"; \
	  $(BENCH_RUN) --format jsonl --impl '$(GOAL_OWN),$(GOAL_GCM_PEERS)' \
	    --alg aes-128-gcm,aes-256-gcm --op seal,open --out $(GOAL_GCM_OUT) >/dev/null || exit 1; \
	  $(BENCH_RUN) --format jsonl --impl '$(GOAL_OWN),$(GOAL_XTS_PEERS)' \
	    --alg aes-128-xts,aes-256-xts --op enc,dec --out $(GOAL_XTS_OUT) >/dev/null || exit 1; \
	done
	$(VENV)/bin/aeslab scoreboard $(GOAL_GCM_OUT) $(GOAL_XTS_OUT) | tee results/$(BENCH_HOST)/scoreboard-$(GOAL_STAMP).md

# Seed 000 Table 3/4: Linux VAES/AVX10-512 vs OpenSSL's Intel AVX-512 code vs
# ipsec-mb (standing in for the Intel Linux proposal), and the 6.1 baseline.
bench-table3: build
	$(BENCH_RUN) --impl 'linux-6.12/gcm-vaes-avx10-512,linux-6.12/gcm-vaes-avx10-256,openssl-4.0/vaes512,ipsec-mb/avx512,linux-6.1/gcm-dispatch,linux-6.1/gcm-avx2' \
	  --alg aes-256-gcm --op seal,open --out $(call BENCH_OUT,table3)

# Seed 004: every XTS variant at 4096 and 512 bytes.
bench-xts: build
	$(BENCH_RUN) --impl 'linux-6.12/xts-*,linux-6.1/xts-*,own/auto,own/portable,openssl-4.0/vaes512,aws-lc/vaes512' \
	  --alg aes-256-xts,aes-128-xts --op enc,dec --sizes 4096,512 --out $(call BENCH_OUT,xts)

# Issue 2: the distro OpenSSL in aesbench beside `openssl speed` (wall time).
bench-openssl-speed: build
	@for b in 16 1420 16384; do \
	  $(BENCH_NICE) openssl speed -elapsed -aead -evp aes-256-gcm -bytes $$b -seconds 2 2>/dev/null | tail -n 1; \
	done
	$(BENCH_RUN) --impl openssl-3.0/evp --alg aes-256-gcm --op seal --sizes 16,1420,16384 --aad 13
