"""MJML -> HTML (mjml-python, the Rust MRML) -> CSS inlined (premailer): one paste-ready file.

The traps, each handled here and tested in tests/test_mjml_to_html.py:
- MRML ignores <mj-style inline="inline"> and leaves that CSS in a <style> block, so premailer
  inlines it afterwards. Only that block is handed to premailer; MRML's own blocks (resets,
  media queries) are marked data-premailer="ignore" and stay in <head> untouched.
- MRML links Google Fonts unless given fonts={}; premailer fetches linked stylesheets unless
  allow_network=False. Neither may touch the network.
- premailer drops the doctype, strips !important (which the phone and dark-mode rules need)
  and percent-encodes hrefs such as {{ unsubscribe_url }}: hrefs are set aside before it runs
  and put back byte for byte after.
- cssutils logs a warning for every mso- property; its log is silenced below ERROR.
- premailer imports `requests` (and cssutils `urllib.request`) only to fetch linked stylesheets,
  which composer never lets them do: both stand in sys.modules as placeholders that import the real
  module on first use (stack.defer_network_modules), a third of premailer's import time saved.
- premailer parses our style sheet with cssutils for every email, and re-serialises each rule: the
  same work for every issue of a publication. Its rules are kept once parsed (sheet_rules), in
  memory and in composer's cache folder, keyed by the sheet's digest and the libraries' versions.
- premailer runs every rule's selector, an XPath over the whole email, matching or not: the email is
  parsed here (as premailer would) and handed over as a tree, with the rules whose classes are on
  no element left out (rules_that_may_match); the same email, ~0.2 ms sooner.
- MRML writes markup the W3C validator rejects (tests/test_vnu.py), mended by repair():
  vertical-align as a <td> attribute (mj-button's cell), height="auto" on <img> (an image of
  unknown size), and a hidden preheader that screen readers would still read out; it also undoes
  the Rust escapes MRML writes in the email's aria-label ("\\u{a0}"), which screen readers would spell.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import CacheProblem, IncompleteEmail, OutputProblem, TemplateProblem
from .output import cache_dir, write_atomically
from .stack import defer_network_modules, paused_collection

INLINE_MARKER = "/* composer:inline */"

_OUR_STYLE = re.compile(r"<style type=\"text/css\">\s*" + re.escape(INLINE_MARKER) + r"(.*?)</style>", re.S)
_MRML_STYLE = re.compile(r"<style(?=[\s>])")
_IGNORE = ' data-premailer="ignore"'  # premailer removes it from the blocks it sees, not from <!--[if mso]>
_HREF = re.compile(r'href="([^"]*)"')  # an attribute when after a space: see _set_hrefs_aside
_SET_ASIDE = re.compile(r'href="composer-href-(\d+)"')
_DOCTYPE = "<!doctype html>"
# A start tag whose quoted values may hold ">" (an image's alt text).
_TD = re.compile(r'<td\b(?:[^>"]|"[^"]*")*>')
_IMG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
_VERTICAL_ALIGN = re.compile(r'\svertical-align="([^"]*)"')
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_PREHEADER = re.compile(r'(<body\b(?:[^>"]|"[^"]*")*>\s*<div)( style="display:none;)')


def compile_mjml(mjml: str) -> str:
    """The HTML MRML makes of ``mjml``, without any network font."""
    import mjml as mrml

    try:
        html: str = mrml.mjml2html(mjml, fonts={}, disable_comments=False)
    except Exception as error:  # MRML raises ValueError or a bare Exception with its parser's message
        message = str(error)
        where = re.search(r"at position (\d+):", message)
        if where:  # MRML counts characters; a template author needs the line of the .mjml
            offset = int(where.group(1))
            line = mjml.count("\n", 0, offset) + 1
            column = offset - (mjml.rfind("\n", 0, offset) + 1) + 1
            message += f" (line {line}, column {column} of the MJML that --mjml writes)"
        raise TemplateProblem(f"the email templates produced invalid MJML: {message}") from None
    return html


def repair(html: str) -> str:
    """Mend what MRML writes that is not HTML, without changing how any client shows the email."""
    html = _TD.sub(_style_vertical_align, html)
    html = _IMG.sub(_height_auto, html)
    html = _EMAIL_LABEL.sub(lambda found: found[1] + _RUST_ESCAPE.sub(_unescape, found[2]) + found[3], html, count=1)
    return _PREHEADER.sub(r'\1 aria-hidden="true"\2', html, count=1)


# MRML names the email after its <mj-title> in an aria-label, written as Rust debugs a string: a
# no-break space (a date's, "November 9th") or a direction mark becomes "\u{a0}", which screen
# readers would spell out. Its escapes are undone, in that attribute only.
_EMAIL_LABEL = re.compile(r'(<div aria-label=")([^"]*)(" aria-roledescription="email")')
_RUST_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|(.))")
_RUST_CHARACTERS = {"t": "\t", "n": "\n", "r": "\r", "0": "\0"}


def _unescape(found: re.Match[str]) -> str:
    if found[1]:
        return chr(int(found[1], 16))
    return _RUST_CHARACTERS.get(found[2], found[2])  # \\ \' \" stand for themselves


_FIXED_HEIGHT = re.compile(r"height:\s*\d+px")


def _height_auto(tag: re.Match[str]) -> str:
    """An image's height, as an attribute only: MRML writes it into the style too (height:368px;
    width:100%), which squashes the photo wherever a phone narrows it and no <style> is read. The
    attribute (the proportions, for layout and Outlook) stays; the style says height:auto. And
    height="auto", MRML's word for an unknown height, is no HTML: the style says it already."""
    img = tag.group(0).replace(' height="auto"', "")
    style = _STYLE.search(img)
    if style is None or " height=" not in img:
        return img
    return img[: style.start(1)] + _FIXED_HEIGHT.sub("height:auto", style.group(1)) + img[style.end(1) :]


