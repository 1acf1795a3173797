"""What every mailing service of `compose push` is: the Service base class, and the Email it puts in a draft."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeGuard

from ....core.models import Publication
from ....errors import DraftGone, PushFailed, PushSettingsProblem
from ..drafts import MAX_ID_CHARS, Draft
from ..http import Api, Secret


@dataclass(frozen=True)
class Email:
    """What goes into the draft: the issue as `compose ISSUE --esp NAME` writes it, and its sender."""

    subject: str
    preheader: str  # the preview text inboxes show after the subject
    html: str  # with the service's merge tags
    text: str  # the plain-text part
    title: str  # the title: the draft's name in the service's list of campaigns
    sender_name: str  # publication.yaml's sender, else its name
    sender_email: str | None  # publication.yaml's sender, if any
    publication: Publication  # for the service's own settings block


@dataclass(frozen=True)
class Connection:
    """How to reach a service's API: its address, and the headers that authenticate (never shown)."""

    address: str
    headers: dict[str, str]
    shown_headers: dict[str, str]  # as --dry-run prints them: each key as its $VARIABLE
    secrets: list[str]  # hidden from every message: the keys read, and the headers made of them

    @classmethod
    def of(
        cls, address: str, headers: dict[str, str], shown_headers: dict[str, str], keys: Sequence[Secret]
    ) -> Connection:
        """The connection, its secrets the ``keys`` read (not a dry run's placeholders) and, when every
        key was read, the credentials of the Authorization header made of them (not its "Basic")."""
        secrets = [key.value for key in keys if not key.missing]
        if len(secrets) == len(keys) and "Authorization" in headers:
            secrets.append(headers["Authorization"].split()[-1])
        return cls(address, headers, shown_headers, secrets)


class Service(ABC):
    """One mailing service's drafts, through its HTTP API."""

    key: ClassVar[str]  # as esp: and --esp name it: "mailchimp"
    name: ClassVar[str]  # as editors know it: "Mailchimp"
    key_variable: ClassVar[str]  # the environment variable of its key, named when the key is refused
    key_source: ClassVar[str]  # what to set it to: "an API key from Buttondown's settings (API)"
    key_variables: ClassVar[tuple[str, ...]]  # every variable of a key it needs (--dry-run notes the unset)
    address_variable: ClassVar[str]  # the environment variable that replaces its API's address
    sends_tests: ClassVar[bool] = True  # the API sends a test of a draft (--test-to)
    needs_sender: ClassVar[bool] = False  # the draft needs publication.yaml's sender
    draft_word: ClassVar[str] = "draft"  # what the service calls a draft: "campaign", "Single Send"

    @abstractmethod
    def connection(self, environ: Mapping[str, str], publication: Publication, *, dry_run: bool = False) -> Connection:
        """Read the keys (http.read_secret) and the address (http.service_address) from ``environ``;
        PushSettingsProblem for a missing one, before any request (a dry run takes a placeholder)."""

    @abstractmethod
    def create(self, api: Api, email: Email, confirmed: Callable[[Draft], None]) -> Draft:
        """Make a new draft of ``email``. Call ``confirmed`` as soon as the service has answered with
        the draft's id, before any further request (so that a failure after it leaves it remembered)."""

    @abstractmethod
    def update(self, api: Api, draft: Draft, email: Email) -> Draft:
        """Put ``email`` into ``draft``, made before. Raises DraftGone when it was deleted, or when it
        was sent or scheduled (it is then no draft to change)."""

    def send_test(self, api: Api, draft: Draft, addresses: tuple[str, ...]) -> None:
        """Ask the service to send its own test of ``draft`` to ``addresses``."""
        raise PushSettingsProblem(f"{self.name} has no test send of a draft")  # sends_tests = False

    def deleted(self, draft: Draft) -> str:
        """The message of a remembered draft that the service no longer has."""
        return f"the {self.draft_word} of this issue in {self.name}, {draft.web_address}, was deleted there"

    def still_a_draft(self, draft: Draft, status: object, draft_status: str = "draft") -> None:
        """Raise DraftGone unless the remembered ``draft``'s ``status`` in the service is ``draft_status``:
        one sent, scheduled or being sent is not changed."""
        if status != draft_status:
            raise DraftGone(
                f"the {self.draft_word} of this issue in {self.name}, {draft.web_address}, is no longer a draft "
                f"(status: {status})"
            )

    def made_as_draft(self, draft: Draft, status: object, draft_status: str = "draft") -> None:
        """Raise PushFailed unless the ``draft`` just made has ``status`` ``draft_status`` (never seen: said
        all the same, in case the service ignored what composer asked)."""
        if status != draft_status:
            raise PushFailed(
                f"{self.name} made the {self.draft_word} {draft.web_address} with status {status!r}, not as a "
                f"draft: open it in {self.name} now and check that it is not scheduled"
            )


def in_publication(field: str, settings: Mapping[str, str]) -> str:
    """A field a service refused, with the setting of publication.yaml it comes from, when one does."""
    return f"{field} (publication.yaml's {settings[field]})" if field in settings else field


def is_id(value: object) -> TypeGuard[str]:
    """Whether a service's answer holds an id composer can put in a request's path and in drafts.json."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_ID_CHARS
        and value.isprintable()
        and not any(character in value for character in "/?#%\\")
        and value not in (".", "..")
    )
