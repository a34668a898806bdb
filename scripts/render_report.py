"""Render the report (what ``make report`` runs); the code is ``dcs_tools.render_report``."""

import sys

from dcs_tools.render_report import main

if __name__ == "__main__":
    sys.exit(main())
