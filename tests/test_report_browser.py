"""The HTML report in a real headless Chromium: it opens offline and the graphs are drawn.

Skipped when /usr/bin/chromium is missing (Debian: `apt-get install chromium`).
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ssotlint.report import html
from ssotlint.report.model import build_report
from tests.conftest import EXAMPLE_DIR, FIXTURES, check
from tests.pngread import read_png
from tests.test_report import hand_built_result

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 1400, 2000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (Debian package `chromium`)")


def screenshot(page: Path, png: Path, profile: Path) -> tuple[int, int, Counter[tuple[int, int, int]]]:
    subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={png}",
            f"--window-size={WIDTH},{HEIGHT}", page.as_uri(),
        ],
        capture_output=True, timeout=120, check=True,
    )
    width, height, pixels = read_png(png)
    return width, height, Counter(pixels)


def near(counts: Counter[tuple[int, int, int]], rgb: tuple[int, int, int], tol: int = 12) -> int:
    return sum(n for px, n in counts.items() if all(abs(a - b) <= tol for a, b in zip(px, rgb, strict=True)))


def test_cycle_graphs_are_drawn(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(build_report(check(FIXTURES / "report-cycles"))), encoding="utf-8")
    png = tmp_path / "report.png"
    width, height, counts = screenshot(page, png, tmp_path / "profile")
    assert (width, height) == (WIDTH, HEIGHT)
    assert png.stat().st_size > 20_000
    assert len(counts) > 50  # text, boxes, curves: not a blank page
    assert near(counts, (0xFD, 0xE2, 0xE1)) > 5_000  # cycle nodes filled
    assert near(counts, (0xC0, 0x39, 0x2B), tol=40) > 300  # the dashed cut edges and their arrowheads


def test_concept_fan_in_is_drawn(tmp_path: Path) -> None:
    page = tmp_path / "concepts.html"
    page.write_text(html.render(build_report(hand_built_result())), encoding="utf-8")
    _, _, counts = screenshot(page, tmp_path / "concepts.png", tmp_path / "profile")
    assert near(counts, (0xD5, 0xF5, 0xE3)) > 2_000  # the canonical class
    assert near(counts, (0xFD, 0xEB, 0xD0)) > 2_000  # the duplicate


DOC_PICTURE = Path(__file__).parents[1] / "docs" / "report-chat-monorepo.png"


def test_readme_picture(tmp_path: Path) -> None:
    """The README's screenshot; SSOTLINT_UPDATE_SNAPSHOTS=1 retakes it from the demo monorepo."""
    if os.environ.get("SSOTLINT_UPDATE_SNAPSHOTS"):
        page = tmp_path / "report.html"
        page.write_text(html.render(build_report(check(EXAMPLE_DIR))), encoding="utf-8")
        subprocess.run(
            [
                str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={DOC_PICTURE}",
                "--window-size=1100,1000", page.as_uri(),
            ],
            capture_output=True, timeout=120, check=True,
        )
    width, height, _ = read_png(DOC_PICTURE)
    assert (width, height) == (1100, 1000)
