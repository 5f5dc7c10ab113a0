# Pinned BoringSSL: the source tree shipped inside the crate boring-sys
# (deps/boringssl).  The crate does not record which BoringSSL commit that
# tree is; it records the commit of its own repository (cloudflare/boring),
# shown in `aesbench list` with BORINGSSL_API_VERSION.
BORING_SYS_CRATE_VERSION := 5.4.0
