"""Web addresses typed bare in Markdown text (``www.example.org``, ``example.org/report``).

composer's Markdown links only what is written as a link: markdown-it's linkify stays off, as it
would also link words that merely look like addresses (``file.zip``, ``Node.js``). So a bare
address reaches readers as plain text, which one mail app links and another does not, and the
plain-text part may lose it to a line break. `compose check` warns at each one (check.py).
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from .markdown import parse

# The endings of the addresses taken for bare links when they have no www. in front: common generic
# ones and any two letters (a country's), but for file extensions that follow a name and a '/' in
# prose ("Node.js/React").
_GENERIC_ENDINGS = "com|org|net|edu|gov|int|info|biz|news|io|app|dev|online|media|press|world|global"
_NOT_ENDINGS = frozenset({"js", "ts", "py", "md", "sh", "rs", "go", "cs", "db", "gz", "pm", "rb", "cc"})
_BARE = re.compile(
    r"(?<![\w@/.:%-])"  # the start of the address: not the end of an e-mail address or of a longer name
    r"(?:"
    r"https?://[^\s<>()\[\]]+"  # a whole address, typed without <> or [words]()
    r"|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>()\[\]]*)?"
    rf"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?P<ending>{_GENERIC_ENDINGS}|[a-z]{{2}})/[^\s<>()\[\]]*"
    r")",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"’”»)…"  # punctuation that ends the sentence, not the address


def bare_addresses(source: str) -> list[str]:
    """Each web address typed bare in the Markdown ``source`` (outside links and code), in order."""
    found = []
    for run in _text_runs(parse(source)):
        for match in _BARE.finditer(run):
            ending = match.group("ending")
            if ending and ending.lower() in _NOT_ENDINGS:
                continue
            found.append(match.group().rstrip(_TRAILING))
    return found


def link_for(address: str) -> str:
    """The full address a bare one stands for: https:// in front when it has no scheme."""
    return address if "://" in address else f"https://{address}"


def _text_runs(tokens: tuple[Token, ...]) -> list[str]:
    """The text of each inline stretch outside links, adjacent text tokens joined (markdown-it may
    split a text at '-', ':' or '_')."""
    runs: list[str] = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        current: list[str] = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type == "text" and not in_link:
                current.append(token.content)
                continue
            runs.append("".join(current))
            current = []
        runs.append("".join(current))
    return [run for run in runs if run]
