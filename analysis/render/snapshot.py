"""What a rendered edition says, in a form two renders can be compared by.

For each ``<stem>.pdf``: the page count and the text, page by page; for each
``<stem>.html``: the number every figure, table and section carries (as the
captions, headings and cross-references print it). The test suite compares
the vendored render of the paper with the committed snapshot in
``tests/snapshots/``; with Quarto installed, the same command compares
``quarto render``'s output with it::

    python -m analysis.render.snapshot paper/_output --check tests/snapshots
    python -m analysis.render.snapshot paper/_output --write tests/snapshots
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path


def pdf_summary(path: Path) -> dict:
    from pypdf import PdfReader

    reader = PdfReader(path)
    pages = [re.sub(r"[ \t]+", " ", page.extract_text() or "").strip() for page in reader.pages]
    return {"pages": len(pages), "text": pages}


def html_summary(path: Path) -> dict:
    """Numbers of floats and sections, read off Quarto's HTML markup."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    out: dict[str, dict[str, str]] = {"figures": {}, "tables": {}, "sections": {}, "references": {}}
    for caption in soup.select("figcaption.quarto-float-caption"):
        owner = caption.find_parent(id=re.compile(r"^(fig|tbl)-"))
        if owner is not None:
            kind = "figures" if owner["id"].startswith("fig-") else "tables"
            out[kind][owner["id"]] = re.split(r"[:：]", caption.get_text(" ", strip=True), maxsplit=1)[0]
    for heading in soup.select("h1, h2, h3, h4"):
        # the id is the heading's, or its section's (section-divs, as in Bootstrap pages)
        owner = heading if heading.get("id") else heading.parent
        number = heading.select_one(".header-section-number")
        if number is not None and owner is not None and owner.get("id"):
            out["sections"][owner["id"]] = number.get_text(strip=True)
    for link in soup.select("a.quarto-xref"):
        out["references"].setdefault(link["href"].lstrip("#"), link.get_text(strip=True))
    return out


def summarize(folder: Path) -> dict[str, dict]:
    summaries = {}
    for path in sorted(folder.glob("*.pdf")) + sorted(folder.glob("*.html")):
        summaries[path.name] = pdf_summary(path) if path.suffix == ".pdf" else html_summary(path)
    return summaries


def snapshot_files(summaries: dict[str, dict]) -> dict[str, str]:
    """One JSON per edition (numbering, pages) and the PDF text as plain text,
    so that a change reads as a diff."""
    files = {}
    for name, summary in summaries.items():
        if name.endswith(".pdf"):
            files[f"{name}.txt"] = "".join(f"=== page {i} ===\n{text}\n" for i, text in
                                           enumerate(summary["text"], start=1))
            files[f"{name}.json"] = json.dumps({"pages": summary["pages"]}, indent=2) + "\n"
        else:
            files[f"{name}.json"] = json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return files


def compare(folder: Path, snapshots: Path) -> list[str]:
    """Differences between the outputs in ``folder`` and the snapshot, as diffs."""
    problems = []
    for name, text in snapshot_files(summarize(folder)).items():
        expected = snapshots / name
        if not expected.exists():
            problems.append(f"{expected}: no snapshot")
            continue
        old = expected.read_text(encoding="utf-8")
        if old != text:
            diff = difflib.unified_diff(old.splitlines(), text.splitlines(), str(expected), name,
                                        lineterm="", n=1)
            problems.append("\n".join(list(diff)[:60]))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.render.snapshot", description=__doc__)
    parser.add_argument("outputs", type=Path, help="folder with the rendered .pdf and .html")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", type=Path, metavar="SNAPSHOTS")
    group.add_argument("--write", type=Path, metavar="SNAPSHOTS")
    args = parser.parse_args(argv)
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for name, text in snapshot_files(summarize(args.outputs)).items():
            (args.write / name).write_text(text, encoding="utf-8")
        print(f"wrote the snapshot of {args.outputs} to {args.write}")
        return 0
    problems = compare(args.outputs, args.check)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("same as the snapshot" if not problems else f"{len(problems)} file(s) differ", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
