"""Counts how often each plate character, and each letter/digit layout ("LLLDDD" for ABC123),
occurs on each region's plates, from the labels of the plate recogniser's 'train' split only
(split.py), and writes models/plate-priors.json with its manifest entry. The reader's joint reading weighs candidate texts by these counts
(src/ocr/char-prior.ts, `reader.region`). Seconds; no images are decoded.

  /usr/bin/python3 scripts/train/char_priors.py [--datasets ../shared/datasets]

openalpr-us-dev is never counted: it stays the held-out US scene set.
"""
import argparse
import collections
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dataset import ALPHABET, DEFAULT_ROOT, crop_labels, scene_labels  # noqa: E402
from split import split_of  # noqa: E402
from update_manifest import dumps  # noqa: E402

MODELS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models"))
COMMAND = "/usr/bin/python3 scripts/train/char_priors.py"
REGIONS = (
    ("us", "us-plate-crops 'train' labels", crop_labels),
    ("eu", "openalpr-eu 'train' scene labels", lambda root: ((i, t) for i, t, _ in scene_labels(root, "openalpr-eu"))),
    ("br", "openalpr-br 'train' scene labels", lambda root: ((i, t) for i, t, _ in scene_labels(root, "openalpr-br"))),
)


def region_counts(labels):
    """{plates, counts, shapes} over the (file name, text) pairs of the 'train' split."""
    texts = [text for name, text in labels if split_of(name) == "train"]
    counts = collections.Counter(c for t in texts for c in t if c in ALPHABET)
    shapes = collections.Counter(shape_of(t) for t in texts)
    return {"plates": len(texts), "counts": {c: counts[c] for c in sorted(ALPHABET)}, "shapes": dict(sorted(shapes.items()))}


def shape_of(text):
    """D per digit, L per letter (src/ocr/shape-prior.ts shapeOf)."""
    return "".join("D" if c.isdigit() else "L" for c in text if c in ALPHABET)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=DEFAULT_ROOT)
    ap.add_argument("--models", default=MODELS)
    a = ap.parse_args()
    regions = {}
    for region, source, labels in REGIONS:
        regions[region] = {"source": source, **region_counts(labels(a.datasets))}
    priors = {
        "version": 1,
        "description": "Plate characters and letter/digit layouts counted per region on the plate recogniser's training labels (src/ocr/char-prior.ts and shape-prior.ts read them).",
        "regions": regions,
    }
    path = os.path.join(a.models, "plate-priors.json")
    with open(path, "w") as f:
        f.write(dumps(priors) + "\n")
    with open(path, "rb") as f:
        body = f.read()
    mpath = os.path.join(a.models, "manifest.json")
    with open(mpath) as f:
        manifest = json.load(f)
    entry = {
        "name": "plate-priors",
        "role": "plate-char-priors",
        "file": {"path": "plate-priors.json"},
        "sha256": hashlib.sha256(body).hexdigest(),
        "bytes": len(body),
        "format": "JSON: version 1; regions.{us,eu,br}: source, plates, counts (character -> occurrences on those plates), shapes (letter/digit layout, D digit L letter -> plates)",
        "source": "Counted by scripts/train/char_priors.py from the 'train' split (FNV-1a of the file name % 5 != 0) of us-plate-crops, openalpr-eu and openalpr-br; openalpr-us-dev and every 'val' split never counted",
        "licence": "Counts of OpenALPR benchmark labels (AGPL-3.0, ../shared/datasets/LICENSE-openalpr-benchmarks)",
        "rebuild": COMMAND,
    }
    models = [m for m in manifest["models"] if m["name"] != entry["name"]]
    manifest["models"] = models + [entry]
    with open(mpath + ".tmp", "w") as f:
        f.write(dumps(manifest) + "\n")
    os.replace(mpath + ".tmp", mpath)
    print(f"wrote {path} (sha256 {entry['sha256']}): " + ", ".join(f"{r} {v['plates']} plates" for r, v in regions.items()))


if __name__ == "__main__":
    main()
