"""What every training script shares: the budget, seed, thread and data arguments, and the start
of a run (seeds, threads, the device: CUDA when torch sees a GPU, else the CPU)."""
import ctypes
import ctypes.util
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
    # One thread by default: on the shared 2-core box (load 10+) two threads made each step ~4x
    # slower (OpenMP workers waiting for each other). On a quiet 2-core machine two threads
    # nearly halve a recogniser step (63-70 -> 33-45 ms with keep_freed_memory, docs/accuracy.md):
    # build_models.sh takes TRAIN_THREADS for that.
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--datasets", default=DEFAULT_ROOT)
    ap.add_argument("--out", required=True, help=out_help)


def keep_freed_memory():
    """Tells glibc's malloc to keep freed memory instead of returning it to the kernel. Each
    training step allocates and frees the same multi-megabyte activation tensors; by default glibc
    unmaps large freed blocks and trims the heap's free top, so every step paid page faults and
    kernel page zeroing on all of them. That was most of a recogniser step on the CPU: 190 -> 45
    ms at batch 32 with 2 threads (docs/accuracy.md, "Rebuilding it"). Settings: the mmap
    threshold at glibc's 64-bit ceiling, trimming practically off, the heap grown 256 MB at a
    time. A no-op where there is no glibc."""
    path = ctypes.util.find_library("c")
    if not path:
        return
    libc = ctypes.CDLL(path)
    if not hasattr(libc, "mallopt"):
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024)  # glibc's ceiling on 64-bit
    libc.mallopt(m_trim_threshold, 2 ** 31 - 1)
    libc.mallopt(m_top_pad, 256 * 1024 * 1024)


def start_run(a):
    """Seeds torch and numpy, sets the threads, makes the output folder; returns (rng, device)."""
    keep_freed_memory()
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


def set_lr(opt, lr):
    for g in opt.param_groups:
        g["lr"] = lr


def optimise(net, opt, loss):
    """One optimiser step on `loss`, the gradient norm clipped to 5 (both trainers)."""
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
    opt.step()


class Checkpoints:
    """When a run evaluates on its held-out data (its first step, then every `share` of the
    budget, at least a minute apart) and what it found there (`history`, kept in the metrics)."""

    def __init__(self, t0, minutes, share):
        self.t0, self.every, self.last, self.history = t0, max(60, minutes * 60 * share), t0, []

    def due(self, step):
        if step == 1 or time.time() - self.last > self.every:
            self.last = time.time()
            return True
        return False

    def record(self, step, loss, val):
        """Appends one checkpoint; returns the minutes since the start."""
        minutes = (time.time() - self.t0) / 60
        self.history.append({"step": step, "minutes": round(minutes, 2), "loss": round(loss, 4), "val": val})
        return minutes
