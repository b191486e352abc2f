"""Errors that reach a person: each carries a Chinese message naming the file and the cause."""

from __future__ import annotations


class InputError(Exception):
    """An input that cannot be used at all (exit code 2)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def describe_validation_error(error, model_cls) -> str:
    """A pydantic ValidationError in Chinese, one line per problem, naming the field."""
    items = [dict(i, loc=_clean(i.get("loc", ()))) for i in error.errors()]
    lines = []
    seen = set()
    for item in items:
        path = _path(item["loc"])
        if item["type"] in ("literal_error", "list_type") and _union_branch(item, items):
            if any(_path(o["loc"]).startswith(path + "[") for o in items):
                continue
            item = {"type": "value_error", "loc": item["loc"], "msg": "应填“无”，或逐行填写指标"}
        label = _label(model_cls, item["loc"])
        where = f"{label}（{path}）" if label else path or "文件"
        line = f"{where}：{_reason(item)}"
        if line not in seen:
            seen.add(line)
            lines.append(line)
    return "；".join(lines[:10]) + ("；……" if len(lines) > 10 else "")


def _clean(loc) -> tuple:
    """Drop pydantic's union-branch tags (such as "list[Indicator]") from a location."""
    return tuple(p for p in loc if isinstance(p, int) or not any(c in str(p) for c in "[('"))


def _union_branch(item, items) -> bool:
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


def _label(model_cls, loc) -> str:
    """The field's Chinese description, followed through nested models."""
    from pydantic import BaseModel

    cls = model_cls
    label = ""
    for part in loc:
        if isinstance(part, int) or cls is None:
            continue
        fields = getattr(cls, "model_fields", {})
        if part not in fields:
            continue
        info = fields[part]
        label = info.description or label
        cls = _inner_model(info.annotation, BaseModel)
    return label


def _inner_model(annotation, base):
    import typing

    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, base):
            return t
        stack.extend(typing.get_args(t))
    return None


_REASONS = {
    "missing": "缺少此项",
    "extra_forbidden": "不是本表的字段，请删除或检查拼写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "date_from_datetime_parsing": "应为日期，格式如 2020-12-31",
    "date_parsing": "应为日期，格式如 2020-12-31",
    "date_type": "应为日期，格式如 2020-12-31",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "model_type": "应为对象（键值表）",
    "dict_type": "应为对象（键值表）",
    "literal_error": "取值不在允许的范围内",
    "bool_type": "应填“是”或“否”",
    "json_invalid": "不是有效的 JSON",
    "decimal_parsing": "应为数字",
}


def _reason(item) -> str:
    kind = item.get("type", "")
    if kind == "value_error":
        msg = str(item.get("msg", ""))
        return msg.removeprefix("Value error, ")
    if kind == "json_invalid":
        ctx = item.get("ctx") or {}
        return f"不是有效的 JSON（{ctx.get('error', '')}）"
    if kind == "literal_error":
        ctx = item.get("ctx") or {}
        return f"取值应为 {ctx.get('expected', '')}"
    return _REASONS.get(kind, f"取值无效（{item.get('msg', '')}）")
