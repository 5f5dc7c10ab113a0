# AWS-LC peer: the tree inside the crate aws-lc-sys (versions.mk), built
# with its CMake into $(CACHE)/aws-lc-sys-<version>/ (build.sh), linked
# statically into one plugin per path.  The plugin source is shared with
# BoringSSL (harness/plugins/kit/aead_plugin.c, -DAEAD_AWSLC), which
# explains how each path is forced.  aws-lc.so is the library as shipped.
# Optional: the target peer-aws-lc in OPTIONAL_PLUGINS leaves it out with a
# message when the build fails.

include harness/plugins/kit/kit.mk
include harness/plugins/awslc/versions.mk

AWSLC_SRCDIR := harness/plugins/awslc
AWSLC_DIR := $(call kit_crate_dir,aws-lc-sys,$(AWS_LC_SYS_CRATE_VERSION))
AWSLC_A := $(AWSLC_DIR)/lib/libcrypto.a
# Everything build.sh leaves in the cache that the plugins use.
AWSLC_OUT := $(AWSLC_A) $(AWSLC_DIR)/include/peer_version.h
AWSLC_PATHS := $(if $(filter x86_64,$(ARCH)),vaes512 aesni-avx aesni noaesni)
AWSLC_SOS := $(PLUGIN_DIR)/aws-lc.so $(foreach p,$(AWSLC_PATHS),$(PLUGIN_DIR)/aws-lc-$(p).so)

$(eval $(call KIT_CRATE_PEER,peer-aws-lc,$(AWSLC_SOS),$(AWSLC_OUT),$(AWSLC_SRCDIR)/build.sh,$(AWS_LC_SYS_CRATE_VERSION)))

AWSLC_BUILD = $(CC) $(CFLAGS_ALL) -I$(AWSLC_DIR)/include -DAEAD_AWSLC \
	  -fvisibility=hidden -shared -o $@ $< $(AWSLC_A) -lpthread $(PEER_LINK_FLAGS)

$(eval $(call KIT_PATH_PLUGINS,aws-lc,$(KIT_DIR)/aead_plugin.c $(KIT_EVP_DEPS) $(AWSLC_OUT),AWSLC_BUILD,AEAD_PATH,auto))
$(eval $(call KIT_TEST_PATHS,awslc,$(AWSLC_SRCDIR)/paths.expect,aws-lc*.so))
