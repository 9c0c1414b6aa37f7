"""Deterministic national-scale synthetic data in the project's input contract.

`python -m synth --size small|medium|large` writes `<out>/raw/` (usable as
IGOT_RAW_DIR: MDO reports per state and month, ranking editions, the shipped catalogue and
reference files) and `<out>/manifest.json` (parameters, counts and every planted defect with
the finding the org-mapping review reports for it). See generator.py. With `--officers zip|csv`
it adds iGOT's officer-level reports in `officers/<state>_<date>/` (officer_delivery.py).
"""

from synth.generator import DEFAULT_SEED, SIZES, Parameters, generate

__all__ = ["DEFAULT_SEED", "SIZES", "Parameters", "generate"]
