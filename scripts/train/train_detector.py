"""Trains the plate detector (a small fully convolutional net: plate-centre heat map + box size at
stride 8) on composed scenes (compose_scenes.py) and exports it to ONNX.

Input: grey frame scaled so its long side is 512 (both sides multiples of 32), values
(v / 255 - 0.5) / 0.5, shape [1, 1, H, W]. Output `maps` [1, 3, H/8, W/8]: channel 0 the
probability that a plate's centre lies in the cell, channels 1-2 log(width / 8) and
log(height / 8) of that plate in input pixels. Decoding lives in src/detect/plate-heatmap.ts.

  nice -n 15 /usr/bin/python3 scripts/train/train_detector.py --minutes 20 --out /tmp/plate-det
"""
import argparse
import json
import os
import platform
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compose_scenes import DET_LONG_SIDE, STRIDE, SceneComposer, load_scene_images, plate_images  # noqa: E402
from dataset import TRAIN_SCENE_SETS  # noqa: E402
from run_setup import Checkpoints, add_run_args, optimise, schedule, set_lr, start_run  # noqa: E402
from split import split_of  # noqa: E402


def cbr(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class PlateDetector(nn.Module):
    """~150k parameters, ~0.25 G multiply-adds at 512x288."""

    def __init__(self):
        super().__init__()
        self.s4 = nn.Sequential(cbr(1, 16, 2), cbr(16, 32, 2))            # stride 4
        self.s8 = nn.Sequential(cbr(32, 48, 2), cbr(48, 48))              # stride 8
        self.s16 = nn.Sequential(cbr(48, 64, 2), cbr(64, 64))             # stride 16
        self.s32 = nn.Sequential(cbr(64, 96, 2), cbr(96, 96))             # stride 32: context for large plates
        self.lat16 = nn.Conv2d(96, 64, 1)
        self.lat8 = nn.Conv2d(64, 48, 1)
        self.fuse = cbr(48, 48)
        self.head = nn.Sequential(cbr(48, 32), nn.Conv2d(32, 3, 1))
        nn.init.constant_(self.head[-1].bias[0], -4.0)  # start with a low plate prior (focal-loss habit)

    def forward(self, x):
        f8 = self.s8(self.s4(x))
        f16 = self.s16(f8)
        f32 = self.s32(f16)
        u16 = f16 + F.interpolate(self.lat16(f32), size=f16.shape[2:], mode="nearest")
        u8 = f8 + F.interpolate(self.lat8(u16), size=f8.shape[2:], mode="nearest")
        return self.head(self.fuse(u8))  # [B, 3, H/8, W/8]: logit, log w, log h


class Exported(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        o = self.net(x)
        return torch.cat([torch.sigmoid(o[:, :1]), o[:, 1:]], dim=1)


def targets(boxes, h, w):
    """Gaussian centre heat, size targets and their mask at stride 8."""
    gh, gw = h // STRIDE, w // STRIDE
    heat = np.zeros((gh, gw), np.float32)
    size = np.zeros((2, gh, gw), np.float32)
    mask = np.zeros((gh, gw), np.float32)
    ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32)
    for x, y, bw, bh in boxes:
        cx, cy = (x + bw / 2) / STRIDE - 0.5, (y + bh / 2) / STRIDE - 0.5
        sx, sy = max(0.5, bw / STRIDE / 5), max(0.5, bh / STRIDE / 4)
        heat = np.maximum(heat, np.exp(-((xs - cx) ** 2 / (2 * sx * sx) + (ys - cy) ** 2 / (2 * sy * sy))))
        ix, iy = int(round(cx)), int(round(cy))
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                u, v = ix + dx, iy + dy
                if 0 <= u < gw and 0 <= v < gh:
                    size[:, v, u] = (np.log(max(1.0, bw) / STRIDE), np.log(max(1.0, bh) / STRIDE))
                    mask[v, u] = 1.0 if dx == 0 and dy == 0 else 0.5
        if 0 <= ix < gw and 0 <= iy < gh:
            heat[iy, ix] = 1.0
    return heat, size, mask


def focal(logit, heat):
    """CenterNet's penalty-reduced focal loss, normalised by the number of plate centres."""
    p = torch.sigmoid(logit).clamp(1e-4, 1 - 1e-4)
    pos = heat.eq(1).float()
    pos_loss = -torch.log(p) * (1 - p) ** 2 * pos
    neg_loss = -torch.log(1 - p) * p ** 2 * (1 - heat) ** 4 * (1 - pos)
    return (pos_loss.sum() + neg_loss.sum()) / pos.sum().clamp(min=1)


def to_input(grey):
    return torch.from_numpy((grey.astype(np.float32) / 255 - 0.5) / 0.5)[None, None]


def scene_input(img):
    """A whole scene as the daemon feeds it: long side 512, sides rounded to multiples of 32."""
    s = DET_LONG_SIDE / max(img.shape)
    w, h = max(32, int(round(img.shape[1] * s / 32)) * 32), max(32, int(round(img.shape[0] * s / 32)) * 32)
    return cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA), w / img.shape[1], h / img.shape[0]


def decode(maps, threshold, top=4):
    """Peaks of the heat map (3x3 maxima >= threshold) as boxes in input pixels, best first."""
    heat = maps[0]
    pooled = F.max_pool2d(heat[None, None], 3, 1, 1)[0, 0]
    peaks = ((heat == pooled) & (heat >= threshold)).nonzero().tolist()
    out = []
    for y, x in peaks:
        w, h = float(np.exp(maps[1, y, x])) * STRIDE, float(np.exp(maps[2, y, x])) * STRIDE
        cx, cy = (x + 0.5) * STRIDE, (y + 0.5) * STRIDE
        out.append((float(heat[y, x]), cx - w / 2, cy - h / 2, w, h))
    return sorted(out, reverse=True)[:top]


