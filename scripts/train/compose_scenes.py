"""Training scenes for the plate detector: real scenes with their labelled plate box, with more
plates pasted in (real US crops and synthetic plates) and plate-like distractors that are not
plates (timestamps, signs, blank rectangles), all in grey at the detector's scale.

The real scenes are the `train` split of openalpr-eu and openalpr-br (split.py); openalpr-us-dev
is never used, and the us-plate-crops pasted in are their `train` split only.

  /usr/bin/python3 scripts/train/compose_scenes.py --count 16 --out /tmp/det-preview.png
"""
import argparse
import hashlib
import os
import pickle

import cv2
import numpy as np

from dataset import CACHE_DIR, DEFAULT_ROOT, TRAIN_SCENE_SETS, _grey, _resolve_image, load_crops, normalise
from split import split_of

# The detector reads a frame scaled so its long side is this many pixels (src/detect/plate-detector.ts).
DET_LONG_SIDE = 512
STRIDE = 8


def load_scene_images(root, sets=TRAIN_SCENE_SETS, long_side=2 * DET_LONG_SIDE):
    """Whole grey scenes with their plate box [(img, [(x, y, w, h)], name, set)], stored at most
    `long_side` wide (twice the detector's scale, so scale jitter never up-samples much)."""
    key = hashlib.sha256(repr((os.path.abspath(root), sets, long_side, 1)).encode()).hexdigest()[:16]
    cache = os.path.join(CACHE_DIR, f"scenes-{key}.pkl")
    if os.path.exists(cache):
        with open(cache, "rb") as f:
            return pickle.load(f)
    out = []
    for name in sets:
        d = os.path.join(root, name)
        files = set(os.listdir(d))
        for txt in sorted(f for f in files if f.lower().endswith(".txt")):
            with open(os.path.join(d, txt)) as f:
                rows = [l.strip().split("\t") for l in f.read().splitlines() if l.strip()]
            boxes, image = [], None
            for fields in rows:
                if len(fields) < 6 or not normalise("".join(fields[5:])):
                    continue
                image = image or _resolve_image(d, fields[0], txt[:-4], files)
                boxes.append(tuple(float(v) for v in fields[1:5]))
            if not image or not boxes:
                continue
            img = _grey(os.path.join(d, image))
            s = min(1.0, long_side / max(img.shape))
            if s < 1.0:
                img = cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)), interpolation=cv2.INTER_AREA)
                boxes = [(x * s, y * s, w * s, h * s) for x, y, w, h in boxes]
            out.append((img, boxes, image, name))
    os.makedirs(CACHE_DIR, exist_ok=True)
    with open(cache + ".tmp", "wb") as f:
        pickle.dump(out, f)
    os.replace(cache + ".tmp", cache)
    return out


def _warp_plate(plate, w, rng):
    """The plate scaled to width w with a random perspective and rotation; returns (patch, mask)."""
    ph, pw = plate.shape
    h = max(3, w * ph / pw * rng.uniform(0.85, 1.15))
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    j = 0.08
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]]) + rng.uniform(-j, j, (4, 2)).astype(np.float32) * np.float32([w, h])
    ang = np.deg2rad(rng.normal(0, 4))
    c, s = np.cos(ang), np.sin(ang)
    dst = dst @ np.float32([[c, s], [-s, c]])
    dst -= dst.min(axis=0)
    size = (int(np.ceil(dst[:, 0].max())) + 1, int(np.ceil(dst[:, 1].max())) + 1)
    m = cv2.getPerspectiveTransform(src, dst)
    patch = cv2.warpPerspective(plate, m, size, flags=cv2.INTER_AREA, borderValue=0)
    mask = cv2.warpPerspective(np.full_like(plate, 255), m, size, flags=cv2.INTER_LINEAR, borderValue=0)
    return patch, mask


