"""The small training harness the experiments share: a logged training loop and its helpers.

The experiments that train a network against fixed laws (a discriminator
towards D* in :mod:`~gantheory.gan.optimal`, the critics of
:mod:`~gantheory.gan.duality`, the f-GAN bound of :mod:`~gantheory.gan.fgan`,
the vanishing gradient of :mod:`~gantheory.gan.gradients`) all run the same
loop: fresh batches, one update, a record every ``log_every`` steps.
:func:`train_logged` is that loop (BLAS on one thread, as in
:func:`gantheory.gan.train`); :func:`hidden_sizes` validates the networks'
widths, :func:`as_inputs` and :func:`logits` move samples in and outputs out,
:func:`mean_and_se` estimates a value and its standard error from two samples,
and :func:`grad_norm` measures a gradient. The GAN itself is trained by
:mod:`gantheory.gan.training`, whose loop also records snapshots and undoes a
failed step.

Examples
--------
>>> import numpy as np
>>> from gantheory.gan.harness import train_logged
>>> rng = np.random.default_rng(0)
>>> state = {"mean": 0.0}
>>> def update(real, fake):                      # a running estimate of E[real]
...     state["mean"] += 0.1 * (real.mean() - state["mean"])
>>> steps, rows = train_logged(update, lambda: [state["mean"]], lambda n: 3.0 + rng.normal(size=n),
...                            lambda n: None, steps=100, log_every=50, batch_size=64)
>>> steps.tolist(), bool(abs(rows[-1, 0] - 3.0) < 0.1)
([0, 50, 100], True)
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from threadpoolctl import threadpool_limits

from gantheory._validation import check_positive_int
from gantheory.autograd import no_grad

__all__ = ["as_inputs", "grad_norm", "hidden_sizes", "logits", "mean_and_se", "train_logged"]


def train_logged(update, record, sample_real, sample_fake, *, steps, log_every, batch_size):
    """Call ``update(real, fake)`` on fresh batches ``steps`` times and ``record()`` at step 0, every ``log_every`` steps and after the last.

    Returns the logged steps (shape ``(k,)``) and the records as rows of an array (shape ``(k, m)``).
    BLAS runs on one thread meanwhile (``threadpoolctl``), as in :func:`gantheory.gan.train`: the matrices are
    small, and OpenBLAS's threads made these loops several times slower.
    """
    logged, rows = [], []
    with threadpool_limits(limits=1, user_api="blas"):
        for t in range(steps + 1):
            if t % log_every == 0 or t == steps:
                logged.append(t)
                rows.append(record())
            if t < steps:
                update(sample_real(batch_size), sample_fake(batch_size))
    return np.array(logged), np.array(rows, dtype=np.float64)


def hidden_sizes(hidden):
    """Validate the hidden layer widths of the discriminator MLP: a sequence of positive ints."""
    if isinstance(hidden, numbers.Integral):
        hidden = (hidden,)
    try:
        sizes = tuple(hidden)
    except TypeError:
        raise TypeError(
            f"hidden must be an int or a sequence of ints (layer widths), got {type(hidden).__name__}"
        ) from None
    return tuple(check_positive_int(h, "hidden") for h in sizes)


def as_inputs(x, dim):
    """Samples of shape (n,) or (n, 2) as network inputs of shape (n, dim)."""
    return np.reshape(x, (-1, dim))


def logits(D, x):
    """The network's outputs on raw inputs as a flat array, without recording a graph."""
    with no_grad():
        return D(x).data.reshape(-1)


def mean_and_se(terms_p, terms_q):
    """Mean of E_P[a] + E_Q[b] from two independent samples, and its standard error."""
    value = terms_p.mean() + terms_q.mean()
    se = math.sqrt(terms_p.var(ddof=1) / terms_p.size + terms_q.var(ddof=1) / terms_q.size)
    return float(value), se


def grad_norm(params):
    """The Euclidean norm of the gradients accumulated in ``params`` (over all of them; parameters without one skipped)."""
    total = 0.0
    for p in params:
        if p.grad is not None:
            total += float((p.grad * p.grad).sum())
    return math.sqrt(total)
