"""The finance bureau's batch review (批量审核): every form in a folder, in parallel.

A bureau receives hundreds of self-evaluations a year. `review` reads each one
(.xlsx/.xlsm workbook or .json data file), runs the checks and the scoring, and
writes one summary workbook: a row per form (汇总), a row per finding (问题清单) and the
grade distribution with a chart (统计). A file that cannot be read becomes a row saying
why (状态 无法读取); it never stops the batch, and neither does a file that hangs or
crashes the process reading it:

- forms are read in worker processes (`jobs`, default one per CPU), in chunks;
- each form has a time limit (`Limits.seconds_per_file`): a worker interrupts itself
  when it passes, and a watchdog ends a worker stuck in C code at twice the limit;
- a worker's address space is limited (`Limits.worker_memory_bytes`, Linux);
- a file whose worker died is retried alone, so only the culprit gets the 无法读取 row.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from xlperf.errors import InputError
from xlperf.files.safezip import DEFAULT_LIMITS, Limits
from xlperf.files import sources as _sources

FORM_SUFFIXES = tuple(sorted(_sources.FORM_SUFFIXES))
GRADES = ("优", "良", "中", "差")
"""The grade bands; 待评分 and 无法评分 (`scoring.PENDING_GRADE`, `UNSCORABLE_GRADE`) are counted apart."""
UNREADABLE = "无法读取"
NOT_A_FORM = "不是自评表"
STATUS_OK, STATUS_ERRORS = "通过", "有错误"
SEVERITY_LABEL = {"error": "错误", "warning": "警告"}


@dataclass
class FormRow:
    """One form of the batch: what it is, how it scored, and whether it could be read."""

    file: str
    """The path as the reviewer gave it (a folder's files: folder/relative path)."""
    status: str = STATUS_OK
    """通过 (no errors), 有错误, or 无法读取."""
    unit: str = ""
    project: str = ""
    amount: Decimal | None = None
    """评价金额 in 万元 (the national form has none: its 全年预算数)."""
    exec_rate: Decimal | None = None
    """预算执行率 as a fraction (0.9916)."""
    score: Decimal | None = None
    """The total, or while items wait for a person the points so far."""
    grade: str = ""
    """A grade band, 待评分 or 无法评分."""
    rules: str = ""
    """The name of the rule set that scored the form."""
    complete: bool = True
    """False while some score item waits for a person."""
    errors: int = 0
    warnings: int = 0
    kind: str = ""
    """表式: the form kind's title (广东省市级附件1-1, 项目支出绩效自评表 ...)."""
    code: str = ""
    """For 无法读取: the stable code of the cause (IN_NOT_ZIP, IN_TIMEOUT, ...)."""
    cause: str = ""
    """For 无法读取: the Chinese cause, naming the file."""
    seconds: float = 0.0
    duplicate_of: str = ""
    """The other files of the batch with the same unit and project."""
    previous_score: Decimal | None = None
    previous_grade: str = ""
    """Last year's score and grade (`--previous`), matched by unit and project."""
    returned: str = ""
    """The file written for sending back (`--return-dir`)."""

    @property
    def readable(self) -> bool:
        return self.status not in (UNREADABLE, NOT_A_FORM)

    @property
    def note(self) -> str:
        """The 说明 column."""
        if not self.readable:
            return self.cause
        notes = [] if self.complete else ["评分未完成（有待评分人打分的项目），得分为已评项目的得分"]
        if self.duplicate_of:
            notes.append(f"同一单位、同一项目的自评表出现不止一次（另见 {self.duplicate_of}）")
        return "；".join(notes)


@dataclass
class FindingRow:
    """One finding of one form (an unreadable form has one, with its cause)."""

    file: str
    code: str
    severity: str
    """error | warning"""
    field: str
    cell: str
    message: str


@dataclass
class ReviewResult:
    forms: list[FormRow]
    findings: list[FindingRow]
    output: Path | None = None
    elapsed: float = 0.0
    jobs: int = 1
    rules: str = ""
    """The rule set named by the reviewer; empty when each form's own was used."""
    returned: list = field(default_factory=list)
    """The files written for sending back (`return_dir`)."""

    def grade_counts(self) -> dict[str, int]:
        """优/良/中/差/待评分/无法评分/无法读取 -> number of forms: an unfinished score is never 差."""
        from xlperf.engine.scoring import PENDING_GRADE, UNSCORABLE_GRADE

        counts = Counter(f.grade if f.readable else f.status for f in self.forms)
        return {g: counts.get(g, 0) for g in (*GRADES, PENDING_GRADE, UNSCORABLE_GRADE, UNREADABLE, NOT_A_FORM)}

    @property
    def unreadable(self) -> int:
        return sum(f.status == UNREADABLE for f in self.forms)

    @property
    def not_forms(self) -> int:
        return sum(f.status == NOT_A_FORM for f in self.forms)

    @property
    def duplicates(self) -> int:
        return sum(bool(f.duplicate_of) for f in self.forms)

    @property
    def with_errors(self) -> int:
        return sum(f.status == STATUS_ERRORS for f in self.forms)

    @property
    def exit_code(self) -> int:
        """0 every form read and free of errors; 1 otherwise (as `xlperf check`)."""
        return 0 if not self.unreadable and not self.with_errors else 1


# ---- finding the forms -------------------------------------------------------------------


@dataclass(frozen=True)
class Passed:
    """Something in a reviewed folder that was not read, and why (it becomes a row)."""

    path: Path
    code: str
    """IN_FOLDER (a folder that cannot be listed) or IN_LINK_OUTSIDE (a link out of the folder)."""
    message: str


def collect(
    paths: Iterable[str | os.PathLike], exclude: Iterable[str | os.PathLike] = (), passed: list | None = None
) -> list[Path]:
    """The files named by `paths`: files as given, folders searched recursively (hidden
    files and Excel's ~$ lock files skipped), each file once, sorted within each folder.
    Files that are not forms (.docx, .pdf, ...) are kept: each gets a row saying so. Inside a folder, links that lead out of it are not followed
    and folders that cannot be listed are not skipped in silence: each is added to `passed`
    (a `Passed`). Raises InputError for a path that does not exist or when no form is found."""
    skip = {_identity(Path(p)) for p in exclude}
    found: list[Path] = []
    seen: set = set()
    passed = passed if passed is not None else []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            candidates = _scan(p, passed)
        elif p.exists() or p.is_symlink():
            candidates = [p]
        else:
            raise InputError(f"路径 {p} 不存在")
        for c in candidates:
            ident = _identity(c)
            if ident in seen or ident in skip:
                continue
            seen.add(ident)
            found.append(c)
    if not any(str(p).lower().endswith(FORM_SUFFIXES) for p in found) and not passed:
        shown = "、".join(str(p) for p in paths) or "（未给出）"
        raise InputError(f"在 {shown} 中没有找到自评文件（.xlsx、.xlsm、.json、.docx 或 .xls）")
    return found


def _scan(folder: Path, passed: list) -> list[Path]:
    out = []
    top = folder.resolve()

    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        passed.append(Passed(where, "IN_FOLDER", f"文件夹 {display_name(str(where))}：无法读取（{_os_reason(error)}），其中的文件未审核"))

    def outside(p: Path) -> bool:
        try:
            return top not in p.resolve().parents
        except (OSError, RuntimeError):
            return True

    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=False):
        for d in sorted(dirs):
            if not d.startswith(".") and os.path.islink(os.path.join(root, d)) and outside(Path(root) / d):
                p = Path(root) / d
                passed.append(Passed(p, "IN_LINK_OUTSIDE", f"文件夹 {display_name(str(p))}：是指向所审核文件夹以外的链接，未读取其中的文件"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "~$")):
                continue
            p = Path(root) / name
            if os.path.islink(p) and outside(p):
                passed.append(Passed(p, "IN_LINK_OUTSIDE", f"文件 {display_name(str(p))}：是指向所审核文件夹以外的链接，未读取"))
                continue
            out.append(p)
    return out


