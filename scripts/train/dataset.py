"""Real training data for the plate recogniser, read in place from ../shared/datasets (never
copied into the repository; a decoded cache goes under /tmp).

- us-plate-crops: tight whole-plate crops (groundtruth.csv: file,state,PLATE); the label `0`
  placeholder rows are dropped.
- openalpr-eu, openalpr-br: scene images; the ground-truth plate box is cut out with a margin of
  context so augmentation can jitter the crop.
- openalpr-us-dev is deliberately NOT used for training: it stays a fully held-out US scene set.

Every sample's split comes from split.py (the same rule as src/eval/split.ts), by image file name.
"""
import csv
import hashlib
import os
import pickle
import re

import cv2
import numpy as np

from split import split_of

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
DEFAULT_ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "datasets"))
TRAIN_SCENE_SETS = ("openalpr-eu", "openalpr-br")
CACHE_DIR = "/tmp/alpr-train-cache"
# Stored crops are resized so the plate box is at most this tall (training reads 48 px).
MAX_BOX_H = 96


def normalise(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


class RealSample:
    """A grey image with the plate box inside it (x, y, w, h), its label and origin."""

    __slots__ = ("img", "box", "text", "source", "name")

    def __init__(self, img, box, text, source, name):
        self.img, self.box, self.text, self.source, self.name = img, box, text, source, name


def _grey(path):
    img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise RuntimeError(f"cannot decode {path}")
    return img


def _shrink(img, box):
    x, y, w, h = box
    s = min(1.0, MAX_BOX_H / max(1.0, h))
    if s < 1.0:
        img = cv2.resize(img, (max(1, round(img.shape[1] * s)), max(1, round(img.shape[0] * s))), interpolation=cv2.INTER_AREA)
        box = (x * s, y * s, w * s, h * s)
    return img, box


def crop_labels(root):
    """(file, plate text) of every usable us-plate-crops row."""
    with open(os.path.join(root, "us-plate-crops", "groundtruth.csv"), newline="") as f:
        for row in csv.reader(f):
            if len(row) < 3 or row[0].lower() == "file":
                continue
            text = normalise(row[2])
            if len(text) >= 2:  # not the `0` placeholder rows
                yield row[0], text


def load_crops(root):
    d = os.path.join(root, "us-plate-crops")
    out = []
    for name, text in crop_labels(root):
        img = _grey(os.path.join(d, name))
        img, box = _shrink(img, (0, 0, img.shape[1], img.shape[0]))
        out.append(RealSample(img, box, text, "us-plate-crops", name))
    return out


def _resolve_image(d, named, stem, files):
    if named in files:
        return named
    for ext in (".jpg", ".jpeg", ".png", ".webp", ".bmp"):
        if stem + ext in files:
            return stem + ext
    return None


def scene_labels(root, name):
    """(image file, plate text, (x, y, w, h)) of every labelled scene of one OpenALPR set."""
    d = os.path.join(root, name)
    files = set(os.listdir(d))
    for txt in sorted(f for f in files if f.lower().endswith(".txt")):
        with open(os.path.join(d, txt)) as f:
            line = next((l for l in f.read().splitlines() if l.strip()), "")
        fields = line.strip().split("\t")
        if len(fields) < 6:
            continue
        box = tuple(float(v) for v in fields[1:5])
        text = normalise("".join(fields[5:]))
        image = _resolve_image(d, fields[0], txt[:-4], files)
        if image and text:
            yield image, text, box


def load_scenes(root, name):
    d = os.path.join(root, name)
    out = []
    for image, text, (x, y, w, h) in scene_labels(root, name):
        img = _grey(os.path.join(d, image))
        # Keep context of half a box height (and a quarter width) around the plate.
        mx, my = 0.25 * w + 0.5 * h, 0.6 * h
        x0, y0 = max(0, int(x - mx)), max(0, int(y - my))
        x1, y1 = min(img.shape[1], int(x + w + mx + 1)), min(img.shape[0], int(y + h + my + 1))
        crop = img[y0:y1, x0:x1].copy()
        crop, box = _shrink(crop, (x - x0, y - y0, w, h))
        out.append(RealSample(crop, box, text, name, image))
    return out


def load_real(root=DEFAULT_ROOT, scene_sets=TRAIN_SCENE_SETS):
    """All real samples, split into (train, val) by file name; cached under /tmp."""
    key = hashlib.sha256(repr((os.path.abspath(root), scene_sets, MAX_BOX_H, 2)).encode()).hexdigest()[:16]
    cache = os.path.join(CACHE_DIR, f"real-{key}.pkl")
    if os.path.exists(cache):
        with open(cache, "rb") as f:
            samples = [RealSample(*t) for t in pickle.load(f)]
    else:
        samples = load_crops(root)
        for s in scene_sets:
            samples += load_scenes(root, s)
        os.makedirs(CACHE_DIR, exist_ok=True)
        with open(cache + ".tmp", "wb") as f:
            # Plain tuples, so the cache loads whichever script is __main__.
            pickle.dump([(s.img, s.box, s.text, s.source, s.name) for s in samples], f)
        os.replace(cache + ".tmp", cache)
    train = [s for s in samples if split_of(s.name) == "train"]
    val = [s for s in samples if split_of(s.name) == "val"]
    return train, val


if __name__ == "__main__":
    tr, va = load_real()
    from collections import Counter
    print("train", Counter(s.source for s in tr))
    print("val", Counter(s.source for s in va))
