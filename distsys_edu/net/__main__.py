"""``python -m distsys_edu.net RUN_DIR NAME ...``: one node process (the launcher starts it)."""

import sys

from .node_process import main

sys.exit(main())