def _paste(canvas, patch, mask, x, y):
    h, w = patch.shape
    H, W = canvas.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    p = patch[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32)
    a = mask[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32) / 255
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    canvas[y0:y1, x0:x1] = np.clip(region * (1 - a) + p * a, 0, 255).astype(np.uint8)


def _overlaps(box, boxes, margin=0.2):
    x, y, w, h = box
    for bx, by, bw, bh in boxes:
        if x < bx + bw * (1 + margin) and bx < x + w * (1 + margin) and y < by + bh * (1 + margin) and by < y + h * (1 + margin):
            return True
    return False


TIMESTAMP_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_PLAIN)
WORDS = ("PLUMBING", "CALL 555-0142", "NO PARKING", "EXIT", "STOP", "SPEED LIMIT 25", "ONE WAY", "PIZZA", "24H", "SALE",
         "BUS ONLY", "TOW AWAY ZONE", "FedEx", "ELECTRIC CO", "LANE 3", "CAMERA 02")


def _distractor(canvas, rng):
    """Text and shapes that are not plates: a timestamp, a sign or van lettering, a blank plate-sized box."""
    H, W = canvas.shape
    kind = rng.integers(3)
    colour = int(rng.choice([rng.integers(0, 60), rng.integers(200, 256)]))
    if kind == 0:
        text = f"2026-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d} {rng.integers(24):02d}:{rng.integers(60):02d}:{rng.integers(60):02d}"
    elif kind == 1:
        text = str(rng.choice(WORDS))
    else:
        w = int(rng.uniform(20, 90))
        h = int(w * rng.uniform(0.3, 0.6))
        x, y = int(rng.integers(0, max(1, W - w))), int(rng.integers(0, max(1, H - h)))
        cv2.rectangle(canvas, (x, y), (x + w, y + h), colour, -1)
        return
    scale = rng.uniform(0.3, 1.2)
    font = TIMESTAMP_FONTS[rng.integers(len(TIMESTAMP_FONTS))]
    (tw, th), _ = cv2.getTextSize(text, font, scale, 1)
    x, y = int(rng.integers(0, max(1, W - tw))), int(rng.integers(th, max(th + 1, H)))
    if kind == 1 and rng.random() < 0.5:  # a sign: text on a board
        cv2.rectangle(canvas, (x - 4, y - th - 4), (x + tw + 4, y + 6), 255 - colour, -1)
    cv2.putText(canvas, text, (x, y), font, scale, colour, int(rng.integers(1, 3)), cv2.LINE_AA)


def _camera(canvas, rng):
    img = canvas.astype(np.float32) / 255
    img = np.clip((img - 0.5) * rng.uniform(0.6, 1.3) + 0.5 + rng.uniform(-0.15, 0.15), 0, 1) ** rng.uniform(0.7, 1.5)
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.3))
    if rng.random() < 0.3:  # low-resolution camera
        s = rng.uniform(0.5, 0.85)
        small = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (canvas.shape[1], canvas.shape[0]), interpolation=cv2.INTER_LINEAR)
    img = img + rng.normal(0, rng.uniform(0, 0.03), img.shape).astype(np.float32)
    out = np.clip(img * 255, 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 95))])
        out = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    return out


