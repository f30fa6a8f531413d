"""Start-up behaviour of the workflow: configuration, fonts, lint."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.errors import FontNotFoundError
from analysis.fonts import find_font_file

ROOT = Path(__file__).resolve().parents[1]


def _config() -> dict:
    return yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))


def _validate(config: dict) -> None:
    from snakemake.utils import validate

    validate(copy.deepcopy(config), str(ROOT / "config/config.schema.yaml"))


def test_shipped_config_is_valid():
    _validate(_config())


@pytest.mark.parametrize("mutate,fragment", [
    (lambda c: c.update(colour="blue"), "Additional properties are not allowed ('colour'"),
    (lambda c: c["fonts"].update(latin_serif=12), "12 is not of type 'string'"),
    (lambda c: c["render"].update(engine="latex"), "'latex' is not one of"),
    (lambda c: c["paper"].update(languages=["zh", "fr"]), "'fr' is not one of"),
    (lambda c: c["paper"].pop("author"), "'author' is a required property"),
])
def test_bad_config_stops_with_a_readable_message(mutate, fragment):
    from snakemake.exceptions import WorkflowError

    config = _config()
    mutate(config)
    with pytest.raises(WorkflowError) as err:
        _validate(config)
    assert fragment in str(err.value)


def test_bad_config_stops_snakemake(tmp_path):
    bad = tmp_path / "bad.yaml"
    config = _config()
    config["fonts"]["latin_serif"] = 12
    bad.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--dry-run", "--configfile", str(bad)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "12 is not of type 'string'" in proc.stdout + proc.stderr


def test_missing_cjk_font_names_the_fix():
    with pytest.raises(FontNotFoundError) as err:
        find_font_file("No Such CJK Font SC", config_key="fonts.cjk_serif")
    message = str(err.value)
    assert "'No Such CJK Font SC'" in message and "fonts.cjk_serif" in message
    assert "apt-get install fonts-noto-cjk" in message and "macOS" in message
    with pytest.raises(FontNotFoundError) as err:
        find_font_file("No Such Serif", config_key="fonts.latin_serif", script="latin")
    assert "fonts.latin_serif" in str(err.value) and "apt-get install fonts-linuxlibertine" in str(err.value)


def test_configured_fonts_are_found():
    config = _config()
    assert find_font_file(config["fonts"]["cjk_serif"]).is_file()
    assert find_font_file(config["fonts"]["latin_serif"], script="latin").is_file()


def test_lint_is_clean():
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT,
                          capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "Lints for" not in out, out[-3000:]


def test_build_metadata_is_not_tracked():
    """`pip install -e .` (tools/setup-env) rewrites *.egg-info: a fresh clone must stay clean."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split("\n")
    assert [f for f in tracked if ".egg-info/" in f] == []
    probe = "douyin_pay_paper.egg-info/SOURCES.txt"
    ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", probe], cwd=ROOT)
    assert ignored.returncode == 0, f"{probe} is not git-ignored"


def test_font_without_chinese_glyphs_names_its_key():
    """A serif without CJK glyphs used to fall back silently to the Japanese face."""
    with pytest.raises(FontNotFoundError) as err:
        find_font_file("DejaVu Sans", config_key="fonts.cjk_serif")  # bundled with matplotlib
    assert "'DejaVu Sans' (config key fonts.cjk_serif) has no glyphs for Chinese" in str(err.value)


def test_font_dirs_names_the_key_of_the_missing_font():
    from analysis.fonts import font_dirs

    config = _config()["fonts"]
    with pytest.raises(FontNotFoundError, match=r"\(config key fonts.cjk_serif\)"):
        font_dirs({**config, "cjk_serif": "No Such Serif SC"})


@pytest.mark.skipif(not shutil.which("fc-list"), reason="no fontconfig: the jobs check the fonts")
@pytest.mark.parametrize(("key", "family", "fragment"), [
    ("cjk_serif", "No Such Serif SC", "'No Such Serif SC' (config key fonts.cjk_serif) is not installed"),
    ("cjk_serif", "DejaVu Sans", "'DejaVu Sans' (config key fonts.cjk_serif) has no glyphs for Chinese"),
    ("latin_serif", "No Such Serif", "'No Such Serif' (config key fonts.latin_serif) is not installed"),
])
def test_startup_font_check_names_the_right_key(key, family, fragment):
    from analysis.fonts import check_configured

    if "DejaVu" in family and not subprocess.run(["fc-list", f":family={family}", "family"],
                                                 capture_output=True, text=True).stdout.strip():
        pytest.skip(f"fontconfig does not know {family}")
    with pytest.raises(FontNotFoundError) as err:
        check_configured({**_config()["fonts"], key: family})
    assert fragment in str(err.value)


def test_startup_font_check_accepts_the_shipped_fonts():
    from analysis.fonts import check_configured

    check_configured(_config()["fonts"])


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("config/config.yaml", "\nrender:", '\nfonts:\n  cjk_serif: "Noto Serif CJK SC"\n  latin_serif: "DejaVu Sans"\nrender:',
     "config/config.yaml, line {second}, key 'fonts': 'fonts' appears twice (lines {first} and {second})"),
    ("data/raw/sources.yaml", "retrieved: 2026-11-25", "retrieved: 2062-11-25",
     "data/raw/sources.yaml, line 7, key 'seed_paper.zh.txt.retrieved': retrieved 2062-11-25 is after today"),
])
def test_snakemake_stops_at_start_with_one_message(tmp_path, file, old, new, message):
    """What the user sees: our message, no traceback, exit status 1, no job run."""
    from tests.conftest import copy_repo

    repo = copy_repo(tmp_path / "repo")
    path = repo / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    edited = text.replace(old, new, 1)
    path.write_text(edited, encoding="utf-8")
    lines = edited.split("\n")
    fonts = [i + 1 for i, line in enumerate(lines) if line == "fonts:"]
    message = message.format(first=fonts[0], second=fonts[-1]) if len(fonts) == 2 else message
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--dry-run"], cwd=repo,
                          capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-2000:]
    assert message in out, out[-2000:]
    assert "Traceback" not in out and 'File "' not in out, out[-2000:]


def test_repeated_key_in_a_configfile_given_on_the_command_line(tmp_path):
    from analysis import startup
    from analysis.errors import InputError

    extra = tmp_path / "extra.yaml"
    extra.write_text("render:\n  engine: auto\nrender:\n  engine: fallback\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"extra.yaml, line 3, key 'render': 'render' appears twice"):
        startup.check_config(ROOT / "config/config.yaml", ROOT / "config/config.schema.yaml", [extra])
