"""Find the CJK font before anything draws Chinese: fail loudly, never tofu."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import FontNotFoundError

FIX = (
    "Install a CJK font, or point the config at one you have:\n"
    "  - Debian/Ubuntu: sudo apt-get install fonts-noto-cjk\n"
    "  - Fedora: sudo dnf install google-noto-sans-cjk-fonts google-noto-serif-cjk-fonts\n"
    "  - conda: conda install -c conda-forge font-ttf-noto-cjk\n"
    "  - macOS / Windows: the built-in fonts work; set fonts.cjk_sans and\n"
    "    fonts.cjk_serif in config/config.yaml to e.g. 'PingFang SC' / 'Songti SC'\n"
    "    (macOS) or 'Microsoft YaHei' / 'SimSun' (Windows)."
)


def find_font_file(family: str, config_key: str = "fonts.cjk_sans") -> Path:
    """Return the file that holds ``family``, as matplotlib's font manager sees it.

    matplotlib's manager indexes fontconfig's directories on Linux and the
    system folders on macOS and Windows, and it reads every face of a .ttc
    collection, so one lookup serves figures and the Typst PDF alike.
    """
    from matplotlib import font_manager

    matches = [f for f in font_manager.fontManager.ttflist if f.name == family]
    if not matches:
        # matplotlib caches its font list: a font installed since then is only
        # seen after a rebuild of the cache.
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        matches = [f for f in font_manager.fontManager.ttflist if f.name == family]
    if not matches:
        raise FontNotFoundError(
            f"The CJK font '{family}' (config key {config_key}) is not installed, so "
            f"Chinese text would be drawn as empty boxes.\n{FIX}"
        )
    regular = [f for f in matches if f.weight in (400, "normal", "regular") and f.style == "normal"]
    return Path(sorted(regular or matches, key=lambda f: f.fname)[0].fname)


def font_dirs(families: list[str]) -> list[Path]:
    """Directories holding the given families (for Typst's ``font_paths``)."""
    return sorted({find_font_file(f).parent for f in families})
