"""附件1-1 as it prints: LibreOffice renders the built form to PDF and the PDF is read back.

Only 附件1-1 is rendered: the workbook is built with `sheets=["附件1-1"]` (the hidden
_xlperf sheet does not print), so the page count is the form's own. Fonts: the form
names 宋体/黑体; `xlperf/fonts/fonts.conf` maps them to Noto Serif/Sans CJK SC.

The pictures in docs/ come from the same conversion:
    pdftoppm -r 80 -png -f 1 -l 2 form.pdf docs/form-page
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from xlperf.forms.guangdong_1_1 import layout as L
from tests.test_workbook_build import FORM_LABELS
from xlperf.forms.guangdong_1_1.layout import Layout
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.workbook import build_workbook

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "shaoguan-2020.json"
FONTS = ROOT / "xlperf" / "fonts" / "fonts.conf"

PAGE_1 = ("基本情况", "实施文件依据", "资金安排情况", "按方向划分", "绩效目标情况", "实际完成情况")
PAGE_2 = ("绩效指标情况", "产出指标", "效益指标", "服务对象或公众满意度", "单位需要说明的其他情况")

@pytest.fixture(autouse=True)
def _tools():
    """LibreOffice and poppler-utils are installed by scripts/system-deps.sh; without them
    these tests fail rather than skip."""
    missing = [t for t in ("soffice", "pdftotext", "pdfinfo", "pdffonts") if shutil.which(t) is None]
    assert not missing, f"not installed: {', '.join(missing)} (run scripts/system-deps.sh)"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Each workbook built, then all converted to PDF in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("render")
    seed = SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))
    books = {
        "seed-values": dict(ev=seed, mode="values"),
        "seed-macro": dict(ev=seed, mode="macro"),
        "empty": dict(ev=None, mode="macro"),
        "roomy": dict(ev=seed, mode="values", layout=Layout.for_capacity(indicator_rows=8)),
    }
    for name, kw in books.items():
        build_workbook(folder / f"{name}.xlsx", kw.pop("ev"), sheets=[L.FORM], **kw)
    return to_pdf(folder, list(books))


def to_pdf(folder: Path, names: list[str]) -> dict[str, Path]:
    """folder/NAME.xlsx for each name, converted to PDF in one LibreOffice run (own profile)."""
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--convert-to", "pdf",
         "--outdir", str(folder), *[str(folder / f"{n}.xlsx") for n in names]],
        env=env, check=True, capture_output=True, timeout=300,
    )
    return {name: folder / f"{name}.pdf" for name in names}


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def text(pdf: Path, page: int | None = None) -> str:
    span = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-raw", *span, str(pdf), "-"], capture_output=True, text=True, check=True)
    return squash(out.stdout)


def test_the_seed_prints_on_two_pages_as_designed(pdfs):
    assert pages(pdfs["seed-values"]) == 2
    assert pages(pdfs["seed-macro"]) == 2
    assert pages(pdfs["empty"]) == 2


def test_every_official_label_is_printed(pdfs):
    for name in ("seed-values", "empty"):
        printed = text(pdfs[name])
        missing = [label for label in FORM_LABELS if label not in printed]
        assert missing == [], name


def test_page_one_holds_the_basics_and_page_two_the_indicators(pdfs):
    first, second = text(pdfs["seed-values"], 1), text(pdfs["seed-values"], 2)
    assert all(label in first for label in PAGE_1)
    assert not any(label in first for label in PAGE_2)
    assert all(label in second for label in PAGE_2)
    assert "填报单位名称" in second and "韶关市行政服务中心" in second  # the repeated header row
    assert "第1页，共2页" in first and "第2页，共2页" in second


def test_the_seeds_values_are_printed(pdfs):
    printed = text(pdfs["seed-values"])
    for value in ("市行政服务中心大厅、政府服务热线平台运行与服务", "2020年", "122.17", "0751-8877833",
                  "2213245999@qq.com", "2020年01月01日", "2020年12月31日", "政府服务", "最多跑一次事项率",
                  "99.16%", "群众满意度", "（粤办函[2019]247号）"):
        assert squash(value) in printed, value


def test_more_rows_print_on_more_pages(pdfs):
    assert pages(pdfs["roomy"]) > 2


def test_song_style_fonts_are_embedded(pdfs):
    fonts = subprocess.run(["pdffonts", str(pdfs["seed-values"])], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts  # 宋体 through the fontconfig alias
    assert "NotoSansCJK" in fonts  # 黑体 of the 附件1-1 mark
