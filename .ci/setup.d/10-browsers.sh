# Debian's Chromium for the browser tests.
command -v chromium >/dev/null 2>&1 || apt_install chromium
