"""The result cache (--cache): a re-run prints what a run without the cache prints,
whichever of its levels answers (the whole run, each file's analysis, nothing), and
its keys change with everything that decides a result, jalint's own code included.
Real files, the real command line."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter import cache as cache_mod
from linter import config as config_mod
from linter.cli import main

ROOT = Path(__file__).resolve().parents[1]

A_TEXT = "障害のある人を支援する。障害者の雇用を進める。障害の有無を問わない。\n"
B_TEXT = "障がいのある人の声を聞く。\n"


def jalint(*args, input=None):
    """(exit code, stdout) of the command line, in this process."""
    r = CliRunner().invoke(main, ["--jobs", "1", *args], input=input, catch_exceptions=False)
    return r.exit_code, r.stdout


def run_entries(folder: Path) -> list[Path]:
    runs = folder / cache_mod.DIRNAME / cache_mod.RUNS
    return sorted(runs.glob("*.pickle")) if runs.is_dir() else []


@pytest.fixture
def project(tmp_path, monkeypatch, rules):
    monkeypatch.chdir(tmp_path)
    cache_mod._digest_of_sources.cache_clear()  # the code as it is now, as the probes see it
    (tmp_path / "a.md").write_text(A_TEXT, encoding="utf-8")
    (tmp_path / "b.md").write_text(B_TEXT, encoding="utf-8")
    return tmp_path


# The command line in a fresh process, reporting afterwards which of the heavy
# modules the run imported (a run answered by the run cache needs none of them;
# linter.rules, where the reported rules' class lives, is light and does not count).
PROBE = """
import sys
from linter.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = ("sudachipy", "linter.engine", "linter.markdown", "linter.ruleset", "linter.kinds", "yaml")
sys.stderr.write("IMPORTED=" + ",".join(m for m in heavy if m in sys.modules) + "\\n")
sys.exit(code)
"""


def probe(folder: Path, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", PROBE, "--jobs", "1", *args], cwd=folder, env=env,
                       capture_output=True, text=True, timeout=120)
    imported = next(line for line in r.stderr.splitlines() if line.startswith("IMPORTED="))
    return r.returncode, r.stdout, imported.removeprefix("IMPORTED=")


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_warm_run_prints_what_the_cold_run_printed_without_rules_or_sudachi(project, fmt):
    uncached = jalint("--format", fmt, "a.md", "b.md")
    cold = jalint("--cache", "--format", fmt, "a.md", "b.md")
    assert cold == uncached and "consistency/terms" in cold[1]
    assert len(run_entries(project)) == 1
    code, out, imported = probe(project, "--cache", "--format", fmt, "a.md", "b.md")
    assert (code, out) == cold
    assert imported == ""


def test_a_changed_file_is_linted_again_and_consistency_is_decided_over_all_files(project):
    def b_findings(out):
        return [f["message"] for f in json.loads(out)["findings"] if f["path"] == "b.md"]

    cold = jalint("--cache", "--format", "json", "a.md", "b.md")
    assert any("障がい" in m for m in b_findings(cold[1]))  # the minority form, against a.md's 障害
    (project / "a.md").write_text(A_TEXT.replace("障害", "障がい"), encoding="utf-8")
    warm = jalint("--cache", "--format", "json", "a.md", "b.md")
    assert warm == jalint("--format", "json", "a.md", "b.md")
    assert b_findings(warm[1]) != b_findings(cold[1])
    assert not any("障がい" in m for m in b_findings(warm[1]))


def test_an_added_file_is_linted(project):
    first = jalint("--cache", "--format", "json", ".")
    (project / "c.md").write_text("障害者手帳の交付を早める。ら抜きで見れる。\n", encoding="utf-8")
    again = jalint("--cache", "--format", "json", ".")
    assert again == jalint("--format", "json", ".")
    assert again != first
    assert any(f["path"] == "c.md" for f in json.loads(again[1])["findings"])


def test_old_run_entries_are_pruned(project):
    """Runs on ever other lists of files keep at most KEPT_RUNS entries, the newest."""
    cfg = config_mod.discover(["."], None)
    digests = cache_mod.Digests()

    def put(n: int) -> Path:
        run = cache_mod.RunCache(cfg, ("request", n), [], ["a.md"], [], digests)
        run.put(cache_mod.RunEntry([], 1, ["a.md"], {}, [], [], []))
        return run.entry

    past = 1_000_000_000_000_000_000
    written = []
    for n in range(cache_mod.KEPT_RUNS + 4):
        written.append(put(n))
        os.utime(written[-1], ns=(past + n, past + n))  # distinct ages, oldest first
    stranger = written[0].with_name("0123456789abcdef-0123456789abcdef.pickle")  # another version's entry
    stranger.write_bytes(b"")
    newest = put(999)
    kept = run_entries(project)
    assert len(kept) == cache_mod.KEPT_RUNS
    assert newest in kept and stranger not in kept
    assert set(kept) == {newest, *written[-(cache_mod.KEPT_RUNS - 1):]}


def test_fix_does_not_use_the_run_cache(project):
    (project / "c.md").write_text("朝早く起きれる。\n", encoding="utf-8")
    jalint("--cache", "c.md")
    entries = run_entries(project)
    jalint("--cache", "--fix", "c.md")
    assert (project / "c.md").read_text(encoding="utf-8") == "朝早く起きられる。\n"
    assert run_entries(project) == entries


def test_standard_input_does_not_use_the_run_cache(project):
    jalint("--cache", "--format", "json", "a.md")
    entries = run_entries(project)
    args = ("--format", "json", "--stdin-filename", "a.md", "-")
    piped = jalint("--cache", *args, input=B_TEXT)
    assert piped == jalint(*args, input=B_TEXT)
    assert run_entries(project) == entries


def test_an_explicit_encoding_does_not_use_the_run_cache(project):
    """The cache knows files by their bytes; --encoding changes what they say."""
    cached = jalint("--cache", "--format", "json", "a.md")
    decoded = jalint("--cache", "--format", "json", "--encoding", "latin-1", "a.md")
    assert decoded == jalint("--format", "json", "--encoding", "latin-1", "a.md")
    assert decoded != cached


def test_a_baseline_filters_a_cached_result(project):
    def rules_of(out):
        return [f["rule"] for f in json.loads(out)["findings"]]

    args = ("--cache", "--format", "json", "a.md", "b.md")
    assert rules_of(jalint(*args, "--write-baseline", "baseline.json")[1]) == ["consistency/terms"]
    assert rules_of(jalint(*args, "--baseline", "baseline.json")[1]) == []
    _, out, imported = probe(project, *args, "--baseline", "baseline.json")
    assert rules_of(out) == [] and "linter.engine" not in imported  # answered by the run cache
    with open(project / "b.md", "a", encoding="utf-8") as fh:
        fh.write("\n朝早く起きれる。\n")
    assert rules_of(jalint(*args, "--baseline", "baseline.json")[1]) == ["style/ra-nuki"]


# -- the keys -----------------------------------------------------------------------
@pytest.fixture
def copied_sources(tmp_path, monkeypatch):
    """A copy of the package's code that the keys hash instead of the real one."""
    copy = tmp_path / "linter-copy"
    shutil.copytree(cache_mod.SOURCE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "_data"))
    monkeypatch.setattr(cache_mod, "SOURCE_ROOT", copy)
    yield copy
    cache_mod._digest_of_sources.cache_clear()


