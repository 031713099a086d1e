"""Writes the plate recogniser's entries (plate-rec, plate-rec-keys) into models/manifest.json:
sha256, bytes, input/output, training data, held-out metrics and the command that built it.
Other entries (the PP-OCR models) are left exactly as they are.
"""
import argparse
import hashlib
import json
import os
import subprocess

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dumps(value, indent=0, column=0, width=160):
    """JSON laid out like the hand-formatted manifest (prettier style, 160 columns): objects and
    arrays on one line when they fit, else one member per line; model entries always multi-line.
    `indent` is the line's indentation, `column` where the value starts on it."""
    if isinstance(value, dict):
        inline = "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {dumps(v, 0, 0, 10**9)}" for k, v in value.items()) + " }" if value else "{}"
    elif isinstance(value, list):
        inline = "[" + ", ".join(dumps(v, 0, 0, 10**9) for v in value) + "]"
    else:
        return json.dumps(value, ensure_ascii=False)
    keep_open = isinstance(value, dict) and ("models" in value or "sha256" in value)
    if column + len(inline) + 1 <= width and not keep_open:
        return inline
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        members = []
        for k, v in value.items():
            key = f"{json.dumps(k, ensure_ascii=False)}: "
            members.append(pad + key + dumps(v, indent + 2, indent + 2 + len(key), width))
        return "{\n" + ",\n".join(members) + "\n" + " " * indent + "}"
    return "[\n" + ",\n".join(pad + dumps(v, indent + 2, indent + 2, width) for v in value) + "\n" + " " * indent + "]"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--metrics", required=True)
    ap.add_argument("--command", required=True)
    a = ap.parse_args()
    with open(a.metrics) as f:
        m = json.load(f)
    models = os.path.join(ROOT, "models")
    onnx_path, keys_path = os.path.join(models, "plate-rec.onnx"), os.path.join(models, "plate-rec.keys")
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    tc = m["train_counts"]
    data = [f"us-plate-crops: the {tc.get('us-plate-crops', 0)} 'train' crops (label-0 rows dropped)"]
    for s in m["scene_sets"]:
        data.append(f"{s}: plate boxes cut from the {tc.get(s, 0)} 'train' scenes")
    data.append(f"{m['synth_pool']} synthetic US plates (scripts/train/synth_plates.py, seed {m['seed']}), {round(m['synth_frac'] * 100)}% of each batch after the first {round(m['real_share'] * 100)}% of training")
    data.append("never seen: openalpr-us-dev (all of it) and the 'val' split of every set above (FNV-1a of the file name % 5 == 0, src/eval/split.ts)")
    rec = {
        "name": "plate-rec",
        "role": "plate-recogniser",
        "file": {"path": "plate-rec.onnx"},
        "sha256": sha256(onnx_path),
        "bytes": os.path.getsize(onnx_path),
        "input": {
            "name": "x",
            "shape": ["batch", 1, 32, 128],
            "layout": "NCHW float32; the plate crop fitted into 32x128 with its aspect kept, centred, padded with 0 (mid-grey)",
            "channels": "grey, 0.299 R + 0.587 G + 0.114 B",
            "normalise": "(v / 255 - 0.5) / 0.5",
        },
        "output": {"name": "probs", "shape": ["batch", 32, 37], "meaning": "CTC class probabilities per time step: 0 = blank, 1..36 = lines of plate-rec.keys"},
        "labels": "plate-rec-keys",
        "source": f"Trained by this project (scripts/train/train_recognizer.py, {m['params']} parameters, {m['steps']} steps on {m['device']}, torch {m['torch']}, working tree based on commit {commit})",
        "licence": "Weights trained by this project; the training data includes OpenALPR benchmark images (AGPL-3.0, ../shared/datasets/LICENSE-openalpr-benchmarks): check that licence before redistributing the weights.",
        "rebuild": a.command,
        "training": {
            "command": a.command,
            "data": data,
            "validation": {k: round(v, 4) for k, v in m["val_exact"].items()},
            "validationCounts": m["val_counts"],
            "metric": "exact plate match of the deterministic crop of the ground-truth plate box (no detector), held-out 'val' split",
        },
    }
    keys = {
        "name": "plate-rec-keys",
        "role": "plate-recogniser-alphabet",
        "file": {"path": "plate-rec.keys"},
        "sha256": sha256(keys_path),
        "bytes": os.path.getsize(keys_path),
        "format": "UTF-8, one character per line (A-Z then 0-9), no trailing newline",
        "source": "Written by scripts/train/train_recognizer.py with the model",
        "licence": "Same as plate-rec",
        "rebuild": a.command,
    }
    mpath = os.path.join(models, "manifest.json")
    with open(mpath) as f:
        manifest = json.load(f)
    others = [e for e in manifest["models"] if e["name"] not in ("plate-rec", "plate-rec-keys")]
    manifest["models"] = others + [rec, keys]
    with open(mpath + ".tmp", "w") as f:
        f.write(dumps(manifest) + "\n")
    os.replace(mpath + ".tmp", mpath)
    print(f"updated {mpath}: plate-rec sha256 {rec['sha256']}")


if __name__ == "__main__":
    main()
