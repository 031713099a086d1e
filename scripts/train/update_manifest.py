"""Writes the project's own models' entries into models/manifest.json: a plate recogniser
(plate-rec and plate-rec-keys, or another member of the ensemble such as plate-rec-2, which
shares plate-rec's alphabet; --metrics, --rec-name) and the plate detector (plate-det;
--det-metrics): sha256, bytes, input/output, training data, held-out metrics and the command
that built it. Other entries (the PP-OCR models, and whichever models were not rebuilt) are
left exactly as they are.
"""
import argparse
import hashlib
import json
import os
import re
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


LICENCE = ("Weights trained by this project; the training data includes OpenALPR benchmark images (AGPL-3.0, "
           "../shared/datasets/LICENSE-openalpr-benchmarks): check that licence before redistributing the weights.")
NEVER_SEEN = "never seen: openalpr-us-dev (all of it) and the 'val' split of every set above (FNV-1a of the file name % 5 == 0, src/eval/split.ts)"


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def detector_entry(m, command, models):
    path = os.path.join(models, "plate-det.onnx")
    ts = m["train_scenes"]
    data = [f"{name}: the {n} 'train' scenes, whole, with their labelled plate boxes" for name, n in ts.items()]
    data.append(f"pasted into them: the {m['pasted_crops']} 'train' us-plate-crops and {m['pasted_synthetic']} synthetic plates "
                f"(scripts/train/compose_scenes.py, synth_plates.py, seed {m['seed']}), plus unlabelled timestamps, signs and blank boxes")
    data.append(NEVER_SEEN)
    return {
        "name": "plate-det",
        "role": "plate-detector",
        "file": {"path": "plate-det.onnx"},
        "sha256": sha256(path),
        "bytes": os.path.getsize(path),
        "input": {
            "name": "x",
            "shape": [1, 1, "height", "width"],
            "layout": "NCHW float32; the frame scaled so its long side is 512, both sides multiples of 32",
            "channels": "grey, 0.299 R + 0.587 G + 0.114 B",
            "normalise": "(v / 255 - 0.5) / 0.5",
        },
        "output": {"name": "maps", "shape": [1, 3, "height / 8", "width / 8"],
                   "meaning": "plane 0: probability that a plate's centre lies in the cell; planes 1-2: log(width / 8), log(height / 8) of that plate in input pixels"},
        "source": f"Trained by this project (scripts/train/train_detector.py, {m['params']} parameters, {m['steps']} steps on {m['device']}, torch {m['torch']}, working tree based on commit {git_commit()})",
        "licence": LICENCE,
        "rebuild": command,
        "training": {
            "command": command,
            "data": data,
            "validation": {k: v for k, v in m["val"].items() if k.startswith("recall@")},
            "figures": {k: v for k, v in m["val"].items() if not k.startswith("recall@")},
            "validationCounts": {"openalpr-eu + openalpr-br 'val' scenes": m["val_scenes"]},
            "metric": "recall@T: share of held-out scenes whose labelled plate is hit (IoU >= 0.3 or centre inside) by one of the 4 best peaks >= T; peaks@T: mean peaks >= T per scene",
        },
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--metrics", help="the recogniser's metrics.json (rewrites --rec-name, and plate-rec-keys for plate-rec)")
    ap.add_argument("--rec-name", default="plate-rec", help="the recogniser's entry: plate-rec, or plate-rec-N for another member of the ensemble")
    ap.add_argument("--det-metrics", help="the detector's det-metrics.json (rewrites plate-det)")
    ap.add_argument("--command", required=True)
    a = ap.parse_args()
    models = os.path.join(ROOT, "models")
    mpath = os.path.join(models, "manifest.json")
    with open(mpath) as f:
        manifest = json.load(f)
    entries = {e["name"]: e for e in manifest["models"]}
    if a.metrics:
        if not re.fullmatch(r"plate-rec(-[2-9])?", a.rec_name):
            raise SystemExit(f"--rec-name {a.rec_name}: expected plate-rec or plate-rec-2 .. plate-rec-9")
        entries.update(recogniser_entries(a.metrics, a.command, models, entries.get(a.rec_name), a.rec_name))
    if a.det_metrics:
        with open(a.det_metrics) as f:
            entries["plate-det"] = detector_entry(json.load(f), a.command, models)
    members = sorted(n for n in entries if re.fullmatch(r"plate-rec-[2-9]", n))
    order = ["det", "rec", "rec-keys", "plate-rec", "plate-rec-keys", *members, "plate-det"]
    manifest["models"] = [entries[n] for n in order if n in entries] + [e for n, e in entries.items() if n not in order]
    with open(mpath + ".tmp", "w") as f:
        f.write(dumps(manifest) + "\n")
    os.replace(mpath + ".tmp", mpath)
    written = ([a.rec_name] if a.metrics else []) + (["plate-det"] if a.det_metrics else [])
    print(f"updated {mpath}: " + ", ".join(f"{n} sha256 {entries[n]['sha256']}" for n in written))


def continued(m, command, previous, name="plate-rec"):
    """For a run that continued a shipped model (REC_INIT): that model's record, and the chain of
    commands that rebuilds the result. The continued model must be the one the manifest lists
    under the same name."""
    init = m.get("init_sha256")
    if not init:
        return None, command, m["steps"]
    if not previous or previous.get("sha256") != init:
        raise SystemExit(f"the run continued a model with sha256 {init}, which is not the manifest's {name}; cannot record how to rebuild it")
    prev_training = previous.get("training", {})
    # Entries written before "steps" existed name them in their source line.
    named = re.search(r"(\d+) steps", previous.get("source", ""))
    prev_steps = prev_training.get("steps") or (int(named.group(1)) if named else 0)
    record = {"sha256": init, "command": previous.get("rebuild"), "steps": prev_steps, "validation": prev_training.get("validation")}
    return record, f"{previous.get('rebuild')} && {command}", prev_steps + m["steps"]


def recogniser_entries(metrics_path, command, models, previous=None, name="plate-rec"):
    with open(metrics_path) as f:
        m = json.load(f)
    before, rebuild, total_steps = continued(m, command, previous, name)
    onnx_path, keys_path = os.path.join(models, f"{name}.onnx"), os.path.join(models, "plate-rec.keys")
    commit = git_commit()
    tc = m["train_counts"]
    data = [f"us-plate-crops: the {tc.get('us-plate-crops', 0)} 'train' crops (label-0 rows dropped)"]
    for s in m["scene_sets"]:
        data.append(f"{s}: plate boxes cut from the {tc.get(s, 0)} 'train' scenes")
    if before:
        # The continued model's record already says what its run saw; the continuation reads the same sets.
        data = [d for d in previous["training"]["data"] if d != NEVER_SEEN]
        data.append(f"continued for {m['steps']} steps on the same data: {round(m['synth_frac'] * 100)}% of each batch synthetic "
                    f"({m['synth_pool']} plates, seed {m['seed']}), full augmentation from the first step, peak learning rate {m['lr']}")
    else:
        data.append(f"{m['synth_pool']} synthetic US plates (scripts/train/synth_plates.py, seed {m['seed']}), {round(m['synth_frac'] * 100)}% of each batch after the first {round(m['real_share'] * 100)}% of training")
    data.append(NEVER_SEEN)
    rec = {
        "name": name,
        "role": "plate-recogniser",
        "file": {"path": f"{name}.onnx"},
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
        "source": f"Trained by this project (scripts/train/train_recognizer.py, {m['params']} parameters, {total_steps} steps on {m['device']}"
                  + ("" if name == "plate-rec" else ", one member of the plate recognisers' ensemble")
                  + (f", the last {m['steps']} continuing the model built by the first command" if before else "")
                  + f", torch {m['torch']}, working tree based on commit {commit})",
        "licence": LICENCE,
        "rebuild": rebuild,
        "training": {
            "command": rebuild,
            "steps": total_steps,
            **({"continuedFrom": before} if before else {}),
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
        "rebuild": rebuild,
    }
    # Other members share plate-rec's alphabet (build_models.sh checks the run wrote the same keys).
    return {name: rec, "plate-rec-keys": keys} if name == "plate-rec" else {name: rec}


if __name__ == "__main__":
    main()
