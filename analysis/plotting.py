"""Shared figure machinery: language fonts, a strict glyph check, and
byte-identical SVG/PDF output.

Snakemake runs several jobs in threads of one process, and matplotlib's
global state (rcParams, warning filters) is not thread-safe, so every figure
is drawn and saved under one lock.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.fileio import atomic_path
from analysis.fonts import find_font_file
from analysis.joblog import GLOBAL_STATE_LOCK

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

STYLE = Path(__file__).parent / "style" / "paper.mplstyle"
LOCK = GLOBAL_STATE_LOCK  # rcParams and warning filters are process-wide


@contextlib.contextmanager
def figure_context(lang: str, fonts: Mapping[str, str]) -> Iterator[None]:
    """Style, fonts and missing-glyph-as-error for drawing one language's figure.

    ``fonts`` is the config's ``fonts:`` (config/config.yaml): figures are set in the
    serif faces of the PDF's body, Chinese in ``cjk_serif`` (Noto Serif CJK SC, the
    Chinese edition's face, whose own Latin letters and digits the Chinese figures
    use) and Latin text in ``latin_serif`` (Linux Libertine O, the face Libertinus
    Serif, the English edition's, is derived from); each is the other's fallback."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    cjk, latin = fonts["cjk_serif"], fonts["latin_serif"]
    find_font_file(cjk, "fonts.cjk_serif")  # fail with the fix, not with tofu
    find_font_file(latin, "fonts.latin_serif", script="latin")
    families = [cjk, latin] if lang == "zh" else [latin, cjk]
    with LOCK, plt.style.context(STYLE), matplotlib.rc_context({"font.family": families}), \
            warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*Glyph .* missing from.*")
        warnings.filterwarnings("error", message=r".*findfont: Font family .* not found.*")
        yield


def new_figure(**kwargs) -> "Figure":
    """A figure not registered with pyplot (no global figure manager, no leaks)."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def save(fig: "Figure", path: str | Path) -> None:
    """Save SVG or PDF without dates or tool versions, so rebuilds are byte-identical."""
    path = Path(path)
    fmt = path.suffix.lstrip(".")
    metadata = {"svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
                "png": {"Software": None}}[fmt]
    with LOCK, atomic_path(path) as part:
        # Rendering sets the text, so a missing glyph raises here when the caller is
        # inside figure_context (its warning filter turns it into an error).
        fig.savefig(part, format=fmt, metadata=metadata)


def source_line(fig: "Figure", text: str) -> None:
    """The 'Source: …' line under a figure."""
    fig.text(0.0, -0.02, text, ha="left", va="top", fontsize=7, color="#555555",
             transform=fig.transFigure, wrap=True)
