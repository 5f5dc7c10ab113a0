# Named benchmark runs behind the figures in the issues' closing notes and the
# reports.  Each interleaves the implementations size by size in one aesbench
# process (ratios side by side), and appends its points to
# results/<host>/<name>-<UTC time>.jsonl.  As root they run at nice -20, so
# other processes on a shared machine disturb them less.
BENCH_HOST := $(shell hostname -s)
BENCH_NICE := $(shell [ "$$(id -u)" = 0 ] && echo nice -n -20)
BENCH_OUT = results/$(BENCH_HOST)/$(1)-$(shell date -u +%Y%m%dT%H%M%SZ).jsonl
BENCH_RUN = mkdir -p results/$(BENCH_HOST) && $(BENCH_NICE) $(BUILD)/aesbench run --cv-target 0.03 --max-samples 21

GOAL_GCM_PEERS := boringssl/auto,boringssl/vaes512,boringssl/vaes256,linux-6.12/gcm-vaes-avx10-512,linux-6.12/gcm-vaes-avx10-256,openssl-4.0/vaes512,openssl-3.0/evp,aws-lc/vaes512,ipsec-mb/avx512
GOAL_XTS_PEERS := openssl-4.0/vaes512,openssl-3.0/evp,aws-lc/vaes512,linux-6.12/xts-vaes-avx10-512,linux-6.12/xts-vaes-avx10-256,linux-6.12/xts-vaes-avx2

.PHONY: bench-goals bench-table3 bench-xts bench-openssl-speed
# Issue 4's goals: own kernels vs every fast peer, GCM and XTS, both
# directions, in GOAL_PASSES passes minutes apart appended to the same two
# files; `aeslab goals` then prints each cell as the median of its passes.
GOAL_PASSES ?= 3
GOAL_STAMP := $(shell date -u +%Y%m%dT%H%M%SZ)
GOAL_GCM_OUT = results/$(BENCH_HOST)/goals-gcm-$(GOAL_STAMP).jsonl
GOAL_XTS_OUT = results/$(BENCH_HOST)/goals-xts-$(GOAL_STAMP).jsonl
bench-goals: build
	@for pass in $$(seq $(GOAL_PASSES)); do \
	  echo "== bench-goals: pass $$pass of $(GOAL_PASSES)"; \
	  $(BENCH_RUN) --format jsonl --impl 'own/auto,own/fused,own/vaes512,own/vaes256,own/aesni,$(GOAL_GCM_PEERS)' \
	    --alg aes-128-gcm,aes-256-gcm --op seal,open --out $(GOAL_GCM_OUT) >/dev/null || exit 1; \
	  $(BENCH_RUN) --format jsonl --impl 'own/auto,own/vaes512,own/vaes256,own/aesni,$(GOAL_XTS_PEERS)' \
	    --alg aes-128-xts,aes-256-xts --op enc,dec --out $(GOAL_XTS_OUT) >/dev/null || exit 1; \
	done
	$(VENV)/bin/aeslab goals $(GOAL_GCM_OUT) $(GOAL_XTS_OUT) | tee results/$(BENCH_HOST)/goals-$(GOAL_STAMP).md

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
