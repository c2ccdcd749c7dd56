"""Build hostile inputs in a temporary folder, run the real command line on each
(a subprocess, as CI would), and print a Markdown table of what happened.

    python scripts/hostile_inputs.py            # every case
    python scripts/hostile_inputs.py --quick    # skip the slow ones (5 MB, 100,000 files)
    python scripts/hostile_inputs.py -k nest    # only cases whose name contains "nest"

A case passes when the run ends within its time limit, prints no traceback and
gives the exit code the case expects.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT = "寄付文化の情勢を図ります。\n社会保証の充実。\n"
FIXED = "寄付文化の醸成を図ります。\n社会保障の充実。\n"
RULE = "rules:\n  - id: team/x\n    kind: existence\n    severity: info\n    regex: '{rx}'\n    message: m\n    examples: {{bad: [aaa]}}\n"

CASES = []


def case(name, expect, slow=False, limit=120):
    def deco(fn):
        CASES.append((name, expect, slow, limit, fn))
        return fn
    return deco


def jalint(*args, cwd, input=None, limit=120):
    """Run the CLI; (exit code or 'TIMEOUT', stdout, stderr, seconds, max RSS MB).

    The peak RSS is the child's own (os.wait4), not the largest of every child so
    far, which is what RUSAGE_CHILDREN would give."""
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "linter", *map(str, args)], cwd=cwd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    killed = threading.Event()

    def kill():
        killed.set()
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(limit, kill)
    timer.start()
    chunks: dict = {}

    def read(name, stream):
        chunks[name] = stream.read()

    def feed():
        try:
            if input:
                proc.stdin.write(input)
            proc.stdin.close()
        except OSError:
            pass

    threads = [threading.Thread(target=read, args=("out", proc.stdout)),
               threading.Thread(target=read, args=("err", proc.stderr)), threading.Thread(target=feed)]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = "TIMEOUT" if killed.is_set() else proc.returncode
    out, err = chunks.get("out", b""), chunks.get("err", b"")
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.monotonic() - t0, \
        usage.ru_maxrss / 1024


def first(err: str, out: str = "") -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if not lines:
        lines = [ln for ln in out.splitlines() if ln.strip()][-1:]
    text = " / ".join(lines[:2])
    return (text[:150] + "…") if len(text) > 150 else text


# ------------------------------------------------------------------ encodings

@case("Shift_JIS (CP932) file", 1)
def _(d):
    (d / "sj.md").write_bytes(TEXT.encode("cp932"))
    r = jalint("--format", "json", "sj.md", cwd=d)
    import json
    try:
        pos = ", ".join(f"{f['line']}:{f['column']}-{f['end_column']}" for f in json.loads(r[1])["findings"])
    except Exception:
        pos = "?"
    return r[0], f"detected; findings at code-point positions {pos}", r


@case("EUC-JP file", 1)
def _(d):
    (d / "euc.md").write_bytes(TEXT.encode("euc_jp"))
    r = jalint("euc.md", cwd=d)
    return r[0], "detected; misconversion/jousei 1:6, hoshou-social 2:1" if "euc.md:1:6" in r[1] else first(r[2], r[1]), r


@case("--encoding euc_jp forced / unknown name", 2)
def _(d):
    (d / "a.txt").write_bytes(TEXT.encode("euc_jp"))
    forced = jalint("--encoding", "euc_jp", "a.txt", cwd=d)
    r = jalint("--encoding", "klingon", "a.txt", cwd=d)
    return r[0], f"forced: exit {forced[0]}; unknown: {first(r[2])}", r


@case("--fix on CP932 (CRLF) writes CP932 back", 0)
def _(d):
    p = d / "a.md"
    p.write_bytes(TEXT.replace("\n", "\r\n").encode("cp932"))
    r = jalint("--fix", p.name, cwd=d)
    ok = p.read_bytes() == FIXED.replace("\n", "\r\n").encode("cp932")
    return r[0], f"{first(r[2])}; bytes {'= expected CP932/CRLF' if ok else 'WRONG'}", r


@case("--fix replacement not encodable in CP932", 2)
def _(d):
    (d / ".jalint.yaml").write_text("terms:\n  - wrong: 吉野家\n    right: 𠮷野家\n", encoding="utf-8")
    p = d / "a.md"
    p.write_bytes("吉野家の牛丼。\n".encode("cp932"))
    before = p.read_bytes()
    r = jalint("--fix", p.name, cwd=d)
    return r[0], f"{first(r[2])}; file {'untouched' if p.read_bytes() == before else 'CHANGED'}", r


@case("undecodable bytes + a good file (lint, --fix)", 2)
def _(d):
    (d / "bad.md").write_bytes("一行目\n二行目".encode() + b"\xff\xfe\x80\n")
    (d / "good.md").write_text("社会保証の充実。\n", encoding="utf-8")
    lint = jalint(".", cwd=d)
    r = jalint("--fix", ".", cwd=d)
    fixed = (d / "good.md").read_text(encoding="utf-8") == "社会保障の充実。\n"
    return r[0], f"{first(r[2]).split(' / ')[-1]}; good.md still {'fixed' if fixed else 'NOT fixed'} (lint exit {lint[0]})", r


# ------------------------------------------------------------------ hostile files

@case("binary file (PNG named .md)", 0)
def _(d):
    (d / "img.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (d / "ok.md").write_text("本文。\n", encoding="utf-8")
    r = jalint(".", cwd=d)
    return r[0], first(r[2]), r


@case("empty file", 0)
def _(d):
    (d / "e.md").write_bytes(b"")
    r = jalint("e.md", cwd=d)
    return r[0], first(r[2], r[1]), r


@case("5 MB, one line, no 。 or 、", 0, slow=True, limit=600)
def _(d):
    unit = "日本語の長い行であり区切りがない"
    (d / "big.txt").write_text(unit * (5_000_000 // len(unit.encode())), encoding="utf-8")
    r = jalint("big.txt", cwd=d, limit=600)
    return r[0], f"finished in {r[3]:.0f} s, max RSS {r[4]:.0f} MB", r


@case("5 MB, one line, ASCII words", 0, slow=True, limit=600)
def _(d):
    (d / "words.txt").write_text("lorem ipsum dolor " * (5_000_000 // 18), encoding="utf-8")
    r = jalint("words.txt", cwd=d, limit=600)
    return r[0], f"finished in {r[3]:.0f} s, max RSS {r[4]:.0f} MB", r


@case("5 MB, one line, no 。 but 、 and homophones", 1, slow=True, limit=120)
def _(d):
    unit = "寄付文化の情勢を図り、"
    (d / "hom.txt").write_text(unit * (5_000_000 // len(unit.encode())), encoding="utf-8")
    r = jalint("hom.txt", cwd=d, limit=120)
    note = "killed after 120 s" if r[0] == "TIMEOUT" else f"finished in {r[3]:.0f} s, max RSS {r[4]:.0f} MB"
    return r[0], note, r


@case("Markdown list nested 1,000 deep + paragraph", 1)
def _(d):
    (d / "deep.md").write_text("\n".join("  " * i + "- あ" for i in range(1000)) + "\n\n寄付文化の情勢を図ります。\n",
                               encoding="utf-8")
    r = jalint("deep.md", cwd=d)
    return r[0], first(r[2]) + ("; last paragraph linted" if "jousei" in r[1] else "; LAST PARAGRAPH LOST"), r


@case("blockquotes nested 1,000 deep", 0)
def _(d):
    (d / "bq.md").write_text(">" * 1000 + " 本文です。\n", encoding="utf-8")
    r = jalint("bq.md", cwd=d)
    return r[0], first(r[2]), r


@case("pathological inline Markdown (100k '[' + 100k ']', '[a](' ×50k), --format json", 0)
def _(d):
    (d / "br.md").write_text("[" * 100_000 + "]" * 100_000 + "\n\n" + "[a](" * 50_000 + "\n", encoding="utf-8")
    r = jalint("--format", "json", "br.md", cwd=d)
    return r[0], f"{r[1].count(chr(34) + 'rule' + chr(34) + ':')} findings in {r[3]:.1f} s (the inline scanner was quadratic here)", r


@case("the same file, text report", 0, slow=True, limit=60)
def _(d):
    (d / "br.md").write_text("[a](" * 50_000 + "\n", encoding="utf-8")
    r = jalint("br.md", cwd=d, limit=60)
    note = ("killed after 60 s: linter/report/text.py prints the whole 200,000-char line under each of the "
            "50,000 findings (~10 GB); not in the files of this change") if r[0] == "TIMEOUT" else f"{r[3]:.0f} s"
    return r[0], note, r


@case("100,000 tiny files in a tree", 1, slow=True, limit=1800)
def _(d):
    t0 = time.monotonic()
    for i in range(100_000):
        sub = d / f"d{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir()
        (sub / f"f{i:05d}.md").write_text("社会保証の充実。\n" if i % 10_000 == 0 else "本文です。\n", encoding="utf-8")
    made = time.monotonic() - t0
    r = jalint("--format", "json", ".", cwd=d, limit=1800)
    import json
    try:
        summary = json.loads(r[1])["summary"]
    except Exception:
        summary = {}
    return r[0], (f"{summary.get('files')} files, {summary.get('errors')} errors in {r[3]:.0f} s "
                  f"(-j {os.cpu_count()}), max RSS {r[4]:.0f} MB (files made in {made:.0f} s)"), r


@case("NUL bytes inside text", 1)
def _(d):
    (d / "nul.md").write_bytes("寄付\x00文化の情勢を図ります。\n".encode())
    r = jalint("nul.md", cwd=d)
    return r[0], "linted as text (a stray NUL is not binary)" if "jousei" in r[1] else first(r[2], r[1]), r


@case("lone surrogate: stdin bytes ED A0 80 / API str '\\ud800'", 2)
def _(d):
    r = jalint("-", cwd=d, input=b"abc\xed\xa0\x80\n")
    api = subprocess.run([sys.executable, "-c", (
        "from linter.engine import lint_source; from linter.rules import load_rules; from linter.source import Source;"
        "fs = lint_source(Source('a.md', '寄付文化の情勢を図ります\\ud800。', 'markdown'), load_rules());"
        "print(len(fs), repr(fs[0].matched))")], cwd=ROOT, capture_output=True, text=True)
    return r[0], f"stdin: {first(r[2])}; API: U+FFFD one-for-one, {api.stdout.strip() or api.stderr[-80:]}", r


@case("NFD, variation selectors, zero-width, RTL marks", 1)
def _(d):
    text = (unicodedata.normalize("NFD", "がぎぐです。") + "\n葛\U000E0100飾区の文化の情勢を図ります。\n"
            "寄付\u200b文化の\u200d情勢を図ります。\n\u202e寄付文化の情勢\u202cを図ります。\u200f\n")
    (d / "u.md").write_text(text, encoding="utf-8")
    r = jalint("--format", "json", "u.md", cwd=d)
    return r[0], f"{r[1].count(chr(34) + 'rule' + chr(34))} findings, positions in code points", r


@case("symlink loop, linked file, dangling link", 1)
def _(d):
    t = d / "t"
    t.mkdir()
    (t / "a.md").write_text("社会保証の充実。\n", encoding="utf-8")
    (t / "loop").symlink_to(t, target_is_directory=True)
    (t / "link.md").symlink_to(t / "a.md")
    (t / "dangling.md").symlink_to(t / "missing.md")
    (t / "self.md").symlink_to(t / "self.md")
    r = jalint("t", cwd=d)
    files = r[1].strip().splitlines()[-1] if r[1].strip() else ""
    return r[0], f"{files} {first(r[2])}", r


@case("--fix through a symlink", 0)
def _(d):
    (d / "a.md").write_text("社会保証の充実。\n", encoding="utf-8")
    (d / "l.md").symlink_to(d / "a.md")
    r = jalint("--fix", "l.md", cwd=d)
    ok = (d / "l.md").is_symlink() and (d / "a.md").read_text(encoding="utf-8") == "社会保障の充実。\n"
    return r[0], "target fixed, link kept" if ok else "WRONG", r


@case("unreadable file and folder (chmod 000)", 0 if os.geteuid() == 0 else 2)
def _(d):
    (d / "secret.md").write_text("本文。\n", encoding="utf-8")
    (d / "locked").mkdir()
    (d / "locked" / "x.md").write_text("本文。\n", encoding="utf-8")
    (d / "secret.md").chmod(0)
    (d / "locked").chmod(0)
    try:
        r = jalint(".", cwd=d)
        if os.access(d / "secret.md", os.R_OK):
            return r[0], "running as root: readable anyway, linted (tests/test_robustness.py simulates EACCES)", r
        return r[0], first(r[2]), r
    finally:
        (d / "secret.md").chmod(0o644)
        (d / "locked").chmod(0o755)


@case("a path that does not exist (+ a good one)", 2)
def _(d):
    (d / "a.md").write_text("本文。\n", encoding="utf-8")
    r = jalint("nope.md", "a.md", cwd=d)
    return r[0], first(r[2]) + " (a.md still linted)", r


@case("a device (/dev/zero) named directly", 0)
def _(d):
    r = jalint("/dev/zero", cwd=d, limit=30)
    return r[0], first(r[2], r[1]), r


@case("a FIFO named x.md in the tree", 0)
def _(d):
    os.mkfifo(d / "x.md")
    (d / "a.md").write_text("本文。\n", encoding="utf-8")
    r = jalint(".", cwd=d, limit=30)
    return r[0], "not opened (only regular files are walked); " + first(r[2], r[1]), r


# ------------------------------------------------------------------ configuration and rules

def _config_case(name, config, expect_text, rule_file=None, prh=None):
    @case(name, 2)
    def _(d):
        (d / ".jalint.yaml").write_text(config, encoding="utf-8")
        if rule_file:
            (d / "r.yaml").write_text(rule_file, encoding="utf-8")
        if prh:
            (d / "prh.yml").write_text(prh, encoding="utf-8")
        (d / "a.md").write_text("本文。\n", encoding="utf-8")
        r = jalint("a.md", cwd=d)
        return r[0], first(r[2]), r


_config_case("malformed YAML configuration", "rules: [unclosed\n", "invalid YAML")
_config_case("rule with an invalid regular expression", "rule_files: [r.yaml]\n", "", RULE.format(rx="(unclosed"))
_config_case("rule with a catastrophic regex (a+)+$", "rule_files: [r.yaml]\n", "", RULE.format(rx="(a+)+$"))
_config_case("rule with a catastrophic regex (a|a)*c in cues", "rule_files: [r.yaml]\n", "",
             "rules:\n  - id: team/x\n    kind: substitution\n    severity: info\n    match: x\n    replace: y\n"
             "    cues:\n      before: '(a|a)*c'\n    message: m\n    examples: {bad: [ax]}\n")
_config_case("prh dictionary with a catastrophic pattern", "prh: [prh.yml]\n", "",
             prh="version: 1\nrules:\n  - expected: a\n    pattern: /(a*)*$/\n")
_config_case("unknown rule kind", "rule_files: [r.yaml]\n", "", "rules:\n  - id: team/x\n    kind: nonsense\n")
_config_case("unknown preset", "extends: [nonsense]\n", "")
_config_case("dictionary (terms) with a contradicting duplicate",
             "terms:\n  - wrong: a\n    right: b\n  - wrong: a\n    right: c\n", "")
_config_case("duplicate key in a rule file", "rule_files: [r.yaml]\n", "",
             RULE.format(rx="a") + "    message: again\n")


# ------------------------------------------------------------------ safe writes

@case("--fix keeps the file mode (0640)", 0)
def _(d):
    p = d / "a.md"
    p.write_text("社会保証の充実。\n", encoding="utf-8")
    p.chmod(0o640)
    r = jalint("--fix", "a.md", cwd=d)
    return r[0], f"mode {oct(p.stat().st_mode & 0o777)} after fix", r


@case("--fix killed (SIGKILL) at 8 moments", "old|new")
def _(d):
    body = "社会保証の充実。寄付文化の情勢を図ります。\n" * 3000
    old, new = body.encode(), body.replace("社会保証", "社会保障").replace("情勢を図", "醸成を図").encode()
    p = d / "big.md"
    seen = []
    for delay in (0.3, 0.8, 1.3, 1.8, 2.3, 2.8, 3.5, 6.0):
        p.write_bytes(old)
        proc = subprocess.Popen([sys.executable, "-m", "linter", "--fix", str(p)], cwd=d,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        data = p.read_bytes()
        seen.append("old" if data == old else "new" if data == new else "CORRUPT")
    code = "CORRUPT" if "CORRUPT" in seen else "old|new"
    return code, "file after each kill: " + ",".join(seen), (code, "", "", 0, 0)


@case("--fix while the file is edited by someone else", 2)
def _(d):
    p = d / "big.md"
    p.write_text("社会保証の充実。寄付文化の情勢を図ります。\n" * 20000, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "linter", "--fix", p.name], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(2.0)  # read by now, still fixing
    p.write_text("人が書き換えた。\n", encoding="utf-8")
    err = proc.communicate(timeout=300)[1].decode()
    kept = p.read_text(encoding="utf-8") == "人が書き換えた。\n"
    return proc.returncode, f"{first(err).split(' / ')[0]}; the other edit {'kept' if kept else 'LOST'}", \
        (proc.returncode, "", err, 0, 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the slow cases")
    ap.add_argument("-k", default="", help="only cases whose name contains this")
    args = ap.parse_args()
    rows, failures = [], 0
    for name, expect, slow, limit, fn in CASES:
        if (slow and args.quick) or args.k.lower() not in name.lower():
            continue
        with tempfile.TemporaryDirectory(prefix="jalint-hostile-") as tmp:
            t0 = time.monotonic()
            try:
                code, outcome, raw = fn(Path(tmp))
            except Exception as exc:  # the harness itself
                code, outcome, raw = "HARNESS", f"{type(exc).__name__}: {exc}", ("", "", "", 0, 0)
            seconds = time.monotonic() - t0
        traceback = "Traceback" in str(raw[2]) or "internal error" in str(raw[2])
        ok = code == expect and not traceback
        failures += not ok
        outcome = outcome.replace("|", "\\|").replace("\n", " ")
        rows.append(f"| {name} | {outcome} | {code} | {expect} | {seconds:.1f} | {'ok' if ok else '**FAIL**'} |")
        print(rows[-1], file=sys.stderr, flush=True)
    print("| case | observed outcome | exit | expected | s | |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\n{len(rows)} cases, {failures} not as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
