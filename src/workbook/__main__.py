"""``python -m workbook``: the same as the ``workbook`` command."""

import sys

from workbook.cli import main

sys.exit(main())
