"""The command line: output formats, exit codes, errors as one line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples"


@pytest.fixture
def run(rules):
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def test_example_has_findings_with_rule_ids_and_suggestions(run):
    r = run(str(EXAMPLE))
    assert r.exit_code == 1
    out = r.stdout
    for rule in ("misconversion/jousei", "misconversion/miryoku", "misconversion/keigen",
                 "misconversion/hi-ratio", "misconversion/hoshou-social", "style/ra-nuki",
                 "consistency/terms", "style/halfwidth-katakana", "style/mixed-style"):
        assert f"[{rule}]" in out
    assert "→ 醸成" in out and "→ 魅力" in out
    assert "problems (" in out.splitlines()[-1]


def test_json_schema(run):
    r = run("--format", "json", str(EXAMPLE))
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert set(data) == {"version", "findings", "summary"}
    assert data["version"] == 1
    assert set(data["summary"]) == {"files", "errors", "warnings", "infos"}
    assert data["summary"]["files"] == 1
    keys = {"path", "line", "column", "end_line", "end_column", "severity", "rule", "message",
            "suggestions", "rule_source", "related"}
    assert data["findings"]
    for f in data["findings"]:
        assert set(f) == keys
        assert isinstance(f["suggestions"], list) and all(isinstance(s, str) for s in f["suggestions"])
        assert f["severity"] in ("error", "warning", "info")
        assert f["rule_source"].startswith(("rules/", "dictionaries/")) and ".yaml:" in f["rule_source"]
        assert f["line"] >= 1 and f["column"] >= 1
        assert (f["end_line"], f["end_column"]) > (f["line"], f["column"])
        assert not os.path.isabs(f["path"]) or os.path.isabs(str(EXAMPLE))
    order = [(f["path"], f["line"], f["column"]) for f in data["findings"]]
    assert order == sorted(order)
    counts = {s: sum(1 for f in data["findings"] if f["severity"] == s[:-1]) for s in ("errors", "warnings", "infos")}
    assert counts == {k: data["summary"][k] for k in counts}


def test_json_path_stays_relative(run, tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("社会保証を守る。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data = json.loads(run("--format", "json", "docs").stdout)
    assert [f["path"] for f in data["findings"]] == [os.path.join("docs", "a.md")]


def test_exit_zero_when_clean(run, tmp_path):
    p = tmp_path / "ok.md"
    p.write_text("# 見出し\n\n社会保障を守ります。\n", encoding="utf-8")
    r = run(str(p))
    assert r.exit_code == 0
    assert "No problems found in 1 file." in r.stdout


def test_warnings_alone_exit_zero(run, tmp_path):
    p = tmp_path / "w.md"
    p.write_text("ＡＩを使います。\n", encoding="utf-8")
    r = run("--format", "json", str(p))
    data = json.loads(r.stdout)
    assert data["summary"]["warnings"] >= 1 and data["summary"]["errors"] == 0
    assert r.exit_code == 0


def test_severity_threshold_hides_lower(run):
    data = json.loads(run("--format", "json", "--severity", "error", str(EXAMPLE)).stdout)
    assert data["findings"] and {f["severity"] for f in data["findings"]} == {"error"}


def test_stdin_with_filename(run):
    r = run("--format", "json", "--stdin-filename", "draft.md", "-", input="寄付文化の情勢を図る。\n")
    data = json.loads(r.stdout)
    assert [(f["path"], f["rule"], f["line"], f["column"]) for f in data["findings"]] == [
        ("draft.md", "misconversion/jousei", 1, 6)
    ]
    assert r.exit_code == 1


def test_directory_walk_skips_hidden_and_node_modules(run, tmp_path):
    for rel in ("a.md", "sub/b.markdown", "sub/c.txt", ".hidden/d.md", "node_modules/e.md", "f.rst"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("社会保証\n", encoding="utf-8")
    data = json.loads(run("--format", "json", str(tmp_path)).stdout)
    names = sorted(Path(f["path"]).name for f in data["findings"])
    assert names == ["a.md", "b.markdown", "c.txt"]
    assert data["summary"]["files"] == 3


@pytest.mark.parametrize(
    "setup,args,message",
    [
        (None, ["missing.md"], "missing.md: no such file or directory"),
        ("bad-utf8", ["bad.md"], "bad.md:2: not valid UTF-8"),
        (None, ["--format", "xml", "x.md"], "Invalid value for '--format'"),
        ("bad-rule-yaml", ["--rule-file", "r.yaml", "ok.md"], "r.yaml:4: invalid YAML"),
        ("bad-rule-kind", ["--rule-file", "r.yaml", "ok.md"], "r.yaml:3: rule team/x: unknown kind 'nonsense'"),
        ("bad-rule-regex", ["--rule-file", "r.yaml", "ok.md"], "r.yaml:5: rule team/x: bad regular expression"),
        ("bad-rule-examples", ["--rule-file", "r.yaml", "ok.md"], "r.yaml:2: rule team/x: 'examples'"),
        ("bad-rule-key", ["--rule-file", "r.yaml", "ok.md"], "r.yaml:7: rule team/x: unknown key 'repalce'"),
    ],
)
def test_errors_are_one_line_and_exit_2(run, tmp_path, monkeypatch, setup, args, message):
    monkeypatch.chdir(tmp_path)
    Path("ok.md").write_text("本文。\n", encoding="utf-8")
    rule_head = "rules:\n  - id: team/x\n"
    files = {
        "bad-utf8": ("bad.md", "一行目\n二行目\xff\n".encode("utf-8").replace(b"\xc3\xbf", b"\xff")),
        "bad-rule-yaml": ("r.yaml", (rule_head + "    kind: existence\n    match: [a, b\n").encode()),
        "bad-rule-kind": ("r.yaml", (rule_head + "    kind: nonsense\n").encode()),
        "bad-rule-regex": ("r.yaml", (rule_head + "    kind: existence\n    severity: info\n    regex: '(unclosed'\n"
                                      "    message: m\n    examples: {bad: [x]}\n").encode()),
        "bad-rule-examples": ("r.yaml", (rule_head + "    kind: existence\n    severity: info\n    match: x\n    message: m\n").encode()),
        "bad-rule-key": ("r.yaml", (rule_head + "    kind: substitution\n    severity: info\n    match: x\n    message: m\n"
                                    "    repalce: y\n    examples: {bad: [x]}\n").encode()),
    }
    if setup:
        name, data = files[setup]
        Path(name).write_bytes(data)
    runner = CliRunner()
    r = runner.invoke(main, args)
    assert r.exit_code == 2, r.output
    err = r.stderr.strip()
    assert "\n" not in err and "Traceback" not in err
    assert message in err


def test_rules_lists_every_rule(run, rules):
    r = run("rules")
    assert r.exit_code == 0
    lines = r.stdout.strip().splitlines()
    assert f"{len(rules)} rules" in lines
    assert any(l.startswith("misconversion/jousei ") and "substitution" in l and "error" in l for l in lines)
    assert any(l.startswith("misconversion/homophone: ") and "confusion sets" in l for l in lines)


def test_presets_select_rules(run, rules):
    rec = run("rules", "--preset", "recommended").stdout
    tw = run("rules", "--preset", "technical-writing").stdout
    man = run("rules", "--preset", "manifesto").stdout
    assert "style/kanji-run " not in rec and "style/kanji-run " in tw
    assert "misconversion/jousei " in rec and "misconversion/jousei " not in tw
    assert "style/max-ten " in man and "misconversion/jousei " in man
    max_ten = next(l for l in man.splitlines() if l.startswith("style/max-ten "))
    assert " info " in max_ten  # the manifesto preset lowers it
    r = CliRunner().invoke(main, ["rules", "--preset", "nope"])
    assert r.exit_code == 2 and "unknown preset 'nope'" in r.stderr


def test_preset_changes_what_is_linted(run):
    text = "財源を確保し、歳出を見直し、税を公平にし、成長を促し、未来に備える。\n"
    rec = json.loads(run("--format", "json", "-", input=text).stdout)
    man = json.loads(run("--format", "json", "--preset", "manifesto", "-", input=text).stdout)
    assert not [f for f in rec["findings"] if f["rule"] == "style/max-ten"]
    assert [f["severity"] for f in man["findings"] if f["rule"] == "style/max-ten"] == ["info"]


def test_explain_prints_description_and_examples(run):
    r = run("explain", "misconversion/jousei")
    assert r.exit_code == 0
    assert "醸成" in r.stdout and "寄付文化の情勢を図ります。" in r.stdout and "国際情勢を注視します。" in r.stdout
    r = CliRunner().invoke(main, ["explain", "jousei"])
    assert r.exit_code == 2 and "did you mean misconversion/jousei" in r.stderr


def test_python_dash_m_and_console_script_agree(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("寄付文化の情勢を図る。\n", encoding="utf-8")
    a = subprocess.run([sys.executable, "-m", "linter", "--format", "json", str(p)], capture_output=True, text=True)
    assert a.returncode == 1, a.stderr
    exe = Path(sys.executable).parent / "jalint"
    if exe.exists():
        b = subprocess.run([str(exe), "--format", "json", str(p)], capture_output=True, text=True)
        assert b.returncode == 1 and b.stdout == a.stdout
    assert json.loads(a.stdout)["findings"][0]["rule"] == "misconversion/jousei"


def test_entry_point_keeps_exit_codes_and_flushes_output(tmp_path):
    """The entry point leaves without the interpreter's teardown: the codes are
    sys.exit's and every byte of a long report still reaches the pipe."""
    bad = tmp_path / "bad.md"
    bad.write_text("寄付文化の情勢を図る。\n" * 3000, encoding="utf-8")
    clean = tmp_path / "clean.md"
    clean.write_text("これは文です。\n", encoding="utf-8")

    def entry(*args):
        return subprocess.run([sys.executable, "-m", "linter", *args], capture_output=True, text=True)

    r = entry("--format", "json", "--jobs", "1", str(bad))
    assert r.returncode == 1, r.stderr
    assert len(json.loads(r.stdout)["findings"]) >= 3000  # the whole report, not a cut buffer
    assert entry(str(clean)).returncode == 0
    r = entry(str(tmp_path / "missing.md"))
    assert r.returncode == 2 and "missing.md" in r.stderr
    assert entry("--no-such-option").returncode == 2
    r = entry("--version")
    assert r.returncode == 0 and "jalint" in r.stdout


