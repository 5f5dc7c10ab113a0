"""End-to-end tests of build/aesbench (run by `make test-harness`).

AESLAB_BUILD names the build folder (build, or build-asan for the sanitizer
run, where only the tests with "asan" in their name run)."""
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("AESLAB_BUILD", "build")
AESBENCH = BUILD / "aesbench"
ASAN = os.environ.get("AESLAB_ASAN") == "1"


def aesbench(*args, env=None, check=False, timeout=900):
    e = dict(os.environ)
    e.update(env or {})
    if ASAN:
        e["AESLAB_VERIFY_INPROC"] = "1"  # sanitizers see the checks in-process
    p = subprocess.run([str(AESBENCH), *args], capture_output=True, text=True, env=e,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"aesbench {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p


@pytest.fixture(scope="module")
def listing():
    p = aesbench("list", "--json", check=True)
    return json.loads(p.stdout)


@pytest.fixture(scope="module")
def fault_dir(tmp_path_factory):
    """A plugin folder with the own kernels and the deliberately broken plugins."""
    d = tmp_path_factory.mktemp("plugins")
    shutil.copy(BUILD / "plugins" / "own.so", d)
    shutil.copy(BUILD / "test-plugins" / "broken.so", d)
    if (BUILD / "test-plugins" / "wrong_abi.so").exists():
        shutil.copy(BUILD / "test-plugins" / "wrong_abi.so", d)
    return d


# ---- every implementation verifies ---------------------------------------------

def test_every_supported_implementation_passes_verification(listing):
    assert listing, "no implementations found"
    bad = [f"{r['name']} {r['alg']}: {r['status']}" for r in listing
           if r["supported"] and r["status"] != "pass" and r["library"] != "lab"]
    assert not bad, "\n".join(bad)
    # a row this CPU cannot run names the features it lacks, from those it needs
    for r in listing:
        if not r["supported"]:
            assert r["status"] == "unsupported" and r["needs"], r
            assert r["lacks"] and set(r["lacks"].split()) <= set(r["needs"].split()), r


def test_lab_null_is_a_baseline_timed_beside_every_run(listing):
    """lab/null is never verified (it does nothing) and never ranked, but
    `aesbench run` times it beside the selection and states the floor."""
    null = [r for r in listing if r["name"] == "lab/null"]
    assert {r["alg"] for r in null} == {"aes-128-gcm", "aes-192-gcm", "aes-256-gcm",
                                        "aes-128-xts", "aes-256-xts"}
    assert all(r["status"] == "baseline" for r in null), null
    p = aesbench("run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
                 "--sizes", "16,64", "--min-time", "0.002", "--samples", "5", check=True)
    lines = p.stdout.splitlines()
    assert not any(line.startswith("lab/null") for line in lines)  # not a row of the table
    floor = next(line for line in lines if line.startswith("floor: lab/null"))
    share = next(line for line in lines if line.startswith("floor: share of the fastest"))
    assert len(floor.split()[-2:]) == 2 and all(float(x) > 0 for x in floor.split()[-2:])
    assert all(0 < float(x) < 100 for x in share.split()[-2:]), share
    p = aesbench("run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
                 "--sizes", "16", "--min-time", "0.002", "--samples", "5", "--format", "jsonl",
                 check=True)
    impls = [json.loads(x)["impl"] for x in p.stdout.splitlines()]
    assert impls == ["lab/null", "own/portable"]
    p = aesbench("run", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal",
                 "--sizes", "16", "--min-time", "0.002", "--samples", "5", "--format", "jsonl",
                 "--no-floor", check=True)
    assert [json.loads(x)["impl"] for x in p.stdout.splitlines()] == ["own/portable"]


def test_verify_lists_what_this_cpu_cannot_run(fault_dir):
    p = aesbench("verify", "--impl", "test/unsupported", env={"AESLAB_PLUGINS": str(fault_dir)})
    assert p.returncode == 0, p.stderr
    word, name, alg, *detail = p.stdout.split()
    assert (word, name, alg) == ("unsupported", "test/unsupported", "aes-128-gcm")
    assert " ".join(detail).startswith("lacks no-such-feature(?) (needs aes no-such-feature)")


def test_list_json_has_the_documented_keys(listing):
    for r in listing:
        assert {"name", "library", "version", "alg", "isa", "supported", "status"} <= r.keys()
        assert r["alg"] in {"aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "aes-128-xts",
                            "aes-256-xts"}
        assert "/" in r["name"]
        # the ops `run` can time: seal-hp only where the implementation offers it
        assert r["ops"] == (["enc", "dec"] if r["alg"].endswith("xts") else
                            ["seal", "open", "seal-hp"] if r["name"] in HP else ["seal", "open"])


# implementations with QUIC header protection (gcm_seal_hp)
HP = {"own/portable", "own/aesni", "own/aesni-avx", "own/vaes256", "own/vaes512", "own/vaes512-sb",
      "own/fused", "own/auto"}


def test_own_kernels_and_distro_openssl_are_present(listing):
    names = {(r["name"], r["alg"]) for r in listing}
    for alg in ("aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "aes-128-xts", "aes-256-xts"):
        assert ("own/portable", alg) in names
        assert ("openssl-3.0/evp", alg) in names


def test_asan_own_kernels_verify_under_sanitizers():
    p = aesbench("verify", "--impl", "own/*")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "FAIL" not in p.stdout
    assert p.stdout.count("ok ") >= 5


# ---- faults are caught and never timed ---------------------------------------

EXPECTED_FAULTS = {
    "test/flip-ct": "len=200",
    "test/accept-any-tag": "forged message accepted",
    "test/release-plaintext": "plaintext released",
    "test/crash": "crashed",
    "test/xts-no-steal": "XTS",
}


def test_asan_verification_catches_each_fault(fault_dir):
    if ASAN:  # a deliberate crash under in-process verification would end the test run
        env = {"AESLAB_PLUGINS": str(fault_dir)}
        p = aesbench("list", "--json", "--impl", "test/flip-ct,test/accept-any-tag,"
                     "test/release-plaintext,test/xts-no-steal", env=env)
    else:
        p = aesbench("list", "--json", "--impl", "test/*", env={"AESLAB_PLUGINS": str(fault_dir)})
    rows = {r["name"]: r for r in json.loads(p.stdout)}
    for name, needle in EXPECTED_FAULTS.items():
        if name not in rows:
            continue
        st = rows[name]["status"]
        assert st.startswith("fail: ") and needle in st, f"{name}: {st}"
    assert rows["test/slow-ok"]["status"] == "pass" if "test/slow-ok" in rows else True


def test_wrong_abi_plugin_is_left_out_with_a_message(fault_dir):
    p = aesbench("list", "--no-verify", env={"AESLAB_PLUGINS": str(fault_dir)})
    assert p.returncode == 0
    assert "test/flip-ct" in p.stdout
    assert "wrong_abi.so: ABI version" in p.stderr


def test_failed_implementation_is_reported_and_never_timed(fault_dir):
    p = aesbench("run", "--impl", "test/flip-ct,test/crash,own/portable", "--alg", "aes-128-gcm",
                 "--op", "seal", "--sizes", "256", "--min-time", "0.005", "--samples", "5",
                 "--format", "jsonl", env={"AESLAB_PLUGINS": str(fault_dir)})
    assert p.returncode == 3, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    by = {r["impl"]: r for r in rows}
    for bad in ("test/flip-ct", "test/crash"):
        assert by[bad]["status"].startswith("fail: ")
        assert by[bad]["mb_per_s"] is None
    assert by["own/portable"]["status"] == "ok" and by["own/portable"]["mb_per_s"] > 0


# ---- the timing method measures right (not a speed test) ------------------------

def test_timing_measures_a_known_cost(fault_dir):
    """test/slow-ok busy-waits 200 us of its thread's CPU time per seal.  The
    harness reports wall time per message and the share of the interval the
    thread had its core (cpu_share), so on any machine, quiet or not,
    ns_per_msg * cpu_share must come out at 200 us (plus the call's own
    small cost), ns_per_msg can never be below it, and MB/s must match."""
    p = aesbench("run", "--impl", "test/slow-ok", "--alg", "aes-128-gcm", "--op", "seal",
                 "--sizes", "1000", "--min-time", "0.05", "--samples", "5", "--format", "jsonl",
                 env={"AESLAB_PLUGINS": str(fault_dir)}, check=True)
    r = json.loads(p.stdout.splitlines()[0])
    assert r["ns_per_msg"] >= 200_000, r
    assert 0 < r["cpu_share"] <= 1.02, r
    assert r["mb_per_cpu_s"] == pytest.approx(5.0, rel=0.1), r
    cpu_per_msg = r["ns_per_msg"] * r["cpu_share"]
    assert 195_000 <= cpu_per_msg <= 225_000, r
    assert r["mb_per_s"] == pytest.approx(1000 / r["ns_per_msg"] * 1e3, rel=0.03)
    assert r["cycle_source"] in ("tsc", "cntvct", "ns", "calibrated", "pmu", "aperf")
    assert r["samples"] >= 5
    assert r["noisy"] == (r["cpu_share"] < 0.9 or r["cv"] > 0.05)


def test_threads_report_aggregate_and_per_thread(fault_dir):
    p = aesbench("run", "--impl", "test/slow-ok", "--alg", "aes-128-gcm", "--op", "seal",
                 "--sizes", "1000", "--threads", "2", "--min-time", "0.05", "--samples", "5",
                 "--format", "jsonl", env={"AESLAB_PLUGINS": str(fault_dir)}, check=True)
    r = json.loads(p.stdout.splitlines()[0])
    assert r["threads"] == 2
    t = r["thread_mb_per_s"]
    assert t["min"] <= t["median"] <= t["max"]
    # the aggregate is all bytes over the one common interval: between two
    # slowest and two fastest threads' rates (per-thread figures are medians
    # over samples, so allow for sample-to-sample spread)
    assert 2 * t["min"] * 0.85 <= r["mb_per_s"] <= 2 * t["max"] * 1.15, r
    # every message costs 200 us of some thread's CPU time, so per CPU-second
    # the threads together move 1000 B / 200 us = 5 MB, however many share
    # the cores and however loaded the machine is
    assert r["mb_per_cpu_s"] == pytest.approx(5.0, rel=0.1), r


# ---- bad arguments are one-line errors, never crashes ---------------------------

BAD_ARGS = [
    ["frobnicate"],
    ["run"],
    ["run", "--impl", "no/such"],
    ["run", "--impl", "own/portable", "--alg", "aes-512-gcm"],
    ["run", "--impl", "own/portable", "--alg", "aes-128-xts", "--sizes", "8"],
    ["run", "--impl", "own/portable", "--sizes", "12x"],
    ["run", "--impl", "own/portable", "--bogus"],
    ["run", "--impl", "own/portable", "--samples", "2"],
    ["run", "--impl", "own/portable", "--format", "xml"],
    ["vector", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal", "--key", "zz",
     "--iv", "00" * 12, "--in", ""],
    ["vector", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal", "--key", "00" * 15,
     "--iv", "00" * 12, "--in", ""],
    ["vector", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal", "--key", "00" * 16,
     "--iv", "00" * 11, "--in", ""],
    ["vector", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "seal", "--key", "00" * 16,
     "--iv", "00" * 12, "--in", "abc"],
    ["vector", "--impl", "own/portable", "--alg", "aes-128-xts", "--op", "enc", "--key", "00" * 32,
     "--tweak", "00" * 16, "--in", "00" * 15],
    ["vector", "--impl", "own/portable", "--alg", "aes-128-xts", "--op", "seal", "--key", "00" * 32,
     "--tweak", "00" * 16, "--in", "00" * 16],
    ["vector", "--impl", "own/portable", "--alg", "aes-128-gcm", "--op", "open", "--key", "00" * 16,
     "--iv", "00" * 12, "--in", "00" * 15],
    ["list", "--alg", "des"],
]


@pytest.mark.parametrize("args", BAD_ARGS, ids=lambda a: " ".join(a)[:60])
def test_asan_bad_arguments_are_one_line_errors(args):
    p = aesbench(*args)
    assert p.returncode == 2, (p.returncode, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aesbench: "), p.stderr


def test_unsupported_implementation_is_an_error(fault_dir):
    p = aesbench("run", "--impl", "test/unsupported", "--alg", "aes-128-gcm",
                 env={"AESLAB_PLUGINS": str(fault_dir)})
    assert p.returncode == 2 and "cannot run on this CPU" in p.stderr


# ---- aesbench vector agrees with an independent implementation -----------------

def _oracle(alg, op, key, iv, aad, data):
    if alg.endswith("gcm"):
        g = AESGCM(key)
        if op == "seal":
            return g.encrypt(iv, data, aad or None).hex()
        return g.decrypt(iv, data, aad or None).hex()
    c = Cipher(algorithms.AES(key), modes.XTS(iv))
    x = c.encryptor() if op == "enc" else c.decryptor()
    return (x.update(data) + x.finalize()).hex()


def test_asan_vector_agrees_with_python_cryptography(listing):
    rnd = random.Random(1234)
    key_len = {"aes-128-gcm": 16, "aes-192-gcm": 24, "aes-256-gcm": 32,
               "aes-128-xts": 32, "aes-256-xts": 64}
    checked = 0
    for r in listing:
        if not r["supported"] or r["status"] not in ("pass", "unverified") or r["library"] == "lab":
            continue
        if ASAN and not r["name"].startswith("own/"):
            continue
        alg = r["alg"]
        for _ in range(3):
            key = rnd.randbytes(key_len[alg])
            if alg.endswith("xts"):
                key = key[: len(key) // 2] + bytes(b ^ 0x5A for b in key[len(key) // 2:])
                tweak = rnd.randbytes(16)
                data = rnd.randbytes(rnd.choice([16, 17, 31, 32, 100, 512, 4095]))
                for op in ("enc", "dec"):
                    p = aesbench("vector", "--impl", r["name"], "--alg", alg, "--op", op,
                                 "--key", key.hex(), "--tweak", tweak.hex(), "--in", data.hex(),
                                 check=True)
                    assert p.stdout.strip() == _oracle(alg, op, key, tweak, b"", data), r
            else:
                iv = rnd.randbytes(12)
                aad = rnd.randbytes(rnd.choice([0, 13, 16, 40]))
                data = rnd.randbytes(rnd.choice([0, 1, 15, 16, 63, 200, 1420]))
                p = aesbench("vector", "--impl", r["name"], "--alg", alg, "--op", "seal",
                             "--key", key.hex(), "--iv", iv.hex(), "--aad", aad.hex(),
                             "--in", data.hex(), check=True)
                sealed = _oracle(alg, "seal", key, iv, aad, data)
                assert p.stdout.strip() == sealed, r
                p = aesbench("vector", "--impl", r["name"], "--alg", alg, "--op", "open",
                             "--key", key.hex(), "--iv", iv.hex(), "--aad", aad.hex(),
                             "--in", sealed, check=True)
                assert p.stdout.strip() == data.hex()
                forged = bytearray(bytes.fromhex(sealed))
                forged[-1] ^= 1
                p = aesbench("vector", "--impl", r["name"], "--alg", alg, "--op", "open",
                             "--key", key.hex(), "--iv", iv.hex(), "--aad", aad.hex(),
                             "--in", forged.hex())
                assert p.returncode == 1 and p.stderr.strip() == "tag mismatch"
                assert p.stdout == ""
            checked += 1
    assert checked > 0
