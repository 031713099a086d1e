#!/usr/bin/env bash
# Rebuilds the project's own models from scratch and records them in models/manifest.json
# (sha256, bytes, metrics, training data): the plate recogniser (REC_MINUTES of training, default
# 40) and the plate detector (DET_MINUTES, default 15). A GPU is used when torch sees one. A
# budget of 0 skips that model and leaves its committed file and manifest entry as they are.
#
#   nice -n 15 scripts/train/build_models.sh [REC_MINUTES] [DET_MINUTES] [DATASETS_DIR]
#
# REC_INIT=models/plate-rec.onnx continues training the shipped recogniser for REC_MINUTES
# instead of starting from scratch (full augmentation from the first step, peak learning rate
# 5e-4); the manifest then records the chain of commands that rebuilds the result.
# REC_STEPS=N trains the recogniser for exactly N steps, its schedule following the steps (the
# run then takes the same steps and schedule on any machine; REC_MINUTES only caps the time).
# REC_NAME=plate-rec-N builds another member of the plate recognisers' ensemble (models/plate-rec-N.onnx,
# the same alphabet as plate-rec) instead of plate-rec; the reader uses every one the manifest lists.
# REC_SEED=N seeds the recogniser's (and detector's) run with N instead of 7.
# REC_SYNTH_POOL=N renders N synthetic plates up front instead of 2000 (more variety per run).
# TRAIN_THREADS=N gives torch N CPU threads (default 1; 2 on a quiet 2-core machine halves a
# recogniser step, on a busy one it made each step ~4x slower).
#
# Datasets are read in place (default ../shared/datasets next to the repository); the decoded
# cache and the training output go under /tmp, never into the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
REC_MINUTES="${1:-40}"
DET_MINUTES="${2:-15}"
DATASETS="${3:-$(cd .. && pwd)/shared/datasets}"
OUT="${ALPR_TRAIN_OUT:-/tmp/alpr-models-build}"
SEED="${REC_SEED:-7}"
COMMAND="nice -n 15 scripts/train/build_models.sh $REC_MINUTES $DET_MINUTES"
REC_ARGS=()
REC_NAME="${REC_NAME:-plate-rec}"
case "$REC_NAME" in
  plate-rec | plate-rec-[2-9]) ;;
  *) echo "REC_NAME=$REC_NAME: expected plate-rec or plate-rec-2 .. plate-rec-9" >&2; exit 2 ;;
esac
THREADS=(--threads "${TRAIN_THREADS:-1}")
if [ -n "${TRAIN_THREADS:-}" ]; then
  COMMAND="TRAIN_THREADS=$TRAIN_THREADS $COMMAND"
fi
if [ -n "${REC_STEPS:-}" ]; then
  REC_ARGS+=(--steps "$REC_STEPS")
  COMMAND="REC_STEPS=$REC_STEPS $COMMAND"
fi
if [ -n "${REC_SEED:-}" ]; then
  COMMAND="REC_SEED=$REC_SEED $COMMAND"
fi
if [ -n "${REC_SYNTH_POOL:-}" ]; then
  REC_ARGS+=(--synth-pool "$REC_SYNTH_POOL")
  COMMAND="REC_SYNTH_POOL=$REC_SYNTH_POOL $COMMAND"
fi
if [ -n "${REC_INIT:-}" ]; then
  cp "$REC_INIT" "$OUT.init.onnx"
  REC_ARGS+=(--init-onnx "$OUT.init.onnx" --lr 5e-4 --clean-share 0 --real-share 0)
  COMMAND="REC_INIT=$REC_INIT $COMMAND"
fi
if [ "$REC_NAME" != plate-rec ]; then
  COMMAND="REC_NAME=$REC_NAME $COMMAND"
fi
rm -rf "$OUT"
mkdir -p "$OUT"
ARGS=()
if [ "$REC_MINUTES" != 0 ]; then
  /usr/bin/python3 scripts/train/train_recognizer.py --minutes "$REC_MINUTES" --seed "$SEED" --datasets "$DATASETS" --out "$OUT/rec" "${THREADS[@]}" "${REC_ARGS[@]}" 2>&1 | tee "$OUT/rec.log"
  if [ "$REC_NAME" = plate-rec ]; then
    cp "$OUT/rec/plate-rec.keys" models/plate-rec.keys
  elif ! cmp -s "$OUT/rec/plate-rec.keys" models/plate-rec.keys; then
    echo "$OUT/rec/plate-rec.keys differs from models/plate-rec.keys: every member of the ensemble must share plate-rec's alphabet" >&2
    exit 1
  fi
  cp "$OUT/rec/plate-rec.onnx" "models/$REC_NAME.onnx"
  ARGS+=(--metrics "$OUT/rec/metrics.json" --rec-name "$REC_NAME")
fi
if [ "$DET_MINUTES" != 0 ]; then
  /usr/bin/python3 scripts/train/train_detector.py --minutes "$DET_MINUTES" --seed "$SEED" --datasets "$DATASETS" --out "$OUT/det" "${THREADS[@]}" 2>&1 | tee "$OUT/det.log"
  cp "$OUT/det/plate-det.onnx" models/plate-det.onnx
  ARGS+=(--det-metrics "$OUT/det/det-metrics.json")
fi
if [ "${#ARGS[@]}" -gt 0 ]; then
  /usr/bin/python3 scripts/train/update_manifest.py "${ARGS[@]}" --command "$COMMAND"
fi
