"""Cache packs take small changes as a delta file and are rewritten whole only now and then."""

from __future__ import annotations

from pathlib import Path

from ssotlint.cache import DeltaPack
from tests.conftest import check, findings, write_project

MAGIC = b"TEST-PACK\x01"


def _pack(tmp_path: Path) -> DeltaPack:
    return DeltaPack(tmp_path, "p", MAGIC, 2)


def _state(n: int) -> tuple[dict[str, int], dict[str, str]]:
    return {f"k{i}": i for i in range(n)}, {f"s{i}": "x" for i in range(n)}


def test_small_change_goes_to_the_delta(tmp_path: Path) -> None:
    first = _pack(tmp_path)
    assert first.load() is None
    first.save("meta", _state(1000))
    base_bytes = first.file.read_bytes()

    second = _pack(tmp_path)
    loaded = second.load()
    assert loaded == ("meta", _state(1000))
    changed = _state(1000)
    changed[0]["k1"] = -1
    changed[0]["new"] = 5
    second.save("meta", changed)
    assert first.file.read_bytes() == base_bytes  # the pack is untouched
    assert second.delta_file.exists()
    assert _pack(tmp_path).load() == ("meta", changed)


def test_unchanged_state_writes_nothing(tmp_path: Path) -> None:
    _pack(tmp_path).save("meta", _state(10))
    pack = _pack(tmp_path)
    state = pack.load()
    assert state is not None
    before = pack.file.stat().st_mtime_ns
    pack.save("meta", state[1])
    assert pack.file.stat().st_mtime_ns == before and not pack.delta_file.exists()


def test_many_changes_rewrite_the_pack(tmp_path: Path) -> None:
    _pack(tmp_path).save("meta", _state(5000))
    pack = _pack(tmp_path)
    pack.load()
    pack.save("meta", ({f"k{i}": -i for i in range(5000)}, _state(5000)[1]))  # 5,000 changes > a tenth
    assert not pack.delta_file.exists()
    assert _pack(tmp_path).load() == ("meta", ({f"k{i}": -i for i in range(5000)}, _state(5000)[1]))


def test_other_meta_rewrites_the_pack(tmp_path: Path) -> None:
    _pack(tmp_path).save("old", _state(10))
    pack = _pack(tmp_path)
    pack.load()
    pack.save("new", _state(10))
    assert _pack(tmp_path).load() == ("new", _state(10))


def test_reverting_to_the_pack_removes_the_delta(tmp_path: Path) -> None:
    _pack(tmp_path).save("meta", _state(10))
    pack = _pack(tmp_path)
    pack.load()
    changed = _state(10)
    changed[1]["s3"] = "y"
    pack.save("meta", changed)
    assert pack.delta_file.exists()
    again = _pack(tmp_path)
    again.load()
    again.save("meta", _state(10))
    assert not again.delta_file.exists()
    assert _pack(tmp_path).load() == ("meta", _state(10))


def test_delta_of_an_older_pack_is_ignored(tmp_path: Path) -> None:
    _pack(tmp_path).save("meta", _state(10))
    a = _pack(tmp_path)
    a.load()
    changed = _state(10)
    changed[0]["k0"] = 99
    a.save("meta", changed)  # a delta against the first pack
    delta = a.delta_file.read_bytes()
    _pack(tmp_path).save("other", _state(3))  # another process rewrites the pack
    a.delta_file.write_bytes(delta)  # ...while the old delta is still there
    assert _pack(tmp_path).load() == ("other", _state(3))


def test_damaged_delta_is_ignored(tmp_path: Path) -> None:
    _pack(tmp_path).save("meta", _state(10))
    pack = _pack(tmp_path)
    pack.load()
    changed = _state(10)
    changed[0]["k0"] = 99
    pack.save("meta", changed)
    pack.delta_file.write_bytes(pack.delta_file.read_bytes()[:-3])
    assert _pack(tmp_path).load() == ("meta", _state(10))


def test_hook_run_leaves_the_facts_pack_alone(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", **{f"app/m{i}.py": f"import app.m{(i + 1) % 30}\n" for i in range(30)}}
    root = write_project(tmp_path / "p", files)
    expected = findings(check(root, use_cache=True))
    cache = root / ".ssotlint_cache"
    packs = {p.name: p.read_bytes() for p in cache.glob("*.bin") if p.name.startswith(("facts-", "edges-"))}
    assert sorted(n.split("-")[0] for n in packs) == ["edges", "facts"]
    assert expected  # one cycle through all 30 modules
    (root / "app/m3.py").write_text("import app.m4\nimport app.m0\n")  # a new import: edges change
    hook = findings(check(root, use_cache=True, paths=(root / "app/m3.py",)))
    assert {n: (cache / n).read_bytes() for n in packs} == packs  # only deltas were written
    assert {"edges", "facts"} <= {p.name.split("-")[0] for p in cache.glob("*.delta")}
    assert hook == findings(check(root, paths=(root / "app/m3.py",)))  # as without any cache
    assert findings(check(root, use_cache=True)) == findings(check(root))
