"""Find the CJK font before anything draws Chinese: fail loudly, never tofu."""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from analysis.errors import FontNotFoundError

FIX = (
    "Install a CJK font, or point the config at one you have:\n"
    "  - Debian/Ubuntu: sudo apt-get install fonts-noto-cjk\n"
    "  - Fedora: sudo dnf install google-noto-serif-cjk-fonts\n"
    "  - conda: conda install -c conda-forge font-ttf-noto-cjk\n"
    "  - macOS / Windows: the built-in fonts work; set fonts.cjk_serif in\n"
    "    config/config.yaml to e.g. 'Songti SC' (macOS) or 'SimSun' (Windows)."
)


# Common Simplified Chinese characters: a font that lacks them cannot set the
# paper, and Typst or matplotlib would silently fall back to another face.
CHINESE_SAMPLE = "抖音支付整合营销分析的一是中国"


def _key_text(config_key: str | None) -> str:
    return f"config key {config_key}" if config_key else "set under fonts: in config/config.yaml"


def _missing_chinese(fname: str, index: int) -> str:
    """The Chinese sample characters the font file's face ``index`` has no glyph for."""
    return _missing_glyphs(fname, index, CHINESE_SAMPLE)


def no_chinese_message(family: str, config_key: str | None, evidence: str) -> str:
    return (f"The font '{family}' ({_key_text(config_key)}) has no glyphs for Chinese "
            f"({evidence}), so Chinese text would be set in some other face or as empty "
            f"boxes. Choose a Simplified Chinese font such as 'Noto Serif CJK SC'.\n{FIX}")


# Latin letters, digits and the signs the figures print: a Latin face lacking them
# would leave the text to the CJK face.
LATIN_SAMPLE = "AaZz09%,.()–"


@functools.lru_cache(maxsize=None)
def _missing_glyphs(fname: str, index: int, sample: str) -> str:
    """The characters of ``sample`` the font file's face ``index`` has no glyph for."""
    from fontTools.ttLib import TTFont

    font = TTFont(fname, fontNumber=index if fname.lower().endswith((".ttc", ".otc")) else -1,
                  lazy=True)
    try:
        cmap = font.getBestCmap() or {}
    finally:
        font.close()
    return "".join(ch for ch in sample if ord(ch) not in cmap)


LATIN_FIX = (
    "Install it, or point the config at a Latin serif you have:\n"
    "  - Debian/Ubuntu: sudo apt-get install fonts-linuxlibertine (Linux Libertine O)\n"
    "  - elsewhere: set fonts.latin_serif in config/config.yaml to e.g. 'Times New Roman'."
)


def _not_installed(family: str, config_key: str | None, script: str) -> str:
    if script == "latin":
        return (f"The font '{family}' ({_key_text(config_key)}) is not installed, so the figures "
                f"could not be set in the body's serif face.\n{LATIN_FIX}")
    return (f"The CJK font '{family}' ({_key_text(config_key)}) is not installed, so "
            f"Chinese text would be drawn as empty boxes.\n{FIX}")


def find_font_file(family: str, config_key: str | None = None, script: str = "zh") -> Path:
    """Return the file that holds ``family``, as matplotlib's font manager sees it,
    after checking that it has Chinese glyphs.

    matplotlib's manager indexes fontconfig's directories on Linux and the
    system folders on macOS and Windows, and it reads every face of a .ttc
    collection, so one lookup serves figures and the Typst PDF alike.
    ``config_key`` (``fonts.cjk_serif``) is what the messages tell the reader to change.
    """
    from matplotlib import font_manager

    matches = [f for f in font_manager.fontManager.ttflist if f.name == family]
    if not matches:
        # matplotlib caches its font list: a font installed since then is only
        # seen after a rebuild of the cache.
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        matches = [f for f in font_manager.fontManager.ttflist if f.name == family]
    if not matches:
        raise FontNotFoundError(_not_installed(family, config_key, script))
    regular = [f for f in matches if f.weight in (400, "normal", "regular") and f.style == "normal"]
    entry = sorted(regular or matches, key=lambda f: f.fname)[0]
    if script == "latin":
        missing = _missing_glyphs(entry.fname, getattr(entry, "index", 0), LATIN_SAMPLE)
        if missing:
            raise FontNotFoundError(f"The font '{family}' ({_key_text(config_key)}) has no glyphs for "
                                    f"{missing!r}: choose a Latin serif face such as 'Linux Libertine O'.")
        return Path(entry.fname)
    missing = _missing_chinese(entry.fname, getattr(entry, "index", 0))
    if missing:
        raise FontNotFoundError(no_chinese_message(family, config_key, f"none for {missing}"))
    return Path(entry.fname)


def font_dirs(families: Iterable[str] | Mapping[str, str]) -> list[Path]:
    """Directories holding the given families (for Typst's ``font_paths``); pass the
    ``fonts`` mapping of the config so that messages name the right key."""
    if isinstance(families, Mapping):
        keyed = [(family, f"fonts.{key}") for key, family in families.items()]
    else:
        keyed = [(family, None) for family in families]
    return sorted({find_font_file(family, key).parent for family, key in keyed})


def _fc_pattern(family: str) -> str:
    """A family name as a fontconfig pattern element ('-', ':' and ',' are special)."""
    return "".join("\\" + ch if ch in "\\-:," else ch for ch in family)


def check_configured(fonts: Mapping[str, str]) -> None:
    """Start-up check of the ``fonts`` config: each family is installed, and the CJK ones
    (every key but ``latin_*``) have Chinese glyphs, else ``FontNotFoundError`` naming its key. Uses fontconfig (a few
    milliseconds); where the machine has none, the jobs check with matplotlib."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return

    def listed(pattern: str) -> bool:
        out = subprocess.run([fc_list, pattern, "family"], capture_output=True, text=True)
        return bool(out.stdout.strip())

    for key, family in fonts.items():
        pattern = f":family={_fc_pattern(family)}"
        latin = key.startswith("latin")
        if not listed(pattern):
            raise FontNotFoundError(_not_installed(family, f"fonts.{key}", "latin" if latin else "zh"))
        if latin:
            continue
        if not listed(pattern + ":lang=zh-cn"):
            raise FontNotFoundError(no_chinese_message(family, f"fonts.{key}",
                                                       "fontconfig finds no zh-cn coverage"))
