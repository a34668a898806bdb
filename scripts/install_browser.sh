#!/bin/sh
# Install Debian's chromium for tests/test_report_browser.py. Playwright drives it
# through executable_path=/usr/bin/chromium; `playwright install` is never used.
# Idempotent: does nothing when /usr/bin/chromium already exists.
# As root (CI) it runs apt-get; otherwise it uses passwordless sudo if available, and
# else prints what to run and exits 0 (the browser test then skips, except in CI).
set -eu
if [ -x /usr/bin/chromium ]; then
    echo "install_browser: /usr/bin/chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install_browser: /usr/bin/chromium missing; install it with: sudo apt-get install chromium" >&2
    echo "install_browser: (without it tests/test_report_browser.py is skipped, or fails when CI=true)" >&2
    exit 0
fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
/usr/bin/chromium --version 2>/dev/null
