"""``python -m nnlego`` runs the command line (see :mod:`nnlego.cli`)."""

import sys

from .cli import main

sys.exit(main())