def _os_reason(error: OSError) -> str:
    import errno

    return {errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOENT: "不存在", errno.ELOOP: "链接循环",
            errno.ENAMETOOLONG: "路径过长"}.get(error.errno or 0, "系统错误")


def display_name(text: str) -> str:
    """A path as a person can read it, and as every writer can encode it.

    A name that is not UTF-8 (GBK bytes from a zip made on Chinese Windows) reaches Python
    with its bytes escaped as lone surrogates; those bytes are read as GBK when they are
    GBK (GB18030, its superset), and as U+FFFD where they are not."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    return "/".join(_decoded_part(part) for part in text.split("/"))


def _decoded_part(part: str) -> str:
    """One path component: as GB18030 if its bytes are that (some GBK pairs are also valid
    UTF-8, so the whole component is decoded, not the escaped runs alone)."""
    try:
        part.encode("utf-8")
        return part
    except UnicodeEncodeError:
        pass
    try:
        return part.encode("utf-8", "surrogateescape").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in part)


def _identity(p: Path):
    try:
        st = p.stat()
        return (st.st_dev, st.st_ino)
    except OSError:
        return os.path.abspath(p)


# ---- one form (runs in a worker) --------------------------------------------------------


class _Timeout(BaseException):
    """Raised by the per-file alarm; a BaseException so that no `except Exception` in the
    code being timed can swallow it."""


def _on_alarm(signum, frame):
    raise _Timeout


def review_file(path: str | os.PathLike, rules=None, limits: Limits = DEFAULT_LIMITS) -> tuple[FormRow, list[FindingRow]]:
    """Read, check and score one form; never raises for anything the file contains."""
    shown = str(path)
    if not shown.lower().endswith(FORM_SUFFIXES):
        suffix = Path(shown).suffix or "无扩展名"
        row = FormRow(file=shown, status=NOT_A_FORM, code="IN_NOT_FORM",
                      cause=f"文件 {shown}：不是自评表（{suffix} 文件），未审核。自评表应为 .xlsx、.xlsm、.json，"
                            "或 Word/Excel/WPS 填写的 .docx、.xls 文件；PDF 的材料请转换为自评表后再审核。")
        return row, []
    start = time.perf_counter()
    alarm = limits.seconds_per_file > 0 and _can_alarm()
    if alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds_per_file)
    try:
        try:
            row, findings = _review(shown, rules)
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:
        row, findings = _unreadable(shown, "IN_TIMEOUT", f"文件 {shown}：读取和校验超过 {limits.seconds_per_file:g} 秒仍未完成，已跳过")
    except InputError as e:
        if getattr(e, "code", "") == "IN_NOT_FORM":  # a Word or Excel file that holds no form
            row, findings = FormRow(file=shown, status=NOT_A_FORM, code="IN_NOT_FORM", cause=e.message + "，未审核。"), []
        else:
            row, findings = _unreadable(shown, getattr(e, "code", "IN_INPUT"), e.message)
    except MemoryError:
        row, findings = _unreadable(shown, "IN_MEMORY", f"文件 {shown}：读取时内存不足，文件可能异常庞大")
    except RecursionError:
        row, findings = _unreadable(shown, "IN_CORRUPT", f"文件 {shown}：内容嵌套过深，无法读取")
    except Exception as e:  # a bug of ours: the batch goes on, the row says so
        row, findings = _unreadable(
            shown, "INTERNAL", f"文件 {shown}：内部错误（{type(e).__name__}：{str(e)[:200]}），请将此文件报告给维护者"
        )
    finally:
        if alarm:
            signal.signal(signal.SIGALRM, previous)
    row.seconds = time.perf_counter() - start
    return row, findings


def _can_alarm() -> bool:
    import threading

    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _review(shown: str, rules) -> tuple[FormRow, list[FindingRow]]:
    from xlperf.files import sources
    from xlperf.engine.scoring import RulesError

    from xlperf import forms

    loaded = sources.load_form(shown)
    ev = loaded.form
    try:
        result = loaded.evaluate(rules=rules, folder=Path(shown).parent)
    except RulesError as e:
        raise InputError(f"文件 {shown}：评分规则无法使用（{e}）") from None
    card = result.scorecard
    findings = [
        FindingRow(shown, f.code, f.severity, f.field, f.cell or "", f.message) for f in result.findings
    ]
    errors = sum(f.severity == "error" for f in result.findings)
    kind = forms.kind_of(ev)
    if forms.is_guangdong(ev):
        facts = dict(unit=ev.header.unit_name, project=ev.basic.project_name, amount=ev.basic.eval_amount,
                     exec_rate=_exec_rate(ev))
    else:
        facts = kind.module().review_facts(ev)
    row = FormRow(
        file=shown,
        status=STATUS_ERRORS if errors else STATUS_OK,
        kind=kind.title,
        **facts,
        score=card.total,
        grade=card.grade,
        rules=card.rules,
        complete=card.complete,
        errors=errors,
        warnings=len(result.findings) - errors,
    )
    return row, findings


def _exec_rate(ev) -> Decimal | None:
    """预算执行率 from the form's funding (whatever rule set scores it), as a fraction."""
    from xlperf.forms.guangdong_1_1.funding import execution_rate

    rate = execution_rate(ev)
    return rate if isinstance(rate, Decimal) else None


