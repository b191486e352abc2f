"""Command line: `xlperf check|score|schema|new|import|export|submit|mark|review`.

Exit codes: 0 no errors, 1 the form has errors, 2 the input or the request cannot be used.
Heavy modules are imported inside each command so that `xlperf --help` starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import unicodedata
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def _add_help(parser) -> None:
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出")


_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern, re.S), chinese)
    for pattern, chinese in (
        (r"^argument (?P<arg>.+?): (?P<rest>.*)$", "参数 {arg}：{rest}"),
        (r"^the following arguments are required: (?P<args>.*)$", "缺少必需的参数：{args}"),
        (r"^invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)$", "无效的选择 {value}（可选：{choices}）"),
        (r"^invalid int value: (?P<value>.*)$", "{value} 不是整数"),
        (r"^invalid (?P<type>\w+) value: (?P<value>.*)$", "{value} 不是有效的值"),
        (r"^unrecognized arguments: (?P<args>.*)$", "无法识别的参数：{args}"),
        (r"^expected one argument$", "后面应跟一个值"),
        (r"^expected at most one argument$", "后面最多跟一个值"),
        (r"^expected at least one argument$", "后面至少应跟一个值"),
        (r"^ambiguous option: (?P<option>\S+) could match (?P<matches>.*)$", "选项 {option} 不明确，可能是：{matches}"),
        (r"^one of the arguments (?P<args>.*) is required$", "以下参数必须给出一个：{args}"),
        (r"^not allowed with argument (?P<arg>.*)$", "不能与参数 {arg} 同时使用"),
        (r"^ignored explicit argument (?P<value>.*)$", "这个选项不接受值，多余的值 {value}"),
        (r"^unexpected option string: (?P<option>.*)$", "意外的选项 {option}"),
    )
)
"""argparse's own messages (Python's English) and their Chinese; the rest of a message
(the names of arguments, the values typed) is kept as it is."""


def chinese_argparse_message(message: str) -> str:
    """argparse's English error message in Chinese (nested: "argument X: invalid choice ...")."""
    for pattern, chinese in _ARGPARSE_MESSAGES:
        m = pattern.match(message)
        if m:
            parts = {k: (chinese_argparse_message(v) if k == "rest" else v) for k, v in m.groupdict().items()}
            return re.sub(r"'([^']*)'", r"“\1”", chinese.format(**parts))
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese: titles, usage, help and its own errors."""

    def __init__(self, *args, **kwargs):
        own_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if own_help:
            _add_help(self)

    def error(self, message):  # argparse's own errors: exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"xlperf：命令参数有误：{chinese_argparse_message(message)}", file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xlperf",
        description="财政支出项目绩效自评：校验、评分、生成工作簿与自评报告。",
        epilog="退出码：0 无错误；1 自评表有错误；2 输入无法使用。",
        add_help=False,
    )
    _add_help(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, title="命令")
    sub.required = True

    rules_help = "评分规则：内置名称（national-2020、national-2020-provincial、guangdong-municipal）或规则文件路径；默认取数据中的设置，否则 national-2020"
    for name, help_text in (("check", "校验自评表，列出问题并给出得分"), ("score", "计算自评得分，逐项说明")):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("file", metavar="FILE", help="自评数据文件（.json）、工作簿（.xlsx/.xlsm），或 Word/Excel/WPS 填写的官方表格（.docx/.xlsx/.xls）")
        p.add_argument("--rules", metavar="NAME|PATH", help=rules_help)
        p.add_argument("--json", action="store_true", help="输出一个 JSON 对象（供程序读取）")

    p = sub.add_parser("schema", help="输出数据文件的 JSON Schema", description="输出数据文件的 JSON Schema")
    p.add_argument("--form", metavar="KIND", help="表式：guangdong-1-1（默认）或 national")

    p = sub.add_parser(
        "new", help="生成自评工作簿（启用宏的 .xlsm，或只用公式的 .xlsx）",
        description="生成自评工作簿，可由数据文件预填。广东省市级附件1-1默认为启用宏的 .xlsm（Excel + Python）；"
        "--edition formulas 生成不含宏的 .xlsx，全部计算由表格自带公式完成（WPS、LibreOffice、宏被禁用的 Excel）。"
        "项目支出绩效自评表默认生成公式版 .xlsx",
    )
    p.add_argument("out", metavar="OUT.xlsm|OUT.xlsx", help="要生成的工作簿")
    p.add_argument("--edition", choices=("macro", "formulas"), default=None,
                   help="macro：启用宏的 .xlsm（附件1-1的默认）；formulas：不含宏、只用公式的 .xlsx；"
                        "项目支出绩效自评表不给出时按输出文件的扩展名选择（.xlsm 启用宏，.xlsx 公式版）")
    p.add_argument("--form", metavar="KIND", help="表式：guangdong-1-1（广东省市级附件1-1，默认）或 national（项目支出绩效自评表）；默认取预填数据的表式")
    p.add_argument("--from", dest="source", metavar="DATA",
                   help="预填的数据文件（.json）、工作簿，或 Word/Excel/WPS 填写的官方表格（.docx/.xlsx/.xls）")
    p.add_argument("--next-year", action="store_true",
                   help="结转下一年度：保留单位、项目、联系人、文件依据、目标和指标，评价年度和日期顺延一年，清空金额、实现值和报告正文"
                        "（附件1-1 和项目支出绩效自评表都可结转）")
    p.add_argument("--rules", metavar="NAME|PATH", help=rules_help)
    p.add_argument("--indicator-rows", type=int, metavar="N", help="每个二级指标预留的行数（默认 3，数据更多时自动加行）")
    p.add_argument("--budget-rows", type=int, metavar="N", help="资金安排、资金使用各预留的年度行数")
    p.add_argument("--purpose-rows", type=int, metavar="N", help="按方向划分预留的行数")
    p.add_argument("--interpreter", metavar="PATH",
                   help="写入 xlwings.conf 工作表的 Python 解释器完整路径（Windows 为 pythonw.exe，以 / 开头的视为 macOS 的 python）；"
                        "不给出时不写，使用 xlwings 的用户配置或 PATH 中的 Python")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")

    p = sub.add_parser("import", help="导入 Word/Excel/WPS 填写的官方表格（.docx/.xlsx/.xls）",
                       description="按栏目名称读取 Word/Excel/WPS 填写的附件1-1 和附件3，或项目支出绩效自评表，"
                                   "列出每一项从哪里读取、哪些没有读到，并保存为数据文件（.json）、启用宏的工作簿（.xlsm）"
                                   "或无宏工作簿（.xlsx）")
    p.add_argument("file", metavar="FILE", help="填写好的官方表格（.docx、.xlsx、.xlsm、.xls）")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="输出：.json、.xlsm 或 .xlsx")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")

    p = sub.add_parser("export", help="导出附件3 自评报告（.docx，可选 PDF）", description="导出附件3 自评报告（.docx，可选 PDF）")
    p.add_argument("file", metavar="FILE", help="自评数据文件（.json）、工作簿（.xlsx/.xlsm），或 Word/Excel/WPS 填写的官方表格（.docx/.xlsx/.xls）")
    p.add_argument("-o", "--output", required=True, metavar="REPORT.docx", help="报告输出路径")
    p.add_argument("--pdf", action="store_true", help="同时生成 PDF（需要 LibreOffice）")
    p.add_argument("--final", action="store_true", help="正式报告：仍有错误时不生成任何文件（默认生成标有“草稿：校验未通过”的草稿）")
    p.add_argument("--rules", metavar="NAME|PATH", help=rules_help)
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")

    p = sub.add_parser("submit", help="生成报送财政局的干净副本（.xlsx，无宏、无自定义函数）", description="生成报送财政局的干净副本（.xlsx，无宏、无自定义函数，数值由引擎计算）")
    p.add_argument("file", metavar="FILE", help="自评数据文件（.json）、工作簿（.xlsx/.xlsm），或 Word/Excel/WPS 填写的官方表格（.docx/.xlsx/.xls）")
    p.add_argument("-o", "--output", required=True, metavar="COPY.xlsx", help="副本输出路径")
    p.add_argument("--allow-errors", action="store_true", help="自评表仍有错误时也生成副本（默认不生成，并列出错误）")
    p.add_argument("--rules", metavar="NAME|PATH", help=rules_help)
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")

    p = sub.add_parser("mark", help="在工作簿副本中标出问题单元格并填好评分表（与“校验”“计算得分”按钮相同）",
                       description="在工作簿副本中标出问题单元格、列出校验结果并填好评分表（与工作簿中“校验”“计算得分”按钮相同），不改动原文件")
    p.add_argument("file", metavar="FILE", help="xlperf 生成的工作簿（.xlsm/.xlsx）")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="标记后的副本（扩展名与原文件相同）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")

    p = sub.add_parser("review", help="批量审核多份自评表，生成汇总表", description="批量审核文件夹或文件中的自评表（.xlsm/.xlsx/.json，以及 Word/Excel/WPS 填写的 .docx/.xls），生成汇总表")
    p.add_argument("paths", nargs="+", metavar="DIR|FILE", help="文件夹（含子文件夹）或文件")
    p.add_argument("-o", "--output", metavar="SUMMARY.xlsx", help="汇总表输出路径（使用 --json 时可省略）")
    p.add_argument("--jobs", type=int, metavar="N", help="并行进程数（默认为 CPU 核数）")
    p.add_argument("--rules", metavar="NAME|PATH", help=rules_help)
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象（供程序读取）")
    p.add_argument("--return-dir", metavar="OUT/", help="为每份有问题的自评表生成退回材料：工作簿为标记后的副本，JSON 为以单位命名的问题清单（.xlsx）")
    p.add_argument("--previous", metavar="LAST.xlsx", help="上年的汇总表（由 xlperf review 生成），在汇总表中列出上年得分和等级")
    p.add_argument("--force", action="store_true", help="覆盖已存在的汇总表和退回材料")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "check": _cmd_check,
        "score": _cmd_score,
        "schema": _cmd_schema,
        "new": _cmd_new,
        "export": _cmd_export,
        "submit": _cmd_submit,
        "review": _cmd_review,
        "mark": _cmd_mark,
        "import": _cmd_import,
    }[args.command]
    from xlperf.errors import InputError

    try:
        return handler(args)
    except InputError as e:
        print(f"xlperf：{e.message}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("xlperf：已中断", file=sys.stderr)
        return 130
    except Exception as e:  # a bug of ours: say so plainly, without a traceback
        if os.environ.get("XLPERF_DEBUG"):
            raise
        print(f"xlperf：内部错误（{type(e).__name__}：{e}）。请将此信息和输入文件报告给维护者；设置 XLPERF_DEBUG=1 可查看详细信息。", file=sys.stderr)
        return EXIT_UNUSABLE


def _evaluate(args):
    from xlperf.files import sources

    loaded = sources.load_form(args.file)
    return loaded.form, loaded.evaluate(rules=args.rules, folder=Path(args.file).parent)


def _cmd_check(args) -> int:
    ev, result = _evaluate(args)
    if args.json:
        _print_json(result)
    else:
        _print_findings(result.findings)
        print()
        _print_scorecard(result.scorecard)
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _cmd_score(args) -> int:
    ev, result = _evaluate(args)
    if args.json:
        _print_json(result)
    else:
        _print_scorecard(result.scorecard)
        if result.findings:
            print()
            n_err, n_warn = len(result.errors), len(result.warnings)
            print(f"另有 {n_err} 个错误、{n_warn} 个警告，运行 xlperf check 查看。")
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _cmd_schema(args) -> int:
    from xlperf import forms

    print(json.dumps(forms.kind(args.form).model.model_json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def _cmd_new(args) -> int:
    from xlperf.errors import InputError
    from xlperf.workbook.editions import new_workbook

    form = None
    if args.next_year:
        from xlperf.files import sources
        from xlperf.forms.carry import next_year

        if args.source is None:
            raise InputError("--next-year 需要用 --from 给出上一年度的自评表")
        form, plan = next_year(sources.load(args.source))
        print(f"由 {args.source} 结转下一年度（评价年度 {plan.year or '未填'}）：")
        for line in plan.lines():
            print(line)
    path = new_workbook(
        args.out,
        ev=form,
        source=args.source,
        rules=args.rules,
        indicator_rows=args.indicator_rows,
        budget_rows=args.budget_rows,
        purpose_rows=args.purpose_rows,
        force=args.force,
        form=args.form,
        edition=args.edition,
        interpreter=args.interpreter,
    )
    print(f"已生成工作簿：{path}")
    if args.source is not None:
        from xlperf.workbook.editions import normalised_values

        changed = normalised_values(args.source)
        if changed is None:
            pass
        else:
            rewritten = [line for line in changed if not line.startswith("另有")]
            if rewritten:
                print(f"读入时改写了 {len(rewritten)} 个值（工作簿中是右边的写法）：")
                for line in changed:
                    print(f"  {line}")
            else:
                print("读入的值都按原样写入，没有改写。")
                for line in changed:
                    print(line)
    return EXIT_OK


def _cmd_import(args) -> int:
    from pathlib import Path

    from xlperf.errors import InputError
    from xlperf.files import sources
    from xlperf.files.atomic import write_atomic

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".json", ".xlsm", ".xlsx"):
        raise InputError(f"输出文件“{out}”的扩展名应为 .json、.xlsm 或 .xlsx")
    loaded = sources.load_form(args.file)
    record = loaded.imported
    if record is not None:
        print(f"从 {args.file} 读取了 {len(record.read)} 项：")
        rows = [(item.title, item.where, _clip(item.text)) for item in record.read]
        widths = [max((_width(r[i]) for r in rows), default=0) for i in range(2)]
        for r in rows:
            print("  " + _pad(r[0], widths[0]) + "  " + _pad(r[1], widths[1]) + "  " + r[2])
        print()
        _print_findings(loaded.findings, ok_text="全部栏目都已读取，没有缺少或有歧义的项目。")
        print()
    if suffix == ".json":
        write_atomic(out, loaded.form.to_json().encode("utf-8"), force=args.force, source=args.file)
    elif suffix == ".xlsm":
        from xlperf.workbook.editions import new_workbook

        new_workbook(out, ev=loaded.form, source=args.file, force=args.force)
    else:
        from xlperf.workbook.editions import submission_copy

        submission_copy(args.file, out, ev=loaded.form, force=args.force)
    print(f"已保存：{out}")
    return EXIT_FINDINGS if any(f.severity == "error" for f in loaded.findings) else EXIT_OK


def _clip(text: str, n: int = 40) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def _cmd_export(args) -> int:
    from xlperf.files import sources
    from xlperf.outputs.report import export_report

    ev, _ = sources.load_with_locator(args.file)
    result = export_report(ev, args.output, rules=args.rules, pdf=args.pdf, force=args.force, source=args.file,
                           final=args.final)
    for line in result.messages():
        print(line)
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _cmd_submit(args) -> int:
    from xlperf.workbook.editions import submit

    done = submit(args.file, args.output, rules=args.rules, force=args.force, allow_errors=args.allow_errors)
    n_err = len(done.errors)
    if done.path is None:
        print(f"未生成报送副本：自评表有 {n_err} 个错误，请改正后再报送（确需带着错误报送时加 --allow-errors）。")
    elif n_err:
        print(f"已生成报送副本（按 --allow-errors 带着 {n_err} 个错误）：{done.path}")
    else:
        print(f"已生成报送副本：{done.path}")
    if done.findings:
        print()
        _print_findings(done.findings)
    return EXIT_FINDINGS if n_err else EXIT_OK


def _cmd_mark(args) -> int:
    from xlperf import forms
    from xlperf.excel.handlers import process_file
    from xlperf.files import sources

    kind = sources.kind_of_file(args.file)
    if kind.key != forms.GUANGDONG:
        result = kind.module().mark_copy(args.file, args.output, force=args.force)
        print(f"已生成标记副本：{args.output}（{len(result.errors)} 个错误、{len(result.warnings)} 个警告，见“校验结果”工作表）")
        return EXIT_OK if result.ok else EXIT_FINDINGS

    outcome = process_file(args.file, args.output, "mark", force=args.force)
    print(outcome.message)
    return EXIT_OK if outcome.ok else EXIT_FINDINGS


def _cmd_review(args) -> int:
    from xlperf.errors import InputError
    from xlperf.outputs.review import review, review_json, summary_text

    if args.output is None and not args.json:
        raise InputError("请用 -o 给出汇总表的输出路径（如 -o 汇总.xlsx），或使用 --json 输出结果")
    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs 应为正整数，实际为 {args.jobs}")
    result = review(args.paths, args.output, jobs=args.jobs, rules=args.rules, force=args.force,
                    return_dir=args.return_dir, previous=args.previous)
    if args.json:
        print(json.dumps(review_json(result), ensure_ascii=False, indent=2))
    else:
        print(summary_text(result))
    return result.exit_code


# ---- output -------------------------------------------------------------------------


def result_json(result) -> dict:
    """The one JSON object of `check --json` and `score --json`."""
    card = result.scorecard
    return {
        "ok": result.ok,
        "findings": [
            {"code": f.code, "severity": f.severity, "field": f.field, "cell": f.cell, "message": f.message}
            for f in result.findings
        ],
        "score": {
            "rules": card.rules,
            "total": str(card.total),
            "grade": card.grade,
            "complete": card.complete,
            "items": [item.model_dump(mode="json") for item in card.items],
        },
    }


def _print_json(result) -> None:
    print(json.dumps(result_json(result), ensure_ascii=False, indent=2))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


SEVERITY_LABEL = {"error": "错误", "warning": "警告"}


def _print_findings(findings, ok_text: str = "校验通过：没有发现问题。") -> None:
    if not findings:
        print(ok_text)
        return
    n_err = sum(f.severity == "error" for f in findings)
    print(f"校验发现 {n_err} 个错误、{len(findings) - n_err} 个警告：")
    from xlperf.errors import place

    rows = [(SEVERITY_LABEL[f.severity], f.code, place(f), f.message) for f in findings]
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  " + "  ".join(_pad(r[i], widths[i]) for i in range(3)) + "  " + r[3])


def _print_scorecard(card) -> None:
    print(f"评分规则：{card.title}（{card.rules}）")
    print(card.headline())
    rows = []
    for item in card.items:
        points = "—" if item.points is None else str(item.points)
        status = {"scored": "", "pending": "待评", "dropped": "不计"}.get(item.status, item.status)
        rows.append((item.category, item.name, f"{points}/{item.available}", status, item.explanation))
    if not rows:
        return
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  " + "  ".join(_pad(r[i], widths[i]) for i in range(4)) + "  " + r[4])


if __name__ == "__main__":
    sys.exit(main())
