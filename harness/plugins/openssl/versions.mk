# Pinned OpenSSL release for the "newest OpenSSL" peer: the crate openssl-src
# carries the OpenSSL source tree; its 400.x line is OpenSSL 4.0.x and the
# part after '+' is the OpenSSL release.  Bump here (and re-run `make build`)
# to move to a newer release; the cache is keyed by this string.
OPENSSL_SRC_CRATE_VERSION := 400.0.2+4.0.3
