"""The array namespace: numpy by default, cupy only when asked or given cupy arrays."""

import numpy as np
import pytest

from gantheory.backend import available_backends, get_namespace, to_numpy


def test_numpy_is_the_default():
    assert get_namespace([1.0], None, np.zeros(2)) is np
    assert "numpy" in available_backends()


def test_unknown_backend_names_the_choices():
    with pytest.raises(ValueError, match="backend must be one of"):
        get_namespace(np.zeros(1), backend="jax")


@pytest.mark.skipif("cupy" in available_backends(), reason="CuPy with a device is available here")
def test_asking_for_cupy_without_it_says_how_to_install():
    with pytest.raises(ValueError, match=r"gantheory\[gpu\]"):
        get_namespace(np.zeros(1), backend="cupy")


def test_to_numpy_round_trips(xp):
    a = xp.asarray([1.0, 2.0])
    assert get_namespace(a) is xp
    out = to_numpy(a)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_array_equal(out, [1.0, 2.0])
