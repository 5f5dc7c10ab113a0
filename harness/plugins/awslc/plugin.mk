# AWS-LC peer: the tree inside the crate aws-lc-sys (versions.mk), built
# with its CMake into $(CACHE)/aws-lc-sys-<version>/ (build.sh), linked
# statically into one plugin per path.  The plugin source is shared with
# BoringSSL (harness/plugins/boringssl/aead_plugin.c, -DAEAD_AWSLC), which
# explains how each path is forced.  aws-lc.so is the library as shipped.
# Optional: the target peer-aws-lc in OPTIONAL_PLUGINS leaves it out with a
# message when the build fails.

include harness/plugins/awslc/versions.mk

AWSLC_SRCDIR := harness/plugins/awslc
AWSLC_DIR := $(CACHE)/aws-lc-sys-$(AWS_LC_SYS_CRATE_VERSION)$(if $(filter x86_64,$(ARCH)),,-$(ARCH))
AWSLC_A := $(AWSLC_DIR)/lib/libcrypto.a
# Everything build.sh leaves in the cache that the plugins use.
AWSLC_OUT := $(AWSLC_A) $(AWSLC_DIR)/include/peer_version.h
AWSLC_PATHS := $(if $(filter x86_64,$(ARCH)),vaes512 aesni-avx aesni noaesni)
AWSLC_SOS := $(PLUGIN_DIR)/aws-lc.so $(foreach p,$(AWSLC_PATHS),$(PLUGIN_DIR)/aws-lc-$(p).so)

ifneq ($(filter x86_64 aarch64,$(ARCH)),)
OPTIONAL_PLUGINS += peer-aws-lc
endif
.PHONY: peer-aws-lc
peer-aws-lc: $(AWSLC_SOS)

# No prerequisites: the cache is keyed by version, so existing outputs are
# never rebuilt (build.sh also skips a finished build).
$(AWSLC_OUT) &:
	@$(AWSLC_SRCDIR)/build.sh $(CACHE) $(AWS_LC_SYS_CRATE_VERSION) $(ARCH)

AWSLC_BUILD = $(CC) $(CFLAGS_ALL) -I$(AWSLC_DIR)/include -DAEAD_AWSLC \
	  -fvisibility=hidden -shared -o $@ $< $(AWSLC_A) -lpthread $(PEER_LINK_FLAGS)

$(PLUGIN_DIR)/aws-lc.so: harness/plugins/boringssl/aead_plugin.c harness/include/aeslab_abi.h $(AWSLC_OUT) | $(BUILD)/.dir
	$(AWSLC_BUILD) -DAEAD_PATH_auto

$(PLUGIN_DIR)/aws-lc-%.so: harness/plugins/boringssl/aead_plugin.c harness/include/aeslab_abi.h $(AWSLC_OUT) | $(BUILD)/.dir
	$(AWSLC_BUILD) -DAEAD_PATH_$(subst -,_,$*)

ifeq ($(ARCH),x86_64)
TEST_TARGETS += test-paths-awslc
endif
.PHONY: test-paths-awslc
test-paths-awslc: $(BUILD)/pathcheck
	@$(PY) harness/plugins/openssl/pathcheck.py --driver $(BUILD)/pathcheck \
	  --expect $(AWSLC_SRCDIR)/paths.expect $(wildcard $(PLUGIN_DIR)/aws-lc*.so)
