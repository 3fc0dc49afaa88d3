"""The Hypothesis profiles of the test suite, loaded by ``tests/conftest.py``.

- ``dev`` (the default): Hypothesis explores new examples on every run (that is how it
  finds bugs); a failure found is kept in ``.hypothesis/`` and replayed first next time.
- ``ci`` (loaded when ``CI=true``): derandomized, so that a landing never hangs on a
  lucky draw.
- ``check`` (``make check`` passes ``--hypothesis-profile=check``): the fast loop. At
  most :data:`CHECK_EXAMPLES` examples per property, still random (each run of the
  loop tries other examples), and a test's own ``@settings(max_examples=...)`` is
  capped to the same number (:func:`capped`). ``make test`` and CI keep every test's
  full count.

No profile has a ``deadline``: a property holds or not whatever the machine's load, and
no test may fail because one example took more than a few hundred milliseconds of
wall-clock time.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings

CHECK_PROFILE = "check"
CHECK_EXAMPLES = 5
"""Examples per property test in the fast loop (Hypothesis's own default is 100)."""

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile(CHECK_PROFILE, deadline=None, max_examples=CHECK_EXAMPLES)


def capped(given: settings, cap: int = CHECK_EXAMPLES) -> settings:
    """``given`` with at most ``cap`` examples, every other setting kept."""
    if given.max_examples <= cap:
        return given
    return settings(given, max_examples=cap)


def cap_examples(test: Any, cls: Any = None) -> None:
    """Caps the examples of one collected test: a ``@given`` function (its settings are
    read when it is called, so replacing them here takes effect) or a stateful
    machine's ``TestCase`` class (``cls``), whose ``settings`` attribute is read when
    it runs. Anything else is left as it is."""
    own = getattr(test, "_hypothesis_internal_use_settings", None)
    if isinstance(own, settings):
        test._hypothesis_internal_use_settings = capped(own)
    machine = getattr(cls, "settings", None)
    if isinstance(machine, settings):
        cls.settings = capped(machine)
