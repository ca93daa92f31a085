"""Divergences and distances: exact between distributions, exact sums between pmfs, estimators from samples."""

from gantheory.divergences import discrete, empirical

__all__ = ["discrete", "empirical"]
