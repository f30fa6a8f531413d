"""``python -m analysis.render FILE.qmd --to html|typst [-o OUT] [-M KEY:VALUE]...``:
one document of any Quarto project, rendered as ``quarto render`` would."""

from __future__ import annotations

import argparse
import logging
import sys

from analysis.render import OUTPUT_EXT, RenderError, render
from analysis.render.yamlio import load_yaml


def parse_metadata(items: list[str]) -> dict:
    """``-M KEY:VALUE`` as Quarto reads it: the value is YAML."""
    meta = {}
    for item in items:
        key, sep, value = item.partition(":")
        if not sep or not key:
            raise RenderError(f"-M {item}: expected KEY:VALUE")
        meta[key] = load_yaml(value, f"-M {key}") if value.strip() else True
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.render", description=__doc__)
    parser.add_argument("input", help="the .qmd (or .md) document")
    parser.add_argument("--to", required=True, choices=sorted(OUTPUT_EXT),
                        help="html, or typst (which makes a PDF)")
    parser.add_argument("-o", "--output", help="output file (default: Quarto's place for it)")
    parser.add_argument("-M", "--metadata", action="append", default=[], metavar="KEY:VALUE",
                        help="metadata, as quarto render -M")
    parser.add_argument("--engine", default="auto", choices=["auto", "quarto", "vendored"],
                        help="auto: Quarto when on PATH, else Quarto's vendored pieces")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings and unexpanded shortcodes as errors")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        result = render(args.input, args.to, args.output, parse_metadata(args.metadata),
                        engine=args.engine, strict=args.strict)
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Output created: {result.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