def _style_vertical_align(tag: re.Match[str]) -> str:
    """<td vertical-align="middle" style="..."> -> <td style="...;vertical-align:middle;">, unless the
    style already says it: the attribute is no HTML, and clients that obey it read the style too."""
    td = tag.group(0)
    if "vertical-align=" not in td:  # nearly every cell: one substring search, not the pattern's scan
        return td
    attribute = _VERTICAL_ALIGN.search(td)
    if attribute is None:
        return td
    td = td[: attribute.start()] + td[attribute.end() :]
    style = _STYLE.search(td)
    if style is None:
        return td.replace("<td", f'<td style="vertical-align:{attribute.group(1)};"', 1)
    if "vertical-align:" in style.group(1).replace(" ", ""):
        return td
    css = style.group(1)
    css += ("" if css.rstrip().endswith(";") or not css.strip() else ";") + f"vertical-align:{attribute.group(1)};"
    return td[: style.start(1)] + css + td[style.end(1) :]


def inline_css(html: str) -> str:
    """Inline our own CSS block into the elements it styles, keeping everything else as it is."""
    match = _OUR_STYLE.search(html)
    if match is None:
        return html
    css = match.group(1)
    html = html[: match.start()] + html[match.end() :]
    html = _MRML_STYLE.sub("<style" + _IGNORE, html)

    html, hrefs = _set_hrefs_aside(html)
    inlined = _premailer(html, css)
    restored: list[int] = []

    def put_back(found: re.Match[str]) -> str:
        restored.append(int(found.group(1)))
        return f'href="{hrefs[restored[-1]]}"'

    inlined = _SET_ASIDE.sub(put_back, inlined)
    _check_whole(html, inlined, sorted(restored) == list(range(len(hrefs))))
    inlined = inlined.replace(_IGNORE, "")
    return _DOCTYPE + "\n" + inlined.removeprefix(_DOCTYPE).lstrip()


# "<p" counts "<pre" too, as str.count would; one pass over the text rather than one a tag (the
# email's text is not ASCII, where str.count is slow).
_COUNTED = re.compile(r"<(?:table|p|li|a )")