def _unreadable(shown: str, code: str, message: str) -> tuple[FormRow, list[FindingRow]]:
    row = FormRow(file=shown, status=UNREADABLE, code=code, cause=message, errors=1)
    return row, [FindingRow(shown, code, "error", "", "", message)]


# ---- the batch -----------------------------------------------------------------------------


def _init_worker(limits: Limits) -> None:
    """Per worker: a memory ceiling, and default signal handling for the parent's Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = limits.worker_memory_bytes
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or soft > want:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, ValueError, OSError):
        pass


def _review_chunk(paths: Sequence[str], rules, limits: Limits) -> list[tuple[FormRow, list[FindingRow]]]:
    """A chunk of forms in one worker; a watchdog ends the worker if a form hangs in C code."""
    import faulthandler

    out = []
    with open(os.devnull, "w") as devnull:
        for p in paths:
            if limits.seconds_per_file > 0:
                faulthandler.dump_traceback_later(limits.seconds_per_file * 2 + 5, exit=True, file=devnull)
            try:
                out.append(review_file(p, rules, limits))
            finally:
                faulthandler.cancel_dump_traceback_later()
    return out


def _crashed(shown: str) -> tuple[FormRow, list[FindingRow]]:
    return _unreadable(shown, "IN_CRASH", f"文件 {shown}：读取此文件的进程意外终止（超时或内存不足），文件可能异常庞大或已损坏")


def _preload() -> None:
    """Import the engine before the workers fork, so that each does not import it again."""
    from xlperf import engine
    from xlperf.files import sources  # noqa: F401
    from xlperf.engine.scoring import load_rules

    try:
        from xlperf.engine import checks
        from xlperf.forms.guangdong_1_1 import layout  # noqa: F401
        from xlperf.workbook import read  # noqa: F401

        load_rules(None)
    except Exception:  # a missing piece shows up per file, as that file's row
        pass


def _run_pool(paths: list[str], rules, limits: Limits, jobs: int, chunk: int, tick: Callable[[int], None]):
    """Results for `paths` from a process pool, and the paths left unfinished if it broke."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    done: dict[str, tuple[FormRow, list[FindingRow]]] = {}
    left: list[str] = []
    chunks = [paths[i : i + chunk] for i in range(0, len(paths), chunk)]
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(limits,))
    try:
        futures = {}
        for c in chunks:
            try:
                futures[pool.submit(_review_chunk, c, rules, limits)] = c
            except BrokenProcessPool:  # a worker died while the chunks were still being handed out
                left += c
        for fut in as_completed(futures):
            try:
                results = fut.result()
            except Exception:  # BrokenProcessPool: a worker died; its chunk is retried
                left += futures[fut]
                continue
            for p, res in zip(futures[fut], results):
                done[p] = res
            tick(len(results))
    except BaseException:  # Ctrl-C: do not wait for the queued forms
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return done, left


