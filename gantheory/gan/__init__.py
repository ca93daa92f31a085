"""The GAN on :mod:`gantheory.autograd`, and the theory it shows.

* :mod:`~gantheory.gan.losses`: discriminator and generator costs (minimax,
  non-saturating, maximum likelihood, least squares), Wasserstein critics
  (weight clipping, gradient penalty) and the Cramér/energy critic;
* :func:`train` (in :mod:`~gantheory.gan.training`, with :class:`Game`, the
  same game stepped one player's update at a time, and
  :class:`~gantheory.gan.config.TrainConfig`, the options of a run, in
  :mod:`~gantheory.gan.config`): the training loop; per-loss defaults, atomic steps; the
  remedies for mode collapse (``unroll``, ``pack``, ``minibatch_std``, ``r1``)
  and the critic's Lipschitz constraints (``spectral_norm``, ``clip``,
  ``gradient_penalty``, ``one_sided``) as options;
* :mod:`~gantheory.gan.players`: the default MLPs, ``AffineGenerator``,
  packing and the minibatch standard deviation;
* :mod:`~gantheory.gan.history`: ``History``, what a run recorded
  (``History.save``/``History.load`` as strict JSON with the players' weights,
  ``History.sample(n)`` from the trained generator);
* :mod:`~gantheory.gan.metrics`: what training logs, and ``mode_coverage``;
* :mod:`~gantheory.gan.harness`: the logged training loop the experiments share;
* :mod:`~gantheory.gan.optimal`: the optimal discriminator, V(D*, G) and a
  discriminator trained towards D*;
* :mod:`~gantheory.gan.gradients`: the generator cost curves, the
  vanishing-gradient experiment, what each cost minimizes at D*;
* :mod:`~gantheory.gan.dynamics`: the Dirac-GAN and the game Jacobian (Nash dynamics);
* :mod:`~gantheory.gan.critics`: Wasserstein vs Cramér sample gradients, the parallel-lines sweep,
  weak convergence, a critic trained on the batch;
* :mod:`~gantheory.gan.collapse`: why a GAN collapses, computed: the max-min vs min-max order of play, the best
  response to a frozen discriminator, per-mode occupancy, capacity (one normal vs a mixture);
* :mod:`~gantheory.gan.modes`: the mode-collapse table (modes covered, high-quality share, reverse KL over seeds);
* :mod:`~gantheory.gan.duality`: the Kantorovich potential, Lipschitz critics, the penalized critic's optimum;
* :mod:`~gantheory.gan.fgan`: the f-GAN variational lower bound on an f-divergence.

Each phenomenon is a function that returns data; :mod:`gantheory.plotting` draws it.
"""

from gantheory.gan import config, dynamics, harness, history, losses, metrics, players, training
from gantheory.gan.config import LOSS_DEFAULTS, TrainConfig
from gantheory.gan.dynamics import (
    DIRAC_CONFIGS,
    DIVERGENCE_BOUND,
    DiracGAN,
    DiracRun,
    GameJacobian,
    GameSpectrum,
    dirac_gan_runs,
    game_eigenvalues,
    game_jacobian,
    game_spectrum,
    game_vector_field,
)
from gantheory.gan.history import History
from gantheory.gan.losses import (
    GENERATOR_COSTS,
    LOSSES,
    clip_weights,
    cramer_critic_cost,
    cramer_generator_cost,
    discriminator_cost,
    generator_cost,
    gradient_penalty,
    least_squares_discriminator_cost,
    r1_penalty,
    wasserstein_critic_cost,
    wasserstein_generator_cost,
)
from gantheory.gan.metrics import ModeCoverage, mode_coverage

# gt.gan.train is the function; its module is gantheory.gan.training (no module shares the function's name)
from gantheory.gan.players import AffineGenerator, append_minibatch_std
from gantheory.gan.training import Game, train

# isort: split
# the experiments' modules, imported after the training loop as before
from gantheory.gan import collapse, critics, duality, fgan, gradients, modes, optimal
from gantheory.gan.collapse import (
    BestResponse,
    Capacity,
    MaxMinGame,
    Occupancy,
    RBFDiscriminator,
    best_response,
    capacity,
    maxmin_minmax_game,
    occupancy,
)
from gantheory.gan.critics import (
    WEAK_CONVERGENCE_FAMILIES,
    BernoulliMinimizers,
    BernoulliSampleLosses,
    LearnedCriticGradients,
    LocationGradients,
    ParallelLinesSweep,
    WeakConvergence,
    bernoulli_minimizers,
    bernoulli_sample_losses,
    learned_critic_gradients,
    location_sample_gradients,
    parallel_lines_sweep,
    weak_convergence,
)
from gantheory.gan.duality import (
    CONSTRAINTS,
    CriticConvergence,
    CriticLandscape,
    KantorovichPotential,
    compare_constraints,
    critic_convergence,
    critic_landscape,
    optimal_critic,
    penalty_optimum,
)
from gantheory.gan.fgan import VariationalBound, variational_bound
from gantheory.gan.gradients import (
    CURVE_COSTS,
    VANISHING_COSTS,
    EffectiveGradients,
    GeneratorCostCurves,
    VanishingGradient,
    effective_gradients,
    effective_objective,
    generator_cost_curves,
    slope_share,
    vanishing_gradient,
)
from gantheory.gan.modes import ModeCollapseRow, ModeCollapseTable, mode_collapse_table
from gantheory.gan.optimal import (
    DiscriminatorConvergence,
    OptimalDiscriminator,
    PerfectDiscriminator,
    SmoothedDiscriminator,
    discriminator_convergence,
    optimal_discriminator,
    perfect_discriminator,
    smoothed_discriminator,
    value_at_optimal_discriminator,
    value_estimate,
)
from gantheory.gan.wgan_gradients import (
    CriticGradientBias,
    W1LocationGradient,
    critic_gradient_bias,
    w1_location_gradient,
)
