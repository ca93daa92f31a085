"""The live GAN lab: a 2-D (or 1-D) GAN that trains in the browser, with the theory beside it.

* :mod:`~gantheory.lab.views`: what is drawn, as plain columns (NumPy only), from a live game or a saved snapshot;
* :mod:`~gantheory.lab.session`: :class:`~gantheory.lab.session.LabSession`, the run the lab steps, changes and saves
  (NumPy only: usable and tested without a browser);
* :mod:`~gantheory.lab.figures`: the Bokeh figures around those columns (the ``lab`` extra);
* :mod:`~gantheory.lab.app`: the Panel app of ``gantheory lab`` and of chapter 3 (the ``lab`` extra);
* :mod:`~gantheory.lab.explorer`: the site's zero-install explorer of precomputed runs (Bokeh standalone HTML).

``pip install "gantheory[lab]"`` adds Panel and Bokeh; the core install does not need them.
"""

from gantheory.lab import views
from gantheory.lab.session import CONTROLS, TARGETS, LabSession, game_eigenvalues
