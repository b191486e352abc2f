"""Errors that reach a person: each carries a Chinese message naming the file and the cause."""

from __future__ import annotations

import re


class InputError(Exception):
    """An input that cannot be used at all (exit code 2)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def describe_validation_error(error, model_cls, noun: str = "本表") -> str:
    """A pydantic ValidationError in Chinese, one clause per problem ("；"), naming each field.

    See `validation_problems`."""
    return "；".join(validation_problems(error, model_cls, noun))


def validation_problems(error, model_cls, noun: str = "本表", limit: int = 10) -> list[str]:
    """A pydantic ValidationError in Chinese, one line per problem, naming the field.

    Serves every file a person writes: the data file (`noun` "本表") and rule files
    ("规则文件"). A field is named in words, never by its path: its Chinese description,
    with the row for a list ("资金安排情况第1行的资金合计"); a key the model does not know
    is shown as typed. A problem of the whole file is given by its reason alone. At most
    `limit` problems are listed, then "……另有 N 处".
    """
    items = [dict(i, loc=_clean(i.get("loc", ()))) for i in error.errors()]
    lines = []
    seen = set()
    for item in items:
        path = _path(item["loc"])
        if item["type"] in ("literal_error", "list_type") and _union_branch(item, items):
            if any(_path(o["loc"]).startswith(path + "[") for o in items) or any(
                o["loc"] == item["loc"] and o["type"] not in ("literal_error", "list_type") for o in items
            ):
                continue
            item = {"type": "value_error", "loc": item["loc"], "msg": "应填“无”，或逐行填写指标"}
        where = _name(model_cls, item["loc"])
        reason = _reason(item, noun)
        line = f"{where}：{reason}" if where else reason
        if line not in seen:
            seen.add(line)
            lines.append(line)
    if len(lines) > limit:
        return [*lines[:limit], f"……另有 {len(lines) - limit} 处"]
    return lines


_FIELD_PART = re.compile(r"(\w+)|\[(\d+)\]")


def place(finding, workbook: bool = True) -> str:
    """Where a finding is, for a person: its cell in a workbook; for a form without cells
    (a JSON file) or a finding without one, the field's name in words, never its path."""
    cell = getattr(finding, "cell", None)
    if cell and (workbook or not finding.field):
        return cell
    if not finding.field:
        return "整个文件"
    from xlperf.forms.guangdong_1_1.model import SelfEvaluation

    loc = tuple(int(i) if i else name for name, i in _FIELD_PART.findall(finding.field))
    return field_name(SelfEvaluation, loc) or "整个文件"


def field_name(model_cls, loc) -> str:
    """A field of `model_cls` at `loc` (keys and row indexes) in words; see `_name`."""
    return _name(model_cls, tuple(loc))


def _name(model_cls, loc) -> str:
    """A field in words: its description, inside a list "<list>第n行的<field>", inside a model
    that says `named_with_owner` "<owner>的<field>" (“年度资金总额的得分”); keys the
    model does not have as typed, in quotes. A model without descriptions (a rule file,
    whose keys are what its author typed) gives the keys' path."""
    from pydantic import BaseModel

    cls, label, row, leaf, described = model_cls, "", "", "", False
    for part in loc:
        if isinstance(part, int):
            row = f"{leaf or label}第{part + 1}行"
            leaf = ""
            continue
        fields = getattr(cls, "model_fields", {}) if cls is not None else {}
        if part in fields:
            info = fields[part]
            owner = label if getattr(cls, "named_with_owner", False) and label else ""
            if info.description:
                name = re.split(r"[，；：]", info.description, maxsplit=1)[0]  # the name, not the guidance
                leaf = label = f"{owner}的{name}" if owner else name
                described = True
            cls = _inner_model(info.annotation, BaseModel)
        else:
            leaf, cls = f"“{part}”", None
    if not described:
        return _path(loc)
    if leaf and row:
        return f"{row}的{leaf}"
    return leaf or row


def problems_text(lead: str, problems: list[str], what: str = "内容无法读取") -> str:
    """Problems for a person: one on the lead's line, several one per line, counted
    ("文件 x.json 有 3 处内容无法读取：" then each on its own indented line)."""
    if len(problems) == 1:
        return f"{lead}：{problems[0]}"
    counted = sum(not p.startswith("……") for p in problems)
    space = " " if lead[-1:].isascii() else ""
    return f"{lead}{space}有 {counted} 处{what}：\n" + "\n".join(f"  {p}" for p in problems)


