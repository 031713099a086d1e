"""Turns a grey plate image and its plate box into one recogniser input (32x128, aspect kept,
grey padding), with the degradations a roadside camera adds. `prepare` without an rng is the
deterministic validation path and mirrors src/ocr/plate-preprocess.ts.
"""
import cv2
import numpy as np

IN_H, IN_W = 32, 128
PAD = 0.5  # grey padding, in 0..1 before normalisation


def fit_into_canvas(patch):
    """Scales a float32 grey patch (0..1) to fit 32x128 with its aspect kept, centred on grey."""
    h, w = patch.shape
    s = min(IN_H / h, IN_W / w)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    small = cv2.resize(patch, (nw, nh), interpolation=interp)
    out = np.full((IN_H, IN_W), PAD, np.float32)
    ox, oy = (IN_W - nw) // 2, (IN_H - nh) // 2
    out[oy:oy + nh, ox:ox + nw] = small
    return out


def _crop_quad(img, quad, out_w, out_h):
    dst = np.float32([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]])
    m = cv2.getPerspectiveTransform(np.float32(quad), dst)
    return cv2.warpPerspective(img, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def prepare(img, box, rng=None, strength=1.0):
    """img: uint8 grey; box: (x, y, w, h) of the plate in img. Returns float32 32x128 in 0..1."""
    x, y, w, h = box
    if rng is None:
        quad = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
        ow, oh = max(2, int(round(w))), max(2, int(round(h)))
        patch = _crop_quad(img, quad, ow, oh).astype(np.float32) / 255.0
        return fit_into_canvas(patch)
    st = strength
    # Crop jitter: the reader's crop may be the whole plate or only the text line with a margin,
    # so the top/bottom may lose up to ~28% (state name, slogan) or gain some context.
    top = rng.uniform(-0.12, 0.28 * st) * h
    bot = rng.uniform(-0.12, 0.22 * st) * h
    # Sides trim little: EU/BR characters run to the plate edge and must not be cut.
    left = rng.uniform(-0.08, 0.02 * st) * w
    right = rng.uniform(-0.08, 0.02 * st) * w
    x0, y0, x1, y1 = x + left, y + top, x + w - right, y + h - bot
    cw, ch = x1 - x0, y1 - y0
    # Perspective and rotation: move each corner a little, rotate the whole quad.
    p = 0.08 * st
    quad = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    quad += np.float32([[rng.uniform(-p, p) * cw, rng.uniform(-p, p) * ch] for _ in range(4)])
    ang = np.deg2rad(rng.uniform(-6, 6) * st)
    c = quad.mean(axis=0)
    rot = np.float32([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    quad = (quad - c) @ rot.T + c
    # Resolution: most scenes give plates 20-65 px tall; render the crop at that height.
    target_h = int(rng.uniform(18, 70)) if rng.random() < 0.85 * st + 0.1 else int(max(20, min(ch, 96)))
    scale = target_h / max(1.0, ch)
    ow, oh = max(8, int(round(cw * scale))), max(8, target_h)
    # Sample at 2x then area-shrink, so thin strokes average as in the TS sampler.
    patch = _crop_quad(img, quad, ow * 2, oh * 2)
    patch = cv2.resize(patch, (ow, oh), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    patch = degrade(patch, rng, st)
    return fit_into_canvas(patch)


def degrade(patch, rng, st=1.0):
    """Photometric damage on a float 0..1 grey patch at its final camera resolution."""
    h, w = patch.shape
    if rng.random() < 0.4 * st:  # horizontal motion blur
        k = int(rng.integers(2, max(3, int(0.12 * h) + 3)))
        ker = np.zeros((1, k), np.float32)
        ker[0, :] = 1.0 / k
        patch = cv2.filter2D(patch, -1, ker, borderType=cv2.BORDER_REPLICATE)
    if rng.random() < 0.4 * st:  # focus blur
        sig = rng.uniform(0.3, 0.9 + 0.02 * h)
        patch = cv2.GaussianBlur(patch, (0, 0), sig)
    if rng.random() < 0.25 * st:  # glare: a bright soft blob
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.2, 0.7) * w
        patch = patch + rng.uniform(0.2, 0.7) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    # Contrast, brightness, gamma; sometimes inverted (IR-lit dark characters on a glowing plate
    # look different from daylight) or very dark (night).
    lo, hi = float(patch.min()), float(patch.max())
    if hi - lo > 1e-3 and rng.random() < 0.5:
        patch = (patch - lo) / (hi - lo)
    a = rng.uniform(0.5, 1.2) if rng.random() < 0.8 * st else 1.0
    b = rng.uniform(-0.2, 0.3)
    patch = np.clip(patch * a + b * (1 - a) + rng.uniform(-0.1, 0.1), 0, 1)
    patch = np.power(patch, rng.uniform(0.6, 1.6))
    if rng.random() < 0.1 * st:
        patch = 1 - patch
    if rng.random() < 0.6 * st:  # sensor noise
        patch = patch + rng.normal(0, rng.uniform(0.005, 0.06), patch.shape).astype(np.float32)
    patch = np.clip(patch, 0, 1)
    if rng.random() < 0.5 * st:  # JPEG
        q = int(rng.integers(15, 80))
        ok, enc = cv2.imencode(".jpg", (patch * 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, q])
        if ok:
            patch = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255.0
    return patch.astype(np.float32)
