"""Hostile issues whose text composer once changed or dropped without a word (issue 17): each now
ends in correct output, a located error or a warning. Run as an editor runs compose, a real process."""

from __future__ import annotations

from pathlib import Path

from .test_hostile_content import HEAD, compose, folder, refused  # noqa: F401 (folder: the fixture)


# --- typography does what the README says, and nothing more -----------------------------------------


def test_typography_leaves_c_tm_and_plus_minus_as_typed(folder: Path) -> None:
    publication = folder / "issues" / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "typography: true\n", encoding="utf-8")
    typed = 'Under paragraphs (a), (b) and (c) -- "fees" (tm) of 3 +- 1 %...'
    text = HEAD.replace("A headline", "Rules (a) to (c)") + f"'{typed}'\n"
    (folder / "issues" / "rules.yaml").write_text(text, encoding="utf-8")
    result = compose(folder, "rules")
    assert result.returncode == 0, result.stderr
    wanted = "Under paragraphs (a), (b) and (c) – “fees” (tm) of 3 +- 1 %…"
    plain = (folder / "out" / "rules.txt").read_text(encoding="utf-8")
    html = (folder / "out" / "rules.html").read_text(encoding="utf-8")
    assert wanted in plain and wanted in html and "Rules (a) to (c)" in plain
    assert not {"©", "™", "±"} & set(plain + html)
