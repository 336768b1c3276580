"""Test-suite settings shared by every test module."""

from hypothesis import settings

# Property tests run on shared, noisy machines: no per-example deadline, and a
# fixed derandomized sequence so that CI is reproducible. Run with
# ``--hypothesis-profile=explore`` to search with fresh random examples.
settings.register_profile("default", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None, max_examples=500)
settings.load_profile("default")
