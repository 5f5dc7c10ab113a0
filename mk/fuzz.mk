# libFuzzer differential target (tests/fuzz/, docs/fuzzing.md): every own
# kernel vs own/portable vs the distro OpenSSL, built with clang, coverage,
# ASan and UBSan from the kernels' sources.
#
#   make test-fuzz            replay the seed corpus, then fuzz FUZZ_TIME s
#   make test-fuzz-selftest   plant a bug and require the fuzzer to find it
#   make fuzz FUZZ_TIME=3600  a longer run (test-fuzz with another time)
#
# The committed corpus (tests/fuzz/corpus/) is only read: fuzzing runs on a
# copy in a temporary directory.  Crash inputs land in $(FUZZ_DIR)/ and
# replay with `$(FUZZ_BIN) FILE`.  Native builds only (libFuzzer runs the
# kernels, so it cannot fuzz a cross build).
ifeq ($(CROSS),)

FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_MAX_LEN ?= 5000
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_BIN := $(FUZZ_DIR)/fuzz_diff
FUZZ_CORPUS := tests/fuzz/corpus
# Kernel folders clang cannot compile would be listed here (none today).
FUZZ_EXCLUDE_DIRS ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -I$(ROOT)/kernels/include \
               -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_SRCS := tests/fuzz/fuzz_diff.c kernels/common/common.c kernels/kernel_list.c \
             $(foreach d,$(filter-out $(FUZZ_EXCLUDE_DIRS),$(OWN_KERNEL_DIRS)),$(wildcard $(d)/*.c $(d)/*.S))
FUZZ_OBJS := $(patsubst %,$(FUZZ_DIR)/obj/%.o,$(basename $(FUZZ_SRCS)))

$(FUZZ_DIR)/obj/%.o: %.c $(OWN_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/%.o: %.S $(OWN_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BIN): $(FUZZ_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ -lcrypto

# The VAES objects take most of the build: two at a time even when `make
# test` runs this target without -j.
.PHONY: fuzz-build
fuzz-build:
	@$(MAKE) --no-print-directory -j2 $(FUZZ_BIN)

# Replay every seed (file arguments: run once, nothing written), then fuzz a
# copy of the corpus.  The full log goes to $(FUZZ_DIR)/fuzz.log; the
# console gets the final statistics, or the log's tail on a failure.
# -timeout: an input running 10 s is a hang and fails the test.
FUZZ_FLAGS = -max_len=$(FUZZ_MAX_LEN) -timeout=10 -print_final_stats=1 \
             -artifact_prefix=$(abspath $(FUZZ_DIR))/
.PHONY: test-fuzz fuzz
test-fuzz fuzz: fuzz-build
	@set -o pipefail; \
	 $(FUZZ_BIN) $(sort $(wildcard $(FUZZ_CORPUS)/*)) > $(FUZZ_DIR)/replay.log 2>&1 \
	   || { tail -n 40 $(FUZZ_DIR)/replay.log; echo "fuzz: seed corpus replay FAILED"; exit 1; }; \
	 echo "fuzz: $(words $(wildcard $(FUZZ_CORPUS)/*)) seeds replayed ok"; \
	 tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; cp $(FUZZ_CORPUS)/* "$$tmp"/; \
	 echo "fuzz: fuzzing for $(FUZZ_TIME) s (log: $(FUZZ_DIR)/fuzz.log)"; \
	 if $(FUZZ_BIN) $(FUZZ_FLAGS) -max_total_time=$(FUZZ_TIME) "$$tmp" > $(FUZZ_DIR)/fuzz.log 2>&1; then \
	   grep -E '^fuzz_diff:|^skip: |^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' $(FUZZ_DIR)/fuzz.log; \
	 else \
	   grep -v -E '^#[0-9]+ +(NEW|REDUCE|pulse)' $(FUZZ_DIR)/fuzz.log | tail -n 60; \
	   echo "fuzz: FAILED (input saved in $(FUZZ_DIR)/; replay: $(FUZZ_BIN) FILE)"; exit 1; \
	 fi

# The test must be able to fail: FUZZ_DIFF_SELFTEST=1 plants a wrong
# ciphertext bit in one kernel for inputs the seeds do not reach (see
# selftest_fault in fuzz_diff.c).  Pass = the seeds still replay clean and
# the fuzzer then reports exactly that mismatch within FUZZ_SELFTEST_TIME s
# (it takes a few hundred executions, about a second, so it is in `make test`).
FUZZ_SELFTEST_TIME ?= 120
.PHONY: test-fuzz-selftest
test-fuzz-selftest: fuzz-build
	@set -o pipefail; export FUZZ_DIFF_SELFTEST=1; \
	 $(FUZZ_BIN) $(sort $(wildcard $(FUZZ_CORPUS)/*)) > $(FUZZ_DIR)/selftest-replay.log 2>&1 \
	   || { tail -n 20 $(FUZZ_DIR)/selftest-replay.log; echo "fuzz selftest: the seeds already hit the planted bug"; exit 1; }; \
	 tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; cp $(FUZZ_CORPUS)/* "$$tmp"/; mkdir "$$tmp/art"; \
	 start=$$(date +%s); \
	 if $(FUZZ_BIN) -max_len=$(FUZZ_MAX_LEN) -timeout=10 -artifact_prefix="$$tmp/art/" \
	      -max_total_time=$(FUZZ_SELFTEST_TIME) "$$tmp" > $(FUZZ_DIR)/selftest.log 2>&1; then \
	   echo "fuzz selftest: FAILED: the planted bug was not found in $(FUZZ_SELFTEST_TIME) s"; exit 1; \
	 fi; \
	 if ! grep -A2 'fuzz_diff MISMATCH: .*: seal ciphertext differs from own/portable' $(FUZZ_DIR)/selftest.log; then \
	   tail -n 40 $(FUZZ_DIR)/selftest.log; echo "fuzz selftest: FAILED: the run failed for another reason"; exit 1; \
	 fi; \
	 echo "fuzz selftest: ok, the planted bug was found after $$(( $$(date +%s) - start )) s" \
	   "($$(grep -o '^#[0-9]*' $(FUZZ_DIR)/selftest.log | tail -n 1 | tr -d '#') execs)"

TEST_TARGETS += test-fuzz test-fuzz-selftest

endif
