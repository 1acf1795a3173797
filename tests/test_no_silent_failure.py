"""Slips of an editor's day that used to pass without a word (issue 16, item 7): each ends in an
error or a warning at its line, or in the right file written."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import PUBLICATION, SAMPLE, MakeIssue, run


def story(headline: str, rest: str = "    body: A paragraph.\n") -> str:
    return f"date: 2020-02-03\nsummary: A short summary.\nstories:\n  - headline: {headline}\n{rest}"


# --- A '#' that cuts a text short --------------------------------------------------------------


def test_a_hash_glued_to_a_number_in_a_headline_is_an_error_at_the_hash(in_tmp: Path, make_issue: MakeIssue) -> None:
    make_issue(story("Suez Canal extends fee cuts for #1 carriers"))
    code, stdout, stderr = run("issues/issue.yaml", "-o", "out")
    assert (code, stdout) == (1, "")
    assert stderr == (
        "issues/issue.yaml:4:47: stories[1].headline: the text stops at 'Suez Canal extends fee cuts for', "
        "leaving out '#1 carriers': in YAML ' #' starts a comment. Put the whole text in quotes: "
        'headline: "Suez Canal extends fee cuts for #1 carriers"\n'
    )
    assert not (in_tmp / "out").exists()  # no email that says "…fee cuts for"


def test_the_advice_keeps_a_comment_of_its_own_out_of_the_quotes(in_tmp: Path, make_issue: MakeIssue) -> None:
    make_issue(story('The "Deep" Brief #7  # from the wires'))
    code, _, stderr = run("issues/issue.yaml", "-o", "out")
    assert code == 1
    assert stderr.endswith("Put the whole text in quotes: headline: 'The \"Deep\" Brief #7'\n")


def test_comments_written_as_comments_are_accepted(in_tmp: Path, make_issue: MakeIssue) -> None:
    rest = (
        "    body: A paragraph.  # plain text is fine\n"
        "    url: https://example.com/story  # the full story\n"
        "    source: Reuters # one space before a '# ' is a comment too\n"
    )
    make_issue(story("Markets rally", rest).replace("summary: A short summary.", "summary: Short.  #no-space"))
    code, _, stderr = run("issues/issue.yaml", "-o", "out")
    # Only the '#' glued to a word after two spaces is taken for cut text; the rest reads as typed.
    assert code == 1
    assert stderr == (
        "issues/issue.yaml:2:18: summary: the text stops at 'Short.', leaving out '#no-space': in YAML ' #' starts a "
        'comment. Put the whole text in quotes: summary: "Short.  #no-space"\n'
    )


def test_a_hash_alone_at_the_end_of_a_text_is_an_error_and_an_empty_comment_is_not(
    in_tmp: Path, make_issue: MakeIssue
) -> None:
    # `Press #` would be sent as "Press": the '#' is the text's own. After two spaces it is YAML's
    # empty comment, as style writes one, and the text is read as typed.
    make_issue(story("To vote, press #", "    body: A paragraph.  #\n"))
    code, _, stderr = run("issues/issue.yaml", "-o", "out")
    assert code == 1
    assert stderr == (
        "issues/issue.yaml:4:30: stories[1].headline: the text stops at 'To vote, press', leaving out '#': in YAML "
        "' #' starts a comment. Put the whole text in quotes: headline: \"To vote, press #\"\n"
    )


def test_the_sample_still_composes(in_tmp: Path) -> None:
    code, _, stderr = run(SAMPLE, "-o", "out")
    assert (code, stderr) == (0, "")


# --- A story missing its '- ' ------------------------------------------------------------------


def test_a_story_missing_its_dash_is_explained_as_a_missing_list_item(in_tmp: Path, make_issue: MakeIssue) -> None:
    rest = "    body: First.\n    headline: Second story\n    body: Second.\n  - headline: Third\n    body: Third.\n"
    rest += "    body: Third again.\n"
    make_issue(story("First story", rest))
    code, _, stderr = run("issues/issue.yaml", "-o", "out")
    assert code == 1
    assert stderr.splitlines() == [
        "issues/issue.yaml:6:5: stories[1].headline: 'headline' is given twice in this story (first on line 4): "
        "if it starts a new story, put '- ' before it",
        "issues/issue.yaml:7:5: stories[1].body: 'body' is given twice in this story (first on line 5): "
        "a '- ' before 'headline' on line 6 would start a new story holding it",
        # Another key than the story's first: maybe a slip of its own, where keeping one is right.
        "issues/issue.yaml:10:5: stories[2].body: 'body' is given twice in this story (first on line 9): "
        "if it starts a new story, put '- ' before it; if not, keep one of them",
    ]


def test_a_read_missing_its_dash_is_called_a_read(in_tmp: Path, make_issue: MakeIssue) -> None:
    reads = (
        "recommended_reads:\n  - title: One\n    url: https://example.com/1\n"
        "    title: Two\n    url: https://example.com/2\n"
    )
    make_issue(story("A headline") + reads)
    code, _, stderr = run("issues/issue.yaml", "-o", "out")
    assert code == 1
    assert stderr.splitlines()[0] == (
        "issues/issue.yaml:9:5: recommended_reads[1].title: 'title' is given twice in this read (first on line 7): "
        "if it starts a new read, put '- ' before it"
    )


def test_a_key_given_twice_outside_a_list_keeps_its_advice(in_tmp: Path, make_issue: MakeIssue) -> None:
    make_issue(story("A headline") + "summary: Again.\n")
    code, _, stderr = run("issues/issue.yaml", "-o", "out")
    assert (code, stderr) == (
        1,
        "issues/issue.yaml:6:1: summary: 'summary' is given twice (first on line 2); keep one of them\n",
    )


# --- An image without alt text -----------------------------------------------------------------


def test_a_missing_alt_says_what_alt_text_is_for(in_tmp: Path, make_issue: MakeIssue) -> None:
    make_issue(story("A headline", "    body: Text.\n    image:\n      src: https://example.com/river.jpg\n"))
    code, _, stderr = run("issues/issue.yaml", "-o", "out")
    assert (code, stderr) == (
        1,
        "issues/issue.yaml:7:7: stories[1].image.alt: missing: describe what the picture shows, for readers who "
        "cannot see it (screen readers, and mail apps that block images)\n",
    )


def test_an_empty_logo_alt_says_it_too(in_tmp: Path, make_issue: MakeIssue) -> None:
    logo = 'logo:\n  src: https://example.com/logo.png\n  alt: ""\n'
    make_issue(story("A headline"), PUBLICATION + logo)
    code, _, stderr = run("issues/issue.yaml", "-o", "out")
    assert (code, stderr) == (
        1,
        "issues/publication.yaml:15:8: logo.alt: must not be empty: describe what the picture shows, for readers "
        "who cannot see it (screen readers, and mail apps that block images)\n",
    )


# --- compose new inside the issues folder ------------------------------------------------------


def test_new_inside_the_issues_folder_of_compose_init_writes_there(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("init", "--name", "The Brief", "--url", "https://example.org/")[0] == 0
    monkeypatch.chdir(in_tmp / "issues")  # still empty: its name and the publication.yaml above it say what it is
    code, stdout, stderr = run("new", "2024-05-01")
    assert (code, stderr) == (0, "")
    assert stdout == "2024-05-01.yaml: write your text in place of every <TODO …>, then: compose 2024-05-01.yaml\n"
    assert (in_tmp / "issues" / "2024-05-01.yaml").is_file()
    assert not (in_tmp / "issues" / "issues").exists()


def test_new_inside_a_folder_holding_issues_writes_beside_them(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    briefs = in_tmp / "briefs"  # the sample's layout under another name: publication.yaml among the issues
    briefs.mkdir()
    (briefs / "publication.yaml").write_text(PUBLICATION, encoding="utf-8")
    (briefs / "2024-04-30.yaml").write_text(story("Yesterday"), encoding="utf-8")
    monkeypatch.chdir(briefs)
    assert run("new", "2024-05-01")[0] == 0
    assert sorted(path.name for path in briefs.iterdir() if path.suffix == ".yaml") == [
        "2024-04-30.yaml",
        "2024-05-01.yaml",
        "publication.yaml",
    ]


def test_new_beside_publication_yaml_still_writes_into_issues(in_tmp: Path) -> None:
    assert run("init", "--name", "The Brief", "--url", "https://example.org/")[0] == 0
    code, stdout, _ = run("new", "2024-05-01")
    assert code == 0 and stdout.startswith("issues/2024-05-01.yaml: ")


# --- The archive and tomorrow's issue ----------------------------------------------------------


@pytest.fixture
def three_days(in_tmp: Path, make_issue: MakeIssue) -> Path:
    """issues/ of a past issue and two far in the future (this test's today is never past them)."""
    for day in ("2020-02-03", "2999-01-01", "2999-01-02"):
        issue = story(f"News of {day}").replace("2020-02-03", day).replace("A short summary.", f"Summary of {day}.")
        make_issue(issue, name=f"{day}.yaml")
    return in_tmp / "issues"


def test_the_archive_holds_back_issues_dated_after_today_and_says_so(three_days: Path, in_tmp: Path) -> None:
    code, stdout, stderr = run("archive", "issues", "-o", "site")
    assert code == 0
    assert stderr == (
        "2 issues dated after today were left out: issues/2999-01-01.yaml, issues/2999-01-02.yaml; "
        "--include-future publishes them\n"
    )
    assert stdout == "site/index.html: 1 issue; feed site/feed.xml\n"
    assert sorted(str(path.relative_to(in_tmp / "site")) for path in (in_tmp / "site").glob("*/*/*/index.html")) == [
        "2020/02/03/index.html"
    ]
    for page in ("index.html", "feed.xml"):
        assert "Summary of 2999" not in (in_tmp / "site" / page).read_text(encoding="utf-8")
    # The day they were written for, they are published: --include-future does it now.
    code, stdout, stderr = run("archive", "issues", "-o", "site", "--include-future")
    assert (code, stdout, stderr) == (0, "site/index.html: 3 issues; feed site/feed.xml\n", "")
    assert "Summary of 2999-01-02" in (in_tmp / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "News of 2999-01-02" in (in_tmp / "site" / "2999" / "01" / "02" / "index.html").read_text(encoding="utf-8")


def test_an_issue_of_today_is_published_and_one_of_tomorrow_is_not(three_days: Path, in_tmp: Path) -> None:
    from datetime import date

    from composer.commands.archive import archive

    result = archive([three_days], in_tmp / "site", today=date(2999, 1, 1))
    assert [path.parent.name for path in result.pages] == ["01", "03"]  # 2999/01/01 and 2020/02/03
    assert result.future == [three_days / "2999-01-02.yaml"]
    assert result.ok


def test_the_archive_and_the_email_go_beside_publication_yaml_wherever_compose_runs(
    three_days: Path, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "elsewhere").mkdir()
    monkeypatch.chdir(in_tmp / "elsewhere")
    assert run(three_days / "2020-02-03.yaml")[0] == 0
    assert run("archive", three_days)[0] == 0
    assert (three_days / "build" / "2020-02-03.html").is_file()
    assert (three_days / "site" / "2020" / "02" / "03" / "index.html").is_file()
    assert list((in_tmp / "elsewhere").iterdir()) == []


# --- A bare web address in a text -------------------------------------------------------------


def test_a_bare_www_address_in_a_story_is_a_warning_at_its_line_and_column(in_tmp: Path, make_issue: MakeIssue) -> None:
    body = (
        "    body: |\n"
        "      The minutes are at www.example.org. The report,\n"
        "      at example.org/report, [www.linked.org](https://www.linked.org) and `www.code.org`,\n"
        "      mail desk@www.example.net.\n"
    )
    make_issue(story("A headline", body))
    code, stdout, _ = run("check", "issues/issue.yaml")
    bare = [line for line in stdout.splitlines() if "link-bare-address" in line]
    assert bare == [
        "issues/issue.yaml:6:26: warning: link-bare-address: stories[1].body: www.example.org is not a link (some "
        "mail apps link it, others do not): write it as <https://www.example.org>, or link words to it: "
        "[the full story](https://www.example.org)",
        "issues/issue.yaml:7:10: warning: link-bare-address: stories[1].body: example.org/report is not a link "
        "(some mail apps link it, others do not): write it as <https://example.org/report>, or link words to it: "
        "[the full story](https://example.org/report)",
    ]
    assert code == 1  # the publication has no unsubscribe link: an error of its own


def test_a_bare_address_in_the_publication_s_notice_is_found_there(in_tmp: Path, make_issue: MakeIssue) -> None:
    make_issue(story("A headline"), PUBLICATION + "notice: Tell us at https://example.com/tips today.\n")
    _, stdout, _ = run("check", "issues/issue.yaml")
    assert [line.split(": ")[0] for line in stdout.splitlines() if "link-bare-address" in line] == [
        "issues/publication.yaml:13:20"
    ]


def test_addresses_written_as_links_are_not_bare(in_tmp: Path, make_issue: MakeIssue) -> None:
    body = "    body: See <https://www.example.org>, [the report](https://example.org/report) or Node.js/React.\n"
    make_issue(story("A headline", body))
    _, stdout, _ = run("check", "issues/issue.yaml")
    assert "link-bare-address" not in stdout
