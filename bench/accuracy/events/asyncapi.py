"""Load every official AsyncAPI example document (2.6.0 and 3.0.0) as an event spec.

    python bench/accuracy/events/asyncapi.py [EXAMPLES_DIR]

EXAMPLES_DIR defaults to ../shared/data/asyncapi-examples beside the repository. Prints one
Markdown row per document (events, discriminator, fields, warnings, or the one error) and a
total; exit 1 when a document fails for anything but a remote ``$ref``, which is not supported.
Shared files that are not documents (``common/``) are skipped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ssotlint.specs.load import load_spec
from ssotlint.specs.model import SpecError

REPO = Path(__file__).resolve().parents[3]
#: ``../shared`` beside the repository (a worktree sits one level deeper).
DEFAULT = next(
    (d for d in (REPO.parent / "shared", REPO.parent.parent / "shared") if d.is_dir()), REPO.parent / "shared"
) / "data" / "asyncapi-examples"


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    documents = sorted(p for p in root.rglob("*.y*ml") if "common" not in p.relative_to(root).parts)
    print("| document | result | events | discriminator | fields | warnings |")
    print("| --- | --- | --- | --- | --- | --- |")
    loaded = unsupported = failed = 0
    for doc in documents:
        rel = doc.relative_to(root).as_posix()
        try:
            spec = load_spec(root, rel)
        except SpecError as exc:
            remote = "remote references are not supported" in exc.message
            unsupported += remote
            failed += not remote
            print(f"| {rel} | {'unsupported' if remote else 'ERROR'}: {exc} | | | | |")
            continue
        loaded += 1
        fields = sum(len(e.fields) for e in spec.events.values())
        warnings = getattr(spec, "warnings", ())  # older versions have none
        print(f"| {rel} | ok | {len(spec.events)} | {spec.discriminator} | {fields} | {len(warnings)} |")
        for w in warnings:
            print(f"|  | warning: {w} | | | | |")
    print(f"\n{len(documents)} documents: {loaded} loaded, {unsupported} unsupported (remote $ref), {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
