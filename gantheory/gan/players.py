"""The players of :func:`gantheory.gan.train`: the default MLPs, the affine generator, and what the discriminator sees.

* :func:`default_generator`, :func:`default_discriminator`: MLPs with two
  hidden layers of 64 ReLU units (:data:`HIDDEN`);
* :class:`AffineGenerator`: :math:`G(z) = \\mu + \\sigma z`, whose generated
  distribution is known exactly (a normal);
* :func:`pack`: PacGAN's packing, ``m`` consecutive samples as one input;
* :func:`append_minibatch_std`: the minibatch standard-deviation feature;
* :func:`evaluation_mode`: a module in evaluation mode inside a block.

Examples
--------
>>> import numpy as np
>>> from gantheory.gan.players import default_discriminator, pack
>>> x = np.arange(8.0).reshape(4, 2)
>>> pack(x, 2)                                    # two samples per row
array([[0., 1., 2., 3.],
       [4., 5., 6., 7.]])
>>> default_discriminator(4, rng=0)(pack(x, 2)).shape
(2, 1)
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from gantheory._validation import check_positive_int
from gantheory.autograd import nn, ops
from gantheory.autograd.tensor import Tensor, no_grad
from gantheory.distributions import Normal

__all__ = [
    "HIDDEN",
    "AffineGenerator",
    "append_minibatch_std",
    "default_discriminator",
    "default_generator",
    "evaluation_mode",
    "make_players",
    "pack",
    "pad_to_packs",
]

#: The hidden layer widths of the default players.
HIDDEN = (64, 64)


class AffineGenerator(nn.Module):
    """The 1-D generator :math:`G(z) = \\mu + \\sigma z`, :math:`z \\sim N(0, 1)`.

    Its generated distribution is exactly :math:`N(\\mu, |\\sigma|)`, so the
    exact divergences to an analytic target can be followed during training.

    Parameters
    ----------
    loc, scale : float
        Initial :math:`\\mu` and :math:`\\sigma`.
    dtype : dtype
        float64 (default) or float32.

    Examples
    --------
    >>> import numpy as np
    >>> G = AffineGenerator(loc=1.0, scale=2.0)
    >>> G(np.array([[0.0], [1.0]])).data.ravel().tolist()
    [1.0, 3.0]
    >>> G.distribution()
    Normal(loc=1.0, scale=2.0)
    """

    latent_dim = 1

    def __init__(self, loc=0.0, scale=1.0, dtype=np.float64):
        self.loc = Tensor(np.array([float(loc)], dtype=dtype), requires_grad=True)
        self.scale = Tensor(np.array([float(scale)], dtype=dtype), requires_grad=True)

    def forward(self, z):
        return self.loc + self.scale * z

    def distribution(self):
        """The generated distribution :math:`N(\\mu, |\\sigma|)` (a :class:`gantheory.Normal`)."""
        return Normal(float(self.loc.data[0]), abs(float(self.scale.data[0])))


def default_generator(latent_dim, dim, rng=0, dtype=np.float64):
    """The default generator: an MLP ``latent_dim -> 64 -> 64 -> dim`` with ReLU; ``rng`` (int, default 0) seeds its weights.

    Examples
    --------
    >>> import numpy as np
    >>> default_generator(2, 2, rng=0)(np.zeros((5, 2))).shape
    (5, 2)
    """
    return nn.MLP([latent_dim, *HIDDEN, dim], activation="relu", rng=rng, dtype=dtype)


def default_discriminator(dim, outputs=1, rng=0, dtype=np.float64):
    """The default discriminator: an MLP ``dim -> 64 -> 64 -> outputs`` with ReLU (logits or scores); ``rng`` (int, default 0) seeds its weights.

    Examples
    --------
    >>> import numpy as np
    >>> default_discriminator(2, rng=0)(np.zeros((5, 2))).shape
    (5, 1)
    """
    return nn.MLP([dim, *HIDDEN, outputs], activation="relu", rng=rng, dtype=dtype)


def make_players(generator, discriminator, dim, latent_dim, spec, seeds, dtype, d_inputs=None):
    """The two players of a run from its options: ``(generator, discriminator, latent_dim)``, each checked on a probe batch.

    ``generator``: None or ``"mlp"`` (:func:`default_generator`), ``"affine"`` (:class:`AffineGenerator`, 1-D) or a
    Module; ``discriminator``: None (:func:`default_discriminator`, ``spec.critic_outputs`` outputs) or a Module taking
    ``d_inputs`` columns (``pack * dim``, + 1 with the minibatch-std feature). ``spec`` is the loss
    (:data:`gantheory.gan.losses.LOSSES`); ``seeds`` the two players' initialization: int seeds or
    :class:`gantheory._rng.Stream` objects (what ``rng=`` of :func:`default_generator` takes).
    """
    if generator is None or generator == "mlp":
        latent_dim = dim if latent_dim is None else check_positive_int(latent_dim, "latent_dim")
        generator = default_generator(latent_dim, dim, rng=seeds[0], dtype=dtype)
    elif generator == "affine":
        if dim != 1:
            raise ValueError(f"generator='affine' is 1-D; the target is {dim}-D: use generator='mlp'")
        generator = AffineGenerator(dtype=dtype)
    elif not isinstance(generator, nn.Module):
        raise TypeError(f"generator must be None, 'mlp', 'affine' or an autograd.nn.Module, got {generator!r}")
    if latent_dim is None:
        first = getattr(generator, "layers", [None])[0]
        latent_dim = getattr(generator, "latent_dim", None) or (
            first.weight.shape[0] if isinstance(first, nn.Linear) else dim
        )
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    with no_grad():
        probe = generator(Tensor(np.zeros((2, latent_dim), dtype=dtype)))
    if probe.shape != (2, dim):
        raise ValueError(
            f"the generator maps latent_dim={latent_dim} noise to shape {probe.shape[1:]} but the target is {dim}-D; "
            "pass a generator with output width equal to the target's dimension (or fix latent_dim)"
        )
    d_inputs = dim if d_inputs is None else d_inputs  # pack * dim, + 1 with the minibatch-std feature
    if discriminator is None:
        discriminator = default_discriminator(d_inputs, spec.critic_outputs, rng=seeds[1], dtype=dtype)
    elif not isinstance(discriminator, nn.Module):
        raise TypeError(f"discriminator must be None or an autograd.nn.Module, got {type(discriminator).__name__}")
    try:
        with no_grad():
            out = discriminator(Tensor(np.zeros((2, d_inputs), dtype=dtype)))
    except ValueError as exc:
        if d_inputs == dim:
            raise
        raise ValueError(
            f"the discriminator must take inputs of width {d_inputs} (pack * dim, + 1 with minibatch_std): {exc}"
        ) from exc
    if out.shape[0] != 2 or (not spec.two_generator_batches and out.size != 2):
        raise ValueError(
            f"the discriminator maps {d_inputs}-wide inputs to shape {out.shape[1:]}; loss={spec.name!r} needs one output per input"
        )
    return generator, discriminator, latent_dim


MINIBATCH_STD_EPS = 1e-8  # inside the square root, as Karras et al.'s code


def append_minibatch_std(x, reference=None):
    """Append the minibatch standard-deviation feature to each row of ``x`` (Karras et al. 2018).

    Parameters
    ----------
    x : array or Tensor, shape (n, w)
        A batch of the discriminator's inputs.
    reference : array or Tensor, shape (m, w), optional
        The batch whose spread is measured (default ``x`` itself); used to
        draw the discriminator on a grid with the feature of a given batch.

    Returns
    -------
    array or Tensor, shape (n, w + 1)
        ``x`` with the column :math:`s = \\frac1w \\sum_j \\sqrt{\\mathrm{Var}_i(x_{ij}) + 10^{-8}}`
        (the variance over the batch, divided by the batch size) appended,
        the same in every row. A Tensor keeps the gradient through
        :math:`s`: each output then depends on the whole batch.

    Notes
    -----
    Karras et al. [1]_ (Section 3) compute the standard deviation of each
    feature over the minibatch, average these over the features to a single
    value, and concatenate it to every sample as one more feature; the
    :math:`10^{-8}` is that of their code. They insert it near the end of the
    discriminator; :func:`~gantheory.gan.train` (``minibatch_std=True``) appends it to the
    discriminator's input instead, for two reasons: there it works with any
    discriminator Module, whose first layer only needs one more input; and
    for 2-D points the input coordinates are the features whose spread a
    collapsed generator lacks (a batch at one mode of the ring has
    :math:`s` near the mode's standard deviation, the target's batches near
    the ring's radius / :math:`\\sqrt 2`). They compute it over groups of 4
    samples in their code; this uses the whole batch, as their paper states.

    References
    ----------
    .. [1] T. Karras, T. Aila, S. Laine, J. Lehtinen, "Progressive growing of
       GANs for improved quality, stability, and variation", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0.0, 0.0], [2.0, 4.0]])
    >>> append_minibatch_std(x)              # std over the batch: 1 and 2, mean 1.5
    array([[0. , 0. , 1.5],
           [2. , 4. , 1.5]])
    """
    ref = x if reference is None else reference
    centred = ref - ops.mean(ref, axis=0, keepdims=True)
    spread = ops.mean(ops.sqrt(ops.mean(centred * centred, axis=0) + MINIBATCH_STD_EPS))
    column = ops.broadcast_to(ops.reshape(spread, shape=(1, 1)), shape=(x.shape[0], 1))
    if not isinstance(column, Tensor) and isinstance(x, Tensor):
        column = Tensor(column)
    return ops.concatenate([x, column], axis=1)


def pack(x, m):
    """Rows of ``m`` consecutive samples concatenated: ``(n, d) -> (n / m, m d)`` (PacGAN, Lin et al. 2018).

    Arrays and Tensors (the gradient flows back to each sample); ``None`` and ``m = 1`` leave ``x`` as it is.

    Examples
    --------
    >>> import numpy as np
    >>> pack(np.array([[1.0], [2.0], [3.0], [4.0]]), 2).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    if x is None or m == 1:
        return x
    return x.reshape(x.shape[0] // m, m * x.shape[1])


def pad_to_packs(x, m):
    """``x`` with its first rows repeated at the end to a multiple of ``m`` rows (``None`` stays).

    Examples
    --------
    >>> import numpy as np
    >>> pad_to_packs(np.array([[1.0], [2.0], [3.0]]), 2).ravel().tolist()
    [1.0, 2.0, 3.0, 1.0]
    """
    if x is None or len(x) % m == 0:
        return x
    return np.concatenate([x, x[: m - len(x) % m]])


@contextmanager
def evaluation_mode(module):
    """``module`` and its sub-modules in evaluation mode inside the block (spectral norms' vectors fixed), restored after.

    Examples
    --------
    >>> from gantheory.autograd import nn
    >>> D = nn.spectral_norm(nn.Linear(2, 1, rng=0), rng=0)
    >>> with evaluation_mode(D):
    ...     inside = D.training
    >>> inside, D.training
    (False, True)
    """
    modes = [(m, m.training) for m in module.modules()] if isinstance(module, nn.Module) else []
    for m, _ in modes:
        m.training = False
    try:
        yield
    finally:
        for m, mode in modes:
            m.training = mode
