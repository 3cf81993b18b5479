"""The shared chart theme: fonts for any script, no mathtext, formatters."""

import io
import warnings

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pytest

from workbook import plots
from workbook.plots.fonts import bundled_font_files, font_families

NAMES = [
    "株式会社テスト",  # Japanese
    "北京有限公司",  # Chinese
    "주식회사 한빛",  # Korean
    "บริษัท หมาดี จำกัด",  # Thai
    "We <3 Dogs $1M and $2M",  # HTML-ish text and dollar signs
]


def test_bundled_fonts_are_installed_and_in_the_stack():
    files = bundled_font_files()
    assert any(p.suffix == ".ttc" for p in files), files
    assert any("Thai" in p.name for p in files), files
    families = font_families()
    assert "Noto Sans CJK JP" in families
    assert "Noto Sans Thai" in families


def test_chart_with_cjk_and_thai_names_has_no_missing_glyphs():
    plots.use_theme()
    fig, ax = plots.new_figure()
    ax.barh(NAMES, [1, 2, 3, 4, 5])
    ax.set_title("顧客 고객 ลูกค้า")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_missing_glyph_check_would_catch_tofu():
    # Guard against a vacuous test: with only DejaVu Sans, CJK glyphs are missing.
    with plt.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title(NAMES[0])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    assert any("missing from font" in str(w.message) for w in caught)


def test_dollar_signs_are_not_mathtext():
    plots.use_theme()
    assert plt.rcParams["text.parse_math"] is False
    fig, ax = plots.new_figure()
    ax.set_title("$2.0M vs $1.0M")
    fig.canvas.draw()
    assert ax.get_title() == "$2.0M vs $1.0M"
    plt.close(fig)


@pytest.mark.parametrize(
    ("formatter", "value", "expected"),
    [
        (plots.thousands, 1234567, "1,234,567"),
        (plots.percent, 0.25, "25%"),
        (plots.currency, 2_000_000, "$2.0M"),
        (plots.currency, 850_000, "$850k"),
    ],
)
def test_axis_formatters(formatter, value, expected):
    fig, ax = plt.subplots()
    formatter(ax.yaxis)
    assert ax.yaxis.get_major_formatter()(value, 0) == expected
    plt.close(fig)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        # a narrow range: whole percents would print 17%, 17%, 18%, 18%
        (0.165, 0.175, ["16.50%", "16.75%", "17.00%", "17.25%", "17.50%"]),
        # a wide one keeps whole percents
        (0.0, 0.2, ["0%", "5%", "10%", "15%", "20%"]),
        # below 1%: every tick distinct, zero with the same decimals
        (0.0, 0.008, ["0.0%", "0.2%", "0.4%", "0.6%", "0.8%"]),
    ],
)
def test_percent_ticks_print_as_many_decimals_as_the_ticks_need(low, high, expected):
    plots.use_theme()
    fig, ax = plt.subplots()
    ax.set_ylim(low, high)
    ax.yaxis.set_major_locator(mticker.LinearLocator(5))
    plots.percent(ax.yaxis)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == expected
    assert len(set(labels)) == len(labels)
    plt.close(fig)


def test_percent_with_fixed_decimals_keeps_them():
    fig, ax = plt.subplots()
    ax.set_ylim(0.165, 0.175)
    ax.yaxis.set_major_locator(mticker.LinearLocator(3))
    plots.percent(ax.yaxis, decimals=0)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["16%", "17%", "18%"]
    plt.close(fig)
