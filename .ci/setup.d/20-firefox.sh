# Debian's Firefox ESR for the consumer tests (driven by puppeteer-core over WebDriver BiDi).
# It runs as root there; the tests give it a HOME of its own (test/consumers/browsers.ts).
command -v firefox-esr >/dev/null 2>&1 || apt_install firefox-esr