def hit(box, truth):
    x, y, w, h = box
    tx, ty, tw, th = truth
    ix = max(0, min(x + w, tx + tw) - max(x, tx))
    iy = max(0, min(y + h, ty + th) - max(y, ty))
    inter = ix * iy
    iou = inter / (w * h + tw * th - inter + 1e-9)
    cx, cy = tx + tw / 2, ty + th / 2
    return iou >= 0.3 or (x <= cx <= x + w and y <= cy <= y + h)


def evaluate(net, scenes, device, thresholds=(0.1, 0.2, 0.3)):
    """Recall of the labelled plate among the top 4 peaks, and peaks per scene, per threshold."""
    net.eval()
    res = {t: [0, 0] for t in thresholds}
    with torch.no_grad():
        for img, boxes, _, _ in scenes:
            inp, sx, sy = scene_input(img)
            maps = Exported(net)(to_input(inp).to(device))[0].cpu()
            for t in thresholds:
                dets = decode(maps, t)
                res[t][1] += len(dets)
                truth = [(x * sx, y * sy, w * sx, h * sy) for x, y, w, h in boxes]
                res[t][0] += all(any(hit(d[1:], b) for d in dets) for b in truth)
    net.train()
    n = max(1, len(scenes))
    return {f"recall@{t}": round(k / n, 4) for t, (k, _) in res.items()} | {f"peaks@{t}": round(p / n, 2) for t, (_, p) in res.items()}


def export(net, path):
    """ONNX on the CPU; the net goes back to its device and stays in eval mode."""
    device = next(net.parameters()).device
    net.eval()
    torch.onnx.export(Exported(net).cpu(), torch.zeros(1, 1, 288, 512), path, opset_version=17, input_names=["x"], output_names=["maps"],
                      dynamic_axes={"x": {2: "height", 3: "width"}, "maps": {2: "rows", 3: "cols"}})
    net.to(device)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_args(ap, minutes=20, batch=16, lr=3e-3, out_help="output folder: plate-det.onnx, det-metrics.json")
    ap.add_argument("--synth", type=int, default=600, help="synthetic plates rendered up front for pasting")
    a = ap.parse_args()
    rng, device = start_run(a)
    scenes = load_scene_images(a.datasets)
    train = [s for s in scenes if split_of(s[2]) == "train"]
    val = [s for s in scenes if split_of(s[2]) == "val"]
    plates, n_crops, n_synth = plate_images(a.datasets, a.synth, a.seed)
    print(f"scenes train {len(train)} val {len(val)}; pasted plates {n_crops} crops + {n_synth} synthetic; device {device}", flush=True)
    comp = SceneComposer(train, plates, rng)

    net = PlateDetector().to(device)
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    t0 = time.time()
    step, checks = 0, Checkpoints(t0, a.minutes, 1 / 10)
    while (now := schedule(step, a, t0, warmup=0.05)) is not None:
        _, lr = now
        set_lr(opt, lr)
        xs, hs, ss, ms = [], [], [], []
        for _ in range(a.batch):
            img, boxes = comp.sample()
            heat, size, mask = targets(boxes, img.shape[0], img.shape[1])
            xs.append(to_input(img)[0])
            hs.append(heat)
            ss.append(size)
            ms.append(mask)
        x = torch.stack(xs).to(device)
        heat = torch.from_numpy(np.stack(hs))[:, None].to(device)
        size = torch.from_numpy(np.stack(ss)).to(device)
        mask = torch.from_numpy(np.stack(ms))[:, None].to(device)
        out = net(x)
        l_heat = focal(out[:, :1], heat)
        l_size = (F.smooth_l1_loss(out[:, 1:], size, reduction="none") * mask).sum() / mask.sum().clamp(min=1)
        loss = l_heat + l_size
        optimise(net, opt, loss)
        step += 1
        if checks.due(step):
            m = evaluate(net, val, device)
            minutes = checks.record(step, loss.item(), m)
            print(f"step {step} {minutes:.1f} min heat {l_heat.item():.3f} size {l_size.item():.3f} lr {lr:.5f} val {m}", flush=True)
            # A snapshot to try in the reader while training goes on (the final model is plate-det.onnx).
            export(net, os.path.join(a.out, "plate-det.partial.onnx"))
            net.train()
    m = evaluate(net, val, device)
    print(f"final step {step} val {m}", flush=True)
    path = os.path.join(a.out, "plate-det.onnx")
    export(net, path)
    metrics = {
        "val": m, "val_scenes": len(val), "steps": step, "steps_asked": a.steps, "minutes": a.minutes,
        "minutes_used": round((time.time() - t0) / 60, 1), "batch": a.batch, "params": params, "device": str(device),
        "seed": a.seed, "torch": torch.__version__, "python": platform.python_version(),
        "train_scenes": {name: sum(1 for s in train if s[3] == name) for name in TRAIN_SCENE_SETS},
        "pasted_crops": n_crops, "pasted_synthetic": n_synth, "history": checks.history,
    }
    with open(os.path.join(a.out, "det-metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    print(f"wrote {path} ({os.path.getsize(path)} bytes), val {m}", flush=True)


if __name__ == "__main__":
    main()
