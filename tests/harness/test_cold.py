"""`aesbench run --cold`: single messages timed after a disturbance of other
code and data (harness/src/coldcode.c).  These check what the mode reports
and that the disturbance is kept out of the figure; no speed is asserted
(the machines are shared and noisy), only orders of magnitude that hold by
construction."""
import json

from test_aesbench import aesbench

IMPL = "own/portable"


def _points(*extra):
    p = aesbench("run", "--impl", IMPL, "--alg", "aes-128-gcm", "--op", "seal",
                 "--sizes", "16,256", "--min-time", "0.002", "--samples", "5",
                 "--format", "jsonl", *extra, check=True)
    return [json.loads(l) for l in p.stdout.splitlines()]


def test_cold_points_have_cold_fields_and_the_floor_too():
    pts = _points("--cold", "--cold-samples", "21")
    assert {p["impl"] for p in pts} == {IMPL, "lab/null"}
    for p in pts:
        assert p["status"] == "ok"
        assert p["cold_samples"] == 21
        assert p["cold_ns_per_msg"] >= 0
        assert p["cold_ns_p10"] <= p["cold_ns_per_msg"] <= p["cold_ns_p90"]
        assert p["cold_code_kb"] > 0 and p["cold_data_kb"] >= 1024   # the defaults
        assert p["cold_disturb_ns"] > 0
        # the warm figures are still there, measured as ever
        assert p["ns_per_msg"] > 0 and p["mb_per_s"] > 0 and p["samples"] >= 5


def test_the_disturbance_is_not_in_the_cold_figure():
    # lab/null does nothing: its cold figure is the timestamps, the cold call
    # path and the harness's loop.  The disturbance it follows runs ~0.5 MiB
    # of code and walks 4 MiB of data (tens of microseconds at least); were
    # any of it inside the timed interval, the floor would be of its order.
    pts = _points("--cold", "--cold-data", "4096", "--cold-samples", "15", "--no-floor")
    pts = [p for p in pts if p["impl"] == IMPL]
    null = _points("--cold", "--cold-data", "4096", "--cold-samples", "15")
    null = [p for p in null if p["impl"] == "lab/null"]
    assert null and pts
    for p in null:
        assert p["cold_data_kb"] == 4096
        assert p["cold_ns_per_msg"] * 10 < p["cold_disturb_ns"], p
    # the amount is controlled: no code and no data is (nearly) no disturbance
    ctl = _points("--cold", "--cold-code", "0", "--cold-data", "0", "--cold-samples", "15")
    for p in ctl:
        assert p["cold_code_kb"] == 0 and p["cold_data_kb"] == 0
        assert p["cold_disturb_ns"] * 10 < null[0]["cold_disturb_ns"]


def test_warm_points_carry_no_cold_fields():
    for p in _points():
        assert not any(k.startswith("cold_") for k in p), p


def test_cold_table_lists_cold_and_warm():
    p = aesbench("run", "--impl", IMPL, "--alg", "aes-128-xts", "--op", "enc", "--sizes", "64",
                 "--min-time", "0.002", "--samples", "5", "--cold", "--cold-samples", "11",
                 check=True)
    assert "--cold: ns per message, cold / warm" in p.stdout
    assert "lab/null (floor of the cold mode)" in p.stdout
    row = next(l for l in p.stdout.splitlines() if l.startswith(IMPL + " ") and "/" in l[34:])
    cold, warm = (float(x) for x in row[34:].split("/"))
    assert cold >= 0 and warm > 0
    assert "us per disturbance" in p.stdout


def test_cold_bad_values_are_one_line_errors():
    base = ["run", "--impl", IMPL, "--alg", "aes-128-gcm", "--sizes", "16"]
    for bad in (["--cold", "--cold-code", "x"], ["--cold", "--cold-code", "999999"],
                ["--cold", "--cold-data", "-1"], ["--cold", "--cold-data", "1.5"],
                ["--cold", "--cold-samples", "2"], ["--cold-code", "64"],
                ["--cold-data", "64"], ["--cold-samples", "9"], ["--cold=1"]):
        p = aesbench(*base, *bad)
        assert p.returncode == 2, (bad, p.returncode)
        assert len(p.stderr.strip().splitlines()) == 1, (bad, p.stderr)
        assert "cold" in p.stderr, (bad, p.stderr)


def test_cold_asan_clean():
    # runs under ASan+UBSan in `make test-asan` (the name has "asan")
    pts = _points("--cold", "--cold-code", "64", "--cold-data", "256", "--cold-samples", "5")
    assert all(p["cold_samples"] == 5 for p in pts)
