"""The parsed-YAML cache of load_yaml_file (the user's cache folder): a cached parse
is the parse, line numbers included; a changed file is parsed again; anything wrong
with the cache is a miss, never an error.  Each test has its own cache folder."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from linter import userdirs
from linter import yamlio
from linter.errors import JalintError
from linter.yamlio import LineDict, LineList, load_yaml, load_yaml_file

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted([*(ROOT / "rules").glob("*.yaml"), *(ROOT / "dictionaries").rglob("*.yaml")])


@pytest.fixture
def folder(tmp_path, monkeypatch):
    own = tmp_path / "user-cache"
    monkeypatch.setenv("JALINT_CACHE_DIR", str(own))
    monkeypatch.delenv("JALINT_NO_CACHE", raising=False)
    return own


@pytest.fixture
def parses(monkeypatch):
    """The texts load_yaml_file parsed (not answered by the cache)."""
    seen = []

    def counting(text, label):
        seen.append(label)
        return load_yaml(text, label)

    monkeypatch.setattr(yamlio, "load_yaml", counting)
    return seen


def same(a, b) -> bool:
    """Equal values of the same types with the same line numbers, all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, LineDict):
        return (a.line, a.key_lines) == (b.line, b.key_lines) and list(a) == list(b) and \
            all(same(a[k], b[k]) for k in a)
    if isinstance(a, LineList):
        return a.item_lines == b.item_lines and len(a) == len(b) and all(map(same, a, b))
    return a == b


def entries(folder: Path) -> list[Path]:
    return sorted((folder / "yaml").glob("*.pickle"))


def test_the_session_never_writes_into_the_real_cache_folder():
    own = os.environ.get("JALINT_CACHE_DIR", "")
    assert own and Path(own).resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())


def test_the_bundled_files_are_found():
    assert len(BUNDLED) >= 10
    assert any(p.parent.name == "homophones" for p in BUNDLED)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_cached_parse_is_the_parse(path, folder, parses):
    fresh = load_yaml(path.read_text(encoding="utf-8"), "x")
    assert same(load_yaml_file(path, "x", "file"), fresh)  # parsed, and kept
    assert same(load_yaml_file(path, "x", "file"), fresh)  # from the cache
    assert parses == ["x"]
    assert len(entries(folder)) == 1


def test_a_cached_value_is_a_copy(tmp_path, folder):
    """Callers may change what they get; the next caller still gets the file."""
    f = tmp_path / "a.yaml"
    f.write_text("a: [1, 2]\n", encoding="utf-8")
    load_yaml_file(f, "a.yaml", "file")["a"].append(3)
    load_yaml_file(f, "a.yaml", "file")["a"].append(4)
    assert load_yaml_file(f, "a.yaml", "file") == {"a": [1, 2]}


