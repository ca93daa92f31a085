"""``python -m gantheory.cli``: the ``gantheory`` command."""

import sys

from gantheory.cli import main

sys.exit(main())
