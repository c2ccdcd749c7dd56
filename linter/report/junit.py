"""JUnit XML, for CI test dashboards (GitLab, Jenkins, Azure Pipelines, CircleCI …)::

    <testsuites name="jalint" tests="…" failures="…" errors="0" skipped="0" time="0">
      <testsuite name="docs/a.md" tests="2" failures="1" …>
        <testcase classname="docs/a.md" name="misconversion/jousei" file="docs/a.md" time="0">
          <failure type="error" message="2 findings: 「情勢」は…">docs/a.md:3:5: error … → 醸成
    docs/a.md:9:1: error …</failure>
        </testcase>
      </testsuite>
    </testsuites>

One testsuite per file and one testcase per rule that fired in it.  Per rule, not
per finding, because dashboards track a test by its name from run to run ("newly
failed", "fixed", flaky history): a rule id is a stable name, while a per-finding
name would have to carry a line number that shifts with every edit above it.  The
failure's ``message`` counts the findings and quotes the first; its body lists every
finding as ``path:line:column: severity message → suggestion`` (columns in code
points, as jalint's text output).

Errors and warnings are ``<failure>``s (``type`` says which); a rule whose findings
in the file are all infos passes, its notes in ``<system-out>``.  A file without
findings gets one passing testcase, so dashboards show it was checked: the files of
the run come from the reporter's ``paths`` context when given; otherwise only files
with findings are known, and one passing testcase in a ``jalint`` suite stands for
the other files of the run.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .checkstyle import grouped, serialize, xml_text
from .sarif import message_text, posix_path

FAILING = ("error", "warning")
CLEAN_CASE = "no findings"


def _line(f) -> str:
    return f"{posix_path(f.path)}:{f.line}:{f.column}: {f.severity} {message_text(f)} [{f.rule}]"


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=xml_text(name))


def _case(suite: ET.Element, classname: str, name: str, file: str | None = None) -> ET.Element:
    attrs = {"classname": xml_text(classname), "name": xml_text(name)}
    if file is not None:
        attrs["file"] = xml_text(file)
    attrs["time"] = "0"
    return ET.SubElement(suite, "testcase", attrs)


def _finish(el: ET.Element, tests: int, failures: int) -> None:
    el.set("tests", str(tests))
    el.set("failures", str(failures))
    el.set("errors", "0")
    el.set("skipped", "0")
    el.set("time", "0")


def render(result, sources, color: bool = False, **context) -> str:
    root = ET.Element("testsuites", name="jalint")
    total_tests = total_failures = 0
    files = grouped(result, context.get("paths"))
    for path, findings in files.items():
        shown = posix_path(path)
        suite = _suite(root, shown)
        tests = failures = 0
        by_rule: dict[str, list] = {}
        for f in findings:
            by_rule.setdefault(f.rule, []).append(f)
        for rule, group in sorted(by_rule.items()):
            case = _case(suite, shown, rule, shown)
            tests += 1
            failing = [f for f in group if f.severity in FAILING]
            if failing:
                failures += 1
                worst = "error" if any(f.severity == "error" for f in failing) else "warning"
                n = len(group)
                summary = f"{n} finding{'s' if n != 1 else ''}: {message_text(group[0])}"
                fail = ET.SubElement(case, "failure", type=worst, message=xml_text(summary))
                fail.text = xml_text("\n".join(_line(f) for f in group))
            else:
                out = ET.SubElement(case, "system-out")
                out.text = xml_text("\n".join(_line(f) for f in group))
        if not by_rule:
            _case(suite, shown, CLEAN_CASE, shown)
            tests += 1
        _finish(suite, tests, failures)
        total_tests += tests
        total_failures += failures
    others = result.files - len(files)
    if context.get("paths") is None and others > 0:
        suite = _suite(root, "jalint")
        case = _case(suite, "jalint", f"{others} other file{'s' if others != 1 else ''}: {CLEAN_CASE}")
        ET.SubElement(case, "system-out").text = f"{others} linted file{'s' if others != 1 else ''} without findings"
        _finish(suite, 1, 0)
        total_tests += 1
    _finish(root, total_tests, total_failures)
    return serialize(root)
