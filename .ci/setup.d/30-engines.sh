# The engines of the conformance test and the runtime benchmark: Firefox ESR from Debian
# (Chromium comes from 10-browsers.sh), and the pinned Node 22, Deno and Bun from npm into
# out/engines/ (scripts/engines.mjs; needs only Node, so it runs before npm ci). Fails CI
# when an engine cannot start.
command -v firefox-esr >/dev/null 2>&1 || apt_install firefox-esr
node scripts/engines.mjs --strict
