"""The package's top level: every public name resolves, and importing it loads nothing heavy until a name is used."""

import subprocess
import sys

import pytest

import gantheory as gt


def test_every_public_name_resolves_to_its_module():
    for name in gt.__all__:
        value = getattr(gt, name)
        assert value is not None
        assert name in dir(gt)
    assert gt.kl is gt.divergences.exact.kl and gt.Normal is gt.distributions.Normal


def test_import_and_version_load_no_library_module():
    code = (
        "import sys, gantheory; from gantheory.cli import build_parser; "
        "print(sorted(m for m in sys.modules if m.startswith(('numpy', 'scipy', 'gantheory.gan', 'gantheory.divergences'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
    version = subprocess.run(
        [sys.executable, "-m", "gantheory", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert version.strip() == f"gantheory {gt.__version__}"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        gt.no_such_name  # noqa: B018
