#!/usr/bin/env bash
# Create the peers' virtual environment (Python 3.12, sequence 1.3.1, qns 0.2.3) outside the
# source tree, once. Prints the path of its python. Usage: bench/peers/setup_venv.sh [DIR]
set -euo pipefail
venv="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/qfab/peers-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import sequence, qns" 2>/dev/null; then
  python312=""
  if python3.12 --version >/dev/null 2>&1; then
    python312="python3.12"
  elif command -v pyenv >/dev/null 2>&1; then
    version=$(pyenv versions --bare | grep -E '^3\.12' | head -n 1 || true)
    [ -n "$version" ] && python312="$(pyenv root)/versions/$version/bin/python3.12"
  fi
  if [ -z "$python312" ]; then
    echo "bench-peers needs Python 3.12 (SeQUeNCe 1.3 requires it); none found" >&2
    exit 2
  fi
  mkdir -p "$(dirname "$venv")"
  "$python312" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet sequence==1.3.1 qns==0.2.3 >&2
fi
echo "$venv/bin/python"
