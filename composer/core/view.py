"""The view: everything the templates show of one issue, computed once (build_view).

build_view is made of small functions, one for each part of the email: the publication as the
issue's language shows it, the title, the date line, the read time, the labels' languages, the calls
to action, the links, the subject and the preheader; for the email, the links' UTM tags (tagged(),
utm.py). The web archive (commands/archive.py) takes the same ones for its pages, its index and its
feed, so that they say what the email says, without the tags.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date as Date
from pathlib import Path
from typing import Any

from ..i18n import dates, labels, languages, scripts
from ..i18n.labels import Labels
from . import colours, esp, markdown, typeset, utm
from .load import Loaded
from .models import Issue, Publication
from .web_address import issue_url

# Inboxes show at least the first, at most the second, number of the preheader's characters after
# the subject: `compose check` warns outside them, and a preheader taken from the summary is cut to fit.
PREHEADER_LENGTH = (40, 140)

Texts = str | dict[str, str]  # a publication's text, given once or per language (texts.PerLanguage)


def build_view(loaded: Loaded, service: str | None = None, *, tag_links: bool = False) -> dict[str, Any]:
    """Everything the templates need, computed once: titles, dates, read time, links, for ``service``'s
    merge tags (esp.SERVICES; default: publication.yaml's). With ``tag_links`` (the email, not the web
    archive), every link carries publication.yaml's utm: tags, if any: see tagged()."""
    lang = loaded.lang
    publication = shown_publication(loaded.publication, lang)
    typography = typography_lang(publication, lang)
    issue = typeset.issue(loaded.issue, typography)
    title, title_in = issue_title(issue, publication, lang)
    minutes = read_minutes(issue, title, publication, lang)
    date_line, date_in = dated(issue.date, publication, lang)
    actions = calls_to_action(publication, lang)
    addresses = links(publication, issue.date, loaded.path, service)
    view = {
        "issue": issue,
        **page(publication, lang),
        # The faces, line breaking and quote style of the language's script (scripts.py).
        "script": scripts.script(lang),
        "title": title,
        # The language the title is in: the issue's own, or that of the title_pattern it came from.
        "title_in": title_in,
        "date_in": date_in,
        "notice": chosen(publication.notice, publication, lang) if publication.notice else None,
        "footer": chosen(publication.footer, publication, lang) if publication.footer else None,
        # The publication's texts given only once (its address) are in its own language.
        "publication_lang": languages.Chosen("", publication.lang, lang),
        "actions": actions,
        # Each recommended read's language and direction, in the order of issue.recommended_reads.
        "reads_in": [languages.written_in(read.title, read.lang, lang) for read in issue.recommended_reads],
        "subject": subject(issue, title, title_in, publication, lang),
        "preheader": preheader(issue, typography, lang),
        "date_line": date_line,
        # A title that says the day already ("… for November 9th"): the masthead leaves its date line out,
        # so the top of the email says the date twice (title, "Published on"), not three times.
        "date_in_title": dates.mentions(title, issue.date, title_in.lang),
        "published_line": str(publication.labels.published).format(date=date_line),
        "read_time_line": labels.read_time_line(publication.labels, lang, minutes),
        "labels_in": labels_in(loaded.publication, publication.labels, lang, minutes),
        "read_minutes": minutes,
        "links": addresses,
        "action_rows": action_rows(
            [(action["heading"].text, action["text"].text if action["text"] else None) for action in actions]
        ),
        # The publication's site, linked from the masthead and the footer: two places to count apart.
        "masthead_url": publication.url,
        "footer_url": publication.url,
        "utm": None,  # the Tagger of the links, when they are tagged
    }
    settings = loaded.publication.utm
    if tag_links and settings is not None:
        never = (addresses.unsubscribe, addresses.web_version)
        view.update(tagged(view, utm.Tagger(settings, issue.date, loaded.publication.name, publication.lang, never)))
    return view


