"""Trains the plate recogniser (small CNN + CTC over A-Z0-9) and exports it to ONNX.

Curriculum (RECOGNITION-NOTES.md: CTC from scratch on synthetic data stalled in the all-blank
stage, real crops left it after ~450 steps): phase 1 trains on the real train split only, first
on clean crops, then with growing augmentation strength; phase 2 mixes synthetic plates (a share
of each batch) with the real data at full strength. Validation is the held-out split (split.py), never trained on.

  nice -n 15 /usr/bin/python3 scripts/train/train_recognizer.py --minutes 30 --out /tmp/plate-rec
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
from augment import IN_H, IN_W, prepare  # noqa: E402
from dataset import ALPHABET, TRAIN_SCENE_SETS, load_real  # noqa: E402
from run_setup import Checkpoints, add_run_args, optimise, schedule, set_lr, start_run  # noqa: E402
from synth_plates import SynthPlates  # noqa: E402

BLANK = 0  # class 0 is the CTC blank; class i+1 is ALPHABET[i]


def block(cin, cout, pool):
    layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
    if pool:
        layers.append(nn.MaxPool2d(pool))
    return layers


class PlateRecognizer(nn.Module):
    """32x128 grey -> 32 time steps x 37 classes, ~290k parameters, ~28M multiply-adds per crop
    (sized for a shared 2-core CPU: a 48x128 net with twice the work trained too few steps)."""

    def __init__(self, classes=len(ALPHABET) + 1):
        super().__init__()
        self.features = nn.Sequential(
            *block(1, 16, (2, 2)),    # 16x64
            *block(16, 32, (2, 2)),   # 8x32
            *block(32, 64, (2, 1)),   # 4x32
            *block(64, 96, (2, 1)),   # 2x32
            *block(96, 128, None),
        )
        self.collapse = nn.Sequential(nn.Conv2d(128, 160, (2, 1), bias=False), nn.BatchNorm2d(160), nn.ReLU(inplace=True))
        self.head = nn.Sequential(nn.Conv1d(160, 160, 3, padding=1), nn.ReLU(inplace=True), nn.Dropout(0.1), nn.Conv1d(160, classes, 1))

    def forward(self, x):  # x: [B, 1, 32, 128], (v - 0.5) / 0.5
        f = self.collapse(self.features(x)).squeeze(2)  # [B, 160, 32]
        return self.head(f).permute(0, 2, 1)  # [B, 32, classes] logits


class Exported(nn.Module):
    """What ships: probabilities, [batch, 32, 37]."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return F.softmax(self.net(x), dim=2)


def load_onnx_weights(net, path):
    """Continues from a shipped model: its ONNX file has each BatchNorm folded into the conv before
    it, so the conv takes the folded weight and the BatchNorm becomes an identity (scale 1, mean 0,
    variance 1 - eps) whose shift is the folded bias. The BatchNorm statistics must then stay
    frozen (freeze_batchnorm), or batch statistics would re-normalise the folded features."""
    import onnx
    from onnx import numpy_helper
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    folded = [v for k, v in inits.items() if not k.startswith("net.")]  # weight, bias per conv, in order
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    if len(folded) != 2 * len(convs) or len(convs) != len(norms):
        raise SystemExit(f"{path}: {len(folded)} folded tensors for {len(convs)} conv+batchnorm pairs; not this architecture")
    with torch.no_grad():
        for k, (conv, bn) in enumerate(zip(convs, norms)):
            w, b = torch.from_numpy(folded[2 * k].copy()), torch.from_numpy(folded[2 * k + 1].copy())
            if tuple(w.shape) != tuple(conv.weight.shape):
                raise SystemExit(f"{path}: conv {k} is {tuple(w.shape)}, the net has {tuple(conv.weight.shape)}")
            conv.weight.copy_(w)
            bn.weight.fill_(1.0)
            bn.bias.copy_(b)
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
        head = {k[len("net."):]: torch.from_numpy(v.copy()) for k, v in inits.items() if k.startswith("net.")}
        missing = [k for k in head if k not in dict(net.named_parameters())]
        if missing:
            raise SystemExit(f"{path}: unknown tensors {missing}")
        for name, p in net.named_parameters():
            if name in head:
                p.copy_(head[name])


def file_sha256(path):
    import hashlib
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def freeze_batchnorm(net):
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()


def encode(text):
    return [ALPHABET.index(c) + 1 for c in text]


def greedy(logits):
    out = []
    for seq in logits.argmax(2).cpu().numpy():
        prev, s = BLANK, []
        for c in seq:
            if c != BLANK and c != prev:
                s.append(ALPHABET[c - 1])
            prev = c
        out.append("".join(s))
    return out


def to_tensor(batch):
    x = np.stack(batch)[:, None, :, :]
    return torch.from_numpy((x - 0.5) / 0.5)


