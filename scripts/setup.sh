#!/usr/bin/env bash
# The README's first command: installs everything Conclave needs on a fresh Debian 12
# machine with Node 20, builds it, and runs the main job — the room check against the
# built-in SoftHSM2 rehearsal token, then the desktop app where a display and an
# Electron binary are available.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh

# Electron's binary is fetched by `npm start` when needed, not at install time: build
# and CI machines cannot download it, and the CLI and tests do not need it.
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund

echo
echo "== Room check (rehearsal token) =="
npx conclave doctor --rehearsal

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${CONCLAVE_NO_APP:-}" != "1" ]; then
  echo
  echo "== Starting the Conclave desktop app =="
  npm start || echo "The desktop app did not start (see the message above); the command line works without it."
else
  echo
  echo "No display here, so the desktop app was not started. On a desktop, run: npm start"
fi
