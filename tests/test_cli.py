"""The `compose` command as an editor uses it, through click's runner and as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from composer.cli import main

from .conftest import ISSUE, PUBLICATION, ROOT, SAMPLE, MakeIssue, MakeTemplates, run


def test_compose_writes_html_and_text_named_after_the_issue(tmp_path: Path) -> None:
    code, out, err = run(SAMPLE, "-o", tmp_path / "out")
    assert code == 0, err
    written = sorted(path.name for path in (tmp_path / "out").iterdir() if not path.name.startswith("."))
    assert written == ["2017-11-09.html", "2017-11-09.txt"]
    assert out.startswith(f"{tmp_path / 'out' / '2017-11-09.html'} (")
    assert "KB)" in out and out.rstrip().endswith("read time 3 min")
    assert err == ""


def test_default_output_folder_is_build_beside_publication_yaml(
    make_issue: MakeIssue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_issue(name="2020-02-03.yaml")  # tmp_path/issues/, with its publication.yaml
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, out, err = run(path)
    assert code == 0, err
    assert out.startswith(f"{tmp_path / 'issues' / 'build' / '2020-02-03.html'} (")
    assert (tmp_path / "issues" / "build" / "2020-02-03.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert list((tmp_path / "elsewhere").iterdir()) == []  # nothing where the command ran
    monkeypatch.chdir(tmp_path)  # inside the publication's folder, the path shows as typed
    assert run("issues/2020-02-03.yaml", "--force")[1].startswith("issues/build/2020-02-03.html (")


def test_mjml_flag_writes_the_intermediate_file(tmp_path: Path) -> None:
    code, out, _ = run(SAMPLE, "--mjml", "-o", tmp_path)
    assert code == 0
    assert (tmp_path / "2017-11-09.mjml").read_text(encoding="utf-8").lstrip().startswith("<mjml")
    assert "2017-11-09.mjml" in out


def test_several_files_and_publication_yaml_is_skipped(make_issue: MakeIssue, tmp_path: Path) -> None:
    first = make_issue(name="2020-02-03.yaml")
    make_issue(ISSUE.replace("2020-02-03", "2020-02-04"), name="2020-02-04.yaml")
    out_dir = tmp_path / "out"
    code, out, err = run(*sorted(first.parent.glob("*.yaml")), "-o", out_dir)
    assert code == 0, err
    assert sorted(path.name for path in out_dir.iterdir()) == [
        "2020-02-03.html",
        "2020-02-03.txt",
        "2020-02-04.html",
        "2020-02-04.txt",
    ]
    assert len(out.splitlines()) == 3 and out.endswith("\n2 built\n")
    # A folder stands for the issues in it.
    code, out, _ = run(first.parent, "-o", tmp_path / "again")
    assert code == 0 and out.endswith("\n2 built\n")


def test_one_bad_issue_among_good_ones_exits_1_and_the_good_are_written(
    make_issue: MakeIssue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the current folder, as typed
    good = make_issue(name="good.yaml")
    bad = make_issue("date: 2020-02-03\nsummary: x\nstories: []\n", name="bad.yaml")
    code, _, err = run(good, bad, "-o", tmp_path / "out")
    assert code == 1
    assert err.strip() == "issues/bad.yaml:3:10: stories: needs at least one item"
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["good.html", "good.txt"]


def test_gmail_clipping_warning(make_issue: MakeIssue, tmp_path: Path) -> None:
    paragraph = "A sentence that fills the email with words, again and again. " * 40
    body = "\n".join(f"      {paragraph}\n" for _ in range(60))
    issue = make_issue(f"date: 2020-02-03\nsummary: Long.\nstories:\n  - headline: Long\n    body: |\n{body}")
    code, _, err = run(issue, "-o", tmp_path / "out")
    assert code == 0
    assert "warning:" in err and "Gmail clips emails over 102 KB" in err
    assert (tmp_path / "out" / "issue.html").stat().st_size > 102 * 1024


def test_help_for_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "compose issues/2017-11-09.yaml" in out
    for name, command in main.commands.items():
        code, out, _ = run(name, "--help")
        assert code == 0 and "Usage:" in out
        assert command.help, f"`compose {name}` has no help text"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "nope.yaml", "-o", tmp_path)
    assert code == 1
    assert err.strip() == f"{tmp_path / 'nope.yaml'}: no such file"  # outside the current folder: in full


def test_python_dash_m_composer_works_the_same(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "composer", str(SAMPLE), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "2017-11-09.txt").exists()
    helped = subprocess.run([sys.executable, "-m", "composer", "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0 and "Usage: compose" in helped.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, a file that is always full")
def test_a_full_standard_output_is_said_plainly_and_the_files_are_written(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "composer", str(SAMPLE), "-o", str(tmp_path), "--force"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "<standard output>: cannot write: No space left on device; make room, or send the output elsewhere"
    ]
    assert (tmp_path / "2017-11-09.html").is_file() and (tmp_path / "2017-11-09.txt").is_file()


def test_a_reader_that_stops_early_ends_compose_without_a_word(make_issue: MakeIssue, tmp_path: Path) -> None:
    # `compose issues/ | head -1`: head reads one line and goes; what it wanted was read.
    issues = [make_issue(name=f"issue-{number:02d}.yaml") for number in range(1, 13)]
    command = [sys.executable, "-m", "composer", *map(str, issues), "-o", str(tmp_path / "out")]
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first line
    with os.fdopen(writer, "w") as stdout:
        result = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr == ""  # no "internal error", no "Exception ignored" from the last flush


def test_templates_beside_the_issues_take_precedence(
    make_issue: MakeIssue, make_templates: MakeTemplates, tmp_path: Path
) -> None:
    issue = make_issue()
    make_templates({"email.txt.j2": "Custom text for {{ title }}\n"})
    code, _, err = run(issue, "-o", tmp_path / "out")
    assert code == 0, err
    text = (tmp_path / "out" / "issue.txt").read_text(encoding="utf-8")
    assert text == "Custom text for Briefing for February\u00a03rd\n"
    # The HTML template was not overridden, so composer's own is used.
    assert "Briefing for February\u00a03rd" in (tmp_path / "out" / "issue.html").read_text(encoding="utf-8")


def test_a_pip_installed_compose_finds_its_own_templates(make_issue: MakeIssue, tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    build = [sys.executable, "-m", "hatchling", "build", "--target", "wheel", "--directory", str(wheels)]
    subprocess.run(build, cwd=ROOT, check=True, capture_output=True)
    wheel = next(wheels.glob("briefing_composer-*.whl"))
    # A pure-Python wheel is installed by unpacking it, as pip --target would.
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    issue = make_issue()
    env = {**os.environ, "PYTHONPATH": str(target)}
    script = "import composer, sys; print(composer.__file__); from composer.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", script, str(issue), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(target)), "the installed copy, not the repository's, must run"
    assert (tmp_path / "out" / "issue.html").read_text(encoding="utf-8").startswith("<!doctype html>")


def test_mjml_that_fails_to_compile_is_written_for_inspection(
    make_issue: MakeIssue, make_templates: MakeTemplates, tmp_path: Path
) -> None:
    issue = make_issue()
    make_templates({"email.mjml.j2": "<mjml>\n<mj-nonsense />\n</mjml>\n"})
    code, _, err = run(issue, "--mjml", "-o", tmp_path / "out")
    assert code == 1
    assert "invalid MJML" in err and "(line 2, column" in err
    assert (tmp_path / "out" / "issue.mjml").read_text(encoding="utf-8") == "<mjml>\n<mj-nonsense />\n</mjml>\n"
    assert not (tmp_path / "out" / "issue.html").exists()


def test_the_search_for_publication_yaml_stops_at_the_top_of_the_repository(
    make_issue: MakeIssue, tmp_path: Path
) -> None:
    # tmp_path is fenced with a .git folder (conftest); a publication.yaml above it is not used.
    outside = tmp_path.parent / "publication.yaml"
    outside.write_text("name: Stray\nurl: https://stray.example.com\n", encoding="utf-8")
    try:
        issue = make_issue(publication=None)
        code, _, err = run(issue, "-o", tmp_path / "out")
    finally:
        outside.unlink()
    assert code == 1
    assert "no publication.yaml in this folder or the folders above it" in err


def test_check_passes_the_sample_and_says_so() -> None:
    code, out, err = run("check", SAMPLE)  # but for its example postal address, to be replaced
    assert (code, err) == (0, "no errors, 1 warning\n")
    assert out.startswith('issues/publication.yaml:69:10: warning: postal-address-example: the postal address "Syria ')
    code, out, err = run("check", "--esp", "mailchimp", SAMPLE)  # Mailchimp fills in its own address
    assert (code, out, err) == (0, "", "no errors, no warnings\n")


def test_check_prints_one_line_per_finding_and_exits_1_on_an_error(make_issue: MakeIssue) -> None:
    issue = make_issue(ISSUE.replace("https://example.com/summary", "http://example.com/summary"))
    code, out, err = run("check", issue)
    assert code == 1
    lines = out.splitlines()
    assert f"{issue}:2:40: warning: link-not-https: " in out
    assert lines[0].startswith(f"{issue.parent / 'publication.yaml'}:1:1: error: unsubscribe-missing: ")  # errors first
    warnings = len(lines) - 1
    assert err == f"1 error, {warnings} warning{'' if warnings == 1 else 's'}\n"


def test_check_strict_fails_on_warnings_and_json_is_for_scripts(make_issue: MakeIssue) -> None:
    issue = make_issue(
        ISSUE.replace("https://example.com/summary", "http://example.com/summary"),
        PUBLICATION + "unsubscribe_url: https://news.example.com/unsubscribe\n",
    )
    assert run("check", issue)[0] == 0  # warnings only
    assert run("check", "--strict", issue)[0] == 1
    code, out, _ = run("check", "--format", "json", issue)
    findings = json.loads(out)
    assert code == 0 and {"path", "file", "line", "column", "level", "rule", "message"} == set(findings[0])
    assert {finding["rule"] for finding in findings} >= {"link-not-https"}


def test_check_reports_an_invalid_issue_in_the_same_format(make_issue: MakeIssue) -> None:
    issue = make_issue("date: 2020-02-03\nsummary: x\nstories: []\n")
    code, out, _ = run("check", issue)
    assert code == 1
    assert out == f"{issue}:3:10: error: invalid: stories: needs at least one item\n"


def test_every_command_and_option_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        if name != "build":  # `compose FILE` is the build command
            assert f"compose {name}" in readme, f"README.md does not show `compose {name}`"
        for option in command.params:
            flags = [flag for flag in option.opts if flag.startswith("-")]
            if flags and "--debug" not in flags:
                assert any(flag in readme for flag in flags), f"README.md does not mention {flags[0]} (compose {name})"


def test_unchanged_issues_are_skipped_until_something_they_use_changes(make_issue: MakeIssue, tmp_path: Path) -> None:
    first = make_issue(name="2020-02-03.yaml")
    make_issue(ISSUE.replace("2020-02-03", "2020-02-04"), name="2020-02-04.yaml")
    out_dir = tmp_path / "out"
    assert run(first.parent, "-o", out_dir)[1].endswith("\n2 built\n")
    built = (out_dir / "2020-02-03.html").stat().st_mtime_ns
    code, out, _ = run(first.parent, "-o", out_dir)
    assert code == 0
    assert out.splitlines() == [
        f"{first}: unchanged since its last build, skipped (--force rebuilds it)",
        f"{first.parent / '2020-02-04.yaml'}: unchanged since its last build, skipped (--force rebuilds it)",
        "0 built, 2 unchanged (skipped; --force rebuilds them)",
    ]
    assert (out_dir / "2020-02-03.html").stat().st_mtime_ns == built
    # The issue itself, then publication.yaml (shared by both) change.
    first.write_text(first.read_text(encoding="utf-8").replace("First headline", "New headline"), encoding="utf-8")
    assert run(first.parent, "-o", out_dir)[1].endswith("\n1 built, 1 unchanged (skipped; --force rebuilds it)\n")
    assert "New headline" in (out_dir / "2020-02-03.html").read_text(encoding="utf-8")
    publication = first.parent / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8").replace("The Daily Test", "The Daily"), "utf-8")
    assert run(first.parent, "-o", out_dir)[1].endswith("\n2 built\n")
    # A deleted output is rebuilt; --force rebuilds everything.
    (out_dir / "2020-02-04.txt").unlink()
    assert run(first.parent, "-o", out_dir)[1].endswith("\n1 built, 1 unchanged (skipped; --force rebuilds it)\n")
    assert run(first.parent, "-o", out_dir, "--force")[1].endswith("\n2 built\n")


def test_a_template_change_rebuilds_every_issue(
    make_issue: MakeIssue, make_templates: MakeTemplates, tmp_path: Path
) -> None:
    first = make_issue(name="a.yaml")
    make_issue(name="b.yaml")
    templates = make_templates({"email.txt.j2": "One {{ title }}\n"})
    assert run(first.parent, "-o", tmp_path / "out")[1].endswith("\n2 built\n")
    (templates / "email.txt.j2").write_text("Two {{ title }}\n", encoding="utf-8")
    assert run(first.parent, "-o", tmp_path / "out")[1].endswith("\n2 built\n")
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8").startswith("Two ")


def test_a_batch_in_parallel_builds_the_good_issues_and_lists_the_bad(make_issue: MakeIssue, tmp_path: Path) -> None:
    for day in range(1, 9):
        make_issue(ISSUE.replace("2020-02-03", f"2020-02-{day:02}"), name=f"2020-02-{day:02}.yaml")
    bad = make_issue("date: 2020-02-09\nsummary: x\nstories: []\n", name="2020-02-09.yaml")
    code, out, err = run(bad.parent, "-o", tmp_path / "out", "--jobs", "2")
    assert code == 1
    assert err.strip() == f"{bad}:3:10: stories: needs at least one item"
    assert out.endswith("\n8 built, 1 failed\n")
    assert len(list((tmp_path / "out").glob("*.html"))) == 8


def test_a_progress_bar_on_a_terminal_and_none_otherwise(make_issue: MakeIssue, tmp_path: Path) -> None:
    import pty

    for day in (3, 4, 5):
        make_issue(ISSUE.replace("2020-02-03", f"2020-02-0{day}"), name=f"2020-02-0{day}.yaml")
    folder = tmp_path / "issues"
    command = [sys.executable, "-m", "composer", str(folder), "-o", str(tmp_path / "out"), "--force"]
    leader, follower = pty.openpty()
    with subprocess.Popen(command, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closes when the command ends
                break
            if not chunk:
                break
            shown += chunk
        process.wait()
    os.close(leader)
    assert process.returncode == 0
    assert b"Composing" in shown and b"3/3" in shown and b"3 built" in shown
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Composing" not in piped.stdout + piped.stderr
    assert piped.stdout.endswith("\n3 built\n") and len(piped.stdout.splitlines()) == 4


def test_new_starts_an_issue_that_composes_only_once_filled_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "publication.yaml").write_text(PUBLICATION, encoding="utf-8")
    code, out, _ = run("new", "2024-05-01")
    assert code == 0
    assert out == (  # no schema for the editor in issues/ yet: it is written, and said
        "wrote issues/issue.schema.json, the schema the issue's first line names for your editor's completion\n"
        "issues/2024-05-01.yaml: write your text in place of every <TODO …>, then: compose issues/2024-05-01.yaml\n"
    )
    code, _, err = run("issues/2024-05-01.yaml", "-o", "out")
    assert code == 1 and "stories[1].headline: still the skeleton's placeholder; write the headline" in err
    before = (tmp_path / "issues" / "2024-05-01.yaml").read_bytes()
    code, _, err = run("new", "2024-05-01")
    assert code == 1 and "already exists" in err
    assert (tmp_path / "issues" / "2024-05-01.yaml").read_bytes() == before
    code, _, err = run("new", "2024-02-30")
    assert code == 1 and "February 2024 has 29 days" in err


def test_copy_of_an_unchanged_issue_still_copies_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stat

    tools, received = tmp_path / "bin", tmp_path / "clipboard"
    tools.mkdir()
    xclip = tools / "xclip"  # a stand-in for X's clipboard tool, as in test_clipboard.py
    xclip.write_text(f"#!/bin/sh\ncat > {received}\n", encoding="utf-8")
    xclip.chmod(xclip.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}/bin{os.pathsep}/usr/bin")
    assert run(SAMPLE, "-o", tmp_path / "out")[0] == 0
    code, out, err = run(SAMPLE, "-o", tmp_path / "out", "--copy")
    assert code == 0, err
    assert "unchanged since its last build" in out and "copied the HTML to the clipboard (xclip)" in out
    assert received.read_bytes() == (tmp_path / "out" / "2017-11-09.html").read_bytes()


def modules_loaded_by(*args: str) -> set[str]:
    """The modules a `compose ...` process has imported by the time it is done."""
    script = (
        "import sys\nfrom composer.cli import main\n"
        "try:\n    main(sys.argv[1:], prog_name='compose')\n"
        "except SystemExit:\n    pass\nprint('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


# Each costs start-up time in every run that does not need it; ssl is left out: premailer's
# requests imports it whatever composer does.
ONLY_FOR_SENDING = {
    "smtplib",
    "composer.commands.send.smtp",
    "composer.commands.send.send",
    "composer.commands.send.message",
}
ONLY_FOR_MANY_ISSUES = {"multiprocessing", "concurrent.futures"}
ONLY_FOR_PREVIEW = {"http.server", "socketserver", "webbrowser", "watchfiles", "composer.commands.preview.server"}
ONLY_FOR_CHECK = {"composer.commands.check"}
ONLY_FOR_OTHER_LANGUAGES = {"babel", "wcwidth"}  # CLDR data, and screen columns of wide scripts: English needs none


def test_one_build_imports_only_what_it_needs(tmp_path: Path) -> None:
    loaded = modules_loaded_by(str(SAMPLE), "-o", str(tmp_path), "--force")
    assert (tmp_path / "2017-11-09.html").exists()
    only_for_others = (
        ONLY_FOR_SENDING | ONLY_FOR_MANY_ISSUES | ONLY_FOR_PREVIEW | ONLY_FOR_CHECK | ONLY_FOR_OTHER_LANGUAGES
    )
    assert loaded & only_for_others == set()


def test_help_imports_none_of_the_stack() -> None:
    loaded = modules_loaded_by("--help")
    assert loaded & {"pydantic", "premailer", "jinja2", "mjml", "yaml", "markdown_it", "lxml"} == set()


def test_starting_a_publication_and_an_issue_loads_no_model_and_no_renderer(tmp_path: Path) -> None:
    # `compose init` with a name and an address validates them, and so loads pydantic; without, nothing does.
    stack = {"pydantic", "premailer", "jinja2", "mjml", "markdown_it", "lxml", "babel"}
    assert modules_loaded_by("init", str(tmp_path)) & stack == set()
    assert modules_loaded_by("new", "2026-12-01", "--folder", str(tmp_path / "issues")) & stack == set()
    assert (tmp_path / "issues" / "2026-12-01.yaml").is_file()


def test_an_upgraded_dependency_rebuilds_an_unchanged_issue(make_issue: MakeIssue, tmp_path: Path) -> None:
    # A newer markdown-it-py could change every email: the fingerprint of the last build must not match.
    issue = make_issue()
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def build(**extra: str) -> str:
        command = [sys.executable, "-m", "composer", str(issue), "-o", str(tmp_path / "out")]
        result = subprocess.run(command, capture_output=True, text=True, env={**environment, **extra}, check=True)
        return result.stdout

    assert "skipped" not in build()
    assert "unchanged since its last build, skipped" in build()
    # The same package at another version, found first on the path: what an upgrade leaves installed.
    upgraded = tmp_path / "upgraded"
    (upgraded / "markdown_it_py-99.0.dist-info").mkdir(parents=True)
    (upgraded / "markdown_it_py-99.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: markdown-it-py\nVersion: 99.0\nRequires-Dist: mdurl~=0.1\n", encoding="utf-8"
    )
    assert "skipped" not in build(PYTHONPATH=str(upgraded))
    assert "unchanged since its last build, skipped" in build(PYTHONPATH=str(upgraded))
    assert "skipped" not in build()  # and back again


def test_editor_backup_files_in_templates_change_nothing(
    make_issue: MakeIssue, make_templates: MakeTemplates, tmp_path: Path
) -> None:
    issue = make_issue()
    templates = make_templates({"email.txt.j2": "Ours {{ title }}\n"})
    assert "skipped" not in run(issue, "-o", tmp_path / "out")[1]
    for backup in ("email.txt.j2~", ".#email.txt.j2", ".email.txt.j2.swp", "#email.txt.j2#"):
        (templates / backup).write_text("Backup {{ title }}\n", encoding="utf-8")
    assert "unchanged since its last build, skipped" in run(issue, "-o", tmp_path / "out")[1]
    assert (tmp_path / "out" / "issue.txt").read_text(encoding="utf-8").startswith("Ours ")


def test_a_backup_file_is_never_taken_for_a_template(make_templates: MakeTemplates) -> None:
    import jinja2

    from composer.core.templates import environment

    templates = make_templates({"email.txt.j2~": "Backup\n", "partials/note.j2": "Note\n"})
    env = environment((templates,), "text")
    assert env.get_template("partials/note.j2").render() == "Note\n"
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("email.txt.j2~")


def test_every_command_takes_debug() -> None:
    for name, command in main.commands.items():
        assert "--debug" in [flag for option in command.params for flag in option.opts], f"compose {name}"


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_in_composer_is_an_internal_error_not_a_traceback(
    debug: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from composer.commands import check

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(check, "check", broken)
    code, _, err = run("check", SAMPLE, *(["--debug"] if debug else []))
    assert code == 2
    assert err.splitlines()[-1] == (
        "internal error in composer (RuntimeError: a bug); run the same command with --debug for the traceback, "
        "and report it"
    )
    assert ("Traceback (most recent call last)" in err) is debug


EVERY_COMMAND = "run the same command with --debug for the traceback, and report it"


@pytest.mark.parametrize(
    ("command", "broken", "then"),
    [
        # A batch goes on with its other issues: the bug is that issue's one line.
        (["build", "{sample}", "-o", "{tmp}"], "composer.core.pipeline.compose", "run it alone with --debug"),
        (["archive", "{sample}", "-o", "{tmp}"], "composer.core.load.load", EVERY_COMMAND),
        (["send", "{sample}", "--to", "editor@example.org"], "composer.commands.send.send.compose", EVERY_COMMAND),
    ],
    ids=["build", "archive", "send"],
)
def test_a_bug_in_the_pipeline_is_told_in_the_one_wording_with_exit_status_2(
    command: list[str], broken: str, then: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(broken, bug)
    code, out, err = run(*(argument.format(sample=SAMPLE, tmp=tmp_path) for argument in command))
    said = f"internal error in composer (RuntimeError: a bug); {then}"
    assert code == 2 and out == ""
    assert err.splitlines() == [f"{SAMPLE}: {said}" if command[0] == "build" else said]


def test_numbers_are_said_in_words_the_same_way_everywhere() -> None:
    from composer.i18n.counting import count, plural

    assert [count(number, "issue") for number in (0, 1, 2)] == ["no issues", "1 issue", "2 issues"]
    assert count(2, "issue dated after today was", "issues dated after today were") == (
        "2 issues dated after today were"
    )
    assert (plural(1, "it", "them"), plural(3, "it", "them")) == ("it", "them")


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (["new", "2017-02-30", "--folder", "{tmp}"], "NotADay"),
        (["send", "{tmp}/missing.yaml", "--to", "editor@example.org"], "InvalidInput"),
        (["preview", "{tmp}"], "NoIssues"),  # a folder without issues
    ],
    ids=["new", "send", "preview"],
)
def test_debug_adds_the_traceback_on_every_command(command: list[str], error: str, tmp_path: Path) -> None:
    arguments = [argument.format(tmp=tmp_path) for argument in command]
    code, _, plain = run(*arguments)
    assert code == 1 and "Traceback" not in plain
    code, _, debugged = run(*arguments, "--debug")
    assert code == 1
    assert "Traceback (most recent call last)" in debugged and f"composer.errors.{error}" in debugged
    assert debugged.endswith(plain)  # the same lines for the editor, after the traceback


def test_a_comment_cutting_a_title_short_is_an_error_and_nothing_is_built(make_issue: MakeIssue) -> None:
    path = make_issue(ISSUE + "title: The Deep Brief #7 | Saturday\n", PUBLICATION)
    code, _, err = run(path, "-o", path.parent / "out")
    assert code == 1
    assert not (path.parent / "out").exists()
    assert err == (
        f"{path}:{len(ISSUE.splitlines()) + 1}:23: title: the text stops at 'The Deep Brief', leaving out "
        "'#7 | Saturday': in YAML ' #' starts a comment. Put the whole text in quotes: "
        'title: "The Deep Brief #7 | Saturday"\n'
    )


def test_every_file_of_the_package_is_in_the_build_fingerprint(tmp_path: Path) -> None:
    # Modules moved into subpackages must keep invalidating cached builds when they are edited.
    from composer.commands.build import package_digest

    package = tmp_path / "composer"
    shutil.copytree(ROOT / "composer", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = package_digest(package)
    files = [path for path in package.rglob("*") if path.is_file()]
    assert {"render.py", "he.yaml", "issue.schema.json", "preview.js"} <= {path.name for path in files}
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert package_digest(package) != before, f"an edit of {path.relative_to(package)} goes unnoticed"
        path.write_bytes(original)
    assert package_digest(package) == before
    added = package / "commands" / "newfolder"
    added.mkdir()
    (added / "render.py").write_bytes((package / "core" / "render.py").read_bytes())
    assert package_digest(package) != before  # a module added, or moved, into a folder of its own
    (added / "render.py").unlink()
    (added / "__pycache__").mkdir()
    (added / "__pycache__" / "render.cpython-311.pyc").write_bytes(b"compiled")
    assert package_digest(package) == before  # bytecode is not the source


def test_an_edit_in_a_folder_of_the_package_rebuilds_an_unchanged_issue(make_issue: MakeIssue, tmp_path: Path) -> None:
    # composer run from a copy of itself: an edit of a file below the package's top folder rebuilds.
    issue = make_issue()
    copy = tmp_path / "code"
    shutil.copytree(ROOT / "composer", copy / "composer", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", copy / "templates")
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(copy)}

    def build() -> str:
        command = [sys.executable, "-m", "composer", str(issue), "-o", str(tmp_path / "out")]
        # Run from tmp_path: `python -m` puts the current folder first, and this repository's composer is in it.
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=environment, check=True).stdout

    assert "skipped" not in build()
    assert "unchanged since its last build, skipped" in build()
    labels = copy / "composer" / "i18n" / "labels" / "he.yaml"
    labels.write_text(labels.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "skipped" not in build()
    assert "unchanged since its last build, skipped" in build()
    # A module in a new subpackage (such as a command of its own in commands/).
    (copy / "composer" / "commands" / "newfolder").mkdir()
    (copy / "composer" / "commands" / "newfolder" / "__init__.py").write_text(
        '"""a folder of its own."""\n', encoding="utf-8"
    )
    assert "skipped" not in build()
