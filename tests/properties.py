"""How hard the property tests look: the Hypothesis profiles.

`fixed` (the default, and what CI runs): derandomized and without the example database, so a
run draws the same examples as every other run of the same code, and no wall-clock health
check or deadline can fail it. A property test can then fail only because the code changed.

`explore` (`python3 dev.py test --explore`): random examples, ten times as many, remembered in
.hypothesis/ so a failure found is replayed until fixed. Pin every failure it finds with
`@example` on the test, so that the fixed profile checks it for ever after.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fixed")
EXPLORING = PROFILE == "explore"
_TIMING_CHECKS = [HealthCheck.too_slow]

settings.register_profile("fixed", derandomize=True, database=None, deadline=None,
                          suppress_health_check=_TIMING_CHECKS, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None,
                          suppress_health_check=_TIMING_CHECKS, print_blob=True,
                          max_examples=10 * settings.default.max_examples)
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """A test's own number of examples, multiplied when exploring."""
    return 10 * count if EXPLORING else count
