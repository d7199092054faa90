#!/usr/bin/env bash
# Installs what the notebooks need from Debian's packages (for /usr/bin/python3): nbconvert to run
# them headless, the ipykernel Python 3 kernel, pandas and matplotlib. Skips what is installed.
# Usage: notebooks/install.sh        (as root, or with sudo)
set -euo pipefail

PACKAGES=(jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "notebooks: already installed: ${PACKAGES[*]}"
  exit 0
fi

command -v apt-get >/dev/null || {
  echo "error: apt-get not found (this script installs Debian/Ubuntu packages: ${missing[*]};" \
    "elsewhere install nbconvert, ipykernel, pandas and matplotlib for one Python 3)" >&2
  exit 2
}
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || {
    echo "error: not root and sudo not found (run as root: apt-get install -y ${missing[*]})" >&2
    exit 2
  }
  sudo=(sudo)
fi
echo "notebooks: installing ${missing[*]}"
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
