"""`python -m app COMMAND [ARGS]`: the same as the `drone-ssl` console command."""

import sys

from app.console import main

sys.exit(main())
