"""The players' costs: discriminator, generators, Wasserstein and Cramér critics.

Every cost takes the discriminator's raw outputs (autograd Tensors, or arrays):
*logits* for the classifier GANs, where :math:`D(x) = \\sigma(\\text{logit})`,
and *scores* (unbounded real values) for the Wasserstein, least-squares and
Cramér critics. The log-probabilities are written with softplus
(:math:`\\log D = -\\text{softplus}(-\\ell)`, :math:`\\log(1 - D) = -\\text{softplus}(\\ell)`),
never as ``log(sigmoid(...))``, so values and gradients stay finite at logits
of ±1000. Each cost is a mean over the batch: an unbiased estimate of the
expectation it is named after.

=========================  ==========================================================  =============================
name (``LOSSES``)          discriminator / critic cost                                 generator cost
=========================  ==========================================================  =============================
``"minimax"``              :func:`discriminator_cost` (J)                              −J's fake term
``"non_saturating"``       :func:`discriminator_cost`                                  −½E log D(G(z))
``"maximum_likelihood"``   :func:`discriminator_cost`                                  −½E exp σ⁻¹(D(G(z)))
``"least_squares"``        :func:`least_squares_discriminator_cost`                    ½E (D(G(z)) − 1)²
``"wgan"``                 :func:`wasserstein_critic_cost` + :func:`clip_weights`      −E f(G(z))
``"wgan_gp"``              :func:`wasserstein_critic_cost` + :func:`gradient_penalty`  −E f(G(z))
``"cramer"``               :func:`cramer_critic_cost` + :func:`gradient_penalty`       :func:`cramer_generator_cost`
=========================  ==========================================================  =============================

Examples
--------
>>> import numpy as np
>>> from gantheory.autograd import Tensor
>>> from gantheory.gan import losses
>>> real, fake = Tensor(np.array([1000.0, 2.0])), Tensor(np.array([-1000.0, -2.0]))
>>> round(losses.discriminator_cost(real, fake).item(), 6)     # ½ (softplus(-2) + 0) / 2, twice
0.063464
>>> round(losses.generator_cost(fake, "non_saturating").item(), 3)   # ½ (1000 + softplus(2)) / 2
250.532
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gantheory._rng import as_generator
from gantheory.autograd import ops
from gantheory.autograd.tensor import Tensor, grad, raw_data

__all__ = [
    "GENERATOR_COSTS",
    "LOSSES",
    "Loss",
    "discriminator_cost",
    "generator_cost",
    "least_squares_discriminator_cost",
    "wasserstein_critic_cost",
    "wasserstein_generator_cost",
    "clip_weights",
    "gradient_penalty",
    "r1_penalty",
    "cramer_critic",
    "cramer_critic_cost",
    "cramer_generator_cost",
]

#: The generator costs of the classifier GANs that :func:`generator_cost` takes as ``loss=``.
GENERATOR_COSTS = ("minimax", "non_saturating", "maximum_likelihood", "least_squares")


# ==============================================================================
# The classifier GAN: discriminator cost J and the generator costs
# ==============================================================================
def discriminator_cost(real_logits, fake_logits):
    """The discriminator's cost J: cross-entropy of "real" against "generated".

    Parameters
    ----------
    real_logits, fake_logits : Tensor
        Logits of :math:`D` on a batch of real samples and on a batch of
        generated samples (any shapes; each is averaged).

    Returns
    -------
    Tensor
        The scalar cost.

    Notes
    -----
    With :math:`D = \\sigma(\\ell)` [1]_,

    .. math::
        J = -\\tfrac12 \\mathbb{E}_{x \\sim P} \\log D(x) - \\tfrac12 \\mathbb{E}_z \\log(1 - D(G(z)))
          = \\tfrac12 \\mathbb{E}\\, \\text{softplus}(-\\ell_{real}) + \\tfrac12 \\mathbb{E}\\, \\text{softplus}(\\ell_{fake}).

    Minimizing it over D gives :math:`D^* = p / (p + q)`. Since
    :math:`J = -\\tfrac12 V` with Goodfellow's value function
    :math:`V(D, G) = \\mathbb{E}_P \\log D + \\mathbb{E}_Q \\log(1 - D)`, and
    :math:`V(D^*, G) = -\\log 4 + 2\\,\\text{JSD}(P, Q)`,

    .. math:: -J(D^*) = -\\log 2 + \\text{JSD}(P, Q).

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor
    >>> round(discriminator_cost(Tensor(np.zeros(3)), Tensor(np.zeros(2))).item(), 6)   # D = 1/2: log 2
    0.693147
    """
    return 0.5 * ops.mean(ops.softplus(-real_logits)) + 0.5 * ops.mean(ops.softplus(fake_logits))


def _minimax(fake_logits):
    return -0.5 * ops.mean(ops.softplus(fake_logits))  # ½E log(1 - D(G(z)))


def _non_saturating(fake_logits):
    return 0.5 * ops.mean(ops.softplus(-fake_logits))  # -½E log D(G(z))


def _maximum_likelihood(fake_logits):
    return -0.5 * ops.mean(ops.exp(fake_logits))  # -½E exp(σ⁻¹(D(G(z)))) = -½E D/(1-D)


def _least_squares_generator(fake_logits):
    return 0.5 * ops.mean((fake_logits - 1.0) ** 2)


_GENERATOR_COST_FUNCTIONS = {
    "minimax": _minimax,
    "non_saturating": _non_saturating,
    "maximum_likelihood": _maximum_likelihood,
    "least_squares": _least_squares_generator,
}


def generator_cost(fake_logits, loss="non_saturating"):
    """The generator's cost on the discriminator's logits for generated samples.

    Parameters
    ----------
    fake_logits : Tensor
        Logits (scores, for ``"least_squares"``) of D on generated samples.
    loss : {"non_saturating", "minimax", "maximum_likelihood", "least_squares"}
        Which generator cost (see Notes); the name of its loss in
        :data:`LOSSES`. Default ``"non_saturating"``, as :func:`gantheory.gan.train`.

    Returns
    -------
    Tensor
        The scalar cost, to be minimized over the generator's parameters.

    Notes
    -----
    With :math:`D = \\sigma(\\ell)` and :math:`\\ell = \\ell(G(z))`:

    * ``"minimax"``, the zero-sum game :math:`L = -J` (only the term that
      depends on G) [1]_:
      :math:`L = \\tfrac12 \\mathbb{E} \\log(1 - D) = -\\tfrac12 \\mathbb{E}\\,\\text{softplus}(\\ell)`.
      Its slope vanishes as :math:`D \\to 0` (the generator is rejected
      confidently): it *saturates*.
    * ``"non_saturating"``, the heuristic of [1]_:
      :math:`L = -\\tfrac12 \\mathbb{E} \\log D = \\tfrac12 \\mathbb{E}\\,\\text{softplus}(-\\ell)`.
    * ``"maximum_likelihood"`` [2]_ (§3.2.4):
      :math:`L = -\\tfrac12 \\mathbb{E} \\exp(\\sigma^{-1}(D)) = -\\tfrac12 \\mathbb{E}\\, e^{\\ell}`;
      with the optimal discriminator :math:`e^{\\ell} = p/q` and its gradient
      in the generator's parameters is :math:`\\tfrac12 \\nabla \\mathrm{KL}(P\\|Q)`
      (the ½ comes from the cost's ½; the direction, that of maximum
      likelihood, is the point of [2]_).
      It is unbounded below: :math:`e^{\\ell}` exceeds the largest float for
      :math:`\\ell > 709.78` in float64 and :math:`\\ell > 88.72` in float32,
      where the value is :math:`-\\infty` (the true value is not representable;
      training then stops on the non-finite loss). At :math:`\\ell = -1000`
      it is 0 with gradient 0.
    * ``"least_squares"`` [3]_ with the 0-1 coding (a = 0, b = 1, c = 1):
      :math:`L = \\tfrac12 \\mathbb{E} (\\ell - 1)^2` on the raw score; pair it with
      :func:`least_squares_discriminator_cost`.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014.
    .. [2] I. Goodfellow, "NIPS 2016 tutorial: generative adversarial networks", arXiv:1701.00160.
    .. [3] X. Mao et al., "Least squares generative adversarial networks", ICCV 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor
    >>> fake = Tensor(np.array([0.0]))
    >>> [round(generator_cost(fake, loss).item(), 6) for loss in GENERATOR_COSTS]   # at D = 1/2
    [-0.346574, 0.346574, -0.5, 0.5]
    """
    try:
        function = _GENERATOR_COST_FUNCTIONS[loss]
    except (KeyError, TypeError):
        raise ValueError(f"loss must be one of {list(GENERATOR_COSTS)}, got {loss!r}") from None
    return function(fake_logits)


def least_squares_discriminator_cost(real_scores, fake_scores, real_target=1.0, fake_target=0.0):
    """The least-squares GAN's discriminator cost (Mao et al. 2017).

    Notes
    -----
    On the discriminator's raw score :math:`s` (no sigmoid) [1]_,

    .. math:: J = \\tfrac12 \\mathbb{E}_{x \\sim P} (s(x) - b)^2 + \\tfrac12 \\mathbb{E}_z (s(G(z)) - a)^2,

    with the 0-1 coding a = ``fake_target`` = 0, b = ``real_target`` = 1 by
    default. The generator cost ``"least_squares"`` of :func:`generator_cost`
    pulls the generated scores to 1 (Mao et al.'s c = 1, fixed there): with
    a = 0, b = c = 1 this is the 0-1 coding that [1]_ use in practice. Their
    Pearson :math:`\\chi^2` result needs :math:`b - c = 1` and :math:`b - a = 2`
    (e.g. a = -1, b = 1, c = 0), which would need a generator target of 0
    that ``"least_squares"`` does not offer.

    References
    ----------
    .. [1] X. Mao et al., "Least squares generative adversarial networks", ICCV 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor
    >>> least_squares_discriminator_cost(Tensor(np.array([1.0])), Tensor(np.array([0.0]))).item()
    0.0
    """
    return 0.5 * ops.mean((real_scores - real_target) ** 2) + 0.5 * ops.mean((fake_scores - fake_target) ** 2)


# ==============================================================================
# Wasserstein critic: weight clipping or gradient penalty
# ==============================================================================
def wasserstein_critic_cost(real_scores, fake_scores):
    """The WGAN critic's cost :math:`\\mathbb{E} f(G(z)) - \\mathbb{E}_P f(x)`.

    Notes
    -----
    Minimizing it over 1-Lipschitz critics :math:`f` gives :math:`-W_1(P, Q)`
    by the Kantorovich-Rubinstein duality [1]_; the Lipschitz constraint comes
    from :func:`clip_weights` or :func:`gradient_penalty`.

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein generative
       adversarial networks", ICML 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor
    >>> wasserstein_critic_cost(Tensor(np.array([3.0, 5.0])), Tensor(np.array([1.0]))).item()
    -3.0
    """
    return ops.mean(fake_scores) - ops.mean(real_scores)


def wasserstein_generator_cost(fake_scores):
    """The WGAN generator's cost :math:`-\\mathbb{E} f(G(z))` (Arjovsky et al. 2017).

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor
    >>> wasserstein_generator_cost(Tensor(np.array([1.0, 2.0]))).item()
    -1.5
    """
    return -ops.mean(fake_scores)


def clip_weights(module, c=0.01):
    """Clip every parameter of ``module`` to :math:`[-c, c]`, in place (WGAN, Arjovsky et al. 2017).

    Parameters
    ----------
    module : gantheory.autograd.nn.Module
        The critic.
    c : float
        The clipping bound, > 0 (0.01 in the paper).

    Examples
    --------
    >>> from gantheory.autograd import nn
    >>> critic = nn.Linear(2, 1, rng=0)
    >>> clip_weights(critic, c=0.01)
    >>> bool(abs(critic.weight.data).max() <= 0.01)
    True
    """
    if not c > 0:
        raise ValueError(f"c must be > 0, got {c}")
    for p in module.parameters():
        p.data.clip(-c, c, out=p.data)


def gradient_penalty(critic, real, fake, rng=0, weight=10.0, one_sided=False):
    """The WGAN-GP penalty :math:`\\lambda\\, \\mathbb{E} (\\|\\nabla_{\\hat x} f(\\hat x)\\|_2 - 1)^2`, or its one-sided form.

    Parameters
    ----------
    critic : callable
        Maps a batch of samples ``(n, d)`` to scores ``(n,)`` or ``(n, 1)``
        (a Module, or any function of autograd operations).
    real, fake : array or Tensor, shape (n, d) or (n,)
        Real and generated batches of the same shape. Arrays, and Tensors
        that carry no graph, give a penalty that depends on the critic alone
        (its training); a ``fake`` Tensor that carries the generator's graph
        keeps it through the interpolates (the unrolled discriminator updates
        of :func:`gantheory.gan.train` differentiate the penalty in the
        generator's parameters). Batches of shape (n,) are 1-D samples: the
        critic gets them as (n, 1), as a :class:`~gantheory.autograd.nn.Module` expects.
    rng : int, default 0
        Seed of the interpolation weights.
    weight : float
        :math:`\\lambda` (10 in the paper).
    one_sided : bool
        Penalize only gradient norms above 1,
        :math:`\\lambda\\, \\mathbb{E} \\max(0, \\|\\nabla_{\\hat x} f(\\hat x)\\|_2 - 1)^2`
        (the Lipschitz penalty of Petzka et al. [2]_), instead of every
        deviation from 1.

    Returns
    -------
    Tensor
        The scalar penalty, differentiable w.r.t. the critic's parameters.

    Notes
    -----
    On random interpolates :math:`\\hat x_i = \\epsilon_i x_i + (1 - \\epsilon_i) \\tilde x_i`,
    :math:`\\epsilon_i \\sim U[0, 1]` [1]_,

    .. math:: \\text{GP} = \\lambda \\frac1n \\sum_i \\left(\\|\\nabla_{\\hat x} f(\\hat x_i)\\|_2 - 1\\right)^2.

    The input gradient is computed with a recorded backward pass
    (``create_graph=True``), so the penalty's own gradient w.r.t. the critic's
    parameters is a double backward. Each score must depend only on its own
    sample (no batch statistics), so that the gradient of the summed scores
    holds each sample's gradient in its row.

    The one-sided form [2]_ asks only for what the Kantorovich-Rubinstein
    duality needs, a critic that is 1-Lipschitz (gradient norms at most 1),
    where the two-sided one also pushes norms below 1 up.

    References
    ----------
    .. [1] I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville,
       "Improved training of Wasserstein GANs", NeurIPS 2017.
    .. [2] H. Petzka, A. Fischer, D. Lukovnikov, "On the regularization of
       Wasserstein GANs", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import nn
    >>> critic = nn.Linear(2, 1, rng=0)
    >>> critic.weight.data[:] = [[3.0], [4.0]]            # ||grad f|| = 5 everywhere
    >>> gradient_penalty(critic, np.ones((4, 2)), np.zeros((4, 2)), rng=0).item()
    160.0
    >>> critic.weight.data[:] = [[0.3], [0.4]]            # ||grad f|| = 0.5: only the two-sided form penalizes it
    >>> [round(gradient_penalty(critic, np.ones((4, 2)), np.zeros((4, 2)), one_sided=s).item(), 12) for s in (False, True)]
    [2.5, 0.0]
    """
    real = raw_data(real)
    fake = fake if isinstance(fake, Tensor) and fake.requires_grad else raw_data(fake)
    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape, got {real.shape} and {fake.shape}")
    if real.ndim == 1:  # 1-D samples as a batch of 1-D points
        real, fake = real.reshape(-1, 1), fake.reshape(-1, 1)
    eps = as_generator(rng).random((real.shape[0],) + (1,) * (real.ndim - 1)).astype(real.dtype, copy=False)
    interpolates = eps * real + (1 - eps) * fake
    input_grad = grad(lambda x: ops.sum(critic(x)), create_graph=True)(interpolates)
    norms = ops.norm(input_grad, axis=tuple(range(1, input_grad.ndim)))
    excess = ops.relu(norms - 1.0) if one_sided else norms - 1.0
    return weight * ops.mean(excess**2)


def r1_penalty(critic, real, weight):
    """The R1 penalty :math:`\\tfrac{\\gamma}{2}\\, \\mathbb{E}_{x \\sim P} \\|\\nabla_x D(x)\\|_2^2` on real data.

    Parameters
    ----------
    critic : callable
        Maps a batch ``(n, d)`` to its raw outputs ``(n,)`` or ``(n, 1)``: the
        logits for the classifier losses (before the sigmoid, Mescheder et
        al.'s :math:`D_\\psi`), the scores for the Wasserstein critics.
    real : array or Tensor, shape (n, d) or (n,)
        A batch of real samples (only their values are used).
    weight : float
        The penalty's weight :math:`\\gamma \\ge 0` (as :func:`gradient_penalty`'s ``weight`` is its :math:`\\lambda`).

    Returns
    -------
    Tensor
        The scalar penalty, differentiable w.r.t. the critic's parameters
        (a double backward, as :func:`gradient_penalty`).

    Notes
    -----
    The zero-centred gradient penalty on the data distribution of [1]_ (their
    :math:`R_1(\\psi) = \\frac{\\gamma}{2} \\mathbb{E}_{p_D(x)} \\|\\nabla D_\\psi(x)\\|^2`),
    estimated on the batch:

    .. math:: R_1 = \\frac{\\gamma}{2} \\frac1n \\sum_i \\|\\nabla_x D(x_i)\\|_2^2 .

    Unlike WGAN-GP's :func:`gradient_penalty` it pulls the gradient to 0, not
    to norm 1, and only on real data; near a Nash equilibrium where the
    generator matches the data it makes the game locally convergent [1]_ (the
    Dirac-GAN chapter shows this). As in :func:`gradient_penalty`, each
    output must depend only on its own sample for the rows of the gradient
    of the summed outputs to be per-sample gradients.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger, S. Nowozin, "Which training methods for
       GANs do actually converge?", ICML 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import nn
    >>> critic = nn.Linear(2, 1, rng=0)
    >>> critic.weight.data[:] = [[3.0], [4.0]]            # ||grad D||² = 25 everywhere
    >>> r1_penalty(critic, np.ones((4, 2)), weight=0.1).item()   # 0.1 / 2 * 25
    1.25
    """
    real = raw_data(real)
    if real.ndim == 1:
        real = real.reshape(-1, 1)
    input_grad = grad(lambda x: ops.sum(critic(x)), create_graph=True)(real)
    squares = ops.sum(input_grad * input_grad, axis=tuple(range(1, input_grad.ndim)))
    return (0.5 * weight) * ops.mean(squares)


# ==============================================================================
# The Cramér / energy-distance critic (Bellemare et al. 2017, Algorithm 1)
# ==============================================================================
def cramer_critic(features, anchor_features):
    """The Cramér GAN's critic :math:`f(x) = \\|h(x) - h(x'_g)\\|_2 - \\|h(x)\\|_2`, row by row.

    Parameters
    ----------
    features : Tensor, shape (n, k)
        :math:`h(x)`, the critic network's features of a batch.
    anchor_features : Tensor, shape (n, k)
        :math:`h(x'_g)` for an independent batch of generated samples; row i
        of ``features`` is paired with row i of it.

    Returns
    -------
    Tensor, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> cramer_critic(np.array([[3.0, 4.0]]), np.array([[0.0, 0.0]]))   # 5 - 5
    array([0.])
    """
    return ops.norm(features - anchor_features, axis=-1) - ops.norm(features, axis=-1)


def cramer_critic_cost(real_features, fake_features, fake_features_2):
    """The Cramér GAN critic's cost :math:`-L_{surrogate} = \\mathbb{E} f(x_g) - \\mathbb{E} f(x_r)`.

    Parameters
    ----------
    real_features, fake_features, fake_features_2 : Tensor, shape (n, k)
        :math:`h` of a real batch :math:`x_r` and of two independent generated
        batches :math:`x_g`, :math:`x'_g`.

    Notes
    -----
    Algorithm 1 of [1]_: with :func:`cramer_critic`
    :math:`f(x) = \\|h(x) - h(x'_g)\\| - \\|h(x)\\|`,
    :math:`L_{surrogate} = f(x_r) - f(x_g)`, and the critic minimizes
    :math:`-L_{surrogate} + \\lambda \\text{GP}(f)` (the penalty of
    :func:`gradient_penalty` applied to ``f``, :math:`\\lambda = 10`). The
    :math:`-\\|h(x)\\|` terms make :math:`f` vanish in expectation where the
    generator's samples lie. With :math:`X = h(x_r)`, :math:`Y, Y' = h(x_g), h(x'_g)`,
    :math:`\\mathbb{E} L_{surrogate} = \\mathbb{E}\\|X - Y'\\| - \\mathbb{E}\\|Y - Y'\\|
    - \\mathbb{E}\\|X\\| + \\mathbb{E}\\|Y\\|`, which the critic maximizes.

    References
    ----------
    .. [1] M. G. Bellemare, I. Danihelka, W. Dabney, S. Mohamed,
       B. Lakshminarayanan, S. Hoyer, R. Munos, "The Cramér distance as a
       solution to biased Wasserstein gradients", arXiv:1705.10743, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor
    >>> r, g, g2 = (Tensor(np.array([[v]])) for v in (2.0, 0.0, 1.0))
    >>> cramer_critic_cost(r, g, g2).item()    # f(x_g) = 1 - 0, f(x_r) = 1 - 2
    2.0
    """
    return wasserstein_critic_cost(
        cramer_critic(real_features, fake_features_2), cramer_critic(fake_features, fake_features_2)
    )


def cramer_generator_cost(real_features, fake_features, fake_features_2):
    """The Cramér GAN generator's cost: an energy distance in the critic's feature space.

    Parameters
    ----------
    real_features, fake_features, fake_features_2 : Tensor, shape (n, k)
        :math:`h` of a real batch and of two independent generated batches
        (row i of each is paired with row i of the others).

    Notes
    -----
    Algorithm 1 of [1]_, averaged over the paired rows:

    .. math::
        L_g = \\frac1n \\sum_i \\|h(x_{r,i}) - h(x_{g,i})\\|_2 + \\|h(x_{r,i}) - h(x'_{g,i})\\|_2
              - \\|h(x_{g,i}) - h(x'_{g,i})\\|_2 .

    Its expectation is :math:`2\\mathbb{E}\\|X - Y\\| - \\mathbb{E}\\|Y - Y'\\|
    = E(h_\\# P, h_\\# Q) + \\mathbb{E}\\|X - X'\\|` with :math:`X = h(x_r)`,
    :math:`Y, Y' = h(x_g), h(x'_g)`: the energy distance
    (:func:`gantheory.energy_distance`, squared form) between the real and
    generated feature distributions, plus a term that does not depend on the
    generator. Its sample gradients are unbiased, unlike those of :math:`W_1`.

    References
    ----------
    .. [1] M. G. Bellemare et al., "The Cramér distance as a solution to
       biased Wasserstein gradients", arXiv:1705.10743, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from gantheory.autograd import Tensor
    >>> r, g, g2 = (Tensor(np.array([[v]])) for v in (2.0, 0.0, 1.0))
    >>> cramer_generator_cost(r, g, g2).item()    # |2 - 0| + |2 - 1| - |0 - 1|
    2.0
    """
    distance = ops.norm(real_features - fake_features, axis=-1)
    distance = distance + ops.norm(real_features - fake_features_2, axis=-1)
    return ops.mean(distance - ops.norm(fake_features - fake_features_2, axis=-1))


# ==============================================================================
# The registry used by gantheory.gan.train (gantheory.gan.training)
# ==============================================================================
@dataclass(frozen=True)
class Loss:
    """A named GAN objective: what each player minimizes, and what comes with it.

    Attributes
    ----------
    name : str
    discriminator_cost : callable
        ``(real_outputs, fake_outputs) -> Tensor``; for ``"cramer"``
        ``(real, fake, fake_2) -> Tensor`` on features.
    generator_cost : callable
        ``(fake_outputs) -> Tensor``; for ``"cramer"`` ``(real, fake, fake_2)``.
    clip : float or None
        Clip the critic's weights to [-clip, clip] after each of its steps.
    gradient_penalty : float or None
        Add :func:`gradient_penalty` with this weight to the critic's cost.
    one_sided : bool
        The penalty's one-sided form (Petzka et al. 2018); no registered loss
        uses it, :func:`gantheory.gan.train` sets it (``one_sided=True``).
    two_generator_batches : bool
        The costs take two independent generated batches (Cramér).
    critic_outputs : int
        Output width of the default discriminator (features for Cramér).
    """

    name: str
    discriminator_cost: Callable
    generator_cost: Callable
    clip: float | None = None
    gradient_penalty: float | None = None
    two_generator_batches: bool = False
    critic_outputs: int = 1
    one_sided: bool = False


#: Each ``loss=`` name of :func:`gantheory.gan.train` and its :class:`Loss` (the table at the top of this page).
LOSSES = {
    "minimax": Loss("minimax", discriminator_cost, _minimax),
    "non_saturating": Loss("non_saturating", discriminator_cost, _non_saturating),
    "maximum_likelihood": Loss("maximum_likelihood", discriminator_cost, _maximum_likelihood),
    "least_squares": Loss("least_squares", least_squares_discriminator_cost, _least_squares_generator),
    "wgan": Loss("wgan", wasserstein_critic_cost, wasserstein_generator_cost, clip=0.01),
    "wgan_gp": Loss("wgan_gp", wasserstein_critic_cost, wasserstein_generator_cost, gradient_penalty=10.0),
    "cramer": Loss(
        "cramer",
        cramer_critic_cost,
        cramer_generator_cost,
        gradient_penalty=10.0,
        two_generator_batches=True,
        critic_outputs=16,
    ),
}
