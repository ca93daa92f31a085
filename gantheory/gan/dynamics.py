r"""Nash dynamics of the GAN game: the Dirac-GAN, and the Jacobian of a small real game.

A GAN is a two-player game. Gradient descent on both players follows the
*gradient vector field* :math:`v = (-\nabla_\theta L_G, -\nabla_\psi L_D)`, and
whether it converges to an equilibrium is decided by the eigenvalues of the
field's Jacobian there (continuous time: all real parts < 0) and, for a finite
step size, by the spectral radius of the update map (< 1) [1]_.

* :class:`DiracGAN`: the two-parameter counterexample of Mescheder et al.
  (data :math:`\delta_0`, generator :math:`\delta_\theta`, discriminator
  :math:`D_\psi(x) = \psi x`), with the GAN, non-saturating GAN and WGAN
  losses and the regularizers R1, R2, WGAN-GP, instance noise and consensus
  optimization; its field on grids, its Jacobian from
  :mod:`gantheory.autograd`, the eigenvalues, the update maps of simultaneous
  and alternating gradient descent, and trajectories (weight clipping too);
* :func:`game_jacobian` and :func:`game_spectrum`: the same analysis for a
  small MLP GAN on a fixed batch, from Hessian-vector products.

Which closed form is checked against what (``tests/gan/test_dynamics.py``):

========================  ===================================================  =============================
quantity                  how it is computed here                               checked against
========================  ===================================================  =============================
field :math:`v(\theta,\psi)`  closed form in NumPy (vectorized, for grids and runs)  autograd of the costs
Jacobian                  autograd (``grad`` of ``grad``, penalties via          :mod:`gantheory.symbolic`,
                          :math:`\nabla_x D` with ``create_graph``)               the paper's eigenvalues
update map                :math:`I + hJ`, or the product of the half-steps       closed forms in γ and h
game Jacobian             Hessian-vector products (reverse over reverse)        central finite differences
========================  ===================================================  =============================

Examples
--------
>>> from gantheory.gan import DiracGAN
>>> DiracGAN("gan").eigenvalues()                  # ±f'(0) i, f'(0) = 1/2: a center
array([0.-0.5j, 0.+0.5j])
>>> round(DiracGAN("gan").spectral_radius(h=0.1, method="simultaneous"), 6)   # sqrt(1 + h²/4) > 1
1.00125
>>> DiracGAN("gan", "r1", gamma=0.3).eigenvalues()   # -γ/2 ± i sqrt(f'(0)² - γ²/4)
array([-0.15-0.47697j, -0.15+0.47697j])

References
----------
.. [1] L. Mescheder, A. Geiger, S. Nowozin, "Which training methods for GANs
   do actually converge?", ICML 2018 (section 2: the Dirac-GAN; section 3:
   regularizers; appendix: the discrete-time analysis); the authors' code,
   github.com/LMescheder/GAN_stability, ``notebooks/diracgan``.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.special import expit

import gantheory.autograd as ag
from gantheory._validation import check_positive_int

__all__ = ["DiracGAN", "DIRAC_LOSSES", "DIRAC_REGULARIZERS", "METHODS"]

DIRAC_LOSSES = ("gan", "nsgan", "wgan")
DIRAC_REGULARIZERS = (None, "r1", "r2", "wgan_gp", "instance_noise", "consensus")
METHODS = ("simultaneous", "alternating")

# Instance noise: expectations over ε = σz, z ~ N(0, 1), by the trapezoidal rule on
# z in [-9, 9] with step 0.1 (181 nodes). For integrands analytic in a strip it
# converges geometrically in 1/step: the error is below 1e-13 for |ψ|σ <= 6 (the
# sigmoid's poles at z = ±iπ/(|ψ|σ) set the strip), and sum(w z²) = 1 to 1e-16,
# so the Jacobian at the equilibrium is exact. (Gauss-Hermite with 128 nodes is
# off by 1e-6 at |ψ|σ = 5.)
_NOISE_Z = np.linspace(-9.0, 9.0, 181)
_GP_TARGET = 1.0  # the one-centered penalty of Gulrajani et al.: ‖∇D‖ pulled to 1


def _check_choice(value, name, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def _check_nonnegative(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _check_step(h):
    if isinstance(h, bool) or not isinstance(h, numbers.Real) or not np.isfinite(h) or h <= 0:
        raise ValueError(f"h (the step size) must be a finite number > 0, got {h!r}")
    return float(h)


class DiracGAN:
    r"""The Dirac-GAN of Mescheder et al.: the smallest GAN that does not converge.

    Data :math:`\delta_0`, generator :math:`\delta_\theta`, discriminator
    :math:`D_\psi(x) = \psi x`, and the game value

    .. math:: L(\theta, \psi) = f(\psi\theta) + f(0),

    :math:`f(t) = -\log(1 + e^{-t})` (the GAN, computed as ``log_sigmoid``) or
    :math:`f(t) = t` (the WGAN). The generator minimizes :math:`L` over
    :math:`\theta`, the discriminator maximizes it over :math:`\psi` (minus
    its regularizer). The unique equilibrium is :math:`(0, 0)`.

    Parameters
    ----------
    loss : {"gan", "nsgan", "wgan"}
        ``"nsgan"``: the non-saturating generator, which minimizes
        :math:`-f(-\psi\theta)` instead of :math:`f(\psi\theta)`.
    regularizer : {None, "r1", "r2", "wgan_gp", "instance_noise", "consensus"}
        See Notes.
    gamma : float
        The regularization strength γ ≥ 0; for ``"instance_noise"`` the
        noise variance σ² = γ.
    clip : float, optional
        WGAN weight clipping: after every discriminator update ψ is clipped
        to :math:`[-c, c]` (the field and Jacobian are unchanged inside).

    Notes
    -----
    The field is :math:`v = (-\partial_\theta L_G, -\partial_\psi L_D)`; for the
    GAN :math:`L_G = L` and :math:`L_D = -L + R(\psi)`; unregularized

    .. math:: v(\theta, \psi) = \begin{pmatrix} -\psi f'(\psi\theta) \\ \theta f'(\psi\theta) \end{pmatrix},
       \qquad J(0, 0) = \begin{pmatrix} 0 & -f'(0) \\ f'(0) & 0 \end{pmatrix},
       \qquad \lambda = \pm f'(0)\, i,

    with :math:`f'(0) = 1/2` (GAN, NS-GAN: the non-saturating generator has
    the same Jacobian at the equilibrium) or 1 (WGAN), and
    :math:`f''(0) = -1/4` or 0. Purely imaginary eigenvalues: the continuous
    flow circles the equilibrium. The regularizers, as the paper defines
    them, and the eigenvalues of :math:`J(0, 0)` they give [1]_:

    * ``"r1"``: :math:`R_1 = \frac{\gamma}{2} E_{p_D}\|\nabla_x D_\psi(x)\|^2 = \frac{\gamma}{2}\psi^2`
      (on the data); ``"r2"``: the same on generated data, identical here
      because :math:`\nabla_x D_\psi = \psi` everywhere. :math:`J_{22} = -\gamma`,

      .. math:: \lambda = -\frac{\gamma}{2} \pm \sqrt{\frac{\gamma^2}{4} - f'(0)^2};

    * ``"instance_noise"``: data and samples blurred by :math:`N(0, \sigma^2)`,
      :math:`L = E_\varepsilon f(\psi(\theta + \varepsilon)) + E_\varepsilon f(-\psi\varepsilon)`
      (expectations by the trapezoidal rule, 181 nodes; error < 1e-13 for
      :math:`|\psi|\sigma \le 6`).
      :math:`J_{22} = 2 f''(0) \sigma^2`,

      .. math:: \lambda = f''(0)\sigma^2 \pm \sqrt{f''(0)^2\sigma^4 - f'(0)^2}

      (no help for the WGAN: :math:`f'' = 0`);
    * ``"consensus"``: both players also descend :math:`\frac{\gamma}{2}\|v\|^2`,
      :math:`w = v - \gamma J^\top v`, so :math:`J_w(0,0) = J - \gamma J^\top J`,

      .. math:: \lambda = -\gamma f'(0)^2 \pm f'(0)\, i;

    * ``"wgan_gp"``: :math:`\frac{\gamma}{2} E_{\hat x}(\|\nabla_x D_\psi(\hat x)\| - 1)^2
      = \frac{\gamma}{2}(|\psi| - 1)^2` on interpolates :math:`\hat x` (γ/2 is
      Gulrajani's λ). Its field :math:`\theta - \gamma(|\psi| - 1)\,\mathrm{sign}\,\psi`
      jumps at :math:`\psi = 0`: the equilibrium has no Jacobian, and
      :meth:`eigenvalues` refuses. With a finite number of critic steps the
      runs do not converge (the paper's point).

    Step size :math:`h`, discrete time (:meth:`update_map_eigenvalues`):
    simultaneous GD has the update map :math:`I + hJ`, eigenvalues
    :math:`1 + h\lambda`; unregularized :math:`|1 \pm h f'(0) i| = \sqrt{1 + h^2 f'(0)^2} > 1`
    for every h (it spirals out); with R1, :math:`|1 + h\lambda|^2 = 1 - h\gamma + h^2 f'(0)^2`
    (for :math:`\gamma \le 2f'(0)`): it converges iff :math:`h < \gamma / f'(0)^2`.
    Alternating GD (generator step, then ``n_critic`` discriminator steps)
    unregularized has determinant 1 and trace :math:`2 - \alpha^2`,
    :math:`\alpha = \sqrt{n_{critic}}\, h f'(0)`:

    .. math:: \lambda = 1 - \frac{\alpha^2}{2} \pm \sqrt{\Big(1 - \frac{\alpha^2}{2}\Big)^2 - 1},

    on the unit circle for :math:`\alpha \le 2` (it cycles), one outside for
    :math:`\alpha > 2`. With R1 (one critic step) the determinant is
    :math:`1 - h\gamma`: radius :math:`\sqrt{1 - h\gamma} < 1` while complex.

    References
    ----------
    .. [1] L. Mescheder, A. Geiger, S. Nowozin, "Which training methods for
       GANs do actually converge?", ICML 2018, sections 2-3 and appendix B-D.
    .. [2] I. Gulrajani et al., "Improved training of Wasserstein GANs",
       NeurIPS 2017 (the gradient penalty).
    .. [3] L. Mescheder, S. Nowozin, A. Geiger, "The numerics of GANs",
       NeurIPS 2017 (consensus optimization).

    Examples
    --------
    >>> from gantheory.gan import DiracGAN
    >>> gan = DiracGAN("gan", "instance_noise", gamma=4.0)
    >>> gan.jacobian(0.0, 0.0)                       # J22 = 2 f''(0) σ² = -2
    array([[ 0. , -0.5],
           [ 0.5, -2. ]])
    >>> run = DiracGAN("gan", "r1", gamma=0.3).trajectory([1.0, 1.0], h=0.1, steps=2000)
    >>> run.shape, bool(abs(run[-1]).max() < 1e-3)
    ((2001, 2), True)
    """

    def __init__(self, loss="gan", regularizer=None, gamma=0.0, clip=None):
        self.loss = _check_choice(loss, "loss", DIRAC_LOSSES)
        self.regularizer = _check_choice(regularizer, "regularizer", DIRAC_REGULARIZERS)
        self.gamma = _check_nonnegative(gamma, "gamma")
        if regularizer is None and self.gamma != 0:
            raise ValueError(f"gamma={gamma} has no effect without a regularizer; pass regularizer= too, or gamma=0")
        if clip is not None:
            if loss != "wgan":
                raise ValueError(f"clip (weight clipping) belongs to the WGAN; use loss='wgan', got loss={loss!r}")
            clip = _check_nonnegative(clip, "clip")
            if clip == 0:
                raise ValueError("clip must be > 0 (ψ clipped to [-clip, clip])")
        self.clip = clip
        if regularizer == "instance_noise":
            weights = np.exp(-0.5 * _NOISE_Z**2)
            self._noise, self._noise_weights = np.sqrt(self.gamma) * _NOISE_Z, weights / weights.sum()
        else:
            self._noise, self._noise_weights = np.zeros(1), np.ones(1)

    def __repr__(self):
        clip = f", clip={self.clip}" if self.clip is not None else ""
        return f"DiracGAN(loss={self.loss!r}, regularizer={self.regularizer!r}, gamma={self.gamma}{clip})"

    # -- f and its derivatives ---------------------------------------------------
    def _f(self, t):
        """f as an autograd expression (raw arrays in, raw arrays out; Tensors in, Tensors out)."""
        return t if self.loss == "wgan" else ag.log_sigmoid(t)

    def _fp(self, t):
        """f'(t): sigmoid(-t) for the GAN, 1 for the WGAN."""
        return 0.0 * t + 1.0 if self.loss == "wgan" else expit(-t)  # 0 t + 1: the shape of t, at ufunc speed

    def _fpp(self, t):
        """f''(t): -sigmoid(t) sigmoid(-t) for the GAN, 0 for the WGAN."""
        return 0.0 * t if self.loss == "wgan" else -expit(t) * expit(-t)

    @property
    def f_prime_0(self):
        """f'(0): 1/2 for the GAN and NS-GAN, 1 for the WGAN."""
        return 1.0 if self.loss == "wgan" else 0.5

    @property
    def f_second_0(self):
        """f''(0): -1/4 for the GAN and NS-GAN, 0 for the WGAN."""
        return 0.0 if self.loss == "wgan" else -0.25

    def _noise_axes(self, ndim):
        """Quadrature nodes and weights shaped to broadcast against a grid of ``ndim`` axes."""
        shape = (-1,) + (1,) * ndim
        return self._noise.reshape(shape), self._noise_weights.reshape(shape)

    # -- the game ----------------------------------------------------------------
    def value(self, theta, psi):
        r"""The game value :math:`L(\theta, \psi) = f(\psi\theta) + f(0)`, elementwise over grids.

        With instance noise the smoothed value
        :math:`E_\varepsilon f(\psi(\theta + \varepsilon)) + E_\varepsilon f(-\psi\varepsilon)`.
        Regularizers and the non-saturating generator cost are not part of it.

        Examples
        --------
        >>> import numpy as np
        >>> bool(np.isclose(DiracGAN("gan").value(0.0, 0.0), 2 * np.log(0.5)))   # f(0) = -log 2, twice
        True
        >>> DiracGAN("wgan").value(np.array([1.0, 2.0]), 3.0)
        array([3., 6.])
        """
        theta, psi = np.broadcast_arrays(np.asarray(theta, dtype=float), np.asarray(psi, dtype=float))
        return self._costs(theta, psi)[2]

    def _costs(self, theta, psi):
        """(generator cost, discriminator cost, game value), elementwise; Tensors or raw arrays.

        The regularizers that are penalties are built from their definitions:
        :math:`\\nabla_x D_\\psi(x)` by the autograd (``create_graph=True``, so
        that the penalty can be differentiated in ψ, and again for the Jacobian).
        """
        ndim = max(np.ndim(theta), np.ndim(psi))
        eps, w = self._noise_axes(ndim)
        fake = theta + eps  # generated samples (blurred with instance noise)
        value = (w * (self._f(psi * fake) + self._f(-(psi * eps)))).sum(axis=0)  # real samples: eps
        gen = -(w * self._f(-(psi * fake))).sum(axis=0) if self.loss == "nsgan" else value
        disc = -value
        if self.regularizer in ("r1", "r2", "wgan_gp"):
            disc = disc + self._penalty(theta, psi)
        return gen, disc, value

    def _penalty(self, theta, psi):
        """R1, R2 or the WGAN-GP penalty, from :math:`\\nabla_x D_\\psi` at the points the paper uses."""
        shape = np.broadcast_shapes(np.shape(theta), np.shape(psi))
        theta_data = np.broadcast_to(theta.data if isinstance(theta, ag.Tensor) else theta, shape)
        # where the penalty looks: the data (R1), the samples (R2), interpolates t θ + (1 - t) 0 (WGAN-GP; t = 1/2)
        where = {"r1": np.zeros(shape), "r2": theta_data, "wgan_gp": 0.5 * theta_data}[self.regularizer]
        grad_x = ag.grad(lambda x: (psi * x).sum(), create_graph=True)(where)
        if self.regularizer == "wgan_gp":
            return 0.5 * self.gamma * (ag.abs(grad_x) - _GP_TARGET) ** 2
        return 0.5 * self.gamma * grad_x * grad_x

    def _field_autograd(self, theta, psi):
        """The field (v_θ, v_ψ) as Tensors, by differentiating the costs (``create_graph=True``)."""

        def game_field(t, p):
            v_theta = -ag.grad(lambda a, b: self._costs(a, b)[0].sum(), 0, create_graph=True)(t, p)
            v_psi = -ag.grad(lambda a, b: self._costs(a, b)[1].sum(), 1, create_graph=True)(t, p)
            return v_theta, v_psi

        v_theta, v_psi = game_field(theta, psi)
        if self.regularizer == "consensus":
            half_norm = lambda t, p: sum(0.5 * (c * c).sum() for c in game_field(t, p))  # noqa: E731
            g_theta, g_psi = ag.grad(half_norm, (0, 1), create_graph=True)(theta, psi)
            v_theta, v_psi = v_theta - self.gamma * g_theta, v_psi - self.gamma * g_psi
        return v_theta, v_psi

    def vector_field(self, theta, psi):
        r"""The gradient vector field :math:`v = (-\partial_\theta L_G, -\partial_\psi L_D)`, on grids.

        Parameters
        ----------
        theta, psi : array_like
            Broadcast against each other (e.g. the outputs of ``np.meshgrid``).

        Returns
        -------
        v_theta, v_psi : ndarray
            The direction of gradient descent for each player, elementwise.

        Notes
        -----
        Closed forms in NumPy (the paper's, with :math:`u = \psi\theta`,
        :math:`s = -1` for the non-saturating generator, else :math:`+1`):
        :math:`v_\theta = -\psi f'(s u)`, :math:`v_\psi = \theta f'(u)`, then
        R1/R2: :math:`v_\psi \mathrel{-}= \gamma\psi`; WGAN-GP:
        :math:`v_\psi \mathrel{-}= \gamma(|\psi| - 1)\,\mathrm{sign}\,\psi`;
        instance noise: the quadrature of
        :math:`v_\theta = -\psi E f'(s\psi(\theta+\varepsilon))`,
        :math:`v_\psi = E[(\theta+\varepsilon) f'(\psi(\theta+\varepsilon))] - E[\varepsilon f'(-\psi\varepsilon)]`;
        consensus: :math:`v - \gamma J^\top v` with :math:`J` in closed form.
        The tests check all of them against the autograd's derivatives of
        the costs. Cost: O(grid size), O(181 × grid size) with instance noise.

        Examples
        --------
        >>> import numpy as np
        >>> theta, psi = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 3))
        >>> v_theta, v_psi = DiracGAN("wgan").vector_field(theta, psi)
        >>> v_theta[:, 0], v_psi[0]                    # (-ψ, θ)
        (array([ 1., -0., -1.]), array([-1.,  0.,  1.]))
        """
        theta, psi = np.broadcast_arrays(np.asarray(theta, dtype=float), np.asarray(psi, dtype=float))
        return self._field(theta, psi)

    def _expect(self, values):
        """The instance-noise expectation: the quadrature over the leading (noise) axis."""
        return np.tensordot(self._noise_weights, values, axes=(0, 0))

    def _v_theta(self, theta, psi):
        """The generator's component, without consensus."""
        s = -1.0 if self.loss == "nsgan" else 1.0
        if self.regularizer == "instance_noise":
            return -psi * self._expect(self._fp(s * psi * (theta + self._noise_axes(np.ndim(theta))[0])))
        return -psi * self._fp(s * psi * theta)

    def _v_psi(self, theta, psi):
        """The discriminator's component, without consensus."""
        if self.regularizer == "instance_noise":
            eps = self._noise_axes(np.ndim(theta))[0]
            fake = theta + eps
            return self._expect(fake * self._fp(psi * fake) - eps * self._fp(-psi * eps))
        v_psi = theta * self._fp(psi * theta)
        if self.regularizer in ("r1", "r2"):
            v_psi = v_psi - self.gamma * psi
        elif self.regularizer == "wgan_gp":
            v_psi = v_psi - self.gamma * (np.abs(psi) - _GP_TARGET) * np.sign(psi)
        return v_psi

    def _field(self, theta, psi):
        v_theta, v_psi = self._v_theta(theta, psi), self._v_psi(theta, psi)
        if self.regularizer == "consensus":  # w = v - γ J^T v, J the unregularized field's Jacobian
            s = -1.0 if self.loss == "nsgan" else 1.0
            u = psi * theta
            fp_u, fp_su, fpp_u, fpp_su = self._fp(u), self._fp(s * u), self._fpp(u), self._fpp(s * u)
            j11, j12 = -s * psi * psi * fpp_su, -fp_su - s * u * fpp_su
            j21, j22 = fp_u + u * fpp_u, theta * theta * fpp_u
            v_theta, v_psi = (v_theta - self.gamma * (j11 * v_theta + j21 * v_psi),
                              v_psi - self.gamma * (j12 * v_theta + j22 * v_psi))  # fmt: skip
        return v_theta, v_psi

    # -- continuous time: the Jacobian and its eigenvalues ---------------------------
    def jacobian(self, theta=0.0, psi=0.0):
        r"""The Jacobian of the field, :math:`J_{ij} = \partial v_i / \partial (\theta, \psi)_j`, by autograd.

        The field is differentiated out of the players' costs (penalties
        included, built from :math:`\nabla_x D_\psi`), then once more: third
        derivatives for consensus optimization. Grid points are independent,
        so one backward pass per row serves a whole grid.

        Parameters
        ----------
        theta, psi : array_like
            A point or a grid (broadcast against each other).

        Returns
        -------
        ndarray, shape ``grid.shape + (2, 2)``

        Examples
        --------
        >>> DiracGAN("gan", "consensus", gamma=2.0).jacobian()    # J - γ JᵀJ, JᵀJ = f'(0)² I
        array([[-0.5, -0.5],
               [ 0.5, -0.5]])
        """
        theta, psi = np.broadcast_arrays(np.asarray(theta, dtype=float), np.asarray(psi, dtype=float))
        rows = [ag.grad(lambda t, p, i=i: self._field_autograd(t, p)[i].sum(), (0, 1))(theta, psi) for i in (0, 1)]
        return np.stack([np.stack(row, axis=-1) for row in rows], axis=-2)

    def _check_smooth_equilibrium(self):
        if self.regularizer == "wgan_gp":
            raise ValueError(
                "the WGAN-GP field theta - gamma (|psi| - 1) sign(psi) jumps at psi = 0, so the equilibrium (0, 0) "
                "has no Jacobian and no eigenvalues; study it with trajectory() instead"
            )

    def eigenvalues(self):
        """Eigenvalues of :meth:`jacobian` at the equilibrium (0, 0), sorted by (real, imaginary) part.

        See the class Notes for their closed forms. Refused for ``"wgan_gp"``
        (no Jacobian there).

        Examples
        --------
        >>> DiracGAN("wgan").eigenvalues()
        array([0.-1.j, 0.+1.j])
        """
        self._check_smooth_equilibrium()
        return np.sort_complex(np.linalg.eigvals(self.jacobian(0.0, 0.0)).astype(complex))

    # -- discrete time: update maps -------------------------------------------------
    def update_map_jacobian(self, h, method="simultaneous", n_critic=1):
        r"""The Jacobian of one step of gradient descent at the equilibrium.

        Simultaneous: :math:`I + hJ`. Alternating (a generator step, then
        ``n_critic`` discriminator steps): the product of the half-steps'
        Jacobians, :math:`\begin{pmatrix}1 & 0\\ hJ_{21} & 1 + hJ_{22}\end{pmatrix}^{n_{critic}}
        \begin{pmatrix}1 + hJ_{11} & hJ_{12}\\ 0 & 1\end{pmatrix}`
        (each half-step fixes the equilibrium, so the chain rule evaluates
        both there).

        Examples
        --------
        >>> DiracGAN("wgan").update_map_jacobian(0.5, "alternating")   # det 1, trace 2 - h²
        array([[ 1.  , -0.5 ],
               [ 0.5 ,  0.75]])
        """
        h = _check_step(h)
        _check_choice(method, "method", METHODS)
        n_critic = check_positive_int(n_critic, "n_critic")
        if method == "simultaneous" and n_critic != 1:
            raise ValueError("n_critic applies to method='alternating' only; simultaneous steps update both players once")
        self._check_smooth_equilibrium()
        J = self.jacobian(0.0, 0.0)
        if method == "simultaneous":
            return np.eye(2) + h * J
        generator_step = np.array([[1 + h * J[0, 0], h * J[0, 1]], [0.0, 1.0]])
        critic_step = np.array([[1.0, 0.0], [h * J[1, 0], 1 + h * J[1, 1]]])
        return np.linalg.matrix_power(critic_step, n_critic) @ generator_step

    def update_map_eigenvalues(self, h, method="simultaneous", n_critic=1):
        """Eigenvalues of :meth:`update_map_jacobian`, sorted.

        Examples
        --------
        >>> DiracGAN("gan").update_map_eigenvalues(0.2, "simultaneous")    # 1 ± h f'(0) i
        array([1.-0.1j, 1.+0.1j])
        """
        M = self.update_map_jacobian(h, method, n_critic)
        return np.sort_complex(np.linalg.eigvals(M).astype(complex))

    def spectral_radius(self, h, method="simultaneous", n_critic=1):
        """The largest modulus of the update map's eigenvalues: > 1 spirals out, = 1 cycles, < 1 converges.

        Examples
        --------
        >>> round(DiracGAN("gan").spectral_radius(0.5, "alternating"), 12)   # on the unit circle
        1.0
        >>> round(DiracGAN("gan", "r1", gamma=0.5).spectral_radius(0.5, "alternating") ** 2, 12)   # 1 - hγ
        0.75
        """
        return float(np.abs(self.update_map_eigenvalues(h, method, n_critic)).max())

    # -- trajectories ---------------------------------------------------------------
    def trajectory(self, start, h, steps, method="simultaneous", n_critic=1):
        r"""Run gradient descent on both players from ``start``.

        Parameters
        ----------
        start : array_like, shape (2,) or (n, 2)
            :math:`(\theta_0, \psi_0)`, or n starting points run side by side.
        h : float
            Step size, > 0 (the same for both players).
        steps : int
            Number of steps (a simultaneous step, or one generator step and
            ``n_critic`` discriminator steps).
        method : {"simultaneous", "alternating"}
            Simultaneous: :math:`x \leftarrow x + h\, v(x)`. Alternating: the
            generator steps first, then the discriminator ``n_critic`` times,
            each seeing the other's newest value (as the authors' code).
        n_critic : int
            Discriminator steps per generator step (alternating only).

        Returns
        -------
        ndarray, shape ``(steps + 1,) + start.shape``
            The iterates, ``start`` first (ψ clipped to ``[-clip, clip]``
            when the model clips).

        Notes
        -----
        Each step evaluates the closed-form field of :meth:`vector_field`
        on the current point(s): :math:`10^4` steps take a few tens of
        milliseconds.

        Examples
        --------
        >>> run = DiracGAN("wgan", clip=0.3).trajectory([1.0, 0.0], h=0.1, steps=500, method="alternating")
        >>> float(abs(run[:, 1]).max())                # the critic sits at its clip value
        0.3
        """
        h = _check_step(h)
        steps = check_positive_int(steps, "steps")
        _check_choice(method, "method", METHODS)
        n_critic = check_positive_int(n_critic, "n_critic")
        if method == "simultaneous" and n_critic != 1:
            raise ValueError("n_critic applies to method='alternating' only; simultaneous steps update both players once")
        start = np.asarray(start, dtype=float)
        if start.ndim not in (1, 2) or start.shape[-1] != 2 or not np.isfinite(start).all():
            raise ValueError(f"start must be finite (theta, psi) pairs of shape (2,) or (n, 2), got shape {start.shape}")
        path = np.empty((steps + 1,) + start.shape)
        theta, psi = start[..., 0].copy(), self._clip(start[..., 1].copy())
        path[0, ..., 0], path[0, ..., 1] = theta, psi
        if self.regularizer == "consensus":  # each component needs the whole field
            v_theta, v_psi = (lambda t, p: self._field(t, p)[0]), (lambda t, p: self._field(t, p)[1])
        else:
            v_theta, v_psi = self._v_theta, self._v_psi
        for k in range(1, steps + 1):
            if method == "simultaneous":
                theta, psi = theta + h * v_theta(theta, psi), self._clip(psi + h * v_psi(theta, psi))
            else:
                theta = theta + h * v_theta(theta, psi)
                for _ in range(n_critic):
                    psi = self._clip(psi + h * v_psi(theta, psi))
            path[k, ..., 0], path[k, ..., 1] = theta, psi
        return path

    def _clip(self, psi):
        return psi if self.clip is None else np.clip(psi, -self.clip, self.clip)
