"""How full each page of a PDF is: the share of the text area left empty.

A page is rendered (pypdfium2, the PDF engine of Chromium) in grey at a low
resolution; within the type area (the A4 page less the 2.5 cm margins of
``paper/_quarto.yml``) every pixel row with ink is content, and an empty run of
rows taller than ``gap_mm`` (more than a paragraph break or the space around a
heading) counts as empty. A page that stops short of a float, or a float with
white space around it, shows up here.

    .venv/bin/python -m tests.pages paper/_output/paper-zh.pdf paper/_output/paper-en.pdf
"""

from __future__ import annotations

import sys
from pathlib import Path

MM = 72 / 25.4  # points per millimetre


def empty_fractions(path: str | Path, dpi: int = 50, margin_mm: float = 25.0,
                    gap_mm: float = 12.0) -> list[float]:
    """For each page, the fraction of its type area's height in empty runs taller than ``gap_mm``."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    out = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            _, height = page.get_size()
            image = page.render(scale=dpi / 72, grayscale=True).to_numpy()
            if image.ndim == 3:
                image = image[..., 0]
            px = image.shape[0] / height
            margin = int(margin_mm * MM * px)
            ink = (image[margin:image.shape[0] - margin, :] < 200).any(axis=1)
            gap, empty, run = gap_mm * MM * px, 0, 0
            for has_ink in list(ink) + [True]:
                if has_ink:
                    empty += run if run >= gap else 0
                    run = 0
                else:
                    run += 1
            out.append(empty / len(ink))
    finally:
        pdf.close()
    return out


def half_empty_pages(path: str | Path, limit: float = 1 / 3) -> list[int]:
    """Pages (1-based) more than ``limit`` empty, but for the last page, where the document ends."""
    fractions = empty_fractions(path)
    return [i + 1 for i, f in enumerate(fractions[:-1]) if f > limit]


if __name__ == "__main__":  # pragma: no cover
    for arg in sys.argv[1:]:
        fr = empty_fractions(arg)
        print(f"{arg}: {len(fr)} pages; empty share per page: "
              + " ".join(f"{i + 1}:{f:.2f}" for i, f in enumerate(fr)))
        print(f"  more than a third empty (the last page aside): {half_empty_pages(arg) or 'none'}")
