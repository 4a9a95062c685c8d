#!/usr/bin/env bash
# Install, index the bundled sample corpus (idempotent: unchanged files are skipped), and start the chatbot.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh ui,api
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
.venv/bin/qa ingest corpus/ --prune
if [ -f ui/app.py ]; then
  exec .venv/bin/qa chat "$@"
else
  .venv/bin/qa ask "How many fentanyl-linked deaths were estimated in 2024?"
fi
