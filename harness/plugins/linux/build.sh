#!/usr/bin/env bash
# build.sh SERIES OUT_SO OBJ_DIR
#
# Builds the linux-SERIES plugin: fetches the kernel files into the cache
# (fetch-source.sh), assembles/compiles them unchanged against the
# compatibility header kcompat.h, and links them with our glue into OUT_SO,
# every symbol but the plugin entry hidden.  Called by plugin.mk with CC,
# CFLAGS, LDFLAGS_SAN, CACHE and ROOT in the environment.
set -euo pipefail
series=$1 out=$2 obj=$3
why=$obj.why
rm -f "$why"
here=$(cd "$(dirname "$0")" && pwd)
# On failure the reason also goes to OBJ_DIR.why, for check-rows.sh's skip line.
fail() {
  echo "linux-$series: plugin not built: $*" >&2
  { mkdir -p "$(dirname "$why")" && echo "$*" > "$why"; } 2>/dev/null || true
  exit 1
}
trap 'fail "this step failed: $BASH_COMMAND"' ERR

errlog=$(mktemp)
if ! src=$("$here/fetch-source.sh" "$series" "$CACHE" 2>"$errlog"); then
  cat "$errlog" >&2
  reason=$(grep '^fetch-source.sh: ' "$errlog" | tail -n 1 | sed 's/^fetch-source.sh: //')
  rm -f "$errlog"
  fail "no kernel source (Debian linux-source-$series: ${reason:-see fetch-source.sh above})"
fi
cat "$errlog" >&2
rm -f "$errlog"
version=$(cut -d' ' -f1 "$src/.complete")

# asm: assembly files, relative to the kernel tree.
case $series in
  7.2)  asm="arch/x86/crypto/aes-gcm-vaes-avx512.S arch/x86/crypto/aes-gcm-vaes-avx2.S
             arch/x86/crypto/aes-gcm-aesni-x86_64.S arch/x86/crypto/aes-xts-avx-x86_64.S
             arch/x86/crypto/aesni-intel_asm.S lib/crypto/x86/aes-aesni.S"
        kc="" shim="" glue="glue_72.c" ;;
  6.12) asm="arch/x86/crypto/aes-gcm-avx10-x86_64.S arch/x86/crypto/aes-gcm-aesni-x86_64.S
             arch/x86/crypto/aes-xts-avx-x86_64.S"
        kc="lib/crypto/aes.c"
        shim="aes_generic_shim.c"
        glue="glue_612.c" ;;
  6.1)  asm="arch/x86/crypto/aesni-intel_avx-x86_64.S arch/x86/crypto/aesni-intel_asm.S"
        kc="" shim="" glue="glue_61.c" ;;
  *) echo "build.sh: unknown series $series" >&2; exit 2 ;;
esac

# Work in a private directory (two builds of the same tree may run at
# once) and put it in place at the end.
final=$obj
mkdir -p "$(dirname "$final")"
obj=$(mktemp -d "$final.XXXXXX")
trap 'rm -rf "$obj"' EXIT
# Empty stand-ins for every header the kernel files include: what they
# would provide comes from kcompat.h, force-included.
for h in linux/linkage.h linux/cfi_types.h linux/objtool.h asm/frame.h asm/nospec-branch.h \
         crypto/aes.h crypto/algapi.h linux/crypto.h linux/module.h linux/unaligned.h \
         linux/init.h linux/types.h linux/errno.h asm/byteorder.h; do
  mkdir -p "$obj/stub/$(dirname "$h")"
  : > "$obj/stub/$h"
done
kflags=(-I"$obj/stub" -include "$here/kcompat.h")

# 6.1's assembly was written for the kernel's code model, where absolute
# 32-bit addresses work; a shared object cannot have them.  Two
# instructions use one (a table indexed by a register, and a constant the
# CTR code loads); they are rewritten RIP-relative in a copy under OBJ_DIR
# and nothing else changes.  The count check makes a new package version
# with different code fail loudly instead of silently.
expect_lines() { # file grep-pattern count
  local n
  n=$(grep -c -- "$2" "$1" || true)
  [ "$n" = "$3" ] || { echo "build.sh: expected $3 line(s) matching '$2' in $1, found $n" >&2; return 1; }
}
asmroot=$src
if [ "$series" = 6.1 ]; then
  asmroot=$obj/src
  asmdir=$asmroot/arch/x86/crypto
  mkdir -p "$asmdir"
  cp "$src"/arch/x86/crypto/aesni-intel_avx-x86_64.S "$src"/arch/x86/crypto/aesni-intel_asm.S "$asmdir/"
  expect_lines "$asmdir/aesni-intel_avx-x86_64.S" 'vmovdqu  *aad_shift_arr(%r11), *\\T1' 1
  # %rax is free here: the macro already clobbers it reading the AAD tail
  sed -i 's/vmovdqu  *aad_shift_arr(%r11), *\\T1/lea aad_shift_arr(%rip), %rax ; vmovdqu (%rax,%r11), \\T1/' \
    "$asmdir/aesni-intel_avx-x86_64.S"
  expect_lines "$asmdir/aesni-intel_asm.S" 'movaps \.Lbswap_mask, BSWAP_MASK' 1
  sed -i 's/movaps \.Lbswap_mask, BSWAP_MASK/movaps .Lbswap_mask(%rip), BSWAP_MASK/' "$asmdir/aesni-intel_asm.S"
fi

objs=()
for f in $asm; do
  # The kernel assembles the VAES/VPCLMULQDQ code only when its assembler
  # supports them (CONFIG_AS_*); binutils 2.30+ does.
  $CC -c "${kflags[@]}" -DCONFIG_AS_VAES=1 -DCONFIG_AS_VPCLMULQDQ=1 -Wa,--noexecstack \
    "$asmroot/$f" -o "$obj/$(basename "$f" .S).o"
  objs+=("$obj/$(basename "$f" .S).o")
done
for f in $kc; do
  b=$(basename "$f" .c)
  # kernel C as is: its warnings are not ours to fix
  $CC $CFLAGS -w -fvisibility=hidden "${kflags[@]}" -c "$src/$f" -o "$obj/k_$b.o"
  objs+=("$obj/k_$b.o")
done
for f in $shim; do
  $CC $CFLAGS -w -fvisibility=hidden "${kflags[@]}" -I"$src" -c "$here/$f" -o "$obj/${f%.c}.o"
  objs+=("$obj/${f%.c}.o")
done

# Machine-code bytes of every function in the kernel-derived objects, for
# code_bytes in `aesbench list`.
nm -S --defined-only "${objs[@]}" 2>/dev/null |
  awk 'NF == 4 && ($3 == "T" || $3 == "t") { printf "    {\"%s\", 0x%s},\n", $4, $2 }' \
  > "$obj/linux-$series-syms.inc"

for f in $glue; do
  $CC $CFLAGS -fvisibility=hidden -I"$obj" -DLINUX_PKG_VERSION="\"$version\"" \
    -c "$here/$f" -o "$obj/${f%.c}.o"
  objs+=("$obj/${f%.c}.o")
done

$CC -shared -o "$out.tmp.$$" "${objs[@]}" -Wl,-z,noexecstack \
  -Wl,--version-script="$ROOT/harness/plugin.map" -Wl,--exclude-libs,ALL ${LDFLAGS_SAN:-}
mv "$out.tmp.$$" "$out"
rm -rf "$final" && mv "$obj" "$final"