def edit(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    cache_mod._digest_of_sources.cache_clear()


def test_the_source_digest_covers_every_python_file_of_the_package():
    names = {p.relative_to(cache_mod.SOURCE_ROOT).as_posix() for p in cache_mod.source_files(cache_mod.SOURCE_ROOT)}
    assert {"cache.py", "run.py", "kinds/consistency.py", "checks/ra_nuki.py"} <= names
    assert all(name.endswith(".py") and "__pycache__" not in name for name in names)


def test_the_keys_change_with_jalints_code(copied_sources, project, rules):
    from linter.engine import Options

    cfg = config_mod.discover(["."], None)
    same_code = cache_mod.source_digest()
    assert same_code == cache_mod._digest_of_sources(Path(cache_mod.__file__).resolve().parent)
    before = (cache_mod.environment_key(cfg), cache_mod.context_key(cfg, rules, Options()))
    os.utime(copied_sources / "engine.py")  # touched, not changed: the same key
    cache_mod._digest_of_sources.cache_clear()
    assert (cache_mod.environment_key(cfg), cache_mod.context_key(cfg, rules, Options())) == before
    edit(copied_sources / "kinds" / "consistency.py")
    after = (cache_mod.environment_key(cfg), cache_mod.context_key(cfg, rules, Options()))
    assert cache_mod.source_digest() != same_code
    assert after[0] != before[0] and after[1] != before[1]


def test_a_run_cached_by_other_code_is_not_replayed(copied_sources, project):
    cold = jalint("--cache", "--format", "json", "a.md", "b.md")
    before = run_entries(project)
    edit(copied_sources / "checks" / "ra_nuki.py")
    assert jalint("--cache", "--format", "json", "a.md", "b.md") == cold
    after = run_entries(project)
    assert len(after) == 1 and after != before  # a new entry; the other code's is dropped
