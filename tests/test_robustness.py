"""Hostile input: legacy encodings, binary and odd files, links, permissions, deep
Markdown, dangerous regular expressions, and --fix that never corrupts a file."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter import fix as fix_mod
from linter.cli import main
from linter.encoding import SkippedFile, decode_bytes, plausibility
from linter.engine import Options, lint_source
from linter.errors import JalintError
from linter.markdown import extract_markdown, nesting_notice
from linter.rules import regex_hazard
from linter.source import Source, read_file, walk_files

TEXT = "寄付文化の情勢を図ります。\n社会保証の充実。\n"
FIXED = "寄付文化の醸成を図ります。\n社会保障の充実。\n"


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp"])
def test_legacy_encodings_are_detected_and_positions_are_code_points(tmp_path, rules, encoding):
    p = tmp_path / "a.md"
    p.write_bytes(("# 見出し\n\n" + TEXT).encode(encoding))
    src = read_file(str(p))
    assert src.encoding == encoding and src.text.startswith("# 見出し")
    r = run("--format", "json", p)
    assert r.exit_code == 1
    import json

    found = {(f["rule"], f["line"], f["column"], f["end_column"]) for f in json.loads(r.stdout)["findings"]}
    assert ("misconversion/jousei", 3, 6, 8) in found
    assert ("misconversion/hoshou-social", 4, 1, 5) in found


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp"])
def test_fix_writes_back_in_the_files_own_encoding(tmp_path, rules, encoding):
    p = tmp_path / "a.md"
    p.write_bytes(TEXT.replace("\n", "\r\n").encode(encoding))
    r = run("--fix", p)
    assert "applied 2 fixes" in r.stderr, r.stderr
    assert p.read_bytes() == FIXED.replace("\n", "\r\n").encode(encoding)


def test_fix_refuses_a_replacement_the_encoding_cannot_hold(tmp_path, rules):
    cfg = tmp_path / ".jalint.yaml"
    cfg.write_text("terms:\n  - wrong: 吉野家\n    right: 𠮷野家\n", encoding="utf-8")
    p = tmp_path / "a.md"
    original = "吉野家の牛丼。\n".encode("cp932")
    p.write_bytes(original)
    other = tmp_path / "b.md"
    other.write_bytes("社会保証の充実。\n".encode("cp932"))
    r = run("--fix", p, other)
    assert r.exit_code == 2
    assert p.read_bytes() == original
    assert "a.md:1: fix not written" in r.stderr and "Shift_JIS (CP932)" in r.stderr and "unchanged" in r.stderr
    assert other.read_bytes() == "社会保障の充実。\n".encode("cp932")  # the other file is still fixed
    assert "Traceback" not in r.stderr


def test_forced_encoding_and_unknown_encoding(tmp_path, rules):
    p = tmp_path / "a.txt"
    p.write_bytes("社会保証".encode("euc_jp"))
    assert run("--encoding", "euc-jp", p).exit_code == 1
    r = run("--encoding", "cp932", p)  # wrong on purpose: a clear error, not garbage
    assert r.exit_code in (0, 1, 2) and "Traceback" not in r.stderr
    r = run("--encoding", "klingon", p)
    assert r.exit_code == 2 and "unknown encoding 'klingon'" in r.stderr


def test_undecodable_file_is_an_error_naming_file_and_line_others_still_linted(tmp_path, rules):
    (tmp_path / "bad.md").write_bytes("一行目\n二行目".encode() + b"\xff\xfe\x80\n")
    (tmp_path / "good.md").write_text("社会保証の充実。\n", encoding="utf-8")
    for args in ([tmp_path], ["--fix", "--dry-run", tmp_path], ["--fix", tmp_path]):
        r = run(*args)
        assert r.exit_code == 2, args
        assert "bad.md:2: not valid UTF-8" in r.stderr and "--encoding" in r.stderr
        assert "Traceback" not in r.stderr
    assert (tmp_path / "good.md").read_text(encoding="utf-8") == "社会保障の充実。\n"


def test_detector_keeps_a_damaged_utf8_file_a_utf8_error():
    data = "日本語の文章です。\n".encode() * 20 + b"\x80\n"
    with pytest.raises(JalintError, match=r"x:21: not valid UTF-8"):
        decode_bytes(data, "x")
    for s in ("café", "Grüße"):
        with pytest.raises(JalintError):
            decode_bytes(s.encode("latin-1"), "x")


def test_detector_on_short_and_ascii_heavy_texts():
    for text in ("日本", "テスト", "ABC 日本語 123", "Read the README; 詳しくは下記。" + "x" * 500):
        for enc in ("cp932", "euc_jp"):
            d = decode_bytes(text.encode(enc), "x")
            assert (d.encoding, d.text) == (enc, text)
    assert plausibility("寄付文化の醸成") == 1.0
    assert plausibility("ｱ\ue000\ufffd") < 0.5


def test_utf16_with_bom_round_trips(tmp_path, rules):
    p = tmp_path / "a.txt"
    p.write_bytes("社会保証の充実。\r\n".encode("utf-16"))
    run("--fix", p)
    assert p.read_bytes().decode("utf-16") == "社会保障の充実。\r\n"


def test_stdin_fix_answers_in_the_inputs_encoding(rules):
    r = CliRunner().invoke(main, ["--fix", "--stdin-filename", "x.md", "-"], input="社会保証の充実。\n".encode("cp932"))
    assert r.stdout_bytes == "社会保障の充実。\n".encode("cp932")


# ---------------------------------------------------------------- hostile files


def test_binary_files_are_skipped_with_a_notice(tmp_path, rules):
    (tmp_path / "img.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "ok.md").write_text("本文。\n", encoding="utf-8")
    r = run(tmp_path)
    assert r.exit_code == 0
    assert "img.md: skipped: binary file" in r.stderr
    with pytest.raises(SkippedFile):
        read_file(str(tmp_path / "img.md"))


def test_empty_nul_and_unicode_oddities_lint_with_valid_positions(lint):
    nfd = unicodedata.normalize("NFD", "寄付文化の情勢を図ります。がぎぐ")
    texts = ["", "\n", "\x00", "寄付\x00文化の情勢を図ります。", nfd, "葛\U000E0100飾区の文化の情勢を図ります。",
             "寄付\u200b文化の\u200d情勢を図ります。\u200e", "\u202e寄付文化の情勢\u202cを図ります。", "\ufeff\ufeff",
             "寄付文化の情勢を図ります\ud800。", "\udcff\udc80"]
    for t in texts:
        for syntax in ("markdown", "text"):
            for f in lint(t, syntax):
                assert 0 <= f.start <= f.end <= len(t)
                assert f.line >= 1 and f.column >= 1


def test_lone_surrogates_become_replacement_characters_one_for_one():
    s = Source("a.md", "a\ud800b\udfffc", "markdown")
    assert s.text == "a\ufffdb\ufffdc"


def test_stdin_with_surrogateescape_bytes_is_an_input_error(rules):
    r = CliRunner().invoke(main, ["-"], input=b"abc\xed\xa0\x80\n")  # an encoded lone surrogate
    assert r.exit_code == 2 and "<stdin>:1: not valid UTF-8" in r.stderr


def test_long_line_without_breaks_finishes(rules):
    # 255,000 chars, no line break, no 。 (a one-sentence file full of 、 or of homophones is
    # still slow: see the report on linter/kinds/metric.py and homophone.py)
    text = "日本語の長い行であり区切りがない" * 15_000 + "寄付文化の情勢を図ります"
    t0 = time.monotonic()
    findings = lint_source(Source("a.txt", text, "text"), rules, Options())
    assert time.monotonic() - t0 < 60
    assert any(f.rule == "misconversion/jousei" for f in findings)


@pytest.mark.parametrize("make", [
    lambda n: "\n".join("  " * i + "- あ" for i in range(n)),
    lambda n: ">" * n + " あ",
    lambda n: "".join("> - " for _ in range(n)) + "あ",
    lambda n: "\n".join(">" * i + " あ" for i in range(n)),
])
def test_deeply_nested_markdown_is_linted_to_the_end(make):
    text = make(1000) + "\n\n寄付文化の情勢を図ります。\n"
    blocks = extract_markdown(text)
    assert blocks[-1].text == "寄付文化の情勢を図ります。"
    for b in blocks:
        assert all(text[s:e] == ch for ch, s, e in zip(b.text, b.starts, b.ends) if e - s == 1)
    assert nesting_notice(text) is None or "nested deeper than 64 levels" in nesting_notice(text)
    assert nesting_notice("# 見出し\n\n- a\n  - b\n") is None


def test_deep_nesting_notice_on_the_command_line(tmp_path, rules):
    p = tmp_path / "deep.md"
    p.write_text("\n".join("  " * i + "- あ" for i in range(500)) + "\n\n寄付文化の情勢を図ります。\n", encoding="utf-8")
    r = run(p)
    assert r.exit_code == 1 and "misconversion/jousei" in r.stdout
    assert "notice: Markdown nested deeper than 64 levels" in r.stderr


@pytest.mark.parametrize("line", ["[" * 50_000 + "]" * 50_000, "[a](" * 30_000, "http://a/" + ")" * 100_000,
                                  "[]" * 60_000, "`a" * 60_000, "<!--" * 30_000, "*_" * 60_000],
                         ids=["brackets", "link-tails", "url-parens", "pairs", "backticks", "comments", "emphasis"])
def test_inline_scanner_is_linear_on_pathological_lines(line):
    t0 = time.monotonic()
    extract_markdown(line)
    assert time.monotonic() - t0 < 5


def test_missing_path_is_an_error_and_the_rest_is_linted(tmp_path, rules):
    (tmp_path / "a.md").write_text("社会保証の充実。\n", encoding="utf-8")
    r = run("--format", "json", tmp_path / "nope.md", tmp_path / "a.md")
    assert r.exit_code == 2
    assert "nope.md: no such file or directory" in r.stderr
    assert '"misconversion/hoshou-social"' in r.stdout


def test_symlinks_loop_free_and_each_file_once(tmp_path, rules):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.md").write_text("社会保証の充実。\n", encoding="utf-8")
    (d / "loop").symlink_to(d, target_is_directory=True)  # a folder linking to itself
    (d / "link.md").symlink_to(d / "a.md")  # the same file twice
    (d / "dangling.md").symlink_to(d / "missing.md")
    (d / "self.md").symlink_to(d / "self.md")  # ELOOP
    found = [p for p, _, _ in walk_files([str(d)])]
    assert found == [str(d / "a.md")]
    r = run(d)
    assert r.exit_code == 1
    assert "1 file" in r.stdout.splitlines()[-1]
    assert "dangling.md: skipped: broken symbolic link" in r.stderr
    # --fix through a link writes the target and keeps the link
    r = run("--fix", d / "link.md")
    assert (d / "link.md").is_symlink()
    assert (d / "a.md").read_text(encoding="utf-8") == "社会保障の充実。\n"


def test_unreadable_file_and_folder(tmp_path, rules):
    f = tmp_path / "secret.md"
    f.write_text("本文。\n", encoding="utf-8")
    sub = tmp_path / "locked"
    sub.mkdir()
    (sub / "x.md").write_text("本文。\n", encoding="utf-8")
    f.chmod(0)
    sub.chmod(0)
    try:
        if os.access(f, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        r = run(tmp_path)
        assert r.exit_code == 2
        assert "secret.md: cannot read (Permission denied)" in r.stderr
        assert "locked: cannot read folder (Permission denied)" in r.stderr
    finally:
        f.chmod(0o644)
        sub.chmod(0o755)


def test_unreadable_file_reported_even_as_root(tmp_path, rules, monkeypatch):
    """Root reads anything: simulate the permission error where the bytes are read."""
    f = tmp_path / "secret.md"
    f.write_text("本文。\n", encoding="utf-8")
    real_open = os.open

    def fake_open(path, flags, *a, **k):
        if str(path).endswith("secret.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", fake_open)
    with pytest.raises(JalintError, match="secret.md: cannot read \\(Permission denied\\)"):
        read_file(str(f))


def test_devices_are_skipped(rules):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(SkippedFile, match="not a regular file"):
        read_file("/dev/zero")


def test_many_small_files(tmp_path, rules):
    for i in range(300):
        sub = tmp_path / f"d{i % 7}"
        sub.mkdir(exist_ok=True)
        (sub / f"f{i}.md").write_text("本文。\n" if i % 50 else "社会保証の充実。\n", encoding="utf-8")
    r = run("-j", "1", "--format", "json", tmp_path)
    import json

    data = json.loads(r.stdout)
    assert data["summary"]["files"] == 300 and data["summary"]["errors"] == 6


# ---------------------------------------------------------------- configuration and rules

RULE = "rules:\n  - id: team/x\n    kind: existence\n    severity: info\n    regex: '{rx}'\n    message: m\n    examples: {{bad: [aaa]}}\n"


@pytest.mark.parametrize("rx", ["(a+)+$", "(a*)*b", "(a|a)*c", "(a|aa)+$", r"(\w+\s?)+$", "(.*a){20}"])
def test_catastrophic_regexes_are_rejected_at_load_time(tmp_path, rules, rx):
    (tmp_path / "r.yaml").write_text(RULE.format(rx=rx), encoding="utf-8")
    (tmp_path / "a.md").write_text("本文。\n", encoding="utf-8")
    r = run("--rule-file", tmp_path / "r.yaml", tmp_path / "a.md")
    assert r.exit_code == 2
    assert "r.yaml:5: rule team/x: the regular expression" in r.stderr and "exponential" in r.stderr


@pytest.mark.parametrize("rx", ["a+", "(ab+)+", "[０-９]+(?:[，．][０-９]+)*", "(?>a+)+", "(a++)+", "(?:です|ます)+"])
def test_safe_regexes_pass(rx):
    assert regex_hazard(rx) is None


def test_no_bundled_regex_can_take_exponential_time():
    """A run skips this check for the bundled rules (it would repeat it every time)."""
    from linter.rules import bundled_specs, spec_regexes

    checked = 0
    for rid, (spec, label) in bundled_specs().items():
        for key, pattern, at in spec_regexes(spec):
            assert regex_hazard(pattern) is None, f"{label}:{at}: {rid} {key} {pattern!r}"
            checked += 1
    assert checked > 100


def test_cues_and_token_regexes_are_checked_too(tmp_path, rules):
    bad_cue = ("rules:\n  - id: team/x\n    kind: substitution\n    severity: info\n    match: x\n    replace: y\n"
               "    cues:\n      before: '(a+)+$'\n    message: m\n    examples: {bad: [ax]}\n")
    bad_tok = ("rules:\n  - id: team/y\n    kind: sequence\n    severity: info\n    tokens:\n"
               "      - {surface: '/(a|a)*$/'}\n    message: m\n    examples: {bad: [a]}\n")
    for text, where in ((bad_cue, "r.yaml:8: rule team/x"), (bad_tok, "r.yaml:6: rule team/y")):
        (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
        r = run("rules", "--rule-file", tmp_path / "r.yaml")
        assert r.exit_code == 2 and where in r.stderr and "exponential" in r.stderr, r.stderr


def test_prh_regex_is_checked(tmp_path, rules, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("prh.yml").write_text("version: 1\nrules:\n  - expected: a\n    pattern: /(a+)+$/\n", encoding="utf-8")
    Path(".jalint.yaml").write_text("prh: [prh.yml]\n", encoding="utf-8")
    Path("a.md").write_text("本文。\n", encoding="utf-8")
    r = run("a.md")
    assert r.exit_code == 2 and "prh.yml:3: prh rule a: the pattern" in r.stderr


@pytest.mark.parametrize("config,message", [
    ("rules: [unclosed\n", ".jalint.yaml:1: invalid YAML"),
    ("extends: [nonsense]\n", "unknown preset 'nonsense'"),
    ("terms:\n  - wrong: a\n    right: b\n  - wrong: a\n    right: c\n", ".jalint.yaml:4: terms: a → c contradicts"),
    ("rules:\n  a/b: off\n  a/b: on\n", ".jalint.yaml:3: invalid YAML: duplicate key"),
    ("rule_files: [r.yaml]\n", "r.yaml:3: rule team/x: unknown kind 'nonsense'"),
])
def test_bad_configuration_is_one_line_naming_file_and_line(tmp_path, rules, monkeypatch, config, message):
    monkeypatch.chdir(tmp_path)
    Path("r.yaml").write_text("rules:\n  - id: team/x\n    kind: nonsense\n", encoding="utf-8")
    Path(".jalint.yaml").write_text(config, encoding="utf-8")
    Path("a.md").write_text("本文。\n", encoding="utf-8")
    r = run("a.md")
    assert r.exit_code == 2
    assert message in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_rule_file_with_invalid_regex_and_duplicate_dictionary_key(tmp_path, rules):
    (tmp_path / "r.yaml").write_text(RULE.format(rx="(unclosed"), encoding="utf-8")
    r = run("rules", "--rule-file", tmp_path / "r.yaml")
    assert r.exit_code == 2 and "r.yaml:5: rule team/x: bad regular expression" in r.stderr
    (tmp_path / "r.yaml").write_text(RULE.format(rx="a") + "    message: again\n", encoding="utf-8")
    r = run("rules", "--rule-file", tmp_path / "r.yaml")
    assert r.exit_code == 2 and "r.yaml:8: invalid YAML: duplicate key 'message'" in r.stderr


# ---------------------------------------------------------------- safe writes


def _fix_file(tmp_path, text="社会保証の充実。\n"):
    p = tmp_path / "a.md"
    p.write_text(text, encoding="utf-8")
    p.chmod(0o640)
    return p, read_file(str(p), fingerprint=True)


def test_fix_keeps_permissions(tmp_path, rules):
    p, _ = _fix_file(tmp_path)
    run("--fix", p)
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert p.read_text(encoding="utf-8") == "社会保障の充実。\n"


def test_fix_refuses_a_file_changed_since_it_was_read(tmp_path):
    p, src = _fix_file(tmp_path)
    p.write_text("誰かが書き換えた。\n", encoding="utf-8")
    with pytest.raises(fix_mod.ChangedOnDisk, match="changed on disk since jalint read it"):
        fix_mod.write_atomic(str(p), "社会保障の充実。\n", False, "utf-8", src.fingerprint)
    assert p.read_text(encoding="utf-8") == "誰かが書き換えた。\n"
    assert [x.name for x in tmp_path.iterdir()] == ["a.md"]  # no temporary file left


def test_fix_changed_during_the_run_is_reported_by_the_cli(tmp_path, rules, monkeypatch):
    p, _ = _fix_file(tmp_path)
    real = fix_mod.encode_fixed

    def meddle(*args, **kwargs):
        p.write_text("途中で変わった。\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(fix_mod, "encode_fixed", meddle)
    r = run("--fix", p)
    assert r.exit_code == 2 and "changed on disk" in r.stderr
    assert p.read_text(encoding="utf-8") == "途中で変わった。\n"


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, failing):
    p, src = _fix_file(tmp_path)
    before = p.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    if failing == "write":
        monkeypatch.setattr(os, "fdopen", lambda fd, mode: _Failing(fd))
    elif failing == "fsync":
        monkeypatch.setattr(os, "fsync", boom)
    else:
        monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(JalintError, match="cannot write the fixed file .*No space left.*unchanged"):
        fix_mod.write_atomic(str(p), "社会保障の充実。\n", False, "utf-8", src.fingerprint)
    assert p.read_bytes() == before
    assert [x.name for x in tmp_path.iterdir()] == ["a.md"]


class _Failing:
    """A file object whose write fails halfway (disk full)."""

    def __init__(self, fd):
        self.fh = open(fd, "wb", closefd=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    def flush(self):
        self.fh.flush()

    def fileno(self):
        return self.fh.fileno()


def test_read_only_folder_refuses_cleanly(tmp_path, rules, monkeypatch):
    p, src = _fix_file(tmp_path)

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")

    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(JalintError, match="cannot write the fixed file \\(Permission denied\\); the file is unchanged"):
        fix_mod.write_atomic(str(p), "社会保障の充実。\n", False, "utf-8", src.fingerprint)
    assert p.read_text(encoding="utf-8") == "社会保証の充実。\n"


def test_killed_fix_leaves_old_or_new_file(tmp_path, rules):
    """Kill `jalint --fix` at several moments: the file is always whole."""
    body = "社会保証の充実。寄付文化の情勢を図ります。\n" * 3000
    old = body.encode("utf-8")
    new = body.replace("社会保証", "社会保障").replace("情勢を図", "醸成を図").encode("utf-8")
    p = tmp_path / "big.md"
    outcomes = set()
    for delay in (0.5, 1.5, 3.0):
        p.write_bytes(old)
        proc = subprocess.Popen([sys.executable, "-m", "linter", "--fix", str(p)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = p.read_bytes()
        assert data in (old, new)
        outcomes.add("old" if data == old else "new")
        for leftover in tmp_path.glob(".jalint-*.tmp"):
            leftover.unlink()  # a killed process cannot remove its temporary file
    assert outcomes


def test_control_bytes_are_counted_in_c_as_they_were_one_by_one():
    from linter.encoding import _controls

    allowed = (0x09, 0x0A, 0x0C, 0x0D, 0x1B)
    every = bytes(range(256)) * 3
    assert _controls(every) == sum(1 for b in every if (b < 0x20 and b not in allowed) or b == 0x7F) == 84
    assert _controls("障害のある方\t\r\n".encode("utf-8")) == 0
