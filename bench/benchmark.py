"""Side-by-side benchmark: jalint against the tokenizer's floor and against textlint.

    python bench/benchmark.py [--corpus DIR] [--runs 5] [--big-mb 10] [--skip-big]

Everything is measured in one run, on the same machine, as ratios (the machines are
noisy; absolute seconds mean little):

  floor      a bare Python process that imports SudachiPy, loads the dictionary and
             tokenizes the prose of the corpus (the prose jalint extracts, written to
             a file beforehand), reading each morpheme's surface, part of speech,
             normalized, dictionary and reading forms and offsets
  jalint     cold: a new process, as CI runs it — recommended preset, every rule,
             --jobs 1 and the default (all cores), and a warm --cache re-run; the
             user cache (parsed rule files, compiled regexes) is filled, as on any
             machine after its first run, except in the row "empty user cache";
             warm: the core called again in this process, as the language server does
  textlint   textlint with textlint-rule-preset-ja-technical-writing, when installed:
                 npm install --prefix bench/textlint textlint \\
                     textlint-rule-preset-ja-technical-writing textlint-rule-prh
             (the row is skipped when bench/textlint/node_modules/.bin/textlint is missing)

Corpora: the policy corpus (default ../shared/corpus/policy beside the checkout), a
corpus of about --big-mb MB built from it by repeating its files under varied names, and
one plain-text file of a single --line-mb MB line (the corpus's prose run together).
Reported: median wall time over --runs runs, characters per second, peak RSS of the
process, and the ratios jalint/floor and textlint/jalint.  The floor, the start-up
row and the four cold rows run in rounds of one run each, so that they all see the
machine as it was at the same minutes.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "policy"
TEXTLINT = ROOT / "bench" / "textlint" / "node_modules" / ".bin" / "textlint"

FLOOR = r"""
import sys
from sudachipy import Dictionary, SplitMode
tok = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
n = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        line = line.rstrip("\n")
        while line:
            piece, line = line[:12000], line[12000:]
            for m in tok.tokenize(piece):
                m.surface(); m.part_of_speech_id(); m.normalized_form(); m.dictionary_form(); m.reading_form()
                m.begin(); m.end()
                n += 1
