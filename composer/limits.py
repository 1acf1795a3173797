"""Every limit composer sets on what it reads, writes, sends and serves, in one place.

A limit is composer's own, checked before any library meets the input, with composer's own
message: a library's limits (libyaml's depth, lxml's tree depth, Python's format specs) change
between releases or crash the process. Each is far above what a real briefing needs; the README
("Limits") lists the ones an editor can meet. tests/hostile/ holds a case past each.
"""

from __future__ import annotations

# --- the files an editor writes ------------------------------------------------------------------
MAX_FILE_BYTES = 1_000_000  # an issue or publication.yaml; a long briefing is ~20 KB
MAX_YAML_VALUES = 100_000  # values after expanding '*' references: a "billion laughs" file trips it at once
MAX_YAML_DEPTH = 50  # lists and groups of keys inside each other; an issue is four deep at most

# --- the text in them -----------------------------------------------------------------------------
MAX_MARKDOWN_NESTING = 32  # elements inside each other in one Markdown field (a list item's paragraph
# in a list in a quote, bold in a link: ~8); thousands crash MRML, a few hundred truncate the email
MAX_MARKDOWN_ELEMENTS = 10_000  # paragraphs, list items, emphasis, links... in all of a file's Markdown: a long
# briefing makes ~1,500; 90,000 one-letter list items (within 1 MB) took 6 s and 350 MB to inline
MAX_MARKDOWN_CHARACTERS = 200_000  # in all of a file's Markdown, before it is parsed: a long briefing has ~15,000;
# 880,000 characters of `a` or *a* on one line took markdown-it 5 s and 460 MB to parse
MAX_FORMAT_WIDTH = 40  # the width or precision in a {placeholder:spec} of a pattern
MAX_PATTERN_CHARACTERS = 500  # a pattern (title_pattern, date_format, web_version_url, a label with placeholders): the
# longest real one is ~60; a title_pattern of a few hundred KB took over 30 s to check as a subject
MAX_TYPESET_CHARACTERS = 5_000  # a plain text (headline, title, note) longer than this keeps its straight quotes
# under typography: markdown-it's quotes are quadratic, and 175,000 characters of them took 2.3 s (1 MB: ~75 s)
MAX_ISOLATE_NESTING = 16  # direction isolates (U+2066-2068) inside each other, each a <span> in the HTML: composer
# writes two; 60,000 typed in a title nested as many spans, and MRML crashed the process

# --- counting clicks (utm: in publication.yaml) --------------------------------------------------
MAX_UTM_CHARACTERS = 200  # utm: source and medium; analytics reports show names of a few dozen
MAX_UTM_EXCLUDED = 1_000  # domains under utm: exclude
MAX_TAGGED_URL_CHARACTERS = 2_000  # a link longer than this once tagged keeps its address as written: some
# browsers and mail apps cut longer ones (Internet Explorer and old Outlook stop at 2,083)

# --- compose check --links ------------------------------------------------------------------------
MAX_PLACES_OF_AN_ADDRESS = 20  # an address typed more often is reported at its first 20 places: an issue
# of one link typed 30,000 times would otherwise print as many findings, each found by a scan of the file

# --- what composer writes -------------------------------------------------------------------------
MAX_EMAIL_BYTES = 5_000_000  # an email this big is a mistake (Gmail clips at 102 KB); refused, not written

# --- batch builds ---------------------------------------------------------------------------------
ORPHAN_CHECK_SECONDS = 0.5  # how often a pool worker looks whether compose still runs: dies this soon after it

# --- test sends -----------------------------------------------------------------------------------
SMTP_READ_TIMEOUT_SECONDS = 10.0  # for each answer of the SMTP server
SMTP_DEADLINE_SECONDS = 60.0  # for the whole conversation, however slowly the server trickles

# --- the live preview -----------------------------------------------------------------------------
PREVIEW_IDLE_SECONDS = 60.0  # a connection that sends nothing this long is closed (event streams aside)
PREVIEW_BACKLOG = 128  # connections waiting to be accepted
# Open connections, a thread each: a browser tab holds six and an event stream, so this is dozens of
# tabs, while thousands of idle sockets cannot run the process out of threads (the rest get a 503).
PREVIEW_MAX_CONNECTIONS = 512
