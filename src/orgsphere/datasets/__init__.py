"""Seeded sample data shipped with orgsphere: the demo organisation, used by the demo, the docs and the tests."""

from .demo import DemoFiles, make_demo

__all__ = ["make_demo", "DemoFiles"]
