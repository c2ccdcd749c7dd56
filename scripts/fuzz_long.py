"""The properties of tests/test_fuzz.py, run for a long time with random seeds
(outside the default test run).

    python scripts/fuzz_long.py --minutes 5

Prints how many inputs each property was tried on and every failure (with the
input hypothesis shrank it to); exits with 1 when there was one.
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import test_fuzz as props  # noqa: E402
from linter.fix import fix_text  # noqa: E402
from linter.markdown import extract_markdown  # noqa: E402
from linter.plaintext import extract_plain  # noqa: E402
from linter.rules import load_rules  # noqa: E402

ROUND = settings(max_examples=200, deadline=None, derandomize=False, database=None,
                 suppress_health_check=list(HealthCheck))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=5.0)
    args = ap.parse_args()
    rules = load_rules()
    counts: dict[str, int] = {}
    failures: list[str] = []

    def lint_property(syntax):
        name = f"lint ({syntax})"

        @ROUND
        @given(text=props.any_text)
        def prop(text):
            counts[name] = counts.get(name, 0) + 1
            findings = props._lint_fn(rules, "f.md" if syntax == "markdown" else "f.txt", syntax)(text)
            props.check_positions(text, findings)
        return name, prop

    def extract_property():
        name = "extractors"

        @ROUND
        @given(text=props.any_text)
        def prop(text):
            counts[name] = counts.get(name, 0) + 1
            props.check_blocks(text, extract_markdown(text))
            props.check_blocks(text, extract_plain(text))
        return name, prop

    def fix_property(syntax):
        name = f"fix ({syntax})"

        @ROUND
        @given(text=props.st.one_of(props.word_text, props.markdown_text))
        def prop(text):
            counts[name] = counts.get(name, 0) + 1
            lint = props._lint_fn(rules, "f.md" if syntax == "markdown" else "f.txt", syntax)
            fixed, applied = fix_text(text, lint)
            again, applied_again = fix_text(fixed, lint)
            assert again == fixed and not applied_again, (text, fixed, again)
            before = {(f.rule, f.matched) for f in lint(text) if f.rule in applied}
            new = [f for f in lint(fixed) if f.rule in applied and f.fixable and len(f.suggestions) == 1
                   and (f.rule, f.matched) not in before]
            assert not new, (text, fixed, new)
            props.check_positions(fixed, lint(fixed))
        return name, prop

    properties = [lint_property("markdown"), lint_property("text"), extract_property(),
                  fix_property("markdown"), fix_property("text")]
    deadline = time.monotonic() + args.minutes * 60
    rounds = 0
    while time.monotonic() < deadline:
        for name, prop in properties:
            if time.monotonic() >= deadline:
                break
            try:
                prop()
            except Exception:
                failures.append(f"{name}:\n{traceback.format_exc(limit=3)}")
                print(failures[-1], file=sys.stderr, flush=True)
        rounds += 1
    total = sum(counts.values())
    print(f"{args.minutes:g} min, {rounds} rounds, {total} inputs tried, {len(failures)} failures")
    for name, n in counts.items():
        print(f"  {name}: {n} inputs")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
