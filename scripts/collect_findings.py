"""Write FINDINGS.md from the notebooks' Findings (code: ``dcs_tools.findings_page``)."""

import sys

from dcs_tools.findings_page import main

if __name__ == "__main__":
    sys.exit(main())
