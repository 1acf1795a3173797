"""One Markdown parser for every output: HTML for the email and the web archive, wrapped text for
the plain part, one line for the inbox preview.

CommonMark with raw HTML switched off, so ``<script>`` typed by an editor stays literal text.
Every link is parsed (markdown-it would otherwise silently drop ``javascript:`` links) and then
``problems()`` turns a bad scheme, a relative link, an image or a heading into a message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLinkText
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core.smartquotes import smartquotes
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..limits import MAX_MARKDOWN_NESTING, MAX_TYPESET_CHARACTERS
from .folding import joins_across_line_break
from .models import check_url, refuse_invisible

WIDTH = 78  # the plain-text part wraps here (RFC 5322 advises lines of at most 78 characters)


# A Mailchimp merge tag, *|FNAME|*: Markdown would read its stars as emphasis, and percent-encode
# its bars in a link, and Mailchimp would never see it. It stays as typed (check.py says when it is
# not meant for the publication's own service).
_MAILCHIMP_TAG = re.compile(r"\*\|[A-Z0-9_:]+\|\*")
_ENCODED_MAILCHIMP_TAG = re.compile(r"\*%7C([A-Z0-9_:]+)%7C\*")


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return True  # every link is kept: problems() decides, not the parser

    def normalizeLink(self, url: str) -> str:
        return _ENCODED_MAILCHIMP_TAG.sub(r"*|\1|*", super().normalizeLink(url))


def _merge_tag(state: StateInline, silent: bool) -> bool:
    """An inline rule: a Mailchimp merge tag is text, whole."""
    found = _MAILCHIMP_TAG.match(state.src, state.pos) if state.src[state.pos] == "*" else None
    if found is None:
        return False
    if not silent:
        state.push("text", "", 0).content = found.group()
    state.pos = found.end()
    return True


# What typography: true promises (README), besides the quotation marks: -- and --- as dashes, ... as
# an ellipsis, and nothing else. markdown-it's own "replacements" rule also turns (c) into ©, (tm) into
# ™, (r) into ®, +- into ±, ",," into "," and "????" into "???", and ".." or "?..." lose a dot: in a
# news story "paragraphs (a), (b) and (c)" would end in ©. The one list, for Markdown and plain texts.
_DASHES_AND_ELLIPSIS = (
    (re.compile(r"(?<![.])[.]{3}(?![.])"), "\u2026"),  # exactly three: "1..10" and "...." stay as typed
    (re.compile(r"(^|[^-])---(?=[^-]|$)", re.MULTILINE), "\\1\u2014"),  # markdown-it's em dash
    (re.compile(r"(^|\s)--(?=\s|$)", re.MULTILINE), "\\1\u2013"),  # and its en dashes: "a -- b"
    (re.compile(r"(^|[^-\s])--(?=[^-\s]|$)", re.MULTILINE), "\\1\u2013"),  # "1990--2000"
)


def set_dashes_and_ellipsis(text: str) -> str:
    """``text`` with -- and --- as – and —, and ... as …: all typography does besides quotes."""
    for expression, replacement in _DASHES_AND_ELLIPSIS:
        text = expression.sub(replacement, text)
    return text


def _dashes_and_ellipsis(state: StateCore) -> None:
    """The core rule in place of markdown-it's "replacements": set_dashes_and_ellipsis() on every text,
    never inside an autolink (<https://example.com/a--b...>) nor a code span, which are no text tokens."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        inside_autolink = False
        for token in block.children:
            if token.type == "link_open" and token.info == "auto":
                inside_autolink = True
            elif token.type == "link_close" and token.info == "auto":
                inside_autolink = False
            elif token.type == "text" and not inside_autolink:
                token.content = set_dashes_and_ellipsis(token.content)


def _make_parser(quotes: str | tuple[str, str, str, str] | None = None) -> _Parser:
    """A parser; with ``quotes`` (“double” and ‘single’, open and close) it is a typographer too:
    straight quotes become those, -- and --- dashes, ... an ellipsis; nothing else."""
    parser = _Parser("commonmark", {"html": False, "xhtmlOut": True, "typographer": quotes is not None})
    parser.inline.ruler.before("emphasis", "merge_tag", _merge_tag)
    if quotes is not None:
        parser.options["quotes"] = quotes
        parser.core.ruler.at("replacements", _dashes_and_ellipsis)
        parser.enable(["replacements", "smartquotes"])
    return parser


_MD = _make_parser()

# Quotation marks by language, for publications that switch typography on. French ones hold a
# no-break space inside, as French typography wants. A language not listed keeps straight quotes.
_QUOTES: dict[str, str | tuple[str, str, str, str]] = {
    "en": "“”‘’",
    "fr": ("«\u00a0", "\u00a0»", "‹\u00a0", "\u00a0›"),
    "de": "„“‚‘",
    "nl": "“”‘’",
    "es": "«»“”",
    "it": "«»“”",
    "pt": "«»“”",
    "ru": "«»„“",
    "pl": "„”‚’",
    "ja": "「」『』",
    "zh": "“”‘’",
}


@lru_cache(maxsize=32)
def _typographer(lang: str) -> _Parser:
    """The typographer for ``lang`` (a tag such as fr-CA: its language decides), built once."""
    return _make_parser(_QUOTES.get(lang.split("-")[0].lower(), "\"\"''"))


def typeset(text: str, typography: str | None) -> str:
    """Plain text (a headline, a title, a note) set as ``typography`` sets Markdown: the quotation
    marks of that language, -- and --- as – and —, ... as …; unchanged when ``typography`` is None.
    Only those (set_dashes_and_ellipsis): (c) stays (c) and +- stays +-, as typed. A text longer than
    MAX_TYPESET_CHARACTERS is left as typed: markdown-it's quotes take time growing with the square
    of the length, and no headline or note is that long."""
    if not typography or not text or len(text) > MAX_TYPESET_CHARACTERS:
        return text
    text = set_dashes_and_ellipsis(text)  # as the Markdown typographer sets a paragraph
    line = Token("inline", "", 0, content=text, children=[Token("text", "", 0, content=text)])
    smartquotes(StateCore(text, _typographer(typography), {}, [line]))
    return str(line.children[0].content) if line.children else text


@lru_cache(maxsize=512)
def parse(source: str, typography: str | None = None) -> tuple[Token, ...]:
    """The token stream of ``source``; cached so validation and every renderer parse once.
    ``typography``: the language whose quotation marks and dashes to set, or None for none."""
    parser = _typographer(typography) if typography else _MD
    return tuple(parser.parse(source))


def _inline_tokens(tokens: tuple[Token, ...]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from token.children


_NO_WORDS = "this link has no words: readers would see nothing to click; write its text between [ and ]"


def problems(source: str) -> list[tuple[str, str]]:
    """What is wrong with ``source`` as email Markdown: (message, text to point at) pairs."""
    found = []
    source_lines = source.splitlines()
    tokens = parse(source)
    depth, block = _deepest(tokens)
    if depth > MAX_MARKDOWN_NESTING:
        # Thousands of nested '*' crash the compiler and truncate the email: refused before anything
        # else is looked at, or rendered.
        line = source_lines[block.map[0]].strip() if block and block.map and block.map[0] < len(source_lines) else ""
        message = (
            f"the text nests emphasis, links, quotes and lists {depth} levels deep, more than the "
            f"{MAX_MARKDOWN_NESTING} composer allows; remove the extra '*', '_', '>' or list signs"
        )
        return [(message, line[:80])]
    words: list[str] | None = None  # the text of the link being read
    for token in _inline_tokens(tokens):
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            words = []
            # As typed: markdown-it percent-encodes the path and punycodes the host, invisible characters too.
            typed = normalizeLinkText(href)
            try:
                check_url(href)
                refuse_invisible(typed, "link")
            except ValueError as error:
                found.append((str(error), typed))
        elif token.type == "link_close" and words is not None:
            if not "".join(words).strip():
                found.append((_NO_WORDS, "[](" if "[](" in source else href))
            words = None
        elif words is not None and token.type in ("text", "code_inline", "image"):
            words.append(token.content or "image")
        elif token.type == "image":
            found.append(("images cannot go in the text; give the story an 'image:' instead", "!["))
        elif token.type == "heading_open":
            found.append(
                (
                    "headings cannot go in the text (each story has its headline); remove the '#' or the underline",
                    _heading_line(token, source_lines),
                )
            )
    return found


def element_count(source: str) -> int:
    """How many elements (paragraphs, list items, emphasis, links...) ``source`` makes in the email;
    a quote counts with the table around it."""
    return sum(
        1 + (_QUOTE_TABLE_ELEMENTS if token.type == "blockquote_open" else 0)
        for token in _inline_tokens(parse(source))
        if token.nesting == 1 or token.type == "softbreak"
    )


def _deepest(tokens: tuple[Token, ...]) -> tuple[int, Token | None]:
    """How deep the elements of ``tokens`` nest (blocks, and the inline elements within them), and
    the block where it is deepest."""
    deepest, where = 0, None
    for token in tokens:
        depth = token.level + 1 + max((child.level + child.nesting for child in token.children or []), default=0)
        if depth > deepest:
            deepest, where = depth, token
    return deepest, where


def _heading_line(heading: Token, source_lines: list[str]) -> str:
    """The source line to point the editor at: the '# ...' line, or a setext heading's underline.

    A bare "#" or "=" would be found first wherever it occurs earlier in the field (an issue
    number, a hyphenated word), so the whole line is given instead.
    """
    if heading.map is None:
        return heading.markup
    row = heading.map[0] if heading.markup.startswith("#") else heading.map[1] - 1
    return source_lines[row].strip() if row < len(source_lines) else heading.markup


# Outlook for Windows ignores a blockquote's padding, and a table's margin: in the email a quote
# sits in a table whose cell draws its bar and indent (styles.mjml.j2, on the side the issue's
# language starts), with a second row for the space below it. The blockquote stays, for screen
# readers and for the clients that style it.
_QUOTE_OPEN = (
    '<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%"><tr><td class="quote">'
)
_QUOTE_GAP = '</td></tr><tr><td class="quote-gap">&nbsp;'
_QUOTE_CLOSE = "</td></tr></table>\n"
_QUOTE_TABLE_ELEMENTS = (_QUOTE_GAP + _QUOTE_CLOSE).count("</")  # the table, its rows and their cells


# A soft break between two CJK characters goes: see folding.joins_across_line_break (CSS Text 3's rule).


def _neighbour(tokens: Iterable[Token], last: bool) -> str:
    """The character next to a soft break on one side: the last (or first) of the nearest text, across
    emphasis and link marks; "" when another break or an image comes first."""
    for token in tokens:
        if token.type in ("text", "code_inline") and token.content:
            return token.content[-1] if last else token.content[0]
        if token.type in ("softbreak", "hardbreak", "image"):
            return ""
    return ""


def _soft_break(children: Sequence[Token], index: int) -> str:
    """What the soft break ``children[index]`` becomes: a space (a newline in HTML), or nothing between
    two CJK characters."""
    before = _neighbour(reversed(children[:index]), last=True)
    after = _neighbour(children[index + 1 :], last=False)
    return "" if joins_across_line_break(before, after) else " "


class _Renderer(RendererHTML):
    """CommonMark's HTML, with soft breaks between CJK characters dropped, and each link's address
    through the ``tag`` its render gives (env), if any: its UTM tags (utm.py)."""

    def softbreak(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "\n" if _soft_break(tokens, idx) else ""

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        tag = env.get("tag")
        if tag is None:
            return self.renderToken(tokens, idx, options, env)
        # A copy: the parsed tokens are cached (parse) and shared by every render of the text.
        tagged = token.copy(attrs={**token.attrs, "href": tag(str(token.attrs.get("href", "")))})
        return f"<a{self.renderAttrs(tagged)}>"


class _EmailRenderer(_Renderer):
    """HTML for the email: CommonMark's, with each quote in its table."""

    def blockquote_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _QUOTE_OPEN + self.renderToken(tokens, idx, options, env)

    def blockquote_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # A quote that ends the quote around it takes that one's space below, as its bar ends there too.
        ends_outer = idx + 1 < len(tokens) and tokens[idx + 1].type == "blockquote_close"
        closing = self.renderToken(tokens, idx, options, env).rstrip("\n")
        return closing + ("" if ends_outer else _QUOTE_GAP) + _QUOTE_CLOSE


_EMAIL_RENDERER = _EmailRenderer()
_WEB_RENDERER = _Renderer()


def to_html(
    source: str, typography: str | None = None, email: bool = False, tag: Callable[[str], str] | None = None
) -> str:
    """HTML for a web page, or with ``email`` for the email (quotes in tables that Outlook keeps),
    each link's address through ``tag`` when given (its UTM tags: utm.py). Hrefs are re-checked so
    an unchecked link can never pass."""
    tokens = parse(source, typography)
    for token in _inline_tokens(tokens):
        if token.type == "link_open":
            check_url(str(token.attrs.get("href", "")))
    renderer = _EMAIL_RENDERER if email else _WEB_RENDERER
    return str(renderer.render(list(tokens), _MD.options, {"tag": tag}))


def to_inline_text(source: str) -> str:
    """Plain text on one line, no markup, for places such as the inbox preview.

    Built from the parsed inline tokens: emphasis markers, link targets and entities such as
    ``&amp;`` must not reach the inbox preview (``[text](url)`` reads as just "text").
    """
    if not source.strip():
        return ""
    children = _MD.parseInline(source)[0].children or []
    pieces = [
        _soft_break(children, index)
        if child.type == "softbreak"
        else " "
        if child.type == "hardbreak"
        else child.content
        for index, child in enumerate(children)
    ]
    return " ".join("".join(pieces).split())


@dataclass
class References:
    """Links collected while writing text, printed as numbered notes: [1] https://..."""

    urls: list[str] = field(default_factory=list)
    listed: int = 0  # how many have been printed already

    def number(self, url: str) -> int:
        """The note number of ``url``: a link given twice keeps its first number."""
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1

    def take(self) -> str:
        """The notes not printed yet, one per line; numbering goes on across the email."""
        lines = [f"[{number}] {url}" for number, url in enumerate(self.urls, 1)][self.listed :]
        self.listed = len(self.urls)
        return "\n".join(lines)


def to_text(
    source: str,
    references: References,
    width: int = WIDTH,
    typography: str | None = None,
    tag: Callable[[str], str] | None = None,
) -> str:
    """Wrapped plain text: paragraphs, "- " lists, "> " quotes, links as [n] references, each
    address through ``tag`` when given, as to_html() tags them."""
    blocks = _TextWriter(references, width, tag).write(list(parse(source, typography)))
    return "\n\n".join(blocks)


# ASCII whitespace only: a no-break space (U+00A0) keeps the words on either side together.
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def wrap(text: str, width: int = WIDTH, first: str = "", rest: str = "") -> str:
    """Wrap at ``width`` screen columns without ever breaking a word or a URL (a long URL gets its
    own line).

    Greedy, like textwrap with break_long_words and break_on_hyphens off, but about ten times
    faster, which matters: every paragraph of every issue goes through here. Text with wide or
    zero-width characters (Chinese, Japanese, Korean, emoji, combining marks) is measured in
    columns and may also break between characters where its language allows: see _pieces.
    """
    if not (_is_narrow(text) and _is_narrow(first) and _is_narrow(rest)):
        return _wrap_by_columns(text, width, first, rest)
    lines = []
    for line in text.split("\n"):
        words = line.strip(" \t\r\f\v")
        if "  " in words or "\t" in words or "\r" in words or "\f" in words or "\v" in words:
            words = _SPACES.sub(" ", words)  # the words one space apart; most lines are already
        if not words:
            lines.append(first.rstrip())
            continue
        # A line at a time (not a word at a time): as many words as fit, up to the last space that
        # leaves the line within its room; a word longer than that alone on its line.
        start, prefix = 0, first
        while len(words) - start > width - len(prefix):
            end = words.rfind(" ", start, start + max(0, width - len(prefix) + 1))  # no negative index
            if end < start:
                end = words.find(" ", start)
                if end < 0:
                    break
            lines.append(prefix + words[start:end])
            start, prefix = end + 1, rest
        lines.append(prefix + words[start:])
    return "\n".join(lines)


def display_width(text: str) -> int:
    """How many screen columns ``text`` takes: wide East Asian characters count two, combining
    marks and joiners none, a grapheme cluster (an emoji sequence) as a terminal shows it."""
    if _is_narrow(text):
        return len(text)
    import wcwidth  # only for text that is not all narrow: an English issue never loads it

    return int(wcwidth.width(text, control_codes="ignore"))


def _is_narrow(text: str) -> bool:
    """Whether every character of ``text`` takes one column on its own, so that its length is its
    width and no grapheme cluster can span a space: the fast path, with no segmentation."""
    return text.isascii() or all(map(_narrow_character, set(text)))


@lru_cache(maxsize=4096)
def _narrow_character(character: str) -> bool:
    # Told without wcwidth, so that English text never loads it: letters of the alphabetic scripts
    # (below U+1100, where Hangul starts), general punctuation (’ “ — …) and currency signs are one
    # column, unless a mark (M: it attaches to the character before it), a control or format
    # character (C: zero-width joiners, for one) or a line separator. Everything else (CJK, emoji,
    # regional-indicator flags, other symbols) is left to wcwidth, which knows its width.
    if character in " \t\n\r\f\v":
        return True
    category = unicodedata.category(character)
    if category[0] in "MC" or category in ("Zl", "Zp"):
        return False
    code = ord(character)
    return code < 0x1100 or 0x2000 <= code <= 0x206F or 0x20A0 <= code <= 0x20CF


# A simple kinsoku (禁則) rule set, after JIS X 4051: no line starts with closing brackets,
# sentence punctuation, iteration marks, the prolonged sound mark or small kana; none ends with an
# opening bracket. Enough for Chinese and Japanese plain text; it is not the full UAX #14.
_NO_LINE_START = frozenset(
    "、。，．・：；？！‼⁇⁈⁉゛゜ヽヾゝゞ々〻ー‐゠–〜～…‥’”）〕］｝〉》」』】〙〗〟｠»"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "｡｣､･ｧｨｩｪｫｬｭｮｯｰ%％)]},.!?:;"
)
_NO_LINE_END = frozenset("（〔［｛〈《「『【〘〖〝｟«‘“([{")


def _pieces(word: str) -> list[tuple[str, int]]:
    """``word`` (no spaces in it) cut where a line may break, each piece with its width.

    A line may break between two grapheme clusters when one of them is wide (a CJK character,
    a fullwidth form, an emoji) and the other is wide too or a letter or digit, except before a
    closing mark or after an opening one (the kinsoku rules above). So Chinese and Japanese,
    written without spaces, still wrap; a Latin word, a URL or a number never breaks, and a
    cluster (a letter and its accents, an emoji ZWJ sequence, a Hangul syllable) is never split.
    """
    if _is_narrow(word):
        return [(word, len(word))]
    if word.lower().startswith(("https://", "http://")):
        # A web address with Chinese or Japanese in it (its host, its path), set apart by spaces as composer
        # writes them ("Read more: https://…"): one piece, never cut.
        return [(word, display_width(word))]
    import wcwidth

    pieces: list[tuple[str, int]] = []
    clusters: list[str] = []  # the piece being gathered, joined once (a long word stays linear)
    total, previous = 0, ""
    for cluster in wcwidth.iter_graphemes(word):
        columns = int(wcwidth.width(cluster, control_codes="ignore"))
        if clusters and _may_break(previous, columns, cluster):
            pieces.append(("".join(clusters), total))
            clusters, total = [], 0
        clusters.append(cluster)
        total += columns
        previous = cluster
    pieces.append(("".join(clusters), total))
    return pieces


def may_break_between(before: str, after: str) -> bool:
    """Whether text may be cut between the characters ``before`` and ``after`` though no space is
    there: between CJK characters, kinsoku allowing."""
    return not _is_narrow(before + after) and _may_break(before, display_width(after), after)


def _may_break(before: str, columns: int, after: str) -> bool:
    """Whether a line may break between two clusters (``columns``: the width of ``after``); a
    cluster is judged by its first character, the letter its marks sit on."""
    if before[0] in _NO_LINE_END or after[0] in _NO_LINE_START:
        return False
    wide_before = display_width(before) == 2
    if columns == 2:
        return wide_before or before[0].isalnum()
    return wide_before and after[0].isalnum()


def _wrap_by_columns(text: str, width: int, first: str, rest: str) -> str:
    """wrap() for text that is not all narrow: the same greedy fill, in columns, by pieces."""
    lines = []
    first_width, rest_width = display_width(first), display_width(rest)
    for line in text.split("\n"):
        words = _SPACES.split(line.strip(" \t\r\f\v"))
        if words == [""]:
            lines.append(first.rstrip())
            continue
        current, used, empty = first, first_width, True
        for word in words:
            for number, (piece, columns) in enumerate(_pieces(word)):
                space = 1 if number == 0 and not empty else 0
                if empty or used + space + columns <= width:
                    current += " " * space + piece
                    used += space + columns
                else:
                    lines.append(current)
                    current, used = rest + piece, rest_width + columns
                empty = False
        lines.append(current)
    return "\n".join(lines)


class _TextWriter:
    def __init__(self, references: References, width: int, tag: Callable[[str], str] | None = None) -> None:
        self.references = references
        self.width = width
        self.tag = tag

    def write(self, tokens: list[Token], width: int | None = None) -> list[str]:
        """Blocks of text (one per paragraph, list or quote) from a block token stream."""
        width = width or self.width
        blocks: list[str] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "inline":
                blocks.append(wrap(self.inline(token), width))
            elif token.type in ("fence", "code_block"):
                blocks.append(token.content.rstrip("\n"))
            elif token.type == "hr":
                blocks.append("-" * min(width, 20))
            elif token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
                end = _closing(tokens, index)
                blocks.append(self.container(token, tokens[index + 1 : end], width))
                index = end
            index += 1
        return blocks

    def container(self, opening: Token, inner: list[Token], width: int) -> str:
        if opening.type == "blockquote_open":
            text = "\n\n".join(self.write(inner, width - 2))
            return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))
        # Loose (blank lines between items) only by this list's own paragraphs, not a nested one's.
        loose = any(
            token.type == "paragraph_open" and not token.hidden and token.level == opening.level + 2 for token in inner
        )
        between = "\n\n" if loose else "\n"
        items = []
        number = int(opening.attrs.get("start", 1) or 1)
        position = 0
        while position < len(inner):
            end = _closing(inner, position)
            marker = f"{number}. " if opening.type == "ordered_list_open" else "- "
            indent = " " * len(marker)
            text = between.join(self.write(inner[position + 1 : end], width - len(marker)))
            lines = text.split("\n")
            items.append("\n".join([marker + lines[0]] + [(indent + line).rstrip() for line in lines[1:]]))
            number += 1
            position = end + 1
        return between.join(items)

    def inline(self, token: Token) -> str:
        parts: list[str] = []
        link_text: list[str] | None = None
        href = ""
        children = token.children or []
        for index, child in enumerate(children):
            if child.type == "link_open":
                link_text, href = [], str(child.attrs.get("href", ""))
            elif child.type == "link_close":
                text = "".join(link_text or [])
                tagged = self.tag(href) if self.tag else href
                # An autolink's href is percent-encoded, so it may differ from its text.
                if child.markup == "autolink" or text == href or f"mailto:{text}" == href:
                    # The link is its own text: shown once, unbroken; tagged, the address the HTML links to.
                    parts.append(text if tagged == href else tagged)
                else:
                    # The address alone: a reader of plain text writes to it; ?subject=… is noise there.
                    label = unquote(href[len("mailto:") :].split("?")[0]) if href.startswith("mailto:") else None
                    if label:
                        parts.append(f"{text} ({label})")
                    else:
                        parts.append(f"{text} [{self.references.number(tagged)}]")
                link_text = None
            else:
                piece = (
                    _soft_break(children, index)
                    if child.type == "softbreak"
                    else "\n"
                    if child.type == "hardbreak"
                    else child.content
                )
                (link_text if link_text is not None else parts).append(piece)
        return "".join(parts)


def _closing(tokens: list[Token], index: int) -> int:
    """The index of the token that closes tokens[index] (same nesting level)."""
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1
