"""Divergences and distances: exact between distributions, exact sums between pmfs, estimators from samples, and the estimators' error rates."""

from gantheory.divergences import discrete, empirical, evaluation, exact, f_divergences, rates

__all__ = ["discrete", "empirical", "evaluation", "exact", "f_divergences", "rates"]
