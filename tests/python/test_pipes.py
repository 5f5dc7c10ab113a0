"""aeslab pipes: reading AES/CLMUL sharing out of a pipes record."""
import pytest

from aeslab import pipes


def record(aes_cpi: float, clmul_cpi: float, gcm_cpi: float, pair: float) -> dict:
    """A pipes record at 512 bits only: AES, CLMUL, and AES-128 GCM's mix
    (40 AES : 13 CLMUL a body) at the given cycles per instruction."""
    return {
        "streams": [
            {"name": "aes-zmm", "kind": "aes", "width": 512, "supported": True,
             "cycles_per_insn": aes_cpi},
            {"name": "clmul-zmm", "kind": "clmul", "width": 512, "supported": True,
             "cycles_per_insn": clmul_cpi},
            {"name": "clmul-ymm", "kind": "clmul", "width": 256, "supported": False},
            {"name": "gcm128-zmm", "kind": "gcm", "width": 512, "rounds": 10,
             "supported": True, "cycles_per_insn": gcm_cpi},
        ],
        "sharing": {"verdict": "separate", "pair_cycles": pair,
                    "sum_cycles": aes_cpi + clmul_cpi, "max_cycles": max(aes_cpi, clmul_cpi)},
        "assumptions": {"clmul_per_block": 3.25},
    }


@pytest.mark.parametrize("gcm_cycles, overlap", [
    (40.0, 1.0),   # the mix costs only its AES: separate pipes
    (66.0, 0.0),   # the mix costs AES + CLMUL: one shared pipe
    (53.0, 0.5),   # Zen 4's zmm figures (pipes-20261208T005523Z)
])
def test_gcm_overlap(gcm_cycles, overlap):
    # 40 zmm AES at 1 cycle, 13 zmm CLMUL at 2 cycles
    ov = pipes.gcm_overlap(record(1.0, 2.0, gcm_cycles / 53, 2.0))
    assert len(ov) == 1
    o = ov[0]
    assert (o["n_aes"], o["n_clmul"], o["aes"], o["clmul"]) == (40, 13, 40.0, 26.0)
    assert o["mix"] == pytest.approx(gcm_cycles)
    assert o["overlap"] == pytest.approx(overlap)


def test_sharing_lines_say_both_verdicts():
    # a 1:1 pair at the larger of the two says "separate", the mix half way
    lines = pipes.sharing_lines(record(1.0, 2.0, 1.0, 2.0))
    assert lines[0].endswith("separate pipes for a 1:1 pair")
    assert "gcm128-zmm, 40 AES : 13 CLMUL" in lines[1] and "overlap 0.50" in lines[1]


def test_no_mix_without_both_streams():
    rec = record(1.0, 2.0, 1.0, 2.0)
    rec["streams"] = [s for s in rec["streams"] if s["kind"] != "clmul"]
    assert pipes.gcm_overlap(rec) == []
    assert len(pipes.sharing_lines(rec)) == 1
