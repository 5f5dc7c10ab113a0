"""The matrix: presets, config files, flag syntax, expansion."""
from __future__ import annotations

import pytest

from aeslab import matrix
from aeslab.matrix import ConfigError

IMPLS = [
    {"name": "own/portable", "alg": a, "isa": "generic", "supported": True, "plugin": "own.so"}
    for a in matrix.ALGS
] + [
    {"name": "own/aesni", "alg": a, "isa": "aesni", "supported": True, "plugin": "own.so"}
    for a in matrix.ALGS
] + [
    {"name": "x/future", "alg": "aes-128-gcm", "isa": "avx10", "supported": False, "plugin": "x.so"},
]


def test_the_presets_are_the_ones_run_help_names(capsys):
    from aeslab import cli
    assert {"quick", "seeds", "full", "goals"} <= set(matrix.preset_names())
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert ", ".join(matrix.preset_names()) + " (`aeslab presets`" in text


@pytest.mark.parametrize("name", matrix.preset_names())
def test_presets_load_validate_and_expand(name):
    cfg = matrix.normalise(matrix.load_preset(name), ncpu=4)
    groups, _ = matrix.expand(cfg, IMPLS, cfg["freq"])
    assert groups and all(g.points for g in groups)
    keys = [k for g in groups for k in g.points]
    assert len(keys) == len(set(keys)), "a point appears twice in the plan"


def test_quick_is_what_make_run_promises():
    cfg = matrix.normalise(matrix.load_preset("quick"), ncpu=2)
    (b,) = cfg["blocks"]
    assert set(b["alg"]) == {"aes-128-gcm", "aes-256-gcm", "aes-128-xts", "aes-256-xts"}
    assert set(b["op"]) == {"seal", "open", "enc", "dec"}
    assert b["sizes"] == matrix.SEED_SIZES and b["threads"] == [1] and b["impl"] == ["*"]


def test_seeds_preset_covers_each_seed_table():
    cfg = matrix.normalise(matrix.load_preset("seeds"), ncpu=8)
    names = " ".join(b["name"] for b in cfg["blocks"])
    for seed in ("000", "002", "003", "004"):
        assert f"seed {seed}" in names
    s000 = next(b for b in cfg["blocks"] if "seed 000" in b["name"])
    assert s000["alg"] == ["aes-256-gcm"] and s000["aad"] == [16]
    assert {16, 63, 64, 200, 300, 500, 512, 1420, 4095, 4096, 16384} == set(s000["sizes"])
    s002 = next(b for b in cfg["blocks"] if "seed 002" in b["name"])
    assert s002["threads"] == [1, 2, 4, 8]


@pytest.mark.parametrize("spec,ncpu,want", [
    ("1,2,4,...,nproc", 2, [1, 2]),
    ("1,2,4,...,nproc", 16, [1, 2, 4, 8, 16]),
    ("1,2,4,...,nproc", 6, [1, 2, 4, 6]),
    ("pow2", 8, [1, 2, 4, 8]),
    ("pow2", 6, [1, 2, 4, 6]),
    ("2,4,6,...,10", 4, [2, 4, 6, 8, 10]),
    ("nproc", 3, [3]),
    ([1, "nproc"], 2, [1, 2]),
])
def test_thread_syntax(spec, ncpu, want):
    assert matrix.parse_threads(spec, ncpu) == want


@pytest.mark.parametrize("spec", ["0", "x", "1,...", "1025", "...,4"])
def test_bad_threads_are_refused(spec):
    with pytest.raises(ConfigError):
        matrix.parse_threads(spec, 4)


def test_size_syntax():
    assert matrix.parse_sizes("16,1k,4KiB") == [16, 1024, 4096]
    assert matrix.parse_sizes("16..128") == [16, 32, 64, 128]
    assert matrix.parse_sizes(["seeds", 16]) == matrix.SEED_SIZES
    for bad in ("12x", "-1", "", "8..4"):
        with pytest.raises(ConfigError):
            matrix.parse_sizes(bad)


def test_toml_and_yaml_configs(tmp_path):
    t = tmp_path / "m.toml"
    t.write_text('impl = "own/*"\nalg = ["aes-128-gcm"]\nsizes = "64,1k"\nthreads = "1,2"\n'
                 '[[block]]\nop = "seal"\n[[block]]\nop = "open"\nsizes = [16]\n')
    y = tmp_path / "m.yaml"
    y.write_text("impl: own/*\nalg: [aes-128-gcm]\nsizes: 64,1k\nthreads: 1,2\n"
                 "block:\n  - op: seal\n  - op: open\n    sizes: [16]\n")
    for f in (t, y):
        cfg = matrix.normalise(matrix.load_file(f), ncpu=2)
        assert [b["op"] for b in cfg["blocks"]] == [["seal"], ["open"]]
        assert cfg["blocks"][0]["sizes"] == [64, 1024] and cfg["blocks"][1]["sizes"] == [16]
        assert cfg["blocks"][0]["threads"] == [1, 2]


@pytest.mark.parametrize("text,needle", [
    ('samples = 3\n', "samples"),
    ('alg = ["aes-512-gcm"]\n', "alg"),
    ('frobnicate = 1\n', "frobnicate"),
    ('[[block]]\nrepeat = 2\n', "repeat"),
    ('cv_target = 2.0\n', "cv_target"),
    ('min_time = "fast"\n', "min_time"),
    ('sizes = [', "TOML"),
])
def test_bad_configs_say_where(tmp_path, text, needle):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as e:
        matrix.normalise(matrix.load_file(f))
    assert needle in str(e.value) and "bad.toml" in str(e.value)