def test_a_changed_file_is_parsed_again(tmp_path, folder, parses):
    f = tmp_path / "a.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    assert load_yaml_file(f, "a.yaml", "file") == {"a": 1}
    stat = f.stat()
    f.write_text("a: 2\n", encoding="utf-8")  # the same size
    os.utime(f, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    data = load_yaml_file(f, "a.yaml", "file")
    assert data == {"a": 2} and data.line_of("a") == 1
    f.write_text("\n\nb: [x]\n", encoding="utf-8")
    data = load_yaml_file(f, "a.yaml", "file")
    assert data == {"b": ["x"]} and data.line_of("b") == 3
    assert load_yaml_file(f, "a.yaml", "file") == {"b": ["x"]}
    assert len(parses) == 3 and len(entries(folder)) == 1  # one entry per file, replaced


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05\x95garbage"])
def test_a_damaged_entry_is_ignored_and_replaced(tmp_path, folder, parses, damage):
    f = tmp_path / "a.yaml"
    f.write_text("a: [1, 2]\n", encoding="utf-8")
    load_yaml_file(f, "a.yaml", "file")
    [entry] = entries(folder)
    entry.write_bytes(damage)
    assert load_yaml_file(f, "a.yaml", "file") == {"a": [1, 2]}
    assert load_yaml_file(f, "a.yaml", "file") == {"a": [1, 2]}
    assert len(parses) == 2  # the damaged entry was parsed past, then written again


def test_an_entry_of_another_format_or_code_is_a_miss(tmp_path, folder, parses, monkeypatch):
    f = tmp_path / "a.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    load_yaml_file(f, "a.yaml", "file")
    monkeypatch.setattr(yamlio, "PARSED_FORMAT", yamlio.PARSED_FORMAT + 1)
    load_yaml_file(f, "a.yaml", "file")
    copy = tmp_path / "linter-copy"
    copy.mkdir()
    (copy / "edited.py").write_text("# other code\n", encoding="utf-8")
    monkeypatch.setattr(userdirs, "CODE_ROOT", str(copy))
    load_yaml_file(f, "a.yaml", "file")
    load_yaml_file(f, "a.yaml", "file")
    assert len(parses) == 3


def test_the_code_stamp_sees_an_edit_that_keeps_size_and_time(tmp_path, monkeypatch):
    code = tmp_path / "code"
    (code / "kinds").mkdir(parents=True)
    (code / "__pycache__").mkdir()
    (code / "a.py").write_text("x = 1\n", encoding="utf-8")
    (code / "kinds" / "b.py").write_text("y = 2\n", encoding="utf-8")
    (code / "__pycache__" / "a.cpython-311.py").write_text("", encoding="utf-8")
    (code / "notes.txt").write_text("", encoding="utf-8")
    monkeypatch.setattr(userdirs, "CODE_ROOT", str(code))
    before = userdirs.code_stamp()
    assert [entry[0] for entry in before] == ["a.py", os.path.join("kinds", "b.py")]
    st = os.stat(code / "kinds" / "b.py")
    time.sleep(0.01)
    (code / "kinds" / "b.py").write_text("y = 3\n", encoding="utf-8")  # same size
    os.utime(code / "kinds" / "b.py", ns=(st.st_atime_ns, st.st_mtime_ns))  # and the old time back
    userdirs._code_stamp.cache_clear()
    assert userdirs.code_stamp() != before  # the change time tells


def test_errors_are_not_cached(tmp_path, folder):
    f = tmp_path / "bad.yaml"
    f.write_text("a: [1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(JalintError, match=r"^bad.yaml:1: invalid YAML"):
            load_yaml_file(f, "bad.yaml", "file")
    assert entries(folder) == []
    with pytest.raises(JalintError, match=r"^gone.yaml: cannot read rule file"):
        load_yaml_file(tmp_path / "gone.yaml", "gone.yaml", "rule file")


def test_jalint_no_cache_turns_it_off(tmp_path, folder, parses, monkeypatch):
    monkeypatch.setenv("JALINT_NO_CACHE", "1")
    f = tmp_path / "a.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    load_yaml_file(f, "a.yaml", "file")
    load_yaml_file(f, "a.yaml", "file")
    assert len(parses) == 2 and not folder.exists()


def test_an_unwritable_folder_only_costs_time(tmp_path, monkeypatch, parses, recwarn, capfd):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("JALINT_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
    f = tmp_path / "a.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    assert load_yaml_file(f, "a.yaml", "file") == {"a": 1}
    assert load_yaml_file(f, "a.yaml", "file") == {"a": 1}
    assert len(parses) == 2
    assert len(recwarn) == 0 and capfd.readouterr() == ("", "")
    assert list(tmp_path.rglob("*.tmp")) == []


def test_the_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("JALINT_NO_CACHE", raising=False)
    monkeypatch.setenv("JALINT_CACHE_DIR", str(tmp_path / "own"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert yamlio.parsed_cache_dir() == tmp_path / "own" / "yaml"
    monkeypatch.delenv("JALINT_CACHE_DIR")
    assert yamlio.parsed_cache_dir() == tmp_path / "xdg" / "jalint" / "yaml"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as the XDG specification says
    assert yamlio.parsed_cache_dir() == tmp_path / "home" / ".cache" / "jalint" / "yaml"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert yamlio.parsed_cache_dir() == tmp_path / "home" / ".cache" / "jalint" / "yaml"
    monkeypatch.setenv("JALINT_NO_CACHE", "1")
    assert yamlio.parsed_cache_dir() is None


def test_a_built_entry_is_keyed_by_its_inputs_and_extra(tmp_path, monkeypatch):
    monkeypatch.setenv("JALINT_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "words.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    entry = yamlio.built_entry("words", ("words",), [source], ("tokenizer 1",))
    assert entry.read() is yamlio.MISSING
    entry.write({"built": True})
    assert yamlio.built_entry("words", ("words",), [source], ("tokenizer 1",)).read() == {"built": True}
    assert yamlio.built_entry("words", ("words",), [source], ("tokenizer 2",)).read() is yamlio.MISSING
    source.write_text("a: 22\n", encoding="utf-8")  # another size
    assert yamlio.built_entry("words", ("words",), [source], ("tokenizer 1",)).read() is yamlio.MISSING
    assert yamlio.built_entry("words", ("words",), [tmp_path / "gone.yaml"]) is None
    monkeypatch.setenv("JALINT_NO_CACHE", "1")
    assert yamlio.built_entry("words", ("words",), [source]) is None
