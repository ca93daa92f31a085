#!/usr/bin/env bash
# Build the documentation site offline, with warnings as errors, and optionally check it in a real browser.
#
#   docs/build.sh            install the docs extra into .venv, build docs/_build/html (sphinx -W)
#   docs/build.sh --check    the same, then docs/check_site.py in headless Chromium (installs Debian's chromium if missing)
#
# Run it after the tests: tests/test_notebooks.py leaves executed copies of the chapters in build/executed-notebooks/,
# which the site shows as they are; a chapter without a fresh copy is executed here (about 20-100 s each on 2 cores,
# two at a time; cached in docs/_build/.site_cache/ under a hash of the notebook and the library). MathJax 3 is taken
# from the npm registry once (npm pack mathjax@3.2.2, about 6 MB) into the same cache: the pages load no CDN.
# Environment: PYTHON (default .venv/bin/python), GANTHEORY_DOCS_JOBS (kernels at once, default 2), SPHINX_JOBS (sphinx -j,
# default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-ci}
PY=${PYTHON:-.venv/bin/python}
check=0
[ "${1:-}" = "--check" ] && check=1
t0=$SECONDS
if [ ! -x "$PY" ]; then python3 -m venv .venv; PY=.venv/bin/python; fi
echo "+ $PY -m pip install -e \".[docs]\""
"$PY" -m pip install -q -e ".[docs]"
t1=$SECONDS
echo "+ $PY -m sphinx -W --keep-going -j ${SPHINX_JOBS:-1} -b html docs docs/_build/html"
set +e  # Sphinx's progress lines left out of the log; its status kept
"$PY" -m sphinx -W --keep-going -j "${SPHINX_JOBS:-1}" -b html docs docs/_build/html 2>&1 \
  | grep -v -E '^(reading sources|writing output|copying|highlighting|generating indices|dumping|looking for|pickling|checking consistency|preparing documents|\[autosummary\])'
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || { echo "docs: sphinx -W failed (see the warnings above)" >&2; exit 1; }
t2=$SECONDS
echo "docs: installed in $((t1 - t0)) s, built in $((t2 - t1)) s: docs/_build/html/index.html"
if [ $check = 1 ]; then
  if ! command -v chromium >/dev/null; then
    echo "+ apt-get install chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  echo "+ $PY docs/check_site.py"
  "$PY" docs/check_site.py
  echo "docs: checked in $((SECONDS - t2)) s (screenshots in docs/_build/screenshots/)"
fi
