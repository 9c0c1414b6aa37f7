"""Deterministic random streams: one per (seed, state, date, ...) key, never Python's hash().

Each stream is seeded from the SHA-256 of its key, so a file's content depends only on the
key's parts: the same arguments give the same bytes on every run and machine, and a month's
file is the same whether 23 or 24 months are generated.
"""

import hashlib
import random

import numpy as np


def stream_seed(*parts: object) -> int:
    """A 64-bit seed from a key such as (20260225, 'bihar', '2026-02-28', 100)."""
    key = ":".join(str(part) for part in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def stream(*parts: object) -> random.Random:
    return random.Random(stream_seed(*parts))


def array_stream(*parts: object) -> np.random.Generator:
    """A NumPy generator for drawing many numbers at once (only uniform draws are used)."""
    return np.random.Generator(np.random.PCG64(stream_seed(*parts)))
