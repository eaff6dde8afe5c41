"""Allow ``python -m dixa_analytics``."""

import sys

from dixa_analytics.cli import main

sys.exit(main())
