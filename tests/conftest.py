"""Shared test configuration: a deterministic hypothesis profile and the available backends."""

import os

# One BLAS thread: the autograd's many small matrix products run slower with a
# thread pool on a 2-core machine, and notebook kernels inherit the setting.
# Set before NumPy is first imported (OpenBLAS fixes its pool at import).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest
from hypothesis import HealthCheck, settings

from gantheory.backend import available_backends

# CI profile: derandomized (the same examples every run), no deadline, bounded size.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

os.environ.setdefault("MPLBACKEND", "Agg")

BACKENDS = available_backends()


@pytest.fixture(params=BACKENDS)
def xp(request):
    """Each array module that imports here (numpy always; cupy with a device)."""
    if request.param == "cupy":
        import cupy

        return cupy
    import numpy

    return numpy