def tagged(view: dict[str, Any], tagger: utm.Tagger) -> dict[str, Any]:
    """What changes in ``view`` when its links carry UTM tags: each address the templates show, with
    its place (utm.py), and each Markdown text as a utm.TaggedText, whose links the markdown filter tags.
    The unsubscribe and web-version links (``links``) stay as they are."""
    issue: Issue = view["issue"]
    stories = [
        story.model_copy(
            update={
                "body": tagger.text(story.body, utm.story_body(number)),
                "url": tagger.tag(story.url, utm.story(number)) if story.url else None,
            }
        )
        for number, story in enumerate(issue.stories, 1)
    ]
    reads = [
        read.model_copy(update={"url": tagger.tag(read.url, utm.read(number))})
        for number, read in enumerate(issue.recommended_reads, 1)
    ]
    summary = tagger.text(issue.summary, utm.SUMMARY)
    notice, footer = view["notice"], view["footer"]
    return {
        "issue": issue.model_copy(update={"summary": summary, "stories": stories, "recommended_reads": reads}),
        "notice": dataclasses.replace(notice, text=tagger.text(notice.text, utm.NOTICE)) if notice else None,
        "footer": dataclasses.replace(footer, text=tagger.text(footer.text, utm.FOOTER)) if footer else None,
        "actions": [
            {**action, "url": tagger.tag(action["url"], utm.call_to_action(number))}
            for number, action in enumerate(view["actions"], 1)
        ],
        "masthead_url": tagger.tag(view["masthead_url"], utm.MASTHEAD),
        "footer_url": tagger.tag(view["footer_url"], utm.FOOTER),
        "utm": tagger,
    }


def page(publication: Publication, lang: str) -> dict[str, Any]:
    """What every page starts from, an email as much as the archive's index: the publication (as
    shown_publication gives it), its colours for light and dark mode, the language and its direction."""
    right_to_left = languages.is_right_to_left(lang)
    return {
        "publication": publication,
        "colours": publication.colours,
        "dark": colours.dark_palette(publication.colours),
        "lang": lang,
        "dir": "rtl" if right_to_left else "ltr",
        "start": "right" if right_to_left else "left",
        "end": "left" if right_to_left else "right",
    }


def shown_publication(publication: Publication, lang: str) -> Publication:
    """The publication as a page in ``lang`` shows it: every word of its labels in that language (the
    templates read publication.labels), and, with typography: true, its name in that language's quotes."""
    return publication.model_copy(
        update={
            "labels": labels.for_language(publication.labels, lang),
            "name": markdown.typeset(publication.name, typography_lang(publication, lang)),
        }
    )


def typography_lang(publication: Publication, lang: str) -> str | None:
    """The language whose quotes and dashes a text in ``lang`` is set in: ``lang`` itself with
    typography: true, which sets the plain texts as well as the Markdown ones (typeset.py); else None."""
    return lang if publication.typography else None


def chosen(texts: Texts, publication: Publication, lang: str, own: str | None = None) -> languages.Chosen:
    """The publication's text in the issue's language, or in its own (``own``: a call to action's
    lang:, else the publication's), marked so (languages.chosen)."""
    return languages.chosen(texts, lang, own or publication.lang)


def _chosen_or(texts: Texts | None, default: str, publication: Publication, lang: str) -> languages.Chosen:
    """A pattern the publication gives, else the language's own (dates.default_*)."""
    return chosen(texts, publication, lang) if texts else languages.Chosen(default, lang, lang)


def issue_title(issue: Issue, publication: Publication, lang: str) -> tuple[str, languages.Chosen]:
    """The title and the language it is in (``title_in``): the issue's own title, else the
    publication's title_pattern (or the language's) filled in with the date and the name, in the
    language the pattern is written in, so that its month names match its words."""
    title_pattern = _chosen_or(
        publication.title_pattern, dates.default_title_pattern(lang, str(publication.labels.colon)), publication, lang
    )
    # The publication's name isolated where it reads the other way (a Latin name in an Arabic title), so
    # that the day after it stays with its month: languages.isolate. The HTML turns isolates into spans.
    name = publication.name
    if issue.title:
        title = languages.isolate_within(issue.title, name, lang)
        return title, languages.Chosen(title, lang, lang)
    title = dates.fill(
        title_pattern.text, issue.date, languages.isolate(name, title_pattern.lang), title_pattern.lang, cldr=True
    )
    # The title_pattern's own words, set in its own language's quotes.
    return markdown.typeset(title, typography_lang(publication, title_pattern.lang)), title_pattern


def read_minutes(issue: Issue, title: str, publication: Publication, lang: str) -> int:
    """Minutes to read the title, the summary and the stories: words, and the characters of languages
    written without spaces, at their own rates (scripts.py)."""
    return scripts.read_minutes(
        [title, issue.summary, *(part for story in issue.stories for part in (story.headline, story.body))],
        lang,
        publication.words_per_minute,
        publication.characters_per_minute,
    )


