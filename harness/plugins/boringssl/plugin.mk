# BoringSSL peer: the tree inside the crate boring-sys (versions.mk), built
# with its CMake into $(CACHE)/boring-sys-<version>/ (build.sh), linked
# statically into one plugin per GCM path (aead_plugin.c explains how each
# is forced).  boringssl.so is the library as shipped and also carries
# BoringSSL's only XTS, the libdecrepit C loop (boringssl/decrepit-xts).
# Optional: the target peer-boringssl in OPTIONAL_PLUGINS leaves it out with
# a message when the build fails.

include harness/plugins/boringssl/versions.mk

BSSL_SRCDIR := harness/plugins/boringssl
BSSL_DIR := $(CACHE)/boring-sys-$(BORING_SYS_CRATE_VERSION)$(if $(filter x86_64,$(ARCH)),,-$(ARCH))
BSSL_A := $(BSSL_DIR)/lib/libcrypto.a
# Everything build.sh leaves in the cache that the plugins use.
BSSL_OUT := $(BSSL_A) $(BSSL_DIR)/lib/libdecrepit-xts.a $(BSSL_DIR)/include/peer_version.h
BSSL_PATHS := $(if $(filter x86_64,$(ARCH)),vaes512 vaes256 aesni-avx aesni noaesni)
BSSL_SOS := $(PLUGIN_DIR)/boringssl.so $(foreach p,$(BSSL_PATHS),$(PLUGIN_DIR)/boringssl-$(p).so)

ifneq ($(filter x86_64 aarch64,$(ARCH)),)
OPTIONAL_PLUGINS += peer-boringssl
endif
.PHONY: peer-boringssl
peer-boringssl: $(BSSL_SOS)

# No prerequisites: the cache is keyed by version, so existing outputs are
# never rebuilt (build.sh also skips a finished build).
$(BSSL_OUT) &:
	@$(BSSL_SRCDIR)/build.sh $(CACHE) $(BORING_SYS_CRATE_VERSION) $(ARCH)

# BoringSSL is C++ inside (no exceptions, no RTTI); g++ links the runtime
# bits it may still reference.
BSSL_BUILD = $(CXX) -x c $(CFLAGS_ALL) -I$(BSSL_DIR)/include -DAEAD_BORINGSSL \
	  -fvisibility=hidden -shared -o $@ $< -x none \
	  $(BSSL_DIR)/lib/libdecrepit-xts.a $(BSSL_A) -lpthread $(PEER_LINK_FLAGS)

$(PLUGIN_DIR)/boringssl.so: $(BSSL_SRCDIR)/aead_plugin.c harness/include/aeslab_abi.h $(BSSL_OUT) | $(BUILD)/.dir
	$(BSSL_BUILD) -DAEAD_PATH_auto

$(PLUGIN_DIR)/boringssl-%.so: $(BSSL_SRCDIR)/aead_plugin.c harness/include/aeslab_abi.h $(BSSL_OUT) | $(BUILD)/.dir
	$(BSSL_BUILD) -DAEAD_PATH_$(subst -,_,$*)

ifeq ($(ARCH),x86_64)
TEST_TARGETS += test-paths-boringssl
endif
.PHONY: test-paths-boringssl
test-paths-boringssl: $(BUILD)/pathcheck
	@$(PY) harness/plugins/openssl/pathcheck.py --driver $(BUILD)/pathcheck \
	  --expect $(BSSL_SRCDIR)/paths.expect $(wildcard $(PLUGIN_DIR)/boringssl*.so)