_JSON_SYNTAX = (
    ("Expecting value", "此处应为一个值（数字、文字、true/false、null、{...} 或 [...]），可能多了逗号或少了引号"),
    ("Expecting ',' delimiter", "缺少逗号（,）"),
    ("Expecting ':' delimiter", "缺少冒号（:）"),
    ("Expecting property name enclosed in double quotes", "字段名应放在英文双引号中，或最后一项后面多了逗号"),
    ("Unterminated string", "文字缺少结尾的英文双引号"),
    ("Extra data", "JSON 结束后还有多余的内容"),
    ("Invalid control character", "文字中有换行或控制字符，换行请写作 \\n"),
    ("Invalid \\escape", "文字中有无效的反斜杠转义"),
)


def json_syntax_error(data: bytes | str) -> str | None:
    """Where and why `data` is not JSON, in Chinese ("第3行第17列：缺少逗号（,）"); None if it is."""
    import json

    try:
        json.loads(data)
    except json.JSONDecodeError as e:
        why = next((chinese for english, chinese in _JSON_SYNTAX if e.msg.startswith(english)), "语法错误")
        return f"不是有效的 JSON：第{e.lineno}行第{e.colno}列：{why}（常见原因：用了中文标点“，”“：”或中文引号）"
    except (ValueError, RecursionError):
        return "不是有效的 JSON：内容无法解析"
    return None


def _clean(loc) -> tuple:
    """Drop pydantic's union-branch tags (such as "list[Indicator]") from a location."""
    return tuple(p for p in loc if isinstance(p, int) or not any(c in str(p) for c in "[('"))


def _union_branch(item, items) -> bool:
    """An error of one branch of a union field (the indicators' 无-or-rows)."""
    return sum(1 for o in items if o["loc"] == item["loc"]) > 1 or any(
        o is not item and _path(o["loc"]).startswith(_path(item["loc"]) + "[") for o in items
    )


def _path(loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _inner_model(annotation, base):
    import typing

    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, base):
            return t
        stack.extend(typing.get_args(t))
    return None


_DATE = "应为日期，格式如 2020-12-31"
_REASONS = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（不是{noun}的字段，请删除或检查拼写）",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字",
    "date_from_datetime_parsing": _DATE,
    "date_parsing": _DATE,
    "date_type": _DATE,
    "string_type": "应为文字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表 [...]",
    "model_type": "应为对象 {{...}}",
    "dict_type": "应为对象 {{...}}",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "应不大于{le}",
    "too_short": "至少应有{min_length}项",
    "too_long": "最多只能有{max_length}项",
    "string_too_short": "不能为空",
    "string_too_long": "最多{max_length}个字",
    "literal_error": "取值应为 {expected}",
}

_JSON_REASONS = (
    ("recursion limit", "括号嵌套层数过多"),
    ("number out of range", "数字超出范围"),
    ("surrogate", "含有无效的 Unicode 转义"),
    ("unicode", "含有无效的 Unicode 转义"),
    ("escape", "含有无效的转义字符"),
    ("control character", "字符串中含有控制字符"),
    ("EOF", "文件不完整（括号或引号未闭合）"),
    ("trailing", "JSON 结束后还有多余的内容"),
    ("expected value", "此处应为一个值（NaN、Infinity 等不是 JSON 的值）"),
    ("key must be a string", "对象的键应为带引号的文字"),
    ("expected `,` or", "缺少逗号或右括号"),
    ("expected `:`", "缺少冒号"),
    ("expected ident", "此处应为一个值（NaN、Infinity 等不是 JSON 的值）"),
    ("invalid number", "数字写法无效"),
)
_JSON_AT = re.compile(r"at line (\d+) column (\d+)")


def json_reason(error: str) -> str:
    """A JSON parser's English complaint in Chinese: “不是有效的 JSON（第1行第5列附近：…）”."""
    why = next((zh for en, zh in _JSON_REASONS if en.lower() in error.lower()), "语法错误")
    at = _JSON_AT.search(error)
    where = f"第{at.group(1)}行第{at.group(2)}列附近：" if at else ""
    return f"不是有效的 JSON（{where}{why}）"


def _reason(item, noun: str) -> str:
    kind = item.get("type", "")
    ctx = {k: str(v).replace(" or ", " 或 ") for k, v in (item.get("ctx") or {}).items()}
    if kind == "json_invalid":
        return json_reason(str(ctx.get("error", "")))
    if kind == "value_error":
        return ctx.get("error") or str(item.get("msg", "")).removeprefix("Value error, ") or "取值无效"
    try:
        return _REASONS[kind].format(noun=noun, **ctx)
    except (KeyError, IndexError):
        return "取值无效"