def _run(paths: list[str], rules, limits: Limits, jobs: int, tick: Callable[[int], None]):
    """Every form in a worker process, even a single one (jobs=1): the per-file memory
    ceiling and the watchdog apply only there."""
    _preload()
    chunk = max(1, min(25, math.ceil(len(paths) / (jobs * 4))))
    done, left = _run_pool(paths, rules, limits, jobs, chunk, tick)
    if left:
        more, left = _run_pool(left, rules, limits, jobs, 1, tick)
        done.update(more)
    for p in left:
        more, lost = _run_pool([p], rules, limits, 1, 1, tick)
        done.update(more)
        if lost:
            done[p] = _crashed(p)
            tick(1)
    return done


class _Progress:
    """A one-line text bar on stderr: 审核进度 [#####.....] 120/200."""

    def __init__(self, total: int, enabled: bool, stream=None):
        self.total, self.enabled = total, enabled
        self.stream = stream or sys.stderr
        self.count = 0
        self.last = 0.0

    def __call__(self, n: int) -> None:
        self.count += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and self.count < self.total:
            return
        self.last = now
        width = 30
        filled = width * min(self.count, self.total) // max(self.total, 1)
        self.stream.write(f"\r审核进度 [{'#' * filled}{'.' * (width - filled)}] {self.count}/{self.total}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def review(
    paths: Sequence[str | os.PathLike],
    out_xlsx: str | os.PathLike | None = None,
    *,
    jobs: int | None = None,
    rules=None,
    progress: bool | None = None,
    force: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    return_dir: str | os.PathLike | None = None,
    previous: str | os.PathLike | None = None,
) -> ReviewResult:
    """Review every form in `paths` (files and folders); write the summary to `out_xlsx`.

    jobs: worker processes (default: one per CPU; even 1 is a worker, so the limits apply). rules: a rule
    set name, path or RuleSet for every form (default: each form's own setting).
    progress: None shows the bar when stderr is a terminal and the batch is long, True
    always, False never. force: replace an existing summary. Raises InputError (exit 2)
    only for the request itself: a missing path, no forms found, an unusable rule set,
    an output that must not be written.
    return_dir: write there what is sent back to each unit with problems
    (`review_return.write_returns`). previous: last year's summary, for last year's
    score and grade beside this year's. Forms of the same unit and project are flagged.
    """
    from xlperf.files.atomic import check_output

    start = time.perf_counter()
    passed: list[Passed] = []
    files = collect(paths, exclude=[out_xlsx] if out_xlsx else [], passed=passed)
    if out_xlsx is not None:
        _check_not_an_input(Path(out_xlsx), paths)
        check_output(out_xlsx, force=force, source=files)
    rules_name = ""
    if rules is not None:
        from xlperf.engine.scoring import load_rules

        loaded = load_rules(rules) if isinstance(rules, str) else rules
        rules_name = getattr(loaded, "name", "") or str(rules)
    shown = [str(p) for p in files]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(shown) or 1))
    if progress is None:
        progress = len(shown) >= 20 and sys.stderr.isatty()
    bar = _Progress(len(shown), progress)
    try:
        results = _run(shown, rules, limits, jobs, bar) if shown else {}
    finally:
        bar.close()
    forms, findings = [], []
    for p in shown:
        row, rows = _printable(*results[p])
        forms.append(row)
        findings += rows
    for item in passed:
        row, rows = _unreadable(display_name(str(item.path)), item.code, item.message)
        forms.append(row)
        findings += rows
    result = ReviewResult(forms, findings, None, 0.0, jobs, rules_name)
    from .review_return import apply_previous, flag_duplicates, write_returns

    flag_duplicates(forms)
    if previous is not None:
        apply_previous(forms, previous)
    if return_dir is not None:
        result.returned = write_returns(result, return_dir, force=force)
    if out_xlsx is not None:
        from xlperf.outputs.review_book import write_summary

        result.output = write_summary(result, out_xlsx, force=force, sources=files)
    result.elapsed = time.perf_counter() - start
    return result


