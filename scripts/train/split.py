"""The train/val split rule shared with src/eval/split.ts: FNV-1a (32-bit) of the image's file
name; a name whose hash is 0 modulo 5 is validation (about 20%). Never train on validation names.
"""

VAL_MODULUS = 5


def fnv1a32(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def split_of(name: str) -> str:
    return "val" if fnv1a32(name) % VAL_MODULUS == 0 else "train"