def test_under_a_profiler_the_process_exits_as_usual(tmp_path):
    """The quick exit would lose what a profiler or coverage tool writes at exit."""
    doc = tmp_path / "a.md"
    doc.write_text("寄付文化の情勢を図る。\n", encoding="utf-8")
    out = tmp_path / "run.prof"
    r = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "linter", "--format", "json",
                        "--jobs", "1", str(doc)], capture_output=True, text=True)
    assert json.loads(r.stdout)["findings"][0]["rule"] == "misconversion/jousei", r.stderr
    assert out.stat().st_size > 0


def test_no_color_when_not_a_terminal(run):
    assert "\x1b[" not in run(str(EXAMPLE)).stdout
    assert "\x1b[" in run("--color", str(EXAMPLE)).stdout


def test_one_problem_is_reported_once(run):
    text = "シミュレーションを使う。シミュレーションの結果。シュミレーションの精度。\n障害者を支援。障害者の就労。障がい者の声。\n"
    data = json.loads(run("--format", "json", "-", input=text).stdout)
    spans = [(f["line"], f["column"]) for f in data["findings"]]
    assert len(spans) == len(set(spans)), data["findings"]
    rules = {(f["line"], f["column"]): f["rule"] for f in data["findings"]}
    assert rules[(1, 25)] == "misconversion/fixed-compounds"
    assert rules[(2, 15)] == "consistency/terms"


def test_explain_at_names_the_entry_and_cue(run, tmp_path):
    p = tmp_path / "a.md"
    p.write_text("本文です。\n国際醸成が緊迫している。\n", encoding="utf-8")
    r = run("explain", "--at", f"{p}:2:3")
    assert r.exit_code == 0
    assert "[misconversion/homophone]" in r.stdout and "→ 情勢" in r.stdout
    assert "decided by dictionaries/homophones/" in r.stdout and "国際" in r.stdout
