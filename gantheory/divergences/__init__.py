"""Divergences and distances: exact between distributions, exact sums between pmfs, estimators from samples."""

from gantheory.divergences import discrete, empirical, exact

__all__ = ["discrete", "empirical", "exact"]