def evaluate(net, samples, device, frozen_bn=False):
    net.eval()
    per_source, exact = {}, 0
    with torch.no_grad():
        for i in range(0, len(samples), 128):
            chunk = samples[i:i + 128]
            x = to_tensor([prepare(s.img, s.box) for s in chunk]).to(device)
            for s, p in zip(chunk, greedy(net(x))):
                ok = p == s.text
                exact += ok
                n, k = per_source.get(s.source, (0, 0))
                per_source[s.source] = (n + 1, k + ok)
    net.train()
    if frozen_bn:
        freeze_batchnorm(net)
    return {"all": exact / max(1, len(samples)), **{src: k / n for src, (n, k) in sorted(per_source.items())}}, {src: n for src, (n, _) in per_source.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_args(ap, minutes=30, batch=32, lr=2e-3, out_help="output folder: plate-rec.onnx, plate-rec.keys, metrics.json")
    ap.add_argument("--clean-share", type=float, default=0.15, help="share of the budget on clean real crops (no augmentation)")
    ap.add_argument("--real-share", type=float, default=0.45, help="phase 1 (real only, augmentation growing) share of the budget")
    ap.add_argument("--synth-frac", type=float, default=0.4, help="share of synthetic plates in phase 2 batches")
    ap.add_argument("--synth-pool", type=int, default=2000, help="clean synthetic plates rendered up front")
    ap.add_argument("--init-onnx", default="", help="continue training this shipped model (BatchNorm frozen; use with --clean-share 0 --real-share 0 and a lower --lr)")
    a = ap.parse_args()
    rng, device = start_run(a)

    train, val = load_real(a.datasets)
    print(f"real train {len(train)}, val {len(val)}; device {device}", flush=True)
    t_start = time.time()
    gen = SynthPlates(a.seed)
    pool = [gen.render() for _ in range(a.synth_pool)]
    print(f"rendered {len(pool)} synthetic plates in {time.time() - t_start:.0f}s", flush=True)

    net = PlateRecognizer()
    if a.init_onnx:
        load_onnx_weights(net, a.init_onnx)
        print(f"continuing from {a.init_onnx}", flush=True)
    # Channels-last activations: the same maths, 10-15 % less time per step in oneDNN's
    # convolutions on the CPU (docs/accuracy.md); the export below goes back to the usual layout.
    net = net.to(device).to(memory_format=torch.channels_last)
    frozen = bool(a.init_onnx)
    if frozen:
        freeze_batchnorm(net)
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    t0 = time.time()
    step, checks = 0, Checkpoints(t0, a.minutes, 1 / 20)
    while (now := schedule(step, a, t0, warmup=0.1)) is not None:
        frac, lr = now
        set_lr(opt, lr)
        phase2 = frac >= a.real_share
        # Clean crops first: with full augmentation from the start CTC stayed in the all-blank
        # stage for 700+ steps; on clean crops it left it after ~300 steps, then learnt fast.
        strength = 0.0 if frac < a.clean_share else min(1.0, 0.2 + 0.8 * (frac - a.clean_share) / max(1e-6, a.real_share - a.clean_share))
        xs, ys = [], []
        n_synth = int(round(a.batch * a.synth_frac)) if phase2 else 0
        for _ in range(a.batch - n_synth):
            s = train[rng.integers(len(train))]
            xs.append(prepare(s.img, s.box, rng, strength) if strength > 0 else prepare(s.img, s.box))
            ys.append(s.text)
        for _ in range(n_synth):
            img, text, box = pool[rng.integers(len(pool))]
            xs.append(prepare(img, box, rng, strength))
            ys.append(text)
        x = to_tensor(xs).to(device)
        targets = torch.tensor([c for t in ys for c in encode(t)], dtype=torch.long)
        lengths = torch.tensor([len(t) for t in ys], dtype=torch.long)
        logp = F.log_softmax(net(x), dim=2).permute(1, 0, 2)  # [T, B, C]
        loss = ctc(logp, targets, torch.full((len(ys),), logp.shape[0], dtype=torch.long), lengths)
        optimise(net, opt, loss)
        step += 1
        if checks.due(step):
            m, _ = evaluate(net, val, device, frozen)
            minutes = checks.record(step, loss.item(), m)
            print(f"step {step} {minutes:.1f} min loss {loss.item():.3f} lr {lr:.5f} phase {2 if phase2 else 1} val {m}", flush=True)
    m, counts = evaluate(net, val, device, frozen)
    print(f"final step {step} val {m}", flush=True)
    # The last weights ship (the learning rate has decayed to ~0); nothing is chosen on val, so
    # the val figures stay honest.
    net.eval().cpu().to(memory_format=torch.contiguous_format)
    onnx_path = os.path.join(a.out, "plate-rec.onnx")
    torch.onnx.export(Exported(net), torch.zeros(1, 1, IN_H, IN_W), onnx_path, opset_version=17,
                      input_names=["x"], output_names=["probs"], dynamic_axes={"x": {0: "batch"}, "probs": {0: "batch"}})
    with open(os.path.join(a.out, "plate-rec.keys"), "w") as f:
        f.write("\n".join(ALPHABET))
    metrics = {
        "val_exact": m, "val_counts": counts, "steps": step, "steps_asked": a.steps, "minutes": a.minutes,
        "minutes_used": round((time.time() - t0) / 60, 1), "batch": a.batch, "params": params,
        "device": str(device), "seed": a.seed, "torch": torch.__version__, "python": platform.python_version(),
        "train_counts": {src: sum(1 for s in train if s.source == src) for src in sorted({s.source for s in train})},
        "scene_sets": list(TRAIN_SCENE_SETS), "synth_pool": a.synth_pool, "synth_frac": a.synth_frac, "real_share": a.real_share, "clean_share": a.clean_share,
        "init_sha256": file_sha256(a.init_onnx) if a.init_onnx else None, "lr": a.lr,
        "history": checks.history,
    }
    with open(os.path.join(a.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes), val {m}", flush=True)


if __name__ == "__main__":
    main()
