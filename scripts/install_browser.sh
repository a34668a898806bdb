#!/bin/sh
# Install Debian's chromium for tests/test_report_browser.py (Playwright drives it
# through executable_path; never `playwright install`). Idempotent: does nothing
# when /usr/bin/chromium already exists. Needs root (CI image) or sudo.
set -eu
if [ -x /usr/bin/chromium ]; then
    echo "install_browser: /usr/bin/chromium already present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium
/usr/bin/chromium --version
