#!/usr/bin/env bash
# Build the documentation site offline, with warnings as errors, and optionally check it in a real browser.
#
#   docs/build.sh            install the docs extra into .venv, build docs/_build/html (sphinx -W)
#   docs/build.sh --check    the same, then docs/check_site.py in headless Chromium
#
# The browser: $GANTHEORY_CHROMIUM if set (any Chromium or Chrome binary), else chromium, chromium-browser or
# google-chrome on the PATH. With none, Debian's chromium is installed system-wide with apt-get (sudo when not root):
# without asking in CI (the CI variable set, as CI services do), after a yes on a terminal otherwise; with no terminal
# to ask, it stops and says how to point it at a browser.
#
# Run it after the tests: tests/test_notebooks.py leaves executed copies of the chapters in build/executed-notebooks/,
# which the site shows as they are; a chapter without a fresh copy is executed here (about 20-100 s each on 2 cores,
# two at a time; cached in docs/_build/.site_cache/ under a hash of the notebook and the library). MathJax 3 is taken
# from the npm registry once (npm pack mathjax@3.2.2, about 6 MB) into the same cache: the pages load no CDN.
# The training explorer (docs/explorer.md) embeds _static/explorer.html, which docs/conf.py builds with
# `python -m gantheory.lab.explorer` (26 runs, two at a time: about 90 s on 2 cores, 9.4 MB), cached in the same place
# under the library's hash: a build with unchanged sources reuses it.
# Environment: PYTHON (default .venv/bin/python), GANTHEORY_DOCS_JOBS (kernels at once, default 2), SPHINX_JOBS (sphinx -j,
# default 1), GANTHEORY_CHROMIUM (the browser for --check), CI (set: install a missing Chromium without asking),
# GANTHEORY_EXPLORER_STEPS (the explorer runs' training steps, default 1000).
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
install_chromium() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "+ $sudo apt-get install chromium"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}
if [ $check = 1 ]; then
  browser=${GANTHEORY_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
  if [ -n "${GANTHEORY_CHROMIUM:-}" ] && [ ! -x "$GANTHEORY_CHROMIUM" ]; then
    echo "docs: GANTHEORY_CHROMIUM=$GANTHEORY_CHROMIUM is not an executable file" >&2; exit 1
  fi
  if [ -z "$browser" ]; then
    how="point it at a browser: GANTHEORY_CHROMIUM=/path/to/chromium bash docs/build.sh --check"
    if [ -n "${CI:-}" ]; then
      install_chromium
    elif [ -t 0 ]; then
      read -r -p "docs: no Chromium found. Install Debian's chromium system-wide with apt-get? [y/N] " answer
      case "$answer" in
        [yY]*) install_chromium ;;
        *) echo "docs: not installing; $how" >&2; exit 1 ;;
      esac
    else
      echo "docs: no Chromium found, and no terminal to ask before installing one system-wide; $how (or set CI=1 to let" \
           "this script apt-get install Debian's chromium)" >&2
      exit 1
    fi
    browser=$(command -v chromium)
  fi
  echo "+ $PY docs/check_site.py --chromium $browser"
  "$PY" docs/check_site.py --chromium "$browser"
  echo "docs: checked in $((SECONDS - t2)) s (screenshots in docs/_build/screenshots/)"
fi