def _printable(row: FormRow, findings: list[FindingRow]) -> tuple[FormRow, list[FindingRow]]:
    """The row and findings with every text one that any writer can encode (a file name in
    a legacy encoding is shown decoded), so one form can never stop the summary."""
    for obj in (row, *findings):
        for name in ("file", "unit", "project", "cause", "message", "field", "cell", "code", "grade"):
            value = getattr(obj, name, None)
            if isinstance(value, str):
                setattr(obj, name, display_name(value))
    return row, findings


def _is_summary(path: Path) -> bool:
    """A summary an earlier review wrote (its sheets), not a form."""
    from xlperf.files.xlsx_grid import UnreadableFile, sheet_names

    try:
        names = sheet_names(path)
    except (UnreadableFile, OSError):
        return False
    return "汇总" in names and "问题清单" in names and "_xlperf" not in names


def _check_not_an_input(out: Path, paths) -> None:
    """Refuse to write the summary over one of the forms being reviewed.

    The output is never one of the inputs (collect leaves it out); but a file at that path
    that is a form, not an earlier summary, is refused even with --force."""
    if not out.exists():
        return
    target = _identity(out)
    explicit = any(_identity(Path(p)) == target for p in paths if not Path(p).is_dir())
    inside = any(Path(p).is_dir() and Path(p).resolve() in out.resolve().parents for p in paths)
    if explicit or (inside and out.suffix.lower() in FORM_SUFFIXES and not _is_summary(out)):
        raise InputError(
            f"输出文件 {display_name(str(out))} 是待审核的自评文件之一，不能用汇总表覆盖它；请换一个输出路径（如放在所审核文件夹以外）"
        )


