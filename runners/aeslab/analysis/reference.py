"""Published figures (the seeds' tables), read from the repository's
reference/ folder: copies of the shared reference CSVs with their source
columns intact.  Everything read here is labelled published wherever it is
shown; none of it is ever mixed into measured data.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import paths

SEED000 = "seed000_linux_vaes_gcm_tables.csv"
OTHER = "seeds_other_figures.csv"
ANCHORS = "published_anchors.csv"
NEWER = "published_linux_newer.csv"


def reference_dir() -> Path:
    d = paths.reference_dir()
    if d is None or not (d / SEED000).exists():
        raise FileNotFoundError("published figures not found: expected reference/ in the "
                                "repository (or AESLAB_REFERENCE_DIR)")
    return d


def seed000() -> pd.DataFrame:
    """Tables 1-4 of seed 000: columns table, alg, direction, row, message_bytes,
    value, unit, aad_bytes, machine, source."""
    return pd.read_csv(reference_dir() / SEED000)


def other() -> pd.DataFrame:
    return pd.read_csv(reference_dir() / OTHER, dtype={"threads": str})


def anchors() -> pd.DataFrame:
    """The AES-XTS improvements of the Linux series seed 004 discusses; the CSV
    writes 'same' for a repeated source or comparison."""
    df = pd.read_csv(reference_dir() / ANCHORS)
    for c in ("source", "comparison"):
        df[c] = df[c].where(df[c] != "same").ffill()
    return df


def linux_newer() -> pd.DataFrame:
    """The Linux series newer than the seeds (VAES+AVX2 AES-GCM for 6.19, the
    AES-XTS series): columns source, machine, comparison, alg, direction,
    message_bytes, value, unit, note."""
    return pd.read_csv(reference_dir() / NEWER)


def other_value(claim: str, machine: str | None = None, size: int | None = None,
                note_has: str | None = None) -> tuple[float, str]:
    """One figure of seeds_other_figures.csv by its claim text: (value, source)."""
    df = other()
    m = df["claim"] == claim
    if machine:
        m &= df["machine"] == machine
    if size is not None:
        m &= pd.to_numeric(df["message_bytes"], errors="coerce") == size
    if note_has:
        m &= df["note"].fillna("").str.contains(note_has, regex=False)
    rows = df[m]
    if not len(rows):
        raise KeyError(f"no published figure {claim!r} ({machine}, {size}, {note_has})")
    src = rows["source"].iloc[0]
    if not src.startswith("seed"):
        src = df["source"].iloc[0]
    return float(rows["value"].iloc[0]), src
