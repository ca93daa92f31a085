"""README.md stays true: its API tour runs, its quick start matches .ci/run, its CLI output is current."""

import doctest
import io
import re
from pathlib import Path

import pytest

from gantheory.cli import main

README = (Path(__file__).parents[1] / "README.md").read_text()


def _api_tour_blocks():
    tour = README[README.index("## API tour") : README.index("### Backends")]
    return re.findall(r"```python\n(.*?)```", tour, flags=re.S)


def test_the_api_tour_is_all_doctest_blocks():
    blocks = _api_tour_blocks()
    assert len(blocks) >= 5
    for block in blocks:  # bare code lines would be read as expected output and fail below
        assert block.lstrip().startswith(">>> import"), "each block starts by importing what it uses"


@pytest.mark.slow  # the exact divergences and the projections: a few seconds
@pytest.mark.parametrize("index", range(len(_api_tour_blocks())))
def test_api_tour_block_runs_on_its_own_and_prints_what_it_shows(index):
    # A fresh namespace for each block: a name that a block uses but does not define fails here.
    block = _api_tour_blocks()[index]
    test = doctest.DocTestParser().get_doctest(block, {}, f"README API tour block {index + 1}", "README.md", 0)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    start = README.index("## Quick start")
    quick = README[start : README.index("\n## ", start + 1)]
    commands = [
        line
        for block in re.findall(r"```bash\n(.*?)```", quick, flags=re.S)
        for line in block.splitlines()
        if line.strip()
    ]
    assert len(commands) == 2
    assert commands[0].endswith("gantheory tour")
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert 'pip install -e ".[test]"' in commands[1] and 'pip install -e ".[test]"' in ci and "pytest" in commands[1]


def test_cli_output_shown_is_current(capsys):
    shown = README[README.index("$ gantheory divergence\n") :].split("```")[0].splitlines()[1:]
    assert main(["divergence"]) == 0
    assert capsys.readouterr().out.splitlines() == shown
