"""Draw the app's icons (PNG, plus favicon.ico) into frontend/static/icons/.

Plain Python (zlib), so no imaging library is needed: two round figures side by side,
"bredvid", white on the theme colour. The files are committed; run this after changing
the drawing.
"""

import struct
import zlib
from pathlib import Path

from django.core.management.base import BaseCommand

ICONS = Path(__file__).resolve().parents[2] / "static" / "icons"
THEME = (0x0B, 0x5D, 0x5B)
WHITE = (0xFF, 0xFF, 0xFF)

# (file, side, how much of the side the figures may use: maskable icons keep to the
# central safe circle, which is 80 % of the side)
SIZES = [
    ("icon-192.png", 192, 0.78),
    ("icon-512.png", 512, 0.78),
    ("maskable-192.png", 192, 0.56),
    ("maskable-512.png", 512, 0.56),
    ("apple-touch-icon.png", 180, 0.70),
    ("favicon-32.png", 32, 0.92),
]


def _shapes(side: int, extent: float) -> list[tuple[float, float, float]]:
    """Circles (cx, cy, r) in pixels: two heads and two shoulders, side by side."""
    unit = side * extent
    left, top = (side - unit) / 2, (side - unit) / 2
    out = []
    for x in (0.28, 0.72):
        out.append((left + x * unit, top + 0.36 * unit, 0.13 * unit))  # head
        out.append((left + x * unit, top + 0.9 * unit, 0.2 * unit))  # shoulders
    return out


def _coverage(px: float, py: float, shapes, bottom: float) -> float:
    best = 0.0
    for cx, cy, r in shapes:
        if py > bottom:  # shoulders are cut off level
            continue
        d = ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5
        best = max(best, min(1.0, max(0.0, r - d + 0.5)))
    return best


def draw(side: int, extent: float) -> bytes:
    shapes = _shapes(side, extent)
    bottom = (side + side * extent) / 2 - side * extent * 0.06
    rows = []
    for y in range(side):
        row = bytearray(b"\x00")  # filter: none
        for x in range(side):
            a = _coverage(x + 0.5, y + 0.5, shapes, bottom)
            row += bytes(round(t + (w - t) * a) for t, w in zip(THEME, WHITE, strict=True))
        rows.append(bytes(row))
    return png(side, b"".join(rows))


def png(side: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(png_data: bytes, side: int) -> bytes:
    """An icon directory holding one PNG image (allowed since Windows Vista, read by all)."""
    directory = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png_data), 6 + 16)
    return directory + entry + png_data


class Command(BaseCommand):
    help = "Draw the app icons and favicon into frontend/static/icons/."

    def handle(self, *args, **options):
        ICONS.mkdir(parents=True, exist_ok=True)
        for name, side, extent in SIZES:
            data = draw(side, extent)
            (ICONS / name).write_bytes(data)
            if name == "favicon-32.png":
                (ICONS / "favicon.ico").write_bytes(ico(data, side))
        self.stdout.write(f"Wrote {len(SIZES) + 1} icons to {ICONS}")
