"""The site's training explorer: the page embeds the runs' own arrays, loads nothing, stays small, fails clearly."""

import base64
import gzip
import json
import re

import numpy as np
import pytest
from scipy import special

pytest.importorskip("bokeh")

import gantheory as gt  # noqa: E402
from gantheory.lab import explorer  # noqa: E402

# tiny runs: the page's code is the same at any size
SMALL = {"steps": 4, "batch_size": 16, "n_snapshots": 3, "n_snapshot": 8, "grid_size": 4, "n_real": 6, "workers": 1}
LABELS = ["ring · minimax", "grid · wgan_gp"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    return explorer.build_explorer(path, LABELS, progress=False, **SMALL)


def _document(html):
    """The Bokeh document JSON embedded in the page."""
    (text,) = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, flags=re.S)
    return json.loads(text)


def _decode(value):
    """A serialized Bokeh value back in Python: maps to dicts, ndarrays from their base64 bytes."""
    if isinstance(value, dict) and value.get("type") == "map":
        return {_decode(k): _decode(v) for k, v in value.get("entries", [])}
    if isinstance(value, dict) and value.get("type") == "ndarray":
        raw = base64.b64decode(value["array"]["data"])
        if raw[:2] == b"\x1f\x8b":  # Bokeh gzips the larger buffers
            raw = gzip.decompress(raw)
        return np.frombuffer(raw, dtype=value["dtype"]).reshape(value["shape"])
    if isinstance(value, dict) and value.get("type") == "number":  # NaN, inf
        return float(value["value"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _embedded_runs(html):
    """The ``runs`` argument of the page's CustomJS callback, decoded."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("name") == "CustomJS":
                args = node["attributes"]["args"]
                found.append(_decode(args)["runs"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_document(html))
    return found[0]


def _history(label):
    """The run of ``label`` trained again here, with the options the explorer passes to train."""
    run = next(r for r in explorer.EXPLORER_RUNS if r.label == label)
    target = explorer.TARGETS[run.target][1]()
    history = gt.gan.train(
        target,
        steps=4,
        loss=run.loss,
        batch_size=16,
        log_every=1,
        snapshot_every=2,
        n_snapshot=8,
        grid_size=4,
        n_eval=256,
        rng=0,
        progress=False,
        **run.options,
    )
    return history, target.sample(6, rng=0)


def test_the_runs_are_every_loss_and_every_remedy_on_both_targets():
    labels = [run.label for run in explorer.EXPLORER_RUNS]
    assert len(labels) == len(set(labels)) == 2 * (len(gt.gan.LOSSES) + len(explorer.REMEDIES))
    assert {run.loss for run in explorer.EXPLORER_RUNS} == set(gt.gan.LOSSES)
    assert "grid · non_saturating + R1 1.0" in labels and "ring · wgan_gp" in labels


def test_the_embedded_snapshots_are_the_histories_arrays_in_float32(page):
    runs = _embedded_runs(page.path.read_text(encoding="utf-8"))
    assert [run["label"] for run in runs] == LABELS
    for run in runs:
        history, real = _history(run["label"])
        assert run["steps"].tolist() == history.snapshot_steps.tolist() == [0, 2, 4]
        raw = history.discriminator_grid
        drawn = special.expit(raw) if run["loss"] == "minimax" else raw  # D = sigmoid(logit); a critic as is
        for k in range(3):
            np.testing.assert_array_equal(run["heat"][k], drawn[k].astype(np.float32))
            np.testing.assert_array_equal(run["fake"][k], history.snapshots[k].T.astype(np.float32))
            lines = history.manifold[k].reshape(-1, 41, 2)  # 18 lines of 41 points, joined with a NaN between
            xs = np.concatenate([np.append(line[:, 0], np.nan) for line in lines])[:-1]
            np.testing.assert_array_equal(run["manifold"][k][0], xs.astype(np.float32))
        np.testing.assert_array_equal(run["d_cost"], history.d_loss.astype(np.float32))
        np.testing.assert_array_equal(run["g_cost"], history.g_loss.astype(np.float32))
        np.testing.assert_array_equal(run["sliced_w1"], history.metrics["sliced_w1"].astype(np.float32))
        n_modes = 8 if run["target"] == "ring" else 25
        np.testing.assert_allclose(run["modes_share"], history.metrics["modes"] / n_modes, rtol=1e-6)
        np.testing.assert_array_equal(run["real"], real.T.astype(np.float32))


def test_the_colour_label_and_range_follow_the_loss(page):
    runs = {run["label"]: run for run in _embedded_runs(page.path.read_text(encoding="utf-8"))}
    minimax, critic = runs["ring · minimax"], runs["grid · wgan_gp"]
    assert minimax["colour_label"] == "D(x): probability of real"
    assert critic["colour_label"] == "critic score f(x)"
    assert minimax["low"].tolist() == [0.0] * 3 and minimax["high"].tolist() == [1.0] * 3  # a probability: [0, 1]
    for k in range(3):  # a score: the frame's own range
        assert critic["low"][k] == critic["heat"][k].min() and critic["high"][k] == critic["heat"][k].max()


def test_the_page_is_standalone_and_bounded(page):
    html = page.path.read_text(encoding="utf-8")
    # nothing loaded: no script or stylesheet by address, no fetch of a data file
    assert re.findall(r"<script[^>]*\bsrc\s*=", html) == []
    assert re.findall(r"<link[^>]*\bhref\s*=", html) == []
    assert "BokehJS" in html or "Bokeh" in html  # the library itself is inline
    assert page.size == page.path.stat().st_size <= explorer.MAX_BYTES


def test_a_page_over_the_bound_is_refused_and_not_written(tmp_path, monkeypatch):
    monkeypatch.setattr(explorer, "MAX_BYTES", 1000)
    with pytest.raises(ValueError, match="over"):
        explorer.build_explorer(tmp_path / "big.html", ["ring · minimax"], progress=False, **SMALL)
    assert not (tmp_path / "big.html").exists()


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="unknown run 'ring · wgan-gp'.*'ring · wgan_gp'"):
        explorer.explorer_runs(["ring · wgan-gp"], progress=False)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        explorer.explorer_runs(["ring · minimax"], steps=0, progress=False)
    with pytest.raises(ValueError, match="n_snapshots must be >= 2"):
        explorer.explorer_runs(["ring · minimax"], n_snapshots=1, progress=False)
    with pytest.raises(TypeError, match="runs must be a list"):
        explorer.explorer_runs("ring · minimax", progress=False)
