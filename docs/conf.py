"""Sphinx configuration of the gantheory site (build: docs/build.sh, or see docs/README.md).

The site builds offline: MathJax is served from a copy taken from the npm registry (no CDN), the
intersphinx inventories are files in docs/_inv/, the chapters' outputs come from the test run's
executed copies or from an execution here (cached). What is generated before reading is in
docs/_ext/gantheory_site.py.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(DOCS.parent))

import gantheory_site  # noqa: E402

import gantheory  # noqa: E402

project = "gantheory"
author = "the gantheory authors"
copyright = "2026, the gantheory authors"
release = version = gantheory.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "sphinxarg.ext",
    "gantheory_site",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "_generated",
    "_inv",
    "_ext",
    "README.md",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
]
templates_path = ["_templates"]

# -- the reference ---------------------------------------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc Parameters sections say the types
numpydoc_show_class_members = False  # the class template lists the members (no stub page per method)
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()  # numpydoc's style checks are not what -W guards here
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {
    "optional",
    "default",
    "of",
    "or",
    "and",
    "shape",
    "array_like",
    "callable",
    "sequence",
    "iterable",
    "mapping",
}
numpydoc_xref_aliases = {
    "array_like": "numpy.typing.ArrayLike",  # numpydoc's default is a term of NumPy's glossary, whose inventory is missing here
    "array-like": "numpy.typing.ArrayLike",
    "Generator": "numpy.random.Generator",
    "ndarray": "numpy.ndarray",
    "Figure": "matplotlib.figure.Figure",
    "Axes": "matplotlib.axes.Axes",
    "Tensor": "gantheory.autograd.tensor.Tensor",
    "Distribution": "gantheory.distributions.Distribution",
}

# -- intersphinx: the inventories are files in the repository (the build has no network but the package registries) ------
# docs/_inv/README.md says where each comes from; a project whose inventory is missing is left out (plain text, no warning).
_INVENTORIES = {
    "python": "https://docs.python.org/3.11",
    "numpy": "https://numpy.org/doc/stable",
    "scipy": "https://docs.scipy.org/doc/scipy-1.10.1",
    "matplotlib": "https://matplotlib.org/stable",
    "sympy": "https://docs.sympy.org/latest",
}
intersphinx_mapping = {
    name: (url, str(DOCS / "_inv" / f"{name}.inv"))
    for name, url in _INVENTORIES.items()
    if (DOCS / "_inv" / f"{name}.inv").exists()
}

# -- the course (myst-nb; gantheory_site has already executed the notebooks, so execution is off) ---------------------------
nb_execution_mode = "off"
nb_output_stderr = "remove"  # progress bars and library warnings on stderr are not part of the text
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
myst_dmath_double_inline = True


def explorer_static() -> Path:
    """The folder holding the training explorer (``explorer.html``), built once per version of the library's sources.

    ``python -m gantheory.lab.explorer`` (all the runs, two at a time: about a minute on 2 cores) writes it into
    ``docs/_build/.site_cache/explorer-<hash of gantheory/>/``; a later build with the same sources reuses it, and
    older copies are removed. ``GANTHEORY_EXPLORER_STEPS`` sets the runs' steps (default 1000; part of the key).
    The folder is a static path: the page is served as ``_static/explorer.html``, which docs/explorer.md embeds.
    """
    steps = os.environ.get("GANTHEORY_EXPLORER_STEPS", "1000")
    folder = gantheory_site.CACHE / f"explorer-{gantheory_site.library_hash()}-{steps}"
    page = folder / "explorer.html"
    if not page.exists():
        for old in gantheory_site.CACHE.glob("explorer-*"):
            shutil.rmtree(old, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "gantheory.lab.explorer", str(page), "--steps", steps, "--quiet"]
        print("+ " + " ".join(command), flush=True)
        subprocess.run(command, check=True, cwd=DOCS.parent, env={**os.environ, "OMP_NUM_THREADS": "1"})
    return folder


# -- math: MathJax 3 served from _static/mathjax/ (a copy fetched from the npm registry at build time, never a CDN) ---------
# -- the training explorer: a standalone Bokeh page served from _static/explorer.html (explorer_static) ------------------
html_static_path = ["_static", str(gantheory_site.mathjax_static()), str(explorer_static())]
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"options": {"enableMenu": True}, "loader": {"load": []}}

# -- HTML ------------------------------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "gantheory"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_context = {
    "default_mode": "light"
}  # the theme's light/dark switch starts on light (an empty mode logs a console error)
html_favicon = "_static/favicon.svg"
html_css_files = ["gantheory.css"]
html_js_files = ["gantheory.js"]  # the chapters' and the gallery's figures open at full size when clicked
# Pages with no section navigation: no left sidebar (the theory map's wide tables get the room).
html_sidebars = {"index": [], "theory_map": [], "gallery": [], "tour": [], "about": [], "explorer": []}
html_copy_source = False  # no _sources/ copy (11 MB of executed notebooks): each chapter links its notebook to download
html_show_sourcelink = False
html_last_updated_fmt = None
html_extra_path = []

suppress_warnings = [
    "mystnb.unknown_mime_type",  # e.g. a widget's leftover MIME type in an output bundle that also has text/plain
]

# Warnings are errors (-W): nitpicky stays off, so a type name in a docstring that is not in an inventory is plain text;
# broken explicit references (:func:`...`, {doc}, toctree entries) and failing notebooks still fail the build.
nitpicky = False

os.environ.setdefault("MPLBACKEND", "Agg")
