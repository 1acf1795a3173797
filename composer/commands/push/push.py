"""A push, gate and all: the issue composed for the service, checked, and made a draft there.

Nothing reaches the service when the issue does not validate or `compose check` finds an error,
nor when a setting or a key is missing: all of that is known before the first request. A dry run
sends nothing, and needs no key: a missing one is shown as its $VARIABLE. The draft
is made once, then updated: its id is remembered in drafts.json beside the issue, written only
once the service confirmed it. A draft deleted, sent or scheduled in the service is reported, and
a new one is made only with ``new`` (--new). Nothing is ever sent to the list nor scheduled.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ...core.esp import SERVICES as MERGE_TAGS
from ...core.folders import shown_path
from ...core.pipeline import Composed, compose
from ...core.places import Places
from ...core.render import DEFAULT_OPTIONS, RenderOptions
from ...errors import DraftGone, NotPushed, Problem, PushSettingsProblem
from ..check import Finding, gate, push_setting_missing
from ..send.send import recipients
from .drafts import Draft, remember, remembered
from .http import Api
from .services import NO_DRAFTS, SERVICES, Connection, Email, Service


@dataclass(frozen=True)
class Pushed:
    """What a push did."""

    service: str  # as editors know it
    draft: Draft
    made: bool  # a new draft (else the remembered one, updated)
    tested: tuple[str, ...]  # the addresses the service was asked to send a test to
    remembered_in: Path | None  # drafts.json, when it was written
    dry_run: bool
    replaced: Draft | None  # with --new, the draft remembered before, left as it is in the service
    unset: tuple[str, ...]  # a dry run's key variables that are not set (a real push needs them)

    def unset_note(self) -> str:
        """What a dry run says of the key variables it found unset."""
        one = len(self.unset) == 1
        return (
            f"{' and '.join(self.unset)} {'is' if one else 'are'} not set (shown as ${' and $'.join(self.unset)} "
            f"above): set {'it' if one else 'them'} in the environment before pushing for real"
        )


@dataclass
class PreparedPush:
    """A push ready to go: check's warnings, settings and keys are known before any request."""

    path: Path
    service: Service
    email: Email
    connection: Connection
    warnings: list[Finding]
    previous: Draft | None  # the draft to update; None: make one
    replaced: Draft | None  # with --new, the draft remembered until now
    test_to: tuple[str, ...]
    dry_run: bool
    environ_set: frozenset[str]  # the service's key variables that are set
    _written: list[Path] = field(default_factory=list)

    def push(
        self,
        show: Callable[[str], None],
        log: Callable[[str], None] | None = None,
        notice: Callable[[str], None] | None = None,
    ) -> Pushed:
        """Make or update the draft (and ask for the test send). ``show`` gets the requests of a dry
        run, ``log`` a line per request and answer, ``notice`` a line before a long wait. Raises
        PushFailed (DraftGone)."""
        service = self.service
        api = Api(
            service.name,
            self.connection.address,
            service.address_variable,
            self.connection.headers,
            service.key_variable,
            self.connection.secrets,
            dry_run=self.dry_run,
            shown_headers=self.connection.shown_headers,
            key_source=service.key_source,
            notice=notice,
            show=show,
            log=log,
        )
        try:
            if self.previous is not None:
                try:
                    draft = service.update(api, self.previous, self.email)
                except DraftGone as error:
                    raise DraftGone(
                        [
                            Problem.whole_file(shown_path(self.path), problem.message + _AGAIN.format(path=self.path))
                            for problem in error.problems
                        ]
                    ) from None
                if draft != self.previous:
                    self._remember(draft)
            else:
                draft = service.create(api, self.email, self._remember)
                self._remember(draft)
            if self.test_to:
                service.send_test(api, draft, self.test_to)
        finally:
            api.close()
        written = self._written[-1] if self._written else None
        made = self.previous is None
        unset = tuple(variable for variable in service.key_variables if variable not in self.environ_set)
        return Pushed(service.name, draft, made, self.test_to, written, self.dry_run, self.replaced, unset)

    def _remember(self, draft: Draft) -> None:
        if not self.dry_run and remembered(self.path, self.service.key) != draft:
            self._written.append(remember(self.path, self.service.key, draft))


