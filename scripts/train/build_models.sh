#!/usr/bin/env bash
# Rebuilds the committed plate recogniser from scratch (CPU: 40 min of training by default; a GPU is used
# when torch sees one) and records it in models/manifest.json (sha256, bytes, metrics, data).
#
#   nice -n 15 scripts/train/build_models.sh [MINUTES] [DATASETS_DIR]
#
# Datasets are read in place (default ../shared/datasets next to the repository); the decoded
# cache and the training output go under /tmp, never into the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES="${1:-40}"
DATASETS="${2:-$(cd .. && pwd)/shared/datasets}"
OUT="${ALPR_TRAIN_OUT:-/tmp/alpr-plate-rec-build}"
SEED=7
rm -rf "$OUT"
/usr/bin/python3 scripts/train/train_recognizer.py --minutes "$MINUTES" --seed "$SEED" --datasets "$DATASETS" --out "$OUT" 2>&1 | tee "$OUT.log"
cp "$OUT/plate-rec.onnx" models/plate-rec.onnx
cp "$OUT/plate-rec.keys" models/plate-rec.keys
/usr/bin/python3 scripts/train/update_manifest.py --metrics "$OUT/metrics.json" \
  --command "nice -n 15 scripts/train/build_models.sh $MINUTES"
