"""README.md stays true: its API tour runs, its quick start matches .ci/run, its CLI output is current."""

import re
from pathlib import Path

import numpy as np
import pytest

from gantheory.cli import main

README = (Path(__file__).parents[1] / "README.md").read_text()


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


@pytest.mark.slow  # the projections polish on the exact divergences: about 15 s
def test_api_tour_runs():
    (tour,) = [b for b in _blocks("python") if "import gantheory as gt" in b]
    rng = np.random.default_rng(0)
    import gantheory as gt

    names = dict(
        p=np.array([0.2, 0.5, 0.3]),
        q=np.array([0.4, 0.4, 0.2]),
        support=np.array([0.0, 1.0, 3.0]),
        x=rng.normal(size=200),
        y=rng.normal(1.0, 2.0, size=150),
        Q_discrete=gt.PointMasses([0.0, 1.0], [0.3, 0.7]),
        x_discrete=rng.choice([0.0, 1.0], size=50),
    )
    exec(compile(tour, "README.md", "exec"), names)


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    quick = README[README.index("## Quick start") : README.index("## What")]
    commands = [line for block in re.findall(r"```bash\n(.*?)```", quick, flags=re.S) for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert "gantheory divergence" in commands[0]
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert 'pip install -e ".[test]"' in commands[1] and 'pip install -e ".[test]"' in ci and "pytest" in commands[1]


def test_cli_output_shown_is_current(capsys):
    shown = README[README.index("$ gantheory divergence\n") :].split("```")[0].splitlines()[1:]
    assert main(["divergence"]) == 0
    assert capsys.readouterr().out.splitlines() == shown
