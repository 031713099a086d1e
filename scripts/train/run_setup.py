"""What every training script shares: the budget, seed, thread and data arguments, and the start
of a run (seeds, threads, the device: CUDA when torch sees a GPU, else the CPU)."""
import os
import time

import cv2
import numpy as np
import torch

from dataset import DEFAULT_ROOT


def add_run_args(ap, minutes, batch, lr, out_help):
    ap.add_argument("--minutes", type=float, default=minutes, help="wall-clock training budget (the schedule follows it unless --steps is given)")
    ap.add_argument("--steps", type=int, default=0,
                    help="train exactly this many steps (reproducible: the schedule follows steps, --minutes only caps the time)")
    ap.add_argument("--batch", type=int, default=batch)
    ap.add_argument("--lr", type=float, default=lr)
    ap.add_argument("--seed", type=int, default=7)
    # One thread: on the shared 2-core box (load 10+) two threads made each step ~4x slower
    # (OpenMP workers waiting for each other); on a quiet machine 2 is a little faster.
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--datasets", default=DEFAULT_ROOT)
    ap.add_argument("--out", required=True, help=out_help)


def start_run(a):
    """Seeds torch and numpy, sets the threads, makes the output folder; returns (rng, device)."""
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    cv2.setNumThreads(1)
    os.makedirs(a.out, exist_ok=True)
    return np.random.default_rng(a.seed), torch.device("cuda" if torch.cuda.is_available() else "cpu")


def schedule(step, a, t0, warmup):
    """Where a run stands: None once its budget is spent (--steps when given, and always
    --minutes), else (frac, lr): frac the share of the run done, lr rising linearly from a tenth
    of --lr over the first `warmup` of the run, then a cosine decay to 0."""
    elapsed = (time.time() - t0) / (a.minutes * 60)
    frac = step / a.steps if a.steps else elapsed
    if frac >= 1 or elapsed >= 1:
        return None
    lr = a.lr * (0.5 * (1 + np.cos(np.pi * frac))) if frac > warmup else a.lr * max(0.1, frac / warmup)
    return frac, lr