# ---- machine-readable -------------------------------------------------------------------


def _text(value) -> str | None:
    return None if value is None else str(value)


def review_json(result: ReviewResult) -> dict:
    """The batch as one JSON object (`xlperf review --json`): Decimals as strings."""
    return {
        "ok": result.exit_code == 0,
        "files": len(result.forms),
        "unreadable": result.unreadable,
        "with_errors": result.with_errors,
        "grades": result.grade_counts(),
        "rules": result.rules or None,
        "output": _text(result.output),
        "elapsed_seconds": round(result.elapsed, 3),
        "forms": [
            {
                "file": f.file,
                "form_kind": f.kind or None,
                "status": f.status,
                "unit": f.unit,
                "project": f.project,
                "amount": _text(f.amount),
                "exec_rate": _text(f.exec_rate),
                "score": _text(f.score),
                "grade": f.grade or None,
                "rules": f.rules or None,
                "complete": f.complete,
                "errors": f.errors,
                "warnings": f.warnings,
                "code": f.code or None,
                "cause": f.cause or None,
                "duplicate_of": f.duplicate_of or None,
                "previous_score": _text(f.previous_score),
                "previous_grade": f.previous_grade or None,
                "returned": f.returned or None,
            }
            for f in result.forms
        ],
        "findings": [asdict(f) for f in result.findings],
    }


def summary_text(result: ReviewResult) -> str:
    """A few Chinese lines for the terminal."""
    counts = result.grade_counts()
    grades = "、".join(f"{g} {n}" for g, n in counts.items())
    lines = [
        f"审核 {len(result.forms)} 个文件（{result.jobs} 个进程，用时 {result.elapsed:.1f} 秒）：{grades}",
        f"有错误 {result.with_errors} 份，无法读取 {result.unreadable} 份，不是自评表 {result.not_forms} 份，"
        f"问题共 {len(result.findings)} 条。",
    ]
    for f in result.forms:
        if not f.readable:
            lines.append(f"  {f.status}：{f.cause}")
        elif f.duplicate_of:
            lines.append(f"  重复：{f.file} 与 {f.duplicate_of} 是同一单位的同一项目")
    if result.returned:
        lines.append(f"退回材料 {len(result.returned)} 份，在 {Path(result.returned[0]).parent}")
    if result.output is not None:
        lines.append(f"汇总表：{result.output}")
    return "\n".join(lines)
