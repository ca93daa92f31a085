r"""Every figure of gantheory: one function per figure, each returning a matplotlib ``Figure``.

Each ``plot_*`` function takes the data a library function returns and draws it
in one house style: large fonts for slides, and every curve told apart by its
line style and marker as well as its colour, so a greyscale print still reads.
When a figure is drawn, each legend that would cover data moves to a free
corner, to headroom above the data, or out of its axes; :func:`figure_problems`
lists what would still keep a figure off a slide (a legend over data, text
under 8 pt or off the figure, a mostly empty panel), and the tests run it on
every figure of the tour. Losses and costs appear under their
:data:`DISPLAY_NAMES` ("WGAN-GP", not ``wgan_gp``).
Nothing here calls ``pyplot``: figures are built with
:class:`matplotlib.figure.Figure`, never shown, and saved by the caller
(``fig.savefig(path)``); ``gantheory tour`` saves them all.

The package is a leaf: it imports nothing from :mod:`gantheory.gan` (the
callers, :mod:`gantheory.tour` and the notebooks, compute the data). Its
modules follow the notebooks' chapters; every name below is re-exported here
(``from gantheory.plotting import plot_parallel_lines``).

=====================================================  ==================================================
:mod:`~gantheory.plotting._style`                      the house style: :data:`STYLE`, :func:`curve_style`, :data:`DISPLAY_NAMES`, :func:`figure_problems`
:mod:`~gantheory.plotting.ch01_divergences`            :func:`plot_estimator_errors`
:mod:`~gantheory.plotting.ch02_mle`                    :func:`plot_mle_is_kl`, :func:`plot_projections`, :func:`plot_js_optima`
:mod:`~gantheory.plotting.ch03_gan_game`               :func:`plot_optimal_discriminator`, :func:`plot_label_smoothing`, :func:`plot_instance_noise`
:mod:`~gantheory.plotting.training`                    chapter 3's runs: :func:`plot_training_snapshots`, :func:`plot_ring_training`, :func:`animate_training`
:mod:`~gantheory.plotting.ch04_vanishing_gradients`    :func:`plot_generator_costs`, :func:`plot_vanishing_gradient`, :func:`plot_perfect_discriminator`
:mod:`~gantheory.plotting.ch05_nash_dynamics`          :func:`plot_dirac_gan`, :func:`plot_step_size_radius`, :func:`plot_game_spectrum`
:mod:`~gantheory.plotting.ch06_wasserstein_vs_cramer`  :func:`plot_parallel_lines`, :func:`plot_bernoulli_bias`
:mod:`~gantheory.plotting.ch07_mode_collapse`          :func:`plot_mode_collapse`, :func:`plot_maxmin_game`, :func:`plot_best_response`, :func:`plot_occupancy`
:mod:`~gantheory.plotting.ch08_critics`                :func:`plot_weak_convergence`, :func:`plot_critics`, :func:`plot_critic_convergence`, :func:`plot_variational_bound`, :func:`plot_critic_gradient_bias`
:mod:`~gantheory.plotting.ch09_evaluation`             :func:`plot_fid_bias`, :func:`plot_witness`, :func:`plot_dropped_modes`, :func:`plot_two_sample_tests`
=====================================================  ==================================================

Examples
--------
>>> import gantheory as gt
>>> from gantheory import plotting
>>> fig = plotting.plot_parallel_lines(gt.gan.parallel_lines_sweep([-1.0, 0.0, 1.0]))
>>> fig.axes[0].get_xlabel()
'θ (offset between the lines, units of x)'
"""

import matplotlib

from gantheory.plotting._style import (
    DISPLAY_NAMES,
    FITNESS,
    STYLE,
    curve_style,
    figure_problems,
)
from gantheory.plotting.ch01_divergences import plot_estimator_errors
from gantheory.plotting.ch02_mle import plot_js_optima, plot_mle_is_kl, plot_projections
from gantheory.plotting.ch03_gan_game import plot_instance_noise, plot_label_smoothing, plot_optimal_discriminator
from gantheory.plotting.ch04_vanishing_gradients import (
    GENERATOR_COST_PANELS,
    plot_generator_costs,
    plot_perfect_discriminator,
    plot_vanishing_gradient,
)
from gantheory.plotting.ch05_nash_dynamics import plot_dirac_gan, plot_game_spectrum, plot_step_size_radius
from gantheory.plotting.ch06_wasserstein_vs_cramer import plot_bernoulli_bias, plot_parallel_lines
from gantheory.plotting.ch07_mode_collapse import (
    plot_best_response,
    plot_maxmin_game,
    plot_mode_collapse,
    plot_occupancy,
)
from gantheory.plotting.ch08_critics import (
    plot_critic_convergence,
    plot_critic_gradient_bias,
    plot_critics,
    plot_variational_bound,
    plot_weak_convergence,
)
from gantheory.plotting.ch09_evaluation import plot_dropped_modes, plot_fid_bias, plot_two_sample_tests, plot_witness
from gantheory.plotting.training import animate_training, plot_ring_training, plot_training_snapshots

__all__ = [
    "STYLE",
    "plot_label_smoothing",
    "plot_instance_noise",
    "plot_perfect_discriminator",
    "curve_style",
    "plot_parallel_lines",
    "plot_weak_convergence",
    "plot_estimator_errors",
    "plot_mle_is_kl",
    "plot_projections",
    "plot_js_optima",
    "plot_optimal_discriminator",
    "plot_critics",
    "plot_critic_convergence",
    "plot_critic_gradient_bias",
    "plot_generator_costs",
    "plot_vanishing_gradient",
    "plot_dirac_gan",
    "plot_game_spectrum",
    "plot_step_size_radius",
    "plot_training_snapshots",
    "plot_ring_training",
    "animate_training",
    "plot_mode_collapse",
    "plot_maxmin_game",
    "plot_best_response",
    "plot_occupancy",
    "plot_bernoulli_bias",
    "plot_fid_bias",
    "plot_witness",
    "plot_two_sample_tests",
    "plot_dropped_modes",
    "plot_variational_bound",
    "figure_problems",
    "FITNESS",
    "GENERATOR_COST_PANELS",
    "DISPLAY_NAMES",
]

# Defined in _style, public here: the API pages document them under this package.
for _public in (curve_style, figure_problems):
    _public.__module__ = __name__
del _public
