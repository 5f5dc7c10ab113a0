# Pinned AWS-LC: the source tree shipped inside the crate aws-lc-sys (aws-lc/).
AWS_LC_SYS_CRATE_VERSION := 0.47.0