print(n)
"""


def run_measured(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KB, exit code) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode


def median_run(cmd, runs, cwd=None, before=None):
    walls, rss, codes = [], [], set()
    for _ in range(runs):
        if before:
            before()
        w, r, c = run_measured(cmd, cwd)
        walls.append(w)
        rss.append(r)
        codes.add(c)
    return statistics.median(walls), max(rss), codes


def interleaved_runs(commands: dict, runs: int, cwd=None) -> dict:
    """``median_run`` of several commands (label → command), run in rounds of one
    run each: the machine's speed drifts over minutes, and rows measured one after
    another in blocks would carry that drift into their ratios."""
    walls: dict = {label: [] for label in commands}
    rss: dict = {label: [] for label in commands}
    codes: dict = {label: set() for label in commands}
    for _ in range(runs):
        for label, cmd in commands.items():
            w, r, c = run_measured(cmd, cwd)
            walls[label].append(w)
            rss[label].append(r)
            codes[label].add(c)
    return {label: (statistics.median(walls[label]), max(rss[label]), codes[label]) for label in commands}


def build_big(src: Path, dest: Path, megabytes: float) -> None:
    files = sorted(p for p in src.glob("*.md"))
    target = megabytes * 1024 * 1024
    size, i = 0, 0
    dest.mkdir(parents=True, exist_ok=True)
    while size < target:
        for f in files:
            data = f.read_bytes()
            (dest / f"{i:03d}-{f.name}").write_bytes(data)
            size += len(data)
            if size >= target:
                break
        i += 1


def build_one_line(prose: Path, dest: Path, megabytes: float) -> None:
    """One plain-text file holding a single line of about ``megabytes`` MB: the
    corpus's prose blocks run together (sentences still end in 。), repeated."""
    unit = "".join(line.rstrip("\n") for line in prose.open(encoding="utf-8"))
    data = unit.encode("utf-8")
    times = max(1, int(megabytes * 1024 * 1024 // len(data)))
    dest.write_bytes(data * times)


def prose_file(corpus: Path, out: Path) -> int:
    """Write the prose jalint extracts from the corpus, one block per line."""
    sys.path.insert(0, str(ROOT))
    from linter.markdown import extract_markdown
    from linter.source import expand_paths, read_file

    chars = 0
    with open(out, "w", encoding="utf-8") as fh:
        for path in expand_paths([str(corpus)]):
            for block in extract_markdown(read_file(path).text):
                fh.write(block.text.replace("\n", " ") + "\n")
                chars += len(block.text)
    return chars


def corpus_chars(corpus: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8")) for p in corpus.rglob("*.md"))


def warm_core(corpus: Path, runs: int, preset: str) -> float:
    """The core called again in this process (the language server's situation)."""
    sys.path.insert(0, str(ROOT))
    from linter.run import Request, execute

    req = Request(paths=[str(corpus)], preset=preset, jobs=1)
    execute(req)  # load rules, dictionaries and caches once
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        execute(req)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_corpus(name: str, corpus: Path, runs: int, work: Path, table: list, with_textlint: bool) -> dict:
    chars = corpus_chars(corpus)
    rows: dict = {"_chars": chars}
    prose = work / f"{name}-prose.txt"
    prose_file(corpus, prose)
    py = sys.executable

    def add(label, wall, rss, codes=None):
        rows[label] = wall
        table.append((name, label, wall, chars / wall if wall else 0, rss, codes))

    empty = work / "tiny" / "tiny.md"
    empty.parent.mkdir(exist_ok=True)
    empty.write_text("これは文です。\n", encoding="utf-8")
    jalint = [py, "-m", "linter", "--format", "json"]
    user_cache = Path(os.environ["JALINT_CACHE_DIR"])
    for preset in ("recommended", "all"):  # fill the user cache (parsed YAML, regexes, dictionaries)
        run_measured(jalint + ["--preset", preset, str(empty)], cwd=work)
    startup = "jalint start-up (a one-sentence file)"
    cold = {
        "floor: Sudachi alone": [py, "-c", FLOOR, str(prose)],
        # the cost of a run that lints next to nothing: start-up, rules, dictionary
        startup: jalint + ["--jobs", "1", str(empty)],
        "jalint recommended, cold, --jobs 1": jalint + ["--jobs", "1", str(corpus)],
        "jalint recommended, cold, default jobs": jalint + [str(corpus)],
        "jalint all rules, cold, --jobs 1": jalint + ["--preset", "all", "--jobs", "1", str(corpus)],
        "jalint all rules, cold, default jobs": jalint + ["--preset", "all", str(corpus)],
    }
    for label, (wall, rss, codes) in interleaved_runs(cold, runs, cwd=work).items():
        if label == startup:
            rows["_startup"] = wall
            table.append((name, label, wall, 0, rss, codes))
        else:
            add(label, wall, rss, codes)

    def clear_user_cache():
        shutil.rmtree(user_cache, ignore_errors=True)

    # the very first run on a machine, before the user cache holds anything
    wall, rss, codes = median_run(jalint + [str(corpus)], runs, cwd=work, before=clear_user_cache)
    add("jalint recommended, cold, empty user cache", wall, rss, codes)
    run_measured(jalint + ["--preset", "all", str(empty)], cwd=work)  # filled again
    cache_dir = work / ".jalint_cache"

    def clear_cache():  # the project's result cache and the kept outputs of commands
        shutil.rmtree(cache_dir, ignore_errors=True)
        shutil.rmtree(user_cache / "replay", ignore_errors=True)

    wall, rss, codes = median_run(jalint + ["--cache", str(corpus)], runs, cwd=work, before=clear_cache)
    add("jalint recommended, --cache, cold", wall, rss, codes)
    run_measured(jalint + ["--cache", str(corpus)], cwd=work)
    wall, rss, codes = median_run(jalint + ["--cache", str(corpus)], runs, cwd=work)
    add("jalint recommended, --cache, warm re-run", wall, rss, codes)
    clear_cache()
    add("jalint recommended, warm core in one process", warm_core(corpus, runs, "recommended"), 0)
    if with_textlint and TEXTLINT.exists():
        cfg = work / "textlintrc.json"
        cfg.write_text(json.dumps({"rules": {"preset-ja-technical-writing": True}}), encoding="utf-8")
        files = [str(p) for p in sorted(corpus.rglob("*.md"))]
        textlint_runs = runs if chars < 2_000_000 else 1  # minutes per run on the big corpus
        wall, rss, codes = median_run([str(TEXTLINT), "--config", str(cfg), "--format", "json", *files],
                                      textlint_runs, cwd=TEXTLINT.parents[2])
        add("textlint ja-technical-writing", wall, rss, codes)
    return rows


def bench_one_line(corpus: Path, megabytes: float, runs: int, work: Path, table: list) -> dict:
    """A single line of ``megabytes`` MB: time and peak RSS against the floor."""
    prose = work / "line-prose.txt"
    prose_file(corpus, prose)
    line = work / "one-line.txt"
    build_one_line(prose, line, megabytes)
    chars = len(line.read_text(encoding="utf-8"))
    name = f"one {megabytes:g} MB line"
    rows: dict = {"_chars": chars}
    py = sys.executable
    for label, cmd in (
        ("floor: Sudachi alone", [py, "-c", FLOOR, str(line)]),
        ("jalint recommended, cold", [py, "-m", "linter", "--format", "json", str(line)]),
    ):
        wall, rss, codes = median_run(cmd, runs, cwd=work)
        rows[label] = wall
        rows[label + " RSS"] = rss
        table.append((name, label, wall, chars / wall if wall else 0, rss, codes))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big-mb", type=float, default=10.0)
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--line-mb", type=float, default=5.0, help="size of the single-line file")
    ap.add_argument("--skip-line", action="store_true")
    ap.add_argument("--no-textlint", action="store_true")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"benchmark: corpus folder {args.corpus} not found", file=sys.stderr)
        return 2
    # an installed jalint has its modules compiled to bytecode (pip does it at install
    # time); a checkout run with PYTHONDONTWRITEBYTECODE would recompile them every run
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "linter")], check=False)
    table: list = []
    summaries = {}
    with tempfile.TemporaryDirectory(prefix="jalint-bench-") as tmp:
        work = Path(tmp)
        # jalint's user cache (parsed rule files, compiled regexes, kept outputs) of
        # this benchmark alone: filled before the cold rows, as on any machine after
        # its first run, and emptied for the row that measures that first run
        os.environ["JALINT_CACHE_DIR"] = str(work / "user-cache")
        summaries["policy"] = bench_corpus("policy", args.corpus, args.runs, work, table, not args.no_textlint)
        if not args.skip_big:
            big = work / "big"
            build_big(args.corpus, big, args.big_mb)
            summaries["big"] = bench_corpus(f"{args.big_mb:g} MB", big, args.runs, work, table, not args.no_textlint)
        if not args.skip_line:
            summaries["line"] = bench_one_line(args.corpus, args.line_mb, max(1, min(args.runs, 3)), work, table)

    from linter.analysis import default_jobs

    print(f"default jobs here: {default_jobs()}\n")
    print("| corpus | what | median wall (s) | chars/s | peak RSS (MB) | exit codes |")
    print("|---|---|---:|---:|---:|---|")
    for corpus, label, wall, cps, rss, codes in table:
        code = ",".join(str(c) for c in sorted(codes)) if codes else ""
        print(f"| {corpus} | {label} | {wall:.3f} | {cps:,.0f} | {rss / 1024:.0f} | {code} |")
    print()
    print("| corpus | ratio | value |")
    print("|---|---|---:|")
    for name, rows in summaries.items():
        if name == "line":
            print(f"| one {args.line_mb:g} MB line | jalint recommended / floor | "
                  f"{rows['jalint recommended, cold'] / rows['floor: Sudachi alone']:.2f} |")
            print(f"| one {args.line_mb:g} MB line | jalint peak RSS (MB) | {rows['jalint recommended, cold RSS'] / 1024:.0f} |")
            continue
        name = "policy" if name == "policy" else f"{args.big_mb:g} MB"
        floor = rows["floor: Sudachi alone"]
        for label in ("jalint recommended, cold, default jobs", "jalint recommended, cold, --jobs 1",
                      "jalint all rules, cold, default jobs", "jalint all rules, cold, --jobs 1",
                      "jalint recommended, cold, empty user cache"):
            print(f"| {name} | {label} / floor | {rows[label] / floor:.2f} |")
        print(f"| {name} | --jobs 1 / default jobs | "
              f"{rows['jalint recommended, cold, --jobs 1'] / rows['jalint recommended, cold, default jobs']:.2f} |")
        print(f"| {name} | cache cold / cache warm | "
              f"{rows['jalint recommended, --cache, cold'] / rows['jalint recommended, --cache, warm re-run']:.2f} |")
        print(f"| {name} | cold (default jobs) / cache warm | "
              f"{rows['jalint recommended, cold, default jobs'] / rows['jalint recommended, --cache, warm re-run']:.2f} |")
        if "textlint ja-technical-writing" in rows:
            print(f"| {name} | textlint / jalint (technical-writing vs recommended, default jobs) | "
                  f"{rows['textlint ja-technical-writing'] / rows['jalint recommended, cold, default jobs']:.2f} |")
    if "big" in summaries:
        p, b = summaries["policy"], summaries["big"]
        label = "jalint recommended, cold, --jobs 1"
        growth = (b[label] / b["_chars"]) / (p[label] / p["_chars"])
        print(f"\nTime per character, big corpus / policy corpus ({label}): {growth:.2f} (1.00 is linear)")
        fixed = p["_startup"]
        growth = ((b[label] - fixed) / b["_chars"]) / ((p[label] - fixed) / p["_chars"])
        print(f"The same without the start-up cost ({fixed:.3f} s, jalint on a one-sentence file): {growth:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
