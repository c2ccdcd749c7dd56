"""The machine formats: GitHub workflow commands, SARIF, rdjson, Checkstyle, JUnit.

Real text goes through the real tokenizer and rules (``linter.run.execute``); a
hand-made Result of real Finding objects is used only where no rule produces what is
tested (a message with ``%``, ``,``, ``:`` and a newline; several suggestions).
Every document has 𠮷 and 😀 before its findings and CRLF line endings, so each
format's column unit is checked.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

jsonschema = pytest.importorskip("jsonschema")

from linter.cli import main  # noqa: E402
from linter.document import Finding, LineIndex  # noqa: E402
from linter.engine import Result  # noqa: E402
from linter import docs_links  # noqa: E402
from linter.report import REPORTERS, columns, github, sarif  # noqa: E402
from linter.run import Request, execute  # noqa: E402

SCHEMAS = Path(__file__).resolve().parent / "schemas"
PREFIX = "𠮷😀"  # 2 code points, 4 UTF-16 code units, 8 UTF-8 bytes

DOC = (
    f"{PREFIX}寄付文化の情勢を図ります。\r\n"        # error misconversion/jousei → 醸成
    f"{PREFIX}ＡＩを活用します。\r\n"                # warning style/fullwidth-alphabet → AI
    f"{PREFIX}誰でも利用することができます。\r\n"    # info style/redundant-suru-koto-ga-dekiru → できます
    f"{PREFIX}の分析を行う。\r\n"                    # info style/redundant-wo-okonau, no suggestion
)
RULES = ["misconversion/jousei", "style/fullwidth-alphabet",
         "style/redundant-suru-koto-ga-dekiru", "style/redundant-wo-okonau"]


# --------------------------------------------------------------------------- helpers

@pytest.fixture
def linted(tmp_path, monkeypatch, rules):
    """lint(files: {name: text}) -> Outcome, run in tmp_path with relative paths."""
    monkeypatch.chdir(tmp_path)

    def lint(files: dict[str, str], preset: str = "all"):
        for name, text in files.items():
            p = tmp_path / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(text.encode("utf-8"))
        return execute(Request(paths=list(files), preset=preset))

    return lint


def render(fmt: str, outcome, **extra) -> str:
    return REPORTERS[fmt](outcome.result, outcome.lines, rules=outcome.rules, **extra)


def ours(findings):
    """The findings of the rules this module is about (preset 'all' adds others)."""
    return [f for f in findings if f.rule in RULES]


def only(outcome):
    """The outcome with just the findings of RULES (a Result is plain data)."""
    res = Result(findings=ours(outcome.result.findings), files=outcome.result.files)
    return type(outcome)(res, outcome.lines, rules=outcome.rules)


def finding(path="a.md", line=1, column=3, end_column=5, severity="error", rule="test/rule",
            message="msg", suggestions=(), matched="情勢", text=None) -> Finding:
    return Finding(path=path, start=0, end=0, line=line, column=column, end_line=line,
                   end_column=end_column, severity=severity, rule=rule, message=message,
                   suggestions=list(suggestions), rule_source="test", matched=matched, fixable=True)


def hand_made(findings, texts: dict[str, str]):
    res = Result(findings=sorted(findings, key=Finding.sort_key), files=len(texts))
    return res, {p: LineIndex(t) for p, t in texts.items()}


def validator(name: str):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def utf16_slice(line: str, start: int, end: int) -> str:
    units = line.encode("utf-16-le")
    return units[(start - 1) * 2:(end - 1) * 2].decode("utf-16-le")


def utf8_slice(line: str, start: int, end: int) -> str:
    return line.encode("utf-8")[start - 1:end - 1].decode("utf-8")


@pytest.fixture
def doc(linted):
    out = linted({"a.md": DOC})
    found = {f.rule: f for f in ours(out.result.findings)}
    assert set(found) == set(RULES), [f.rule for f in out.result.findings]
    return out


# --------------------------------------------------------------------------- columns

def test_column_units():
    line = f"{PREFIX}情勢"
    assert columns.convert_column(line, 3, columns.CODEPOINT) == 3
    assert columns.convert_column(line, 3, columns.UTF16) == 5     # 𠮷 2 + 😀 2
    assert columns.convert_column(line, 3, columns.UTF8) == 9      # 𠮷 4 + 😀 4
    assert columns.convert_column(line, 5, columns.UTF8) == 15     # + 情勢 3 + 3
    assert columns.convert_column(line, 5, columns.UTF16) == 7     # just after the line
    assert columns.convert_column(line, 6, columns.UTF16) == 8     # past it: one unit a position
    assert columns.convert_column("abc", 1, columns.UTF8) == 1
    with pytest.raises(ValueError):
        columns.convert_column(line, 1, "bytes")


def test_span_on_crlf_text_and_without_source():
    text = f"x\r\n{PREFIX}情勢\r\n"
    f = finding(line=2, column=3, end_column=5)
    assert columns.span(f, {"a.md": LineIndex(text)}, columns.UTF16) == (2, 5, 2, 7)
    assert columns.span(f, {"a.md": LineIndex(text)}, columns.UTF8) == (2, 9, 2, 15)
    assert columns.span(f, {}, columns.UTF8) == (2, 3, 2, 5)  # no text: code points kept


def test_all_formats_registered_and_offered_by_the_cli(doc):
    for fmt in ("github", "sarif", "rdjson", "checkstyle", "junit"):
        assert fmt in REPORTERS
        r = CliRunner().invoke(main, ["--preset", "all", "--format", fmt, "a.md"], catch_exceptions=False)
        assert r.exit_code == 1, r.output  # an error finding
        assert "misconversion/jousei" in r.stdout


# --------------------------------------------------------------------------- github

def _commands(out):
    lines = out.splitlines() if isinstance(out, str) else out
    return [line for line in lines if line.startswith("::")]


def test_github_commands_columns_title_message(doc):
    out = render("github", only(doc))
    cmds = _commands(out)
    assert len(cmds) == 4
    jousei = next(c for c in cmds if "misconversion/jousei" in c)
    # 情勢 is at code point 8 (𠮷😀寄付文化の): UTF-16 column 10, end 12
    assert jousei == ("::error file=a.md,line=1,col=10,endLine=1,endColumn=12,"
                      "title=jalint misconversion/jousei::"
                      "「情勢」は「醸成」の誤変換では？（機運・文化を醸成する／国際情勢） → 醸成")
    ai = next(c for c in cmds if "fullwidth-alphabet" in c)
    assert ai.startswith("::warning file=a.md,line=2,col=5,endLine=2,endColumn=7,")
    assert ai.endswith(" → AI")
    assert all("%0D" not in c for c in cmds)  # CRLF is not part of any line
    notice = [c for c in cmds if c.startswith("::notice ")]
    assert len(notice) == 2
    assert "jalint:" not in out  # everything annotated: no closing line


def test_github_orders_errors_warnings_notices_and_counts_the_rest(linted):
    text = "".join(f"{PREFIX}寄付文化の情勢を図ります。\r\n" for _ in range(12))
    text += "".join(f"{PREFIX}ＡＩを活用します。\r\n" for _ in range(3))
    text += f"{PREFIX}の分析を行う。\r\n"
    out = linted({"b.md": text, "a.md": f"{PREFIX}ＡＩを使う。\r\n"})
    lines = render("github", only(out)).splitlines()
    cmds = _commands(lines)
    kinds = [c.split(" ", 1)[0] for c in cmds]
    assert kinds == ["::error"] * 12 + ["::warning"] * 4 + ["::notice"]
    warnings = [c for c in cmds if c.startswith("::warning")]
    assert warnings[0].startswith("::warning file=a.md,line=1,")  # path order inside a group
    assert [int(c.split("line=")[1].split(",")[0]) for c in cmds[:12]] == list(range(1, 13))
    assert lines[-1].startswith("jalint: 2 of 17 findings are not annotated")
    assert not lines[-1].startswith("::")


def test_github_limits():
    assert github.unannotated({"error": 3, "warning": 4, "info": 0}) == 0
    assert github.unannotated({"error": 12, "warning": 30, "info": 11}) == 2 + 20 + 1
    assert github.unannotated({"error": 10, "warning": 10, "info": 10}) == 0


def test_github_escaping_follows_the_toolkit():
    f = finding(path="dir,x/a:b%.md", line=1, column=1, end_column=3, severity="warning",
                rule="test/esc", message="100% 完了, 次: 確認\r\n次の行", suggestions=["a,b"])
    res, src = hand_made([f], {"dir,x/a:b%.md": "情勢です\n"})
    out = REPORTERS["github"](res, src)
    assert out == ("::warning file=dir%2Cx/a%3Ab%25.md,line=1,col=1,endLine=1,endColumn=3,"
                   "title=jalint test/esc::100%25 完了, 次: 確認%0D%0A次の行 → a,b\n")
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github.escape_data("a:b,c%\r") == "a:b,c%25%0D"


def test_github_multiline_finding_has_no_columns():
    f = finding(line=1, column=2, end_column=2)
    f.end_line = 2
    res, src = hand_made([f], {"a.md": "ab\ncd\n"})
    out = REPORTERS["github"](res, src)
    assert out.startswith("::error file=a.md,line=1,endLine=2,title=jalint test/rule::")


# --------------------------------------------------------------------------- sarif

def test_sarif_is_valid_and_complete(doc):
    data = json.loads(render("sarif", doc))
    validator("sarif-2.1.0-rtm.5.json").validate(data)
    assert data["version"] == "2.1.0" and data["$schema"]
    run = data["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    driver = run["tool"]["driver"]
    assert driver["name"] == "jalint" and driver["version"]
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert set(ids) == {f.rule for f in doc.result.findings}  # every rule that fired, only those
    for r in driver["rules"]:
        assert r["helpUri"].startswith(docs_links.DOCS_URL + "#")
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    levels = {}
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        levels[res["ruleId"]] = res["level"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "a.md", "uriBaseId": "%SRCROOT%"}
        for fix in res.get("fixes", []):
            assert fix["artifactChanges"]
    assert levels["misconversion/jousei"] == "error"
    assert levels["style/fullwidth-alphabet"] == "warning"
    assert levels["style/redundant-wo-okonau"] == "note"


def test_sarif_columns_are_utf16_and_fix_replaces_the_match(doc):
    data = json.loads(render("sarif", doc))
    lines = DOC.split("\r\n")
    by_rule = {r["ruleId"]: r for r in data["runs"][0]["results"]}
    jousei = by_rule["misconversion/jousei"]
    region = jousei["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 10, "endLine": 1, "endColumn": 12}
    assert utf16_slice(lines[0], region["startColumn"], region["endColumn"]) == "情勢"
    (fix,) = jousei["fixes"]
    (change,) = fix["artifactChanges"]
    (rep,) = change["replacements"]
    assert rep["deletedRegion"] == region and rep["insertedContent"]["text"] == "醸成"
    assert "fixes" not in by_rule["style/redundant-wo-okonau"]  # no suggestion, no fix
    dekiru = by_rule["style/redundant-suru-koto-ga-dekiru"]
    r = dekiru["locations"][0]["physicalLocation"]["region"]
    old = utf16_slice(lines[2], r["startColumn"], r["endColumn"])
    assert old.startswith("することができ")
    assert dekiru["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "できます"


def test_sarif_fixes_only_for_exactly_one_suggestion():
    text = "情勢と情勢と情勢\n"
    fs = [finding(column=1, end_column=3, suggestions=[]),
          finding(column=4, end_column=6, suggestions=["醸成"]),
          finding(column=7, end_column=9, suggestions=["醸成", "情静"])]
    res, src = hand_made(fs, {"a.md": text})
    data = json.loads(REPORTERS["sarif"](res, src))
    validator("sarif-2.1.0-rtm.5.json").validate(data)
    assert [("fixes" in r) for r in data["runs"][0]["results"]] == [False, True, False]
    # a rule not in the run's rule list still gets a descriptor
    assert data["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "test/rule"


def test_sarif_fingerprints_survive_edits_elsewhere(linted):
    before = linted({"a.md": DOC})
    fp1 = {r["ruleId"]: r["partialFingerprints"] for r in json.loads(render("sarif", only(before)))["runs"][0]["results"]}
    after = linted({"a.md": "前置きの段落を足しました。\r\n\r\n" + DOC.replace("ＡＩを活用", "ＡＩを使用")})
    fp2 = {r["ruleId"]: r["partialFingerprints"] for r in json.loads(render("sarif", only(after)))["runs"][0]["results"]}
    assert fp1["misconversion/jousei"] == fp2["misconversion/jousei"]          # moved two lines down
    assert fp1["style/redundant-wo-okonau"] == fp2["style/redundant-wo-okonau"]
    assert fp1["style/fullwidth-alphabet"] != fp2["style/fullwidth-alphabet"]  # its line changed
    assert len({json.dumps(v) for v in fp1.values()}) == len(fp1)


def test_sarif_identical_findings_get_distinct_fingerprints(linted):
    out = linted({"a.md": DOC + DOC})
    results = json.loads(render("sarif", only(out)))["runs"][0]["results"]
    prints = [json.dumps(r["partialFingerprints"]) for r in results]
    assert len(prints) == 8 and len(set(prints)) == 8


# --------------------------------------------------------------------------- rdjson

def test_rdjson_is_valid_with_utf8_columns_and_suggestions(doc):
    data = json.loads(render("rdjson", doc))
    validator("rdjson-DiagnosticResult.schema.json").validate(data)
    assert data["source"]["name"] == "jalint" and data["severity"] == "ERROR"
    lines = DOC.split("\r\n")
    diags = {d["code"]["value"]: d for d in data["diagnostics"]}
    j = diags["misconversion/jousei"]
    rng = j["location"]["range"]
    # 𠮷😀 = 8 bytes, 寄付文化の = 15 bytes: 情勢 starts at byte 24, column 24; ends at 30
    assert rng == {"start": {"line": 1, "column": 24}, "end": {"line": 1, "column": 30}}
    assert utf8_slice(lines[0], rng["start"]["column"], rng["end"]["column"]) == "情勢"
    assert j["severity"] == "ERROR" and j["location"]["path"] == "a.md"
    assert j["code"]["url"] == sarif.rule_url("misconversion/jousei")
    assert j["suggestions"] == [{"range": rng, "text": "醸成"}]
    # what reviewdog's github-pr-review makes of it: the line with the range replaced
    start, end = rng["start"]["column"], rng["end"]["column"]
    raw = lines[0].encode("utf-8")
    assert (raw[:start - 1] + "醸成".encode() + raw[end - 1:]).decode() == f"{PREFIX}寄付文化の醸成を図ります。"
    assert diags["style/fullwidth-alphabet"]["severity"] == "WARNING"
    assert diags["style/redundant-wo-okonau"]["severity"] == "INFO"
    assert "suggestions" not in diags["style/redundant-wo-okonau"]
    for d in data["diagnostics"]:
        for pos in (d["location"]["range"]["start"], d["location"]["range"]["end"]):
            assert pos["line"] >= 1 and pos["column"] >= 1


def test_rdjson_empty_result_is_valid(linted):
    out = linted({"a.md": "問題のない文です。\r\n"}, preset="recommended")
    data = json.loads(render("rdjson", out))
    validator("rdjson-DiagnosticResult.schema.json").validate(data)
    assert data["diagnostics"] == []


def test_rdjson_schema_rejects_mistakes():
    v = validator("rdjson-DiagnosticResult.schema.json")
    bad = {"diagnostics": [{"message": "m", "location": {"path": "a", "range": {"start": {"line": 1, "col": 2}}}}]}
    assert list(v.iter_errors(bad))
    assert list(v.iter_errors({"diagnostics": [{"message": "m", "location": {"path": "a"}, "severity": "FATAL"}]}))


# --------------------------------------------------------------------------- checkstyle

def test_checkstyle_parses_with_utf16_columns(doc):
    out = render("checkstyle", doc)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "checkstyle" and root.get("version") == "4.3"
    (file_el,) = root.findall("file")
    assert file_el.get("name") == "a.md"
    errors = {e.get("source"): e for e in file_el.findall("error")}
    assert {e.get("severity") for e in errors.values()} <= {"error", "warning", "info"}
    j = errors["misconversion/jousei"]
    assert (j.get("line"), j.get("column"), j.get("severity")) == ("1", "10", "error")
    assert j.get("message").endswith("→ 醸成")
    assert errors["style/fullwidth-alphabet"].get("severity") == "warning"
    assert errors["style/redundant-wo-okonau"].get("severity") == "info"


def test_checkstyle_escapes_and_lists_clean_files():
    msg = 'a<b>&"c\' d\n次\x07'
    f = finding(path="p&q.md", message=msg)
    res, src = hand_made([f], {"p&q.md": "𠮷情勢\n"})
    out = REPORTERS["checkstyle"](res, src, paths=["p&q.md", "clean.md"])
    root = ET.fromstring(out.encode("utf-8"))
    names = [el.get("name") for el in root.findall("file")]
    assert names == ["clean.md", "p&q.md"]
    (err,) = root.find("file[@name='p&q.md']").findall("error")
    assert err.get("message") == 'a<b>&"c\' d\n次U+0007'
    assert err.get("column") == "4"  # 𠮷 is two UTF-16 units


# --------------------------------------------------------------------------- junit

def test_junit_suites_cases_and_clean_files(linted):
    out = linted({"a.md": DOC, "b.md": "問題のない文です。\r\n"})
    xml = render("junit", only(out), paths=["a.md", "b.md"])
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"a.md", "b.md"}
    a = suites["a.md"]
    cases = {c.get("name"): c for c in a.findall("testcase")}
    assert set(cases) == set(RULES)  # one testcase per rule per file
    assert a.get("tests") == "4" and a.get("failures") == "2"
    fail = cases["misconversion/jousei"].find("failure")
    assert fail.get("type") == "error" and fail.get("message").startswith("1 finding: ")
    assert fail.text == ("a.md:1:8: error 「情勢」は「醸成」の誤変換では？（機運・文化を醸成する／国際情勢） → 醸成"
                         " [misconversion/jousei]")
    assert cases["style/fullwidth-alphabet"].find("failure").get("type") == "warning"
    info = cases["style/redundant-wo-okonau"]
    assert info.find("failure") is None and "分析を行う" in info.find("system-out").text
    b_cases = suites["b.md"].findall("testcase")
    assert len(b_cases) == 1 and b_cases[0].find("failure") is None
    assert suites["b.md"].get("tests") == "1" and suites["b.md"].get("failures") == "0"
    assert root.get("tests") == "5" and root.get("failures") == "2"
    for c in root.iter("testcase"):
        assert c.get("classname") and c.get("name")


def test_junit_without_paths_counts_clean_files(linted):
    out = linted({"a.md": DOC, "b.md": "問題のない文です。\r\n", "c.md": "これも問題ありません。\r\n"})
    root = ET.fromstring(render("junit", only(out)).encode("utf-8"))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"a.md", "jalint"}
    (case,) = suites["jalint"].findall("testcase")
    assert case.find("failure") is None and case.get("name").startswith("2 other files")


def test_junit_escapes():
    msg = 'x<y>&"z"\n2行目\x1b'
    res, src = hand_made([finding(message=msg, rule="a/b")], {"a.md": "情勢\n"})
    root = ET.fromstring(REPORTERS["junit"](res, src).encode("utf-8"))
    fail = root.find("testsuite/testcase/failure")
    assert fail.get("message") == '1 finding: x<y>&"z"\n2行目U+001B'
    assert 'x<y>&"z"' in fail.text and "\x1b" not in fail.text