_AGAIN = "; compose push --new {path} makes a new draft (and remembers it in place of this one)"


def prepare_push(
    path: Path,
    options: RenderOptions = DEFAULT_OPTIONS,
    test_to: Iterable[str] = (),
    environ: Mapping[str, str] = os.environ,
    *,
    dry_run: bool = False,
    new: bool = False,
) -> PreparedPush:
    """Everything a push of the issue at ``path`` to ``options.service`` (default: publication.yaml's esp)
    needs, checked; no request is made yet. Raises ComposerError: InvalidInput, NotPushed (check's
    errors), PushSettingsProblem (no service, one without drafts, a setting or a key missing),
    BadAddress (--test-to)."""
    if options.service in NO_DRAFTS:  # said before composing: nothing else would change it
        raise PushSettingsProblem(NO_DRAFTS[options.service])
    given = tuple(test_to)
    addresses = recipients(given) if given else ()
    composed = compose(path, options)
    key = composed.links.service
    chosen = _service(composed, key)
    if addresses and not chosen.sends_tests:
        raise PushSettingsProblem(
            f"{chosen.name} has no test send of a draft: push without --test-to, and send yourself a test with "
            f"compose send --to ADDRESS {path}"
        )
    shown = gate(composed, f"nothing pushed to {chosen.name}", NotPushed)
    publication = composed.loaded.publication
    _settings_present(composed, chosen)
    if chosen.needs_sender and publication.sender is None:
        raise PushSettingsProblem(
            f"{shown_path(composed.loaded.publication_path)}: {chosen.name} needs the sender of the draft: add sender: "
            "with name: and email: (the address your list sends from)"
        )
    connection = chosen.connection(environ, publication, dry_run=dry_run)
    set_keys = frozenset(variable for variable in chosen.key_variables if environ.get(variable, "").strip())
    before = remembered(path, chosen.key)
    email = Email(
        subject=composed.subject,
        preheader=composed.preheader,
        html=composed.html,
        text=composed.text,
        title=composed.title,
        sender_name=composed.sender,
        sender_email=publication.sender.email if publication.sender else None,
        publication=publication,
    )
    warnings = [finding for finding in shown if finding.rule != "push-setting-missing"]
    previous, replaced = (None, before) if new else (before, None)
    return PreparedPush(path, chosen, email, connection, warnings, previous, replaced, addresses, dry_run, set_keys)


def _service(composed: Composed, key: str | None) -> Service:
    if key is None:
        choices = ", ".join(SERVICES)
        raise PushSettingsProblem(
            f"{shown_path(composed.loaded.publication_path)}: no mailing service to push to: add esp: to it "
            f"({choices}), or name one with --esp"
        )
    if key in NO_DRAFTS:
        raise PushSettingsProblem(NO_DRAFTS[key])
    if key not in SERVICES:
        name = MERGE_TAGS[key].name if key in MERGE_TAGS else key
        raise PushSettingsProblem(
            f"compose push cannot make drafts in {name} yet (it can in {', '.join(SERVICES)}): "
            f"compose --esp {key} --copy {composed.source} puts the HTML on the clipboard"
        )
    return SERVICES[key]()


def _settings_present(composed: Composed, service: Service) -> None:
    """The service's block in publication.yaml, when it needs one: said at esp:'s line when missing."""
    publication = composed.loaded.publication
    message = push_setting_missing(publication.model_copy(update={"esp": service.key}))
    if message is None:
        return
    places = Places(composed.loaded, shown_path(composed.source))
    document = places.publication
    line, column = document.values.get(("esp",), (0, 0)) if document else (0, 0)
    if publication.esp != service.key:  # --esp named it: esp: may say another service, or nothing
        message = message.replace(f"esp: {service.key}, but ", f"--esp {service.key}, but ")
        line = column = 0
    raise PushSettingsProblem([Problem(shown_path(composed.loaded.publication_path), line, column, "", message)])