def test_flags_override_blocks_too():
    base = matrix.load_preset("seeds")
    cfg = matrix.normalise(matrix.merge(base, {"threads": "1", "sizes": "64"}), ncpu=8)
    assert all(b["threads"] == [1] and b["sizes"] == [64] for b in cfg["blocks"])


def test_expand_filters_and_orders():
    cfg = matrix.normalise({"impl": "own/*,x/*", "alg": "aes-128-xts,aes-128-gcm",
                            "op": "all", "sizes": "8,64", "isa": "aes*"}, ncpu=2)
    groups, notes = matrix.expand(cfg, IMPLS, ["as-is"])
    assert {g.impl for g in groups} == {"own/aesni"}          # isa filter; x/future unsupported
    xts = next(g for g in groups if g.alg == "aes-128-xts")
    assert xts.sizes == [64] and xts.ops == ["enc", "dec"] and xts.aad == 0
    assert any("at least 16 bytes" in n for n in notes)
    gcm = next(g for g in groups if g.alg == "aes-128-gcm")
    assert gcm.points == [matrix.point_key_of(gcm, op, s) for op in gcm.ops for s in gcm.sizes]


def test_repetitions_alternate_the_implementation_order():
    lab = [{"name": "lab/null", "alg": "aes-128-gcm", "isa": "generic", "supported": True,
            "plugin": "lab.so", "library": "lab"}]
    cfg = matrix.normalise({"impl": "own/*", "alg": "aes-128-gcm", "op": "seal",
                            "sizes": "64", "repeat": "3"}, ncpu=1)
    groups, _ = matrix.expand(cfg, lab + IMPLS, ["as-is"])
    order = {rep: [g.impl for g in groups if g.rep == rep] for rep in range(3)}
    assert order[0] == ["lab/null", "own/portable", "own/aesni"]
    assert order[1] == ["lab/null", "own/aesni", "own/portable"]  # the floor stays first
    assert order[2] == order[0]


def test_expand_dedups_points_across_blocks():
    cfg = matrix.normalise({"impl": "own/portable", "alg": "aes-128-gcm", "op": "seal",
                            "block": [{"sizes": "16,64"}, {"sizes": "64,256"}]}, ncpu=1)
    groups, _ = matrix.expand(cfg, IMPLS, ["as-is"])
    sizes = [k[3] for g in groups for k in g.points]
    assert sorted(sizes) == [16, 64, 256]


def test_groups_round_trip_through_run_json():
    cfg = matrix.normalise({"impl": "own/portable", "alg": "aes-128-gcm", "op": "seal,open",
                            "block": [{"sizes": "16,64"}, {"sizes": "64,256", "op": "open"}]},
                           ncpu=1)
    groups, _ = matrix.expand(cfg, IMPLS, ["as-is"])
    back = [matrix.Group.from_json(g.to_json()) for g in groups]
    assert [g.points for g in back] == [g.points for g in groups]


def test_nothing_to_run_is_an_error():
    cfg = matrix.normalise({"impl": "nobody/*"}, ncpu=1)
    with pytest.raises(ConfigError):
        matrix.expand(cfg, IMPLS, ["as-is"])


def test_seal_hp_only_where_offered():
    # the harness listing says which ops each implementation can time
    impls = [{"name": "own/fused", "alg": "aes-128-gcm", "isa": "vaes512", "supported": True,
              "plugin": "own.so", "ops": ["seal", "open", "seal-hp"]},
             {"name": "peer/evp", "alg": "aes-128-gcm", "isa": "aesni", "supported": True,
              "plugin": "peer.so", "ops": ["seal", "open"]}]
    cfg = matrix.normalise({"impl": "*", "alg": "aes-128-gcm", "op": "seal,seal-hp",
                            "sizes": "64"}, ncpu=1)
    groups, notes = matrix.expand(cfg, impls, ["as-is"])
    ops = {g.impl: g.ops for g in groups}
    assert ops == {"own/fused": ["seal", "seal-hp"], "peer/evp": ["seal"]}
    assert any("seal-hp: offered by 1 of 2" in n and "own/fused" in n for n in notes)


def test_cold_is_a_block_key_passed_to_aesbench(tmp_path):
    from aeslab.harness import run_args
    f = tmp_path / "cold.toml"
    f.write_text('alg = "aes-128-gcm"\nop = "seal"\nsizes = "16,1420"\n'
                 '[[block]]\nimpl = "own/aesni"\ncold = true\n'
                 '[[block]]\nimpl = "own/portable"\n')
    cfg = matrix.normalise(matrix.load_file(f), ncpu=2)
    assert [b["cold"] for b in cfg["blocks"]] == [True, False]
    groups, _ = matrix.expand(cfg, IMPLS, cfg["freq"])
    cold = {g.impl: g.cold for g in groups}
    assert cold == {"own/aesni": True, "own/portable": False}
    g = next(g for g in groups if g.cold)
    assert matrix.Group.from_json(g.to_json()).cold
    args = lambda c: run_args("own/aesni", "aes-128-gcm", ["seal"], [16], 16, 1, 0, True, False,  # noqa: E731
                              0.01, 5, 5, 0, 0, "auto", cold=c)
    assert "--cold" in args(True) and "--cold" not in args(False)
    with pytest.raises(ConfigError, match="cold"):
        matrix.normalise({"cold": 3})
    # a warm group's plan, and so the digest a resume checks, is what it was
    # before the key existed: runs stored then still resume
    w = next(g for g in groups if not g.cold)
    assert "cold" not in w.to_json() and not matrix.Group.from_json(w.to_json()).cold
    assert "cold" in g.to_json()


def test_a_noisy_point_is_measured_cold_again():
    # the runner's re-measurement of noisy points asks aesbench for the same
    # cold figures as the first attempt did
    import inspect

    from aeslab.runner import Runner
    src = inspect.getsource(Runner._retry)
    assert "cold=g.cold" in src