def dated(day: Date, publication: Publication, lang: str) -> tuple[str, languages.Chosen]:
    """The date line ("Nov. 9, 2017") in the publication's date_format (or the language's), and the
    format it was filled from (``date_in``: its language is the line's)."""
    date_format = _chosen_or(publication.date_format, dates.default_date_format(lang), publication, lang)
    if date_format.foreign and not dates.has_words(date_format.text):
        # A format of placeholders or CLDR fields alone ("{month_ap} {day}, {year}") holds no word of its
        # language: an issue in another language gets its own language's date, not an English one.
        date_format = languages.Chosen(
            date_format.text if dates.is_cldr(date_format.text) else dates.default_date_format(lang), lang, lang
        )
    return dates.fill(date_format.text, day, lang=date_format.lang, cldr=True), date_format


def calls_to_action(publication: Publication, lang: str) -> list[dict[str, Any]]:
    """The publication's calls to action, each text in the issue's language or in the action's own, and
    set in the quotes of the language it is in (typography: true)."""

    def typeset_chosen(texts: Texts, own: str | None) -> languages.Chosen:
        text = chosen(texts, publication, lang, own)
        return dataclasses.replace(text, text=markdown.typeset(text.text, typography_lang(publication, text.lang)))

    return [
        {
            "heading": typeset_chosen(action.heading, action.lang),
            "text": typeset_chosen(action.text, action.lang) if action.text else None,
            "label": typeset_chosen(action.label, action.lang),
            "url": action.url,
        }
        for action in publication.calls_to_action
    ]


def labels_in(given: Publication, words: Labels, lang: str, minutes: int) -> dict[str, Any]:
    """The language of each label as shown (``words``, from labels.for_language), so that an English
    "Unsubscribe" in an Arabic issue gets its lang and dir (templates: attributes(labels_in.unsubscribe));
    read_time's is that of its plural category used. ``given`` is the publication as loaded."""
    tags = labels.languages_of(given.labels, lang, given.lang)
    tags["read_time"] = tags.get(labels.read_time_key(words, lang, minutes), lang)
    read_time_line = labels.read_time_line(words, lang, minutes)
    return {
        key: languages.label_in(read_time_line if key == "read_time" else str(getattr(words, key)), tag, lang)
        for key, tag in tags.items()
        if "." not in key
    }


def links(publication: Publication, day: Date, path: Path, service: str | None) -> esp.Links:
    """The unsubscribe and web-version links and the postal address, as ``service`` (else the
    publication's esp:) fills them in; without a web_version_url of its own, the email links to its
    page in the web archive."""
    web_version = publication.web_version_url
    return esp.links(
        service or publication.esp,
        publication.unsubscribe_url,
        dates.fill(web_version, day, publication.name) if web_version else issue_url(publication.url, day, path),
        publication.address,
    )


def subject(issue: Issue, title: str, title_in: languages.Chosen, publication: Publication, lang: str) -> str:
    """The subject: the issue's own, else its title. Inbox lines have no direction of their own:
    see languages.standalone."""
    if issue.subject:
        return languages.standalone(languages.isolate_within(issue.subject, publication.name, lang), lang)
    return languages.standalone(title, title_in.lang)


def preheader(issue: Issue, typography: str | None, lang: str) -> str:
    """The line inboxes show after the subject: the issue's preheader, else its summary's opening."""
    return languages.mark_line(issue.preheader or markdown.typeset(preview_text(issue.summary), typography), lang)


def preview_text(summary: str) -> str:
    """The inbox preview: the summary's opening, cut at a word before PREHEADER_LENGTH's longest."""
    longest = PREHEADER_LENGTH[1]
    text = markdown.to_inline_text(summary)
    if len(text) <= longest:
        return text
    end = longest - 1
    # Between two CJK characters near the end, as Chinese and Japanese have no spaces; else at a space.
    within = [place for place in range(end, end - 8, -1) if markdown.may_break_between(text[place - 1], text[place])]
    cut = text[: within[0]] if within else text[:end].rsplit(" ", 1)[0]
    return cut.rstrip(",;:、，；：") + "…"


def action_rows(actions: list[tuple[str, str | None]]) -> list[dict[str, int]]:
    """Each row of two calls to action (heading, text), with the height its texts get on a desktop: the tallest
    text's, estimated from its length with narrow characters (so no text ever needs more), so the
    buttons under them line up."""
    rows = []
    for number, start in enumerate(range(0, len(actions), 2), 1):
        heights = [
            math.ceil(len(heading) / _HEADING_CHARACTERS) * 21
            + 12
            + (math.ceil(len(text) / _TEXT_CHARACTERS) * 28 + 16 if text else 0)
            for heading, text in actions[start : start + 2]
        ]
        rows.append({"number": number, "height": max(heights)})
    return rows


# Characters a line of a call to action's heading (15 px bold) and text (17 px) hold in its 252 px
# column, counted low, as if every letter were wide.
_HEADING_CHARACTERS = 22
_TEXT_CHARACTERS = 26
