#!/usr/bin/env bash
# Builds the package and starts the demo: the page (www/) and the local fake
# Apiframe API on one origin, no key needed. Jobs run 12× faster than real
# (a "180 s" job takes 15 s); the page's Connection panel switches to the
# real service or your own proxy.
#   PORT=8787 scripts/demo.sh
#   APIFRAME_API_KEY=afk_... scripts/demo.sh --upstream https://api.apiframe.ai
#       (proxy mode: scripts/demo-server.mjs serves the page and answers the
#       API with the package's createProxy, which adds the key; the page
#       never sees it)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh
port="${PORT:-8787}"
echo
if [[ " $* " == *" --upstream "* ]]; then
  echo "Demo (proxy mode): open http://127.0.0.1:${port}/   (Ctrl+C stops it)"
  exec node scripts/demo-server.mjs --port "$port" "$@"
fi
echo "Demo: open http://127.0.0.1:${port}/   (Ctrl+C stops it)"
exec target/release/fake-apiframe --port "$port" --www www --pkg pkg --media fake-api/media --time-scale "${TIME_SCALE:-12}" "$@"