def _set_hrefs_aside(html: str) -> tuple[str, list[str]]:
    """``html`` with the value of every href attribute (an href=" after a space) replaced by
    composer-href-N, and those values. The space is checked here, not in the pattern: a pattern
    that starts with a literal is searched for fast (10 us for an email, against 100 for \\shref=)."""
    hrefs: list[str] = []
    pieces: list[str] = []
    kept = start = 0
    while found := _HREF.search(html, start):
        if found.start() == 0 or not html[found.start() - 1].isspace():  # str.isspace() is what \s matches
            start = found.start() + 1  # data-href="...": the next href=" may be inside its value
            continue
        pieces += (html[kept : found.start(1)], f"composer-href-{len(hrefs)}")
        hrefs.append(found.group(1))
        kept = start = found.end(1)
    pieces.append(html[kept:])
    return "".join(pieces), hrefs


def _check_whole(before: str, after: str, every_link_back: bool) -> None:
    """Raise IncompleteEmail unless premailer gave back the whole email: lxml's HTML parser silently
    drops what follows an element nested too deep or a text too long, footer and unsubscribe link
    included, so every link must be back and no table, paragraph or list item missing."""
    counts_after, counts_before = Counter(_COUNTED.findall(after)), Counter(_COUNTED.findall(before))
    lost = [tag for tag in counts_before if counts_after[tag] < counts_before[tag]]
    if every_link_back and not lost and after.rstrip().endswith("</html>"):
        return
    raise IncompleteEmail(
        "the email came out incomplete once its styles were inlined (the end of it, with the footer and "
        "the unsubscribe link, was lost): part of the issue is nested too deeply or too long; shorten it"
    )


def _premailer(html: str, css: str) -> str:
    inlined: str = _inliner()(
        html,
        css_text=[css],
        allow_network=False,
        strip_important=False,
        keep_style_tags=True,
        disable_validation=True,  # our CSS is known good; validating each style costs ~100 ms
        remove_classes=False,  # the dark-mode rules select by class
        exclude_pseudoclasses=True,
        disable_leftover_css=True,  # nothing of ours is left over: media queries live in <head>
        cssutils_logging_level=logging.ERROR,
    ).transform(pretty_print=False)
    return inlined


@functools.cache
def _inliner() -> Any:
    """premailer's Premailer, imported (without its network modules) on first use, and told to take
    the rules of each style sheet from sheet_rules."""
    with paused_collection():
        defer_network_modules()
        from lxml import etree
        from premailer import Premailer

    class Inliner(Premailer):  # type: ignore[misc]  # premailer ships no type hints
        html: Any  # the text given, or None while premailer works on the parsed tree
        classes: set[str]  # every class of the email's elements, read by transform()

        def _parse_style_rules(self, css_body: str, ruleset_index: int) -> tuple[list[Rule], list[object]]:
            # What is left over is used only without keep_style_tags or with a <head> to put it in
            # (disable_leftover_css): never here. So only the rules are kept.
            parse = functools.partial(Premailer._parse_style_rules, self, css_body, ruleset_index)
            settings = (self.strip_important, self.exclude_pseudoclasses, self.include_star_selectors)
            rules = sheet_rules(css_body, (ruleset_index, *settings), lambda: parse()[0])
            return rules_that_may_match(rules, self.classes), []

        def transform(self, pretty_print: bool = True, **kwargs: Any) -> str:
            # The page parsed here as premailer parses a text, to read its classes first (the rules
            # that may match); premailer inlines into the tree, serialised here as it would.
            html: str = self.html
            stripped = html.strip()
            tree = etree.fromstring(stripped, etree.HTMLParser()).getroottree()
            page = tree.getroot()
            self.classes = {name for value in page.xpath("//@class") for name in _CLASS_SEPARATORS.split(value)}
            self.html = None
            try:
                Premailer.transform(self, page)
            finally:
                self.html = html
            root = tree if stripped.startswith(tree.docinfo.doctype) else page
            out = etree.tostring(root, method=self.method, pretty_print=pretty_print, encoding="utf-8", **kwargs)
            return str(out.decode("utf-8"))

    return Inliner


# premailer's rules of a style sheet: (specificity, selector, declarations), in the sheet's order.
Rule = tuple[tuple[int, ...], str, str]

