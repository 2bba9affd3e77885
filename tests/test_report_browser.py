"""The HTML report in a real headless Chromium: it opens offline and the graphs are drawn.

Skipped when /usr/bin/chromium is missing (Debian: `apt-get install chromium`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ssotlint.report import html
from ssotlint.report.model import Report, build_report
from tests.conftest import EXAMPLE_DIR, FIXTURES, check
from tests.pngread import read_png
from tests.test_report import hand_built_result

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 1400, 2000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (Debian package `chromium`)")


def take(page: Path, png: Path, profile: Path, size: tuple[int, int]) -> None:
    """A screenshot of ``page`` in a fresh offline headless Chromium window of ``size``."""
    subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={png}",
            f"--window-size={size[0]},{size[1]}", page.as_uri(),
        ],
        capture_output=True, timeout=120, check=True,
    )


def screenshot(page: Path, png: Path, profile: Path) -> tuple[int, int, Counter[tuple[int, int, int]]]:
    take(page, png, profile, (WIDTH, HEIGHT))
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


# The first screen of a large report: colours that appear nowhere else mark the summary,
# "Start here" and the top concept's line (backgrounds only: the layout does not change);
# they must all be on screen, whole, at a common laptop size.
FIRST_SCREEN = (1280, 800)
MARKS = {
    "summary": ("#summary .cards", (0x12, 0xF0, 0x34)),
    "start here": ("#start-here ol.start", (0xF0, 0x12, 0xD8)),
    "top concept": ("#concepts details.item:first-of-type > summary", (0x12, 0x34, 0xF0)),
}


def test_first_screen_of_a_large_report_shows_summary_start_here_and_top_concept(tmp_path: Path, generated_report: Report) -> None:
    page = html.render(generated_report)
    assert 'id="concept-websocket-manager" open' in page  # the declared concept comes first, open
    css = "".join(f"{selector} {{ background: rgb{rgb} !important; }}" for selector, rgb in MARKS.values())
    marked = tmp_path / "large.html"
    marked.write_text(page.replace("</style>", css + "</style>", 1), encoding="utf-8")
    png = tmp_path / "large.png"
    take(marked, png, tmp_path / "profile", FIRST_SCREEN)
    width, height, pixels = read_png(png)
    assert (width, height) == FIRST_SCREEN
    counts = Counter(pixels)
    found = {name: counts[rgb] for name, (_, rgb) in MARKS.items()}
    # Each marked box is hundreds of pixels wide and at least a line high (minus its text).
    assert all(n > 5_000 for n in found.values()), found
    rows = {name: [y for y in range(height) if rgb in pixels[y * width : (y + 1) * width]] for name, (_, rgb) in MARKS.items()}
    assert rows["summary"][0] < rows["start here"][0] < rows["top concept"][0] < height - 1, {k: (v[0], v[-1]) for k, v in rows.items()}


DOC_PICTURE = Path(__file__).parents[1] / "docs" / "report-chat-monorepo.png"
DOC_DIGEST = DOC_PICTURE.with_suffix(".html.sha256")  # of the HTML the picture was taken of
DOC_WINDOW = (1280, 900)


def test_readme_picture(tmp_path: Path) -> None:
    """The README's screenshot; SSOTLINT_UPDATE_SNAPSHOTS=1 retakes it from the demo monorepo.

    tests/test_report.py::test_readme_picture_is_current fails when the demo's HTML no longer
    matches the digest stored beside the picture.
    """
    if os.environ.get("SSOTLINT_UPDATE_SNAPSHOTS"):
        text = html.render(build_report(check(EXAMPLE_DIR)))
        page = tmp_path / "report.html"
        page.write_text(text, encoding="utf-8")
        take(page, DOC_PICTURE, tmp_path / "profile", DOC_WINDOW)
        DOC_DIGEST.write_text(hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n", encoding="utf-8")
    width, height, _ = read_png(DOC_PICTURE)
    assert (width, height) == DOC_WINDOW
