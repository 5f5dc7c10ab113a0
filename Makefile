# aeslab - top-level build.  Plain GNU make: every concern brings its own
# fragment (kernels/kernels.mk, harness/harness.mk, harness/plugins/*/plugin.mk,
# mk/*.mk) so that adding a kernel or a peer never edits this file.
#
#   make run     install what is missing, build, verify, run the quick matrix
#   make test    install what is missing, build, run every test
#   make build   harness + own kernels + every peer plugin that builds here
#   make ARCH=arm64 build   cross-build for aarch64 (see README)

SHELL := /bin/bash
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:

ROOT := $(abspath .)
HOST_ARCH := $(shell uname -m)
ARCH ?= $(HOST_ARCH)
ifeq ($(ARCH),arm64)
  override ARCH := aarch64
endif
ifneq ($(ARCH),$(HOST_ARCH))
  CROSS ?= $(ARCH)-linux-gnu-
  BUILD ?= build-$(ARCH)
endif
BUILD ?= build
CC := $(CROSS)gcc
CXX := $(CROSS)g++
AR := $(CROSS)ar

# Peers built from source are cached by version here (shared across clones).
CACHE ?= $(HOME)/.cache/aeslab
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python

SANITIZE ?=
OPT ?= -O2
CFLAGS_BASE := $(OPT) -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -fPIC \
               -fno-strict-aliasing -I$(ROOT)/harness/include -I$(ROOT)/kernels/include
ifneq ($(SANITIZE),)
  CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS_SAN := -fsanitize=address,undefined
endif
CFLAGS ?=
CFLAGS_ALL = $(CFLAGS_BASE) $(CFLAGS)

PLUGIN_DIR := $(BUILD)/plugins
# Plugin .so files that must build (own kernels, distro libraries).
PLUGINS :=
# Plugins that are built when their peer's source builds here; a failure
# leaves the plugin out with a message and does not fail the build.
OPTIONAL_PLUGINS :=
# Extra test targets contributed by fragments (run by `make test`).
TEST_TARGETS :=

include kernels/kernels.mk
include harness/harness.mk
include $(sort $(wildcard harness/plugins/*/plugin.mk))
include $(sort $(wildcard mk/*.mk))

.PHONY: build deps run test clean distclean peers
build: $(BUILD)/aesbench $(PLUGINS) peers

peers: | $(BUILD)/.dir
	@for t in $(OPTIONAL_PLUGINS); do \
	  $(MAKE) --no-print-directory -s $$t 2>$(BUILD)/peer-build.err || \
	    echo "note: $$t was not built here and is left out ($$(grep -v '^make' $(BUILD)/peer-build.err | tail -n 1))" >&2; \
	done; true

# Install what is missing (apt packages, the project venv).  Idempotent and
# quick when everything is there.
deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory build
	@scripts/run-default.sh

test: deps
	@$(MAKE) --no-print-directory build
	@scripts/run-tests.sh $(TEST_TARGETS)

clean:
	rm -rf build build-*

distclean: clean
	rm -rf .venv
