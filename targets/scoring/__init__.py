"""Public scoring API: parse a printed value, and (as rules land) score and grade it."""

from .values import Comparator, Nature, Target, parse_target

__all__ = ["Comparator", "Nature", "Target", "parse_target"]
