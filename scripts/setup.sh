#!/usr/bin/env bash
# The README's first command: installs everything Conclave needs on a fresh Debian 12
# machine with Node 20, builds it, and runs the main job: the room check, a complete
# rehearsal root ceremony on a fresh SoftHSM2 token and its verification, then the
# desktop app where a display and an Electron binary are available.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh

# Electron's binary is fetched by `npm start` when needed, not at install time: build
# and CI machines cannot download it, and the CLI and tests do not need it.
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund

echo
echo "== Room check (rehearsal token) =="
npx conclave doctor --rehearsal

# A complete root ceremony on a fresh throwaway SoftHSM2 token: 3-of-5 quorum setup,
# root key generation, one witness, seal. Each run gets its own folder.
out="rehearsals/rehearsal-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p rehearsals
echo
echo "== Rehearsal ceremony into $out =="
npx conclave rehearse --out "$out"
echo
echo "== Verifying $out =="
npx conclave verify "$out"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${CONCLAVE_NO_APP:-}" != "1" ]; then
  echo
  echo "== Starting the Conclave desktop app =="
  npm start || echo "The desktop app did not start (see the message above); the command line works without it."
else
  echo
  echo "No display here, so the desktop app was not started. On a desktop, run: npm start"
fi
