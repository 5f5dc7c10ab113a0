"""inasm_classes.py LOG - the crypto-extension instruction classes in a
qemu `-d in_asm` log (every guest instruction qemu translated, i.e. about
to execute), printed space separated: aese aesd aesmc aesimc pmull pmull2
eor3 bcax.

Classified by encoding, not by the disassembly text: qemu 7.2's
disassembler prints the SHA3 instructions as ".byte".
"""
import re
import sys

# (mask, value, class) - Arm ARM encodings of the instructions we gate on
CLASSES = [
    (0xFFFFFC00, 0x4E284800, "aese"),
    (0xFFFFFC00, 0x4E285800, "aesd"),
    (0xFFFFFC00, 0x4E286800, "aesmc"),
    (0xFFFFFC00, 0x4E287800, "aesimc"),
    (0xFFE0FC00, 0x0EE0E000, "pmull"),   # PMULL Vd.1Q, Vn.1D, Vm.1D
    (0xFFE0FC00, 0x4EE0E000, "pmull2"),  # PMULL2 Vd.1Q, Vn.2D, Vm.2D
    (0xFFE08000, 0xCE000000, "eor3"),
    (0xFFE08000, 0xCE200000, "bcax"),
]

line = re.compile(r"^0x[0-9a-f]+:\s+([0-9a-f]{8})\s")
seen = set()
with open(sys.argv[1], errors="replace") as f:
    for l in f:
        m = line.match(l)
        if not m:
            continue
        w = int(m.group(1), 16)
        for mask, val, name in CLASSES:
            if w & mask == val:
                seen.add(name)
print(" ".join(n for _, _, n in CLASSES if n in seen))