# The rules of each style sheet met in this process, by its text. The template's sheet is the same
# for every issue of a publication, and premailer's own cache (128 entries, shared with every inline
# style) loses it within an issue: cssutils would parse and re-serialise it for each one (~11 ms).
_SHEETS: dict[tuple[str, tuple[int | bool, ...]], list[Rule]] = {}
_MAX_SHEETS = 64  # several publications or template sets in one preview at most; bounded all the same
_CACHE_FOLDER = "css"  # in composer's cache folder (output.cache_dir), beside the build stamps


def sheet_rules(css: str, reading: tuple[int | bool, ...], parse: Callable[[], list[Rule]]) -> list[Rule]:
    """The rules of ``css``, as premailer reads them with ``reading`` (the sheet's place, and the
    settings that change its rules), from this process's memory, else from the cache on disk, else
    from ``parse`` (cssutils), kept in both for next time. The disk cache spares a one-issue run the
    parse too; any trouble with it is a miss, never an error."""
    key = (css, reading)
    rules = _SHEETS.get(key)
    if rules is not None:
        return rules
    cached = _cache_file(css, reading)
    rules = _read_rules(cached) if cached else None
    if rules is None:
        rules = [(tuple(specificity), selector, declarations) for specificity, selector, declarations in parse()]
        if cached:
            with contextlib.suppress(OutputProblem):  # a full disk, a read-only cache: parsed again next run
                write_atomically(cached, json.dumps({"rules": rules}))
    if len(_SHEETS) >= _MAX_SHEETS:
        _SHEETS.clear()
    _SHEETS[key] = rules
    return rules


_CLASS_SEPARATORS = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space, and so cssselect, splits on
_PLAIN_SELECTOR = re.compile(r"[A-Za-z0-9_\-\s.>+~*]+")  # tags, classes and combinators, nothing else
_CLASS_IN_SELECTOR = re.compile(r"\.([A-Za-z0-9_-]+)")


def rules_that_may_match(rules: list[Rule], classes: set[str]) -> list[Rule]:
    """``rules`` without those that select by a class no element has (``classes``: every class of
    every element): premailer runs every rule's selector, an XPath over the whole email (~40 us for
    one with a class), and an issue without quotes, credits or notes matches a third of the sheet's
    class rules. A rule that matches nothing inlines nothing: the email is the same without it."""
    return [rule for rule in rules if _required_classes(rule[1]) <= classes]


@functools.lru_cache(maxsize=1024)
def _required_classes(selector: str) -> frozenset[str]:
    """The classes some element must have for ``selector`` to match anything; none (the rule is
    always kept) for a selector with anything but tags, classes and combinators."""
    if not _PLAIN_SELECTOR.fullmatch(selector):
        return frozenset()
    return frozenset(_CLASS_IN_SELECTOR.findall(selector))


def _cache_file(css: str, reading: tuple[int | bool, ...]) -> Path | None:
    """Where the rules of ``css`` are kept: named by a digest of the sheet and of the versions of
    premailer and cssutils, whose upgrade may read it otherwise. None when the cache is unusable
    (the cache of compiled templates, in the same folder, warns of it)."""
    from importlib import metadata

    versions = [metadata.version(name) for name in ("premailer", "cssutils")]
    key = hashlib.sha256(json.dumps([*versions, *reading, css]).encode()).hexdigest()[:32]
    try:
        return cache_dir(_CACHE_FOLDER) / f"{key}.json"
    except CacheProblem:
        return None


def _read_rules(path: Path) -> list[Rule] | None:
    """The rules kept in ``path``; None when it is missing, unreadable or not what sheet_rules writes."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))["rules"]
        rules = [(tuple(specificity), selector, declarations) for specificity, selector, declarations in kept]
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    if isinstance(kept, list) and all(
        isinstance(selector, str) and isinstance(declarations, str) and all(type(n) is int for n in specificity)
        for specificity, selector, declarations in rules
    ):
        return rules
    return None


def to_html(mjml: str) -> str:
    return inline_css(repair(compile_mjml(mjml)))
