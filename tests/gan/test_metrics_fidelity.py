"""Precision/recall and density/coverage beside the mode counts: ModeCoverage and the logged metrics (issue 27)."""

import math

import numpy as np

import gantheory as gt
from gantheory.divergences.evaluation import collapsed_ring, density_coverage, precision_recall
from gantheory.gan.metrics import REFERENCE_SEED, logged_metrics, mode_coverage

RING = gt.ring_of_gaussians(8)


def test_mode_coverage_precision_recall_against_a_seeded_target_sample():
    x = RING.sample(600, rng=5)
    c = mode_coverage(x, RING)
    reference = RING.sample(600, rng=REFERENCE_SEED)
    np.testing.assert_array_equal(c.reference, reference)
    pr = precision_recall(reference, x, k=3)
    assert (c.precision, c.recall) == (pr.precision, pr.recall)
    assert c.density_coverage == density_coverage(reference, x, k=5)
    assert c.precision > 0.9 and c.recall > 0.9  # the target against itself


def test_collapse_reads_as_high_precision_low_recall_beside_the_mode_count():
    c = mode_coverage(collapsed_ring(7).sample(2500, rng=1), RING)  # one mode of 8
    assert c.modes == 1
    assert c.precision > 0.9 and c.recall < 0.2
    assert c.density_coverage.coverage < 0.2


def test_equality_and_repr_ignore_the_samples():
    x = RING.sample(100, rng=0)
    a, b = mode_coverage(x, RING), mode_coverage(x.copy(), RING)
    assert a == b and "samples" not in repr(a) and "target" not in repr(a)
    tiny = mode_coverage(x[:3], RING)
    assert math.isnan(tiny.precision) and math.isnan(tiny.recall) and tiny.density_coverage is None
    assert tiny == mode_coverage(x[:3].copy(), RING)  # the NaN precision is not compared


def test_one_dimensional_mixture():
    target = gt.Mixture([gt.Normal(-3, 0.5), gt.Normal(3, 0.5)], [0.5, 0.5])
    c = mode_coverage(gt.Normal(3, 0.5).sample(400, rng=2), target)
    assert c.modes == 1 and c.precision > 0.9 and c.recall < 0.6


def test_logged_metrics_log_precision_and_recall_on_the_mode_samples():
    reference = RING.sample(256, rng=1)
    x_modes = collapsed_ring(6).sample(2500, rng=2)
    values, notes = logged_metrics(x_modes[:256], reference, 2, RING, None, RING, x_modes)
    c = mode_coverage(x_modes, RING, n_sd=3)
    assert (values["precision"], values["recall"]) == (c.precision, c.recall)
    assert values["modes"] == 2 and not notes


def test_logged_metrics_without_a_mixture_have_no_precision():
    reference = gt.MultivariateNormal(np.zeros(2), np.eye(2)).sample(256, rng=1)
    values, _ = logged_metrics(reference + 1.0, reference, 2, None, None)
    assert "precision" not in values and "recall" not in values


def test_logged_precision_is_nan_with_its_reason_for_non_finite_points():
    reference = RING.sample(256, rng=1)
    x_modes = RING.sample(2500, rng=2)
    x_modes[7] = np.nan
    values, notes = logged_metrics(x_modes[:256], reference, 2, RING, None, RING, x_modes)
    assert math.isnan(values["precision"]) and math.isnan(values["recall"])
    assert notes["precision"] == notes["recall"] == "the generated points are not all finite"
