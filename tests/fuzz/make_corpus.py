#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_diff.c into tests/fuzz/corpus/.

Deterministic (bytes come from SHA-256 of a counter, no randomness), so
rerunning it reproduces the committed files exactly.  The seeds put the
fuzzer on every algorithm and operation from the start, at the lengths
where kernels change path: empty, one byte, one block +- 1, four blocks
+- 1, 255/256, 4095 - with in-place calls, odd misalignments, the
streaming and seal_hp flags, AAD lengths around block multiples, and
every tamper target for open.  Mutation does the rest.

The layout is the one fuzz_diff.c documents (HDR = 112 bytes, then the AAD
for GCM, then the payload).

usage: tests/fuzz/make_corpus.py [OUTDIR]   (default: tests/fuzz/corpus)
"""
import hashlib
import os
import struct
import sys

HDR = 112
ALGS = ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "aes-128-xts", "aes-256-xts"]
GCM_LENS = [0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 4095]
XTS_LENS = [16, 17, 31, 63, 64, 65, 255, 256, 4095]
AAD_LENS = [0, 13, 16, 20, 1, 64, 0, 31, 17, 0, 5]  # cycled alongside GCM_LENS
TAMPER = ["none", "ct", "tag", "aad", "iv"]


def stream(label, n):
    """n pseudo-random bytes determined by label."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


def seed(alg, op, length, aad_len=0, in_place=False, streaming=False, hp=False,
         in_off=0, out_off=0, tamper=0, tpos=0, txor=1, splits=(0, 0)):
    label = f"{alg}-{op}-{length}-{aad_len}-{in_place}-{in_off}"
    flags = (op & 1) | in_place << 1 | streaming << 2 | hp << 3
    hdr = bytearray(HDR)
    hdr[0] = ALGS.index(alg)
    hdr[1] = flags
    hdr[2] = in_off
    hdr[3] = out_off
    struct.pack_into("<H", hdr, 4, aad_len)
    hdr[6] = tamper
    struct.pack_into("<H", hdr, 7, tpos)
    hdr[9] = txor
    struct.pack_into("<HH", hdr, 10, *splits)
    hdr[16:112] = stream(label + "/key-iv-sample", 96)
    return bytes(hdr) + stream(label + "/aad", aad_len) + stream(label + "/msg", length)


def corpus():
    files = {}
    offs = [0, 1, 3, 7, 15, 33, 63]
    for a in range(3):
        alg = ALGS[a]
        for i, n in enumerate(GCM_LENS):
            op = (i + a) % 2
            aad = AAD_LENS[i]
            in_place = i % 3 == 1
            in_off, out_off = offs[(i + a) % len(offs)], offs[(i + 2 * a + 3) % len(offs)]
            streaming = i % 2 == 0
            hp = op == 0 and i % 4 == 0
            tamper = (i // 2 + a) % len(TAMPER) if op else 0
            splits = (n // 3, (2 * n) // 3 + 1) if n else (0, 0)
            name = (f"{alg}-{'open' if op else 'seal'}-len{n}-aad{aad}"
                    f"{'-inplace' if in_place else ''}-off{in_off}.{out_off}"
                    f"{'-stream' if streaming else ''}{'-hp' if hp else ''}"
                    f"{'-tamper_' + TAMPER[tamper] if op else ''}")
            files[name] = seed(alg, op, n, aad, in_place, streaming, hp, in_off, out_off,
                               tamper, tpos=7 * i + a, txor=1 << (i % 8), splits=splits)
    for a in (3, 4):
        alg = ALGS[a]
        for i, n in enumerate(XTS_LENS):
            op = (i + a) % 2
            in_place = i % 3 == 2
            in_off, out_off = offs[(i + a) % len(offs)], offs[(i + 5) % len(offs)]
            name = (f"{alg}-{'dec' if op else 'enc'}-len{n}"
                    f"{'-inplace' if in_place else ''}-off{in_off}.{out_off}")
            files[name] = seed(alg, op, n, 0, in_place, False, False, in_off, out_off)
    # XTS with equal key halves (OpenSSL refuses; the own kernels must still agree).
    dup = bytearray(seed("aes-128-xts", 0, 48))
    dup[32:48] = dup[16:32]
    files["aes-128-xts-enc-len48-equal-key-halves"] = bytes(dup)
    return files


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(out, exist_ok=True)
    files = corpus()
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(files)} seeds in {out}")


if __name__ == "__main__":
    main()
