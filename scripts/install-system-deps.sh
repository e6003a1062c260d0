#!/usr/bin/env bash
# Installs the Debian packages Conclave needs and that a fresh Debian 12 machine lacks:
#   softhsm2    the PKCS#11 module for rehearsal tokens and tests
#   opensc      pkcs11-tool, the outside oracle for token objects and attributes
#   openssl     the outside oracle for keys and signatures
#   chromium    the browser the renderer tests run in
#   xvfb        a virtual display for the Electron end-to-end tests
#   zbar-tools  zbarimg, the outside oracle for QR images
#   poppler-utils  pdftoppm/pdftotext, the outside oracle for the printed report and QR sheet
# Only what is missing is installed; apt-get update runs only when something is.
set -euo pipefail

packages=(softhsm2 opensc openssl chromium xvfb zbar-tools poppler-utils)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "System packages present: ${packages[*]}"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Run this script as root, or install them with: apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
