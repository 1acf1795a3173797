"""Screenshots of the sample email for the README, as headless Chromium (Debian's) shows it.

    .venv/bin/python docs/make_screenshots.py      (or `make screenshots`)

Composes issues/2017-11-09.yaml with the templates in templates/ and writes, into docs/:
email-375-light.png, email-375-dark.png, email-800-light.png, email-800-dark.png, and
email-375-no-style.png (every <style> block removed, as Gmail does for many accounts: only the
inlined CSS is left). Each is the top 1,400 px of the page: the whole email is several times taller.

Deterministic, so a template change shows as a changed picture and nothing else: a fixed viewport
and pixel ratio, no animations or caret, and no network (every request that is not file: or data:
is aborted; the sample has no pictures to fetch).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Route, sync_playwright

from composer.core.pipeline import compose
from composer.core.render import RenderOptions

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2017-11-09.yaml"
OUTPUT = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HEIGHT = 1400  # the top of the email: the masthead, the summary and the first story
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)

# name: (width, colour scheme, keep <style> blocks)
SHOTS = {
    "email-375-light.png": (375, "light", True),
    "email-375-dark.png": (375, "dark", True),
    "email-800-light.png": (800, "light", True),
    "email-800-dark.png": (800, "dark", True),
    "email-375-no-style.png": (375, "light", False),
}


def without_style_blocks(html: str) -> str:
    """The email as a client that drops <style> sees it: media queries and dark mode gone, inline CSS kept."""
    return _STYLE_BLOCK.sub("", html)


def _stay_offline(route: Route) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def shoot(browser: Browser, page_file: Path, width: int, scheme: str, target: Path) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT},
        device_scale_factor=1,
        color_scheme="dark" if scheme == "dark" else "light",
        reduced_motion="reduce",
    )
    try:
        context.route("**/*", _stay_offline)
        page = context.new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready")
        height = min(HEIGHT, int(page.evaluate("document.documentElement.scrollHeight")))
        page.screenshot(
            path=target,
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": height},
            animations="disabled",
            caret="hide",
        )
    finally:
        context.close()


def main() -> int:
    html = compose(SAMPLE, RenderOptions(ROOT / "templates")).html
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        pages = {True: Path(folder) / "email.html", False: Path(folder) / "email-no-style.html"}
        pages[True].write_text(html, encoding="utf-8")
        pages[False].write_text(without_style_blocks(html), encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, (width, scheme, styled) in SHOTS.items():
                target = OUTPUT / name
                shoot(browser, pages[styled], width, scheme, target)
                print(f"{target.relative_to(ROOT)} ({target.stat().st_size / 1024:.0f} KB)")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
