"""`typography: true` on the plain-text fields of an issue, in one place.

Markdown fields get their quotes, dashes and ellipses from the Markdown typographer as they are
rendered (markdown.py). The plain texts an editor writes (the title, the subject and preheader,
headlines, sources, captions, credits, alt texts, reads' titles and notes) are set here, once, when
the view is built (view.build_view), with the same quotation marks (markdown.typeset): every
template, composer's own or a publication's, the plain text and the web archive show them so.
"""

from __future__ import annotations

from .markdown import typeset
from .models import Image, Issue, Read, Story


def issue(issue: Issue, typography: str | None) -> Issue:
    """``issue`` with its plain texts typeset in the language ``typography`` (None: as written).
    Markdown fields (summary, bodies) stay as typed: the Markdown typographer sets them."""
    if not typography:
        return issue

    def text(value: str | None) -> str | None:
        return typeset(value, typography) if value is not None else None

    def image(picture: Image | None) -> Image | None:
        if picture is None:
            return None
        return picture.model_copy(
            update={
                "alt": typeset(picture.alt, typography),
                "caption": text(picture.caption),
                "credit": text(picture.credit),
            }
        )

    def story(each: Story) -> Story:
        return each.model_copy(
            update={
                "headline": typeset(each.headline, typography),
                "source": text(each.source),
                "image": image(each.image),
            }
        )

    def read(each: Read) -> Read:
        # A read in a language of its own (lang:) takes that language's quotes.
        own = each.lang or typography
        return each.model_copy(
            update={
                "title": typeset(each.title, own),
                "source": typeset(each.source, own) if each.source is not None else None,
                "note": typeset(each.note, own) if each.note is not None else None,
            }
        )

    return issue.model_copy(
        update={
            "title": text(issue.title),
            "subject": text(issue.subject),
            "preheader": text(issue.preheader),
            "stories": [story(each) for each in issue.stories],
            "recommended_reads": [read(each) for each in issue.recommended_reads],
        }
    )
