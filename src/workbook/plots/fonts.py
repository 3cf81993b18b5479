"""Fonts that cover the names in a CRM: Latin, Japanese, Chinese, Korean, Thai.

matplotlib (3.6+) falls back glyph by glyph through ``font.family`` when it is
a list, so the list below renders mixed-script names without tofu boxes as
long as each script has one installed font in the list.
"""

from __future__ import annotations

#: Preferred families, first match wins per glyph.
PREFERRED = [
    "DejaVu Sans",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Noto Sans Thai",
    "Loma",
    "Garuda",
]


def font_families() -> list[str]:
    """Return the font family stack, limited to families matplotlib can find."""
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in PREFERRED if name in available]
    return found or ["DejaVu Sans"]
