"""--jobs: files analysed in parallel processes give the result of --jobs 1, in the
same order, whatever order the workers finish in."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from linter import analysis
from linter.cli import main

TEXTS = {
    # sizes differ on purpose: the biggest file is handed out first, not listed first
    "a.md": "障害者の就労を支援します。寄付文化の情勢を図ります。\n",
    "b.md": "# 見出し\n\n" + "障害のある方の移動を支援します。\n\n" * 40 + "職としての魅了を高めます。\n",
    "c.md": "障がい者の声を聞きます。子供の見れる場所をつくる。\n",
    "d.txt": "負担を権限すべく、対GDP費を見直します。\n" * 5,
    "e.md": "これはペンである。これは本です。\n",
}


def lint(*args) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["--format", "json", *args])
    return r.exit_code, r.stdout


def write(folder, texts=TEXTS):
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(texts)


@pytest.mark.parametrize("share_bytes", [analysis.SHARE_BYTES, 0])
def test_two_jobs_print_what_one_job_prints(tmp_path, monkeypatch, share_bytes):
    """With this process taking a share of the files (a small run) and without."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(analysis, "SHARE_BYTES", share_bytes)
    names = write(tmp_path)
    one = lint("--jobs", "1", *names)
    two = lint("--jobs", "2", *names)
    assert one[0] == 1
    assert two == one
    findings = json.loads(one[1])["findings"]
    assert {f["path"] for f in findings} == set(names)
    # project-wide consistency is decided over the workers' results
    assert any(f["path"] == "c.md" and f["rule"] == "consistency/terms" for f in findings)


def test_an_unreadable_file_among_workers_is_reported_and_the_rest_linted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = write(tmp_path)
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe\x00\x81\x82\x83 broken \x80\x80\n" * 3)
    names = sorted(names + ["bad.md"])
    r1 = CliRunner().invoke(main, ["--format", "json", "--jobs", "1", *names])
    r2 = CliRunner().invoke(main, ["--format", "json", "--jobs", "2", *names])
    assert r1.exit_code == r2.exit_code == 2
    assert r2.stdout == r1.stdout
    assert r2.stderr == r1.stderr
    assert "bad.md" in r2.stderr
