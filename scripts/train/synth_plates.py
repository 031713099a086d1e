"""Synthetic US-style licence plates, deterministic for a seed.

A plate is drawn large (about 300x150) with PIL: background colour or gradient, the state name on
top, a slogan or dealer frame at the bottom, 5-8 characters (sometimes a vanity all-letter plate,
a separator, an emblem between characters as on DC/WY/OR plates, or a stacked pair of small
characters), registration stickers and bolts. Glyphs come from the condensed sans faces installed
by Debian's fonts-dejavu-core / fonts-liberation (squeezed further at random). Camera damage
(perspective, blur, low resolution, glare, night/IR, JPEG) is added by augment.prepare, the
same path the real crops take.

  /usr/bin/python3 scripts/train/synth_plates.py --count 64 --out /tmp/synth-preview.png
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LETTERS, DIGITS = ALPHABET[:26], ALPHABET[26:]

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/freefont")
# Plate glyphs are condensed, upright sans faces; serif and mono faces stalled CTC in earlier
# experiments (RECOGNITION-NOTES.md), so they are left out of the character faces.
GLYPH_FONTS = (
    "DejaVuSansCondensed-Bold.ttf", "DejaVuSansCondensed.ttf", "LiberationSansNarrow-Bold.ttf",
    "LiberationSansNarrow-Regular.ttf", "LiberationSans-Bold.ttf", "FreeSansBold.ttf", "DejaVuSans-Bold.ttf",
)
TEXT_FONTS = GLYPH_FONTS + ("DejaVuSerif-Bold.ttf", "LiberationSans-Italic.ttf", "DejaVuSerifCondensed-Italic.ttf", "FreeSerifBoldItalic.ttf")

STATES = ("ALABAMA", "ALASKA", "ARIZONA", "California", "COLORADO", "Florida", "GEORGIA", "ILLINOIS", "Indiana", "KANSAS",
          "KENTUCKY", "MARYLAND", "Michigan", "MINNESOTA", "NEVADA", "New Jersey", "NEW YORK", "OHIO", "OREGON", "Pennsylvania",
          "TEXAS", "UTAH", "VIRGINIA", "Washington", "WYOMING", "Wisconsin", "DISTRICT OF COLUMBIA", "Tennessee")
SLOGANS = ("SUNSHINE STATE", "dmv.ca.gov", "THE LONE STAR STATE", "Great Lakes", "EMPIRE STATE", "visitPA.com",
           "Land of Lincoln", "Famous Potatoes", "LIVE FREE OR DIE", "TAXATION WITHOUT REPRESENTATION", "In God We Trust",
           "AMERICA'S DAIRYLAND", "Honda of Springfield", "SMITH AUTO GROUP", "Peach State", "Wild Wonderful", "")
FORMATS = ("LLLDDDD", "DLLLDDD", "LLLDDD", "DDDLLL", "LLDDDDD", "DLLDDD", "LLLLDDD", "DDDDLL", "LDDDDD", "DDLLLD", "LLDLDD",
           "DDDLDDD", "LLLDDDL", "DLDLDL", "LLLLL", "LLLLLL", "LLLLLLL", "DDDDDD", "DDDDDDD", "LDLLDD", "LLDDLL")


def _font_path(name):
    for d in FONT_DIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    return None


class SynthPlates:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.glyph_fonts = [p for p in (_font_path(f) for f in GLYPH_FONTS) if p]
        self.text_fonts = [p for p in (_font_path(f) for f in TEXT_FONTS) if p]
        if not self.glyph_fonts:
            raise RuntimeError("no plate fonts found: install fonts-dejavu-core and fonts-liberation")
        self._cache = {}

    def _font(self, path, size):
        key = (path, size)
        if key not in self._cache:
            self._cache[key] = ImageFont.truetype(path, size)
        return self._cache[key]

    def text(self):
        r = self.rng
        fmt = FORMATS[r.integers(len(FORMATS))]
        if r.random() < 0.15:  # random mix, 5-8 long
            fmt = "".join(r.choice(["L", "D"]) for _ in range(r.integers(5, 9)))
        return "".join(r.choice(list(LETTERS if c == "L" else DIGITS)) for c in fmt)

    def _colours(self):
        r = self.rng
        bg = tuple(int(v) for v in r.integers(185, 256, 3))
        if r.random() < 0.2:  # coloured plate (yellow, blue, green ...) with light or dark text
            bg = tuple(int(v) for v in r.integers(20, 256, 3))
        lum = 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]
        if lum > 110:
            fg = tuple(int(v) for v in r.integers(0, 90, 3))
        else:
            fg = tuple(int(v) for v in r.integers(200, 256, 3))
        return bg, fg

    def render(self):
        """One clean plate: (PIL grey image, text, plate box (x, y, w, h))."""
        r = self.rng
        text = self.text()
        W, H = int(r.integers(280, 330)), int(r.integers(140, 165))
        bg, fg = self._colours()
        img = Image.new("RGB", (W, H), bg)
        d = ImageDraw.Draw(img)
        if r.random() < 0.5:  # vertical gradient or a scene band behind the glyphs
            for yy in range(H):
                t = yy / H
                c = tuple(int(np.clip(b + (40 * np.sin(3 * t + r.random()) if r.random() < 0.02 else 25 * (t - 0.5)), 0, 255)) for b in bg)
                d.line([(0, yy), (W, yy)], fill=c)
        # State name on top, slogan at the bottom.
        accent = tuple(int(v) for v in r.integers(0, 200, 3))
        tf = self._font(self.text_fonts[r.integers(len(self.text_fonts))], int(r.integers(18, 34)))
        state = STATES[r.integers(len(STATES))]
        tw = d.textlength(state, font=tf)
        d.text(((W - tw) / 2 + r.uniform(-10, 10), r.uniform(2, 10)), state, font=tf, fill=accent)
        slogan = SLOGANS[r.integers(len(SLOGANS))]
        if slogan:
            sf = self._font(self.text_fonts[r.integers(len(self.text_fonts))], int(r.integers(11, 20)))
            sw = d.textlength(slogan, font=sf)
            d.text(((W - sw) / 2, H - r.uniform(20, 28)), slogan, font=sf, fill=accent)
        if r.random() < 0.35:  # dealer frame
            fw = int(r.integers(4, 12))
            d.rectangle([0, 0, W - 1, H - 1], outline=tuple(int(v) for v in r.integers(0, 80, 3)), width=fw)
        # Characters, squeezed horizontally, between the two bands.
        gpath = self.glyph_fonts[r.integers(len(self.glyph_fonts))]
        size = int(r.integers(62, 84))
        gf = self._font(gpath, size)
        squeeze = r.uniform(0.55, 0.95)
        gap = r.uniform(0.0, 0.12) * size
        glyphs = []
        for ch in text:
            box = gf.getbbox(ch)
            gw, gh = box[2] - box[0], box[3] - box[1]
            g = Image.new("L", (gw + 4, gh + 4), 0)
            ImageDraw.Draw(g).text((2 - box[0], 2 - box[1]), ch, font=gf, fill=255)
            if r.random() < 0.08 and len(glyphs) > 0:  # slight per-glyph stroke weight change
                g = g.resize((max(1, int(g.width * 1.05)), g.height))
            g = g.resize((max(1, int(g.width * squeeze)), g.height))
            glyphs.append(g)
        # Optional separator / emblem position (never counted as a character).
        sep_at = int(r.integers(2, len(text) - 1)) if r.random() < 0.45 else -1
        sep_kind = r.choice(["space", "dash", "emblem", "dot"])
        sep_w = {"space": 0.35, "dash": 0.45, "emblem": 0.75, "dot": 0.3}[sep_kind] * size * squeeze
        total = sum(g.width for g in glyphs) + gap * (len(glyphs) - 1) + (sep_w if sep_at >= 0 else 0)
        if total > W * 0.94:  # too wide: shrink the glyphs
            k = W * 0.94 / total
            glyphs = [g.resize((max(1, int(g.width * k)), max(1, int(g.height * k)))) for g in glyphs]
            gap, sep_w, total = gap * k, sep_w * k, W * 0.94
        gh = max(g.height for g in glyphs)
        x = (W - total) / 2 + r.uniform(-0.02, 0.02) * W
        y0 = (H - gh) / 2 + r.uniform(-4, 8)
        fill = Image.new("RGB", (1, 1), fg)
        for i, g in enumerate(glyphs):
            if i == sep_at:
                cx, cy = x + sep_w / 2, y0 + gh / 2
                if sep_kind == "dash":
                    d.rectangle([cx - sep_w * 0.3, cy - 3, cx + sep_w * 0.3, cy + 3], fill=fg)
                elif sep_kind == "dot":
                    d.ellipse([cx - 4, cy - 4, cx + 4, cy + 4], fill=fg)
                elif sep_kind == "emblem":  # a coloured shape like a peach, star or flag
                    col = tuple(int(v) for v in r.integers(0, 256, 3))
                    rr = sep_w * 0.42
                    if r.random() < 0.5:
                        d.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=col)
                    else:
                        d.polygon([(cx, cy - rr), (cx + rr, cy + rr * 0.8), (cx - rr, cy + rr * 0.8)], fill=col)
                x += sep_w
            img.paste(fill.resize(g.size), (int(x), int(y0 + gh - g.height)), g)
            x += g.width + gap
        # Registration stickers and bolts.
        for _ in range(int(r.integers(0, 3))):
            sw_, sh_ = int(r.integers(18, 40)), int(r.integers(12, 26))
            sx = int(r.choice([r.integers(2, 40), r.integers(W - 45, W - 20)]))
            sy = int(r.choice([r.integers(2, 25), r.integers(H - 35, H - 14)]))
            col = tuple(int(v) for v in r.integers(0, 256, 3))
            d.rectangle([sx, sy, sx + sw_, sy + sh_], fill=col)
            d.text((sx + 2, sy + 1), str(int(r.integers(10, 99))), fill=(0, 0, 0), font=self._font(self.glyph_fonts[0], 10))
        if r.random() < 0.5:
            for bx in (W * 0.25, W * 0.75):
                by = r.choice([12, H - 14])
                d.ellipse([bx - 4, by - 4, bx + 4, by + 4], fill=(150, 150, 150))
        grey = np.asarray(img.convert("L"))
        return grey, text, (0.0, 0.0, float(W), float(H))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--out", required=True, help="a PNG contact sheet (clean | degraded 48x128)")
    a = ap.parse_args()
    import cv2
    from augment import prepare
    gen = SynthPlates(a.seed)
    rng = np.random.default_rng(a.seed + 1)
    rows = []
    for _ in range(a.count):
        img, text, box = gen.render()
        clean = cv2.resize(img, (128, 64))
        deg = (prepare(img, box, rng) * 255).astype(np.uint8)
        deg = cv2.copyMakeBorder(deg, 0, 16, 0, 0, cv2.BORDER_CONSTANT, value=255)
        cv2.putText(deg, text, (2, 62), cv2.FONT_HERSHEY_SIMPLEX, 0.4, 0, 1)
        rows.append(np.hstack([clean, deg]))
    cols = 4
    while len(rows) % cols:
        rows.append(np.zeros_like(rows[0]))
    sheet = np.vstack([np.hstack(rows[i:i + cols]) for i in range(0, len(rows), cols)])
    cv2.imwrite(a.out, sheet)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