class SceneComposer:
    """Random training canvases (grey uint8, out_h x out_w) and their plate boxes in canvas pixels."""

    def __init__(self, scenes, plates, rng, out_w=320, out_h=192):
        self.scenes, self.plates, self.rng, self.out_w, self.out_h = scenes, plates, rng, out_w, out_h

    def sample(self):
        r = self.rng
        img, boxes, _, _ = self.scenes[r.integers(len(self.scenes))]
        # The scene at the detector's scale, jittered: plates between ~0.5x and ~2x their usual size.
        s = DET_LONG_SIDE / max(img.shape) * float(np.exp(r.uniform(np.log(0.6), np.log(1.8))))
        scene = cv2.resize(img, (max(1, round(img.shape[1] * s)), max(1, round(img.shape[0] * s))), interpolation=cv2.INTER_AREA)
        boxes = [(x * s, y * s, w * s, h * s) for x, y, w, h in boxes]
        if r.random() < 0.5:
            scene = scene[:, ::-1].copy()
            boxes = [(scene.shape[1] - x - w, y, w, h) for x, y, w, h in boxes]
            # A mirrored plate still looks like a plate to a detector; mirrored text is not read here.
        H, W = scene.shape
        canvas = np.full((self.out_h, self.out_w), int(r.integers(40, 200)), np.uint8)
        # Mostly crop around the labelled plate so most canvases hold one.
        if boxes and r.random() < 0.7:
            bx, by, bw, bh = boxes[r.integers(len(boxes))]
            ox = int(bx + bw / 2 - r.uniform(0.15, 0.85) * self.out_w)
            oy = int(by + bh / 2 - r.uniform(0.15, 0.85) * self.out_h)
        else:
            ox, oy = int(r.integers(min(0, W - self.out_w), max(1, W - self.out_w + 1))), int(r.integers(min(0, H - self.out_h), max(1, H - self.out_h + 1)))
        _paste(canvas, scene, np.full_like(scene, 255), -ox, -oy)
        out = [(x - ox, y - oy, w, h) for x, y, w, h in boxes]
        for _ in range(r.choice([0, 1, 1, 2, 3])):
            plate = self.plates[r.integers(len(self.plates))]
            w = float(np.exp(r.uniform(np.log(16), np.log(110))))
            patch, mask = _warp_plate(plate, w, r)
            if r.random() < 0.6:  # the plate's own tint against the scene
                patch = np.clip(patch.astype(np.float32) * r.uniform(0.6, 1.1) + r.uniform(-20, 20), 0, 255).astype(np.uint8)
            ph, pw = patch.shape
            for _try in range(5):
                x, y = int(r.integers(-pw // 4, self.out_w - 3 * pw // 4)), int(r.integers(-ph // 4, self.out_h - 3 * ph // 4))
                if not _overlaps((x, y, pw, ph), out):
                    break
            else:
                continue
            if r.random() < 0.5:  # a bumper or car body around it
                mx, my = int(pw * r.uniform(0.3, 1.5)), int(ph * r.uniform(0.3, 1.2))
                cv2.rectangle(canvas, (x - mx, y - my), (x + pw + mx, y + ph + my), int(r.integers(0, 256)), -1)
            _paste(canvas, patch, mask, x, y)
            out.append((float(x), float(y), float(pw), float(ph)))
        for _ in range(r.choice([0, 0, 1, 2])):
            _distractor(canvas, r)
        canvas = _camera(canvas, r)
        # Boxes whose centre left the canvas are not targets.
        kept = [b for b in out if 0 <= b[0] + b[2] / 2 < self.out_w and 0 <= b[1] + b[3] / 2 < self.out_h]
        return canvas, kept


def plate_images(root, synth_count, seed):
    """The plates that get pasted: us-plate-crops `train` crops and synthetic plates (grey)."""
    from synth_plates import SynthPlates

    crops = [s.img for s in load_crops(root) if split_of(s.name) == "train"]
    gen = SynthPlates(seed)
    synth = [gen.render()[0] for _ in range(synth_count)]
    return crops + synth, len(crops), len(synth)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=16)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--datasets", default=DEFAULT_ROOT)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    scenes = [s for s in load_scene_images(a.datasets) if split_of(s[2]) == "train"]
    plates, _, _ = plate_images(a.datasets, 50, a.seed)
    comp = SceneComposer(scenes, plates, rng)
    tiles = []
    for _ in range(a.count):
        img, boxes = comp.sample()
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        for x, y, w, h in boxes:
            cv2.rectangle(img, (int(x), int(y)), (int(x + w), int(y + h)), (0, 0, 255), 1)
        tiles.append(img)
    rows = [np.hstack(tiles[i:i + 4]) for i in range(0, len(tiles) - len(tiles) % 4, 4)]
    cv2.imwrite(a.out, np.vstack(rows))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
