#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless against a result directory and fails if any fails.
# Usage: notebooks/run-all.sh OUTDIR      (OUTDIR: the --out of 'bin/sweep run'; install first with
# notebooks/install.sh). The executed copies, with their outputs, go to a new temporary directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd "$here/.." && pwd)"

if [[ $# -ne 1 ]]; then
  echo "usage: notebooks/run-all.sh OUTDIR   (OUTDIR: a result directory of 'bin/sweep run CONF --out OUTDIR')" >&2
  exit 2
fi
out="$(cd "$1" 2>/dev/null && pwd)" || { echo "error: OUTDIR $1 does not exist (run 'bin/sweep run CONF --out $1' first)" >&2; exit 2; }
[[ -d "$out/runs" ]] || { echo "error: $out holds no results ($out/runs is missing; run 'bin/sweep run CONF --out $out' first)" >&2; exit 2; }

# Debian's nbconvert and Debian's Python, whatever python3 or jupyter come first on PATH (a pyenv
# Python lacks pandas and matplotlib).
python=/usr/bin/python3
if ! "$python" -c 'import nbconvert, ipykernel, pandas, matplotlib' 2>/dev/null; then
  echo "error: $python lacks nbconvert, ipykernel, pandas or matplotlib (run notebooks/install.sh)" >&2
  exit 2
fi

# A private kernelspec named python3 that runs $python, found before any user or system kernelspec
# of that name (JUPYTER_PATH comes first in Jupyter's search path).
tmp="$(mktemp -d "${TMPDIR:-/tmp}/tausweep-notebooks.XXXXXX")"
mkdir -p "$tmp/jupyter/kernels/python3"
cat > "$tmp/jupyter/kernels/python3/kernel.json" <<JSON
{"argv": ["$python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
 "display_name": "Python 3 ($python)", "language": "python"}
JSON
export JUPYTER_PATH="$tmp/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export TAUSWEEP_OUT="$out" TAUSWEEP_HOME="$home"
# ipykernel's debugger warns about frozen modules on Python 3.11; nothing is debugged here.
export PYDEVD_DISABLE_FILE_VALIDATION=1

failed=()
for nb in "$here"/*.ipynb; do
  name="$(basename "$nb")"
  echo "== $name (TAUSWEEP_OUT=$out)"
  if "$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
      --ExecutePreprocessor.kernel_name=python3 --output-dir "$tmp/executed" "$nb"; then
    echo "   ok: $tmp/executed/$name"
  else
    failed+=("$name")
  fi
done

if ((${#failed[@]} > 0)); then
  echo "notebooks failed: ${failed[*]} (executed copies in $tmp/executed)" >&2
  exit 1
fi
echo "all notebooks ran; executed copies in $tmp/executed"
