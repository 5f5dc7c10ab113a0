"""Where things are: the repository, the harness, plugins, results, schemas.

Every location can be overridden from the environment so that tests (and
other clones) can point the runner elsewhere without flags:
AESLAB_ROOT, AESLAB_BUILD, AESLAB_AESBENCH, AESLAB_PLUGINS, AESLAB_RESULTS,
AESLAB_LOCK, AESLAB_REFERENCE_DIR.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def root() -> Path:
    env = os.environ.get("AESLAB_ROOT")
    if env:
        return Path(env).resolve()
    # runners/aeslab/paths.py -> the repository is two levels above the package
    return PACKAGE.parents[1]


def build_dir() -> Path:
    b = os.environ.get("AESLAB_BUILD", "build")
    p = Path(b)
    return p if p.is_absolute() else root() / p


def aesbench() -> Path:
    env = os.environ.get("AESLAB_AESBENCH")
    return Path(env) if env else build_dir() / "aesbench"


def plugin_dir() -> Path:
    env = os.environ.get("AESLAB_PLUGINS")
    return Path(env) if env else build_dir() / "plugins"


def results_dir(override: str | None = None) -> Path:
    if override:
        return Path(override)
    env = os.environ.get("AESLAB_RESULTS")
    return Path(env) if env else root() / "results"


def schema_dir() -> Path:
    return root() / "results" / "schema"


def presets_dir() -> Path:
    return PACKAGE / "presets"


def config_schema() -> Path:
    return PACKAGE / "schemas" / "config.schema.json"


def host() -> str:
    """Short host name, the folder results of this machine go to."""
    return socket.gethostname().split(".")[0] or "localhost"


def lock_path() -> Path:
    """One lock per machine (not per results folder): two runs on one machine
    spoil each other's numbers wherever they write."""
    env = os.environ.get("AESLAB_LOCK")
    if env:
        return Path(env)
    for d in ("/run/lock", "/var/lock", "/tmp"):
        if os.access(d, os.W_OK):
            return Path(d) / "aeslab-run.lock"
    return Path.home() / ".aeslab-run.lock"


def reference_dir() -> Path | None:
    """Published figures (the seeds' tables): reference/ in the repository."""
    env = os.environ.get("AESLAB_REFERENCE_DIR")
    for cand in ([Path(env)] if env else []) + [root() / "reference"]:
        if cand.is_dir():
            return cand
    return None
