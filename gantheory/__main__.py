"""``python -m gantheory``: the ``gantheory`` command."""

import sys

from gantheory.cli import main

sys.exit(main())
