"""The web app's colour pairs meet WCAG AA contrast (4.5:1 for text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "webapp" / "static" / "app.css").read_text()
COLOURS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("foreground, background", [
    ("text", "bg"), ("text", "panel"), ("muted", "panel"), ("muted", "bg"),
    ("primary", "panel"), ("primary", "bg"),
    ("success", "success-bg"), ("info", "info-bg"), ("warning", "warning-bg"),
    ("danger", "danger-bg"), ("accent", "accent-bg"), ("neutral", "neutral-bg"),
])
def test_text_colour_pairs_meet_wcag_aa(foreground, background):
    assert contrast(COLOURS[foreground], COLOURS[background]) >= 4.5


def test_white_text_on_the_primary_button_meets_wcag_aa():
    assert contrast("#ffffff", COLOURS["primary"]) >= 4.5


def test_the_focus_ring_stands_out_from_the_page():
    assert contrast(COLOURS["focus"], COLOURS["bg"]) >= 3
