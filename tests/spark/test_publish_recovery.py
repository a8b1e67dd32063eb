"""A swap of a dataset's entries whose process was killed half way is rolled forward by the next
transaction on the dataset: the stage was complete, so the new version ends up whole and nothing
hidden is left; a swap still in progress (young) is left alone."""

from __future__ import annotations

import os

from piimask.storage import fs
from piimask.storage.fs import LEASE, RETIRED, STARTED, Heartbeat, Storage


def _tree(root) -> dict[str, str]:
    """Relative path -> text of every file, checksum files left out."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".crc"):
                path = os.path.join(folder, name)
                found[os.path.relpath(path, root)] = open(path, encoding="utf-8").read()
    return found


def _setup(store: Storage, final: str) -> tuple[str, str]:
    """An old version (a, b, _audit/r1) and a complete stage of the new one (x, y, _audit/r1+r2)."""
    stage, trash = (
        f"{final}/.staging-20261207T000000Z-0a0b0c0d",
        f"{final}/.staging-20261207T000000Z-0a0b0c0d.previous",
    )
    for name, text in {"a": "old a", "b": "old b", "_audit/r1.json": "1"}.items():
        store.write_text(f"{final}/{name}", text)
    for name, text in {"x": "new x", "y": "new y", "_audit/r1.json": "1", "_audit/r2.json": "2"}.items():
        store.write_text(f"{stage}/{name}", text)
    return stage, trash


NEW = {"x": "new x", "y": "new y", "_audit/r1.json": "1", "_audit/r2.json": "2"}


def test_killed_while_retiring_the_old_version_is_rolled_forward(spark, tmp_path):
    store, final = Storage(spark), str(tmp_path / "out")
    stage, trash = _setup(store, final)
    store.write_text(f"{trash}/{STARTED}", "")
    store.rename(f"{final}/a", f"{trash}/a")  # killed after the first move
    assert store.finish_publications(final, older_than_s=0) == [os.path.basename(trash)]
    assert _tree(final) == NEW


def test_killed_while_moving_the_new_version_up_is_rolled_forward(spark, tmp_path):
    store, final = Storage(spark), str(tmp_path / "out")
    stage, trash = _setup(store, final)
    store.write_text(f"{trash}/{STARTED}", "")
    for name in ("a", "b", "_audit"):
        store.rename(f"{final}/{name}", f"{trash}/{name}")
    store.write_text(f"{trash}/{RETIRED}", "")
    store.rename(f"{stage}/x", f"{final}/x")
    store.rename(f"{stage}/_audit/r1.json", f"{final}/_audit/r1.json")  # a folder half moved
    store.finish_publications(final, older_than_s=0)
    assert _tree(final) == NEW


def test_a_swap_in_progress_is_left_alone_and_a_normal_publish_leaves_nothing_hidden(spark, tmp_path):
    store, final = Storage(spark), str(tmp_path / "out")
    stage, trash = _setup(store, final)
    store.write_text(f"{trash}/{STARTED}", "")
    before = _tree(final)
    assert store.finish_publications(final) == []  # started a moment ago: another process's
    assert _tree(final) == before
    store.delete(trash)
    store.publish(stage, final, keep_from_previous=("_audit",))
    assert _tree(final) == NEW
    assert sorted(n for n in os.listdir(final) if not n.endswith(".crc")) == ["_audit", "x", "y"]


def test_a_trash_without_the_swap_markers_is_not_touched(spark, tmp_path):
    """The vault's partition swap (erasure) keeps its own trash: rolling it 'forward' as an output
    swap would move every other partition away, so only a trash with the markers is finished."""
    store, final = Storage(spark), str(tmp_path / "vault")
    store.write_text(f"{final}/run_id=1/part-0", "kept")
    store.write_text(f"{final}/.erase-20200101T000000Z-0a0b0c0d/run_id=2/part-0", "rewritten")
    store.write_text(f"{final}/.erase-20200101T000000Z-0a0b0c0d.previous/run_id=2/part-0", "old")
    before = _tree(final)
    assert store.finish_publications(final, older_than_s=0) == []
    assert _tree(final) == before


def test_a_live_owner_keeps_its_swap_and_a_dead_one_is_taken_over_without_the_hour(spark, tmp_path):
    """The owner's lease is rewritten while it lives: another process watching it leaves the
    swap alone, however old the swap is. Once the lease stops (the owner died), the next
    process completes the swap after MISSED_BEATS unrenewed beats, not STALE_PUBLISH_S."""
    store, final = Storage(spark), str(tmp_path / "out")
    stage, trash = _setup(store, final)
    heartbeat = Heartbeat(store, f"{trash}/{LEASE}", every_s=0.2)
    with heartbeat:
        store.write_text(f"{trash}/{STARTED}", "")
        for name in ("a", "b", "_audit"):
            store.rename(f"{final}/{name}", f"{trash}/{name}")
        before = _tree(final)
        assert store.finish_publications(final, older_than_s=0) == []  # alive: left alone
        lease = f"{os.path.basename(trash)}/{LEASE}"
        assert {k: v for k, v in _tree(final).items() if k != lease} == {
            k: v for k, v in before.items() if k != lease
        }
    # the owner is gone (no more beats); the swap is minutes, not an hour, old
    assert fs.STALE_PUBLISH_S >= 3600
    assert store.finish_publications(final) == [os.path.basename(trash)]
    assert _tree(final) == NEW


def test_a_normal_publish_leaves_no_lease_behind(spark, tmp_path):
    store, final = Storage(spark), str(tmp_path / "out")
    stage, _ = _setup(store, final)
    store.publish(stage, final, keep_from_previous=("_audit",))
    assert _tree(final) == NEW
    hidden = [n for n in os.listdir(final) if n.startswith(".") and not n.endswith(".crc")]
    assert hidden == []  # no stage, trash or lease
