"""Fonts that cover the names in a CRM: Latin, Japanese, Chinese, Korean, Thai.

The fonts ship as Python dependencies, so every machine that installs the
workbook renders the same glyphs, offline:

* ``noto-cjk-sans-otc`` bundles Noto Sans CJK (one collection covering
  Japanese, Simplified and Traditional Chinese and Korean);
* ``fontpkg-noto-sans-thai`` bundles Noto Sans Thai.

matplotlib (3.6+) falls back glyph by glyph through ``font.family`` when it is
a list, so the stack below renders mixed-script names without tofu boxes.
"""

from __future__ import annotations

import functools
from pathlib import Path

#: Font family stack, first match wins per glyph. DejaVu Sans keeps Latin
#: text in matplotlib's default look; the Noto families cover the rest.
PREFERRED = [
    "DejaVu Sans",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Noto Sans CJK SC",
    "Noto Sans Thai",
]


def bundled_font_files() -> list[Path]:
    """Paths of the font files shipped by the font dependencies."""
    paths: list[Path] = []
    try:
        import noto_cjk_sans_otc

        paths.append(Path(str(noto_cjk_sans_otc.FONT_PATH)))
    except ImportError:  # pragma: no cover - declared dependency
        pass
    try:
        import fontpkg_noto_sans_thai

        paths.extend(sorted((Path(fontpkg_noto_sans_thai.ROOT) / "files").glob("*.ttf")))
    except ImportError:  # pragma: no cover - declared dependency
        pass
    return [p for p in paths if p.is_file()]


@functools.cache
def register_fonts() -> tuple[str, ...]:
    """Register the bundled fonts with matplotlib once; return the families added."""
    from matplotlib import font_manager

    before = {f.name for f in font_manager.fontManager.ttflist}
    for path in bundled_font_files():
        font_manager.fontManager.addfont(str(path))
    after = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(sorted(after - before))


def font_families() -> list[str]:
    """Return the font family stack, limited to families matplotlib can find."""
    from matplotlib import font_manager

    register_fonts()
    available = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in PREFERRED if name in available]
    return found or ["DejaVu Sans"]


def digits_family() -> str:
    """The first family of :func:`font_families`: it draws every digit, sign and Latin letter.

    Text that is only numbers (a heatmap's thousand percentages) names this
    one family instead of the whole stack: matplotlib then looks up one font
    per text, not five, and the glyphs are the ones the stack would pick.
    """
    return font_families()[0]
