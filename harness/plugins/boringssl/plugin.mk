# BoringSSL peer: the tree inside the crate boring-sys (versions.mk), built
# with its CMake into $(CACHE)/boring-sys-<version>/ (build.sh), linked
# statically into one plugin per GCM path.  The plugin source is shared
# with AWS-LC (harness/plugins/kit/aead_plugin.c, -DAEAD_BORINGSSL), which
# explains how each path is forced.  boringssl.so is the library as shipped
# and also carries BoringSSL's only XTS, the libdecrepit C loop
# (boringssl/decrepit-xts).  Optional: the target peer-boringssl in
# OPTIONAL_PLUGINS leaves it out with a message when the build fails.

include harness/plugins/kit/kit.mk
include harness/plugins/boringssl/versions.mk

BSSL_SRCDIR := harness/plugins/boringssl
BSSL_DIR := $(call kit_crate_dir,boring-sys,$(BORING_SYS_CRATE_VERSION))
BSSL_A := $(BSSL_DIR)/lib/libcrypto.a
# Everything build.sh leaves in the cache that the plugins use.
BSSL_OUT := $(BSSL_A) $(BSSL_DIR)/lib/libdecrepit-xts.a $(BSSL_DIR)/include/peer_version.h
BSSL_PATHS := $(if $(filter x86_64,$(ARCH)),vaes512 vaes256 aesni-avx aesni noaesni)
BSSL_SOS := $(PLUGIN_DIR)/boringssl.so $(foreach p,$(BSSL_PATHS),$(PLUGIN_DIR)/boringssl-$(p).so)

$(eval $(call KIT_CRATE_PEER,peer-boringssl,$(BSSL_SOS),$(BSSL_OUT),$(BSSL_SRCDIR)/build.sh,$(BORING_SYS_CRATE_VERSION)))

# BoringSSL is C++ inside (no exceptions, no RTTI); g++ links the runtime
# bits it may still reference.
BSSL_BUILD = $(CXX) -x c $(CFLAGS_ALL) -I$(BSSL_DIR)/include -DAEAD_BORINGSSL \
	  -fvisibility=hidden -shared -o $@ $< -x none \
	  $(BSSL_DIR)/lib/libdecrepit-xts.a $(BSSL_A) -lpthread $(PEER_LINK_FLAGS)

$(eval $(call KIT_PATH_PLUGINS,boringssl,$(KIT_DIR)/aead_plugin.c $(KIT_EVP_DEPS) $(BSSL_OUT),BSSL_BUILD,AEAD_PATH,auto))
$(eval $(call KIT_TEST_PATHS,boringssl,$(BSSL_SRCDIR)/paths.expect,boringssl*.so))
