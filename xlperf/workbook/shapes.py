"""Text shapes the sheet recognises with native formulas: phone numbers and e-mail addresses.

`checks.phone_ok` and `checks.email_ok` are regular expressions. A spreadsheet of the
Excel 2007 function set has none, but it can run a finite automaton: one cell per
character, each looking up the next state in a transition table (`INDEX`) from the
previous cell's state and the class of its character (`FIND` in a string of known
characters). The automaton is built here from the same patterns, written once more as
small combinators over character classes, and a test checks it against the engine's
functions on many strings. Characters go through what the engine does first (NFKC and the
dash look-alikes for phones), so a full-width ０７５１ is the same as 0751.

A cell longer than `flags.PHONE_CAPACITY` characters is not read: the sheet raises no flag
for it and leaves it to the engine.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------------------- regular languages

Node = tuple


def sym(*classes: int) -> Node:
    return ("sym", frozenset(classes))


def seq(*nodes: Node) -> Node:
    return ("seq", nodes)


def alt(*nodes: Node) -> Node:
    return ("alt", nodes)


def opt(node: Node) -> Node:
    return ("alt", (node, ("seq", ())))


def star(node: Node) -> Node:
    return ("star", node)


def rep(node: Node, lo: int, hi: int | None) -> Node:
    need = [node] * lo
    if hi is None:
        return seq(*need, star(node))
    return seq(*need, *([opt(node)] * (hi - lo)))


class _Nfa:
    def __init__(self) -> None:
        self.eps: list[set[int]] = []
        self.moves: list[list[tuple[frozenset, int]]] = []

    def state(self) -> int:
        self.eps.append(set())
        self.moves.append([])
        return len(self.eps) - 1

    def build(self, node: Node, start: int) -> int:
        """Wire `node` from `start`; return its end state."""
        kind = node[0]
        if kind == "sym":
            end = self.state()
            self.moves[start].append((node[1], end))
            return end
        if kind == "seq":
            at = start
            for part in node[1]:
                at = self.build(part, at)
            return at
        if kind == "alt":
            end = self.state()
            for part in node[1]:
                s = self.state()
                self.eps[start].add(s)
                self.eps[self.build(part, s)].add(end)
            return end
        if kind == "star":
            loop = self.state()
            self.eps[start].add(loop)
            self.eps[self.build(node[1], loop)].add(loop)
            return loop
        raise ValueError(kind)

    def closure(self, states: Iterable[int]) -> frozenset[int]:
        todo = list(states)
        seen = set(todo)
        while todo:
            for n in self.eps[todo.pop()]:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return frozenset(seen)


@dataclass(frozen=True)
class Dfa:
    """States 1..n (1 the start; the last one dead), classes 1..k, `table[s-1][c-1]` the next
    state, `accepting` the accepting states."""

    table: tuple[tuple[int, ...], ...]
    accepting: frozenset[int]

    def run(self, classes: Iterable[int]) -> bool:
        s = 1
        for c in classes:
            s = self.table[s - 1][c - 1]
        return s in self.accepting


def compile_dfa(node: Node, n_classes: int) -> Dfa:
    """Subset construction, then Moore's minimisation; every class (1..n_classes) is total."""
    nfa = _Nfa()
    start = nfa.state()
    end = nfa.build(node, start)
    first = nfa.closure([start])
    index = {first: 0}
    order = [first]
    edges: list[list[int]] = []
    i = 0
    while i < len(order):
        cur = order[i]
        row = []
        for c in range(1, n_classes + 1):
            nxt = nfa.closure(t for s in cur for cls, t in nfa.moves[s] if c in cls)
            if nxt not in index:
                index[nxt] = len(order)
                order.append(nxt)
            row.append(index[nxt])
        edges.append(row)
        i += 1
    accept = {k for k, st in enumerate(order) if end in st}
    # Moore: refine {accepting, other} until stable
    part = [1 if k in accept else 0 for k in range(len(order))]
    while True:
        sig = {k: (part[k], tuple(part[t] for t in edges[k])) for k in range(len(order))}
        ids: dict[Any, int] = {}
        new = [ids.setdefault(sig[k], len(ids)) for k in range(len(order))]
        if len(ids) == len(set(part)):
            break
        part = new
    # number blocks: start block first, dead block (if any) last
    blocks = sorted(set(part), key=lambda b: (b != part[0], _is_dead(b, part, edges, accept), b))
    number = {b: n + 1 for n, b in enumerate(blocks)}
    rep_of = {part[k]: k for k in reversed(range(len(order)))}
    table = tuple(tuple(number[part[t]] for t in edges[rep_of[b]]) for b in blocks)
    return Dfa(table, frozenset(number[part[k]] for k in accept))


def _is_dead(block: int, part: list[int], edges: list[list[int]], accept: set[int]) -> bool:
    members = [k for k in range(len(part)) if part[k] == block]
    return not any(k in accept for k in members) and all(part[t] == block for t in edges[members[0]])


# ---------------------------------------------------------------------------- character classes


@dataclass(frozen=True)
class Alphabet:
    """Character classes 1..k of a machine: `chars` the characters the sheet recognises,
    `codes` the class of each as a letter (A = 1), `other` and `end` the classes of any
    other character and of the end of the text."""

    chars: str
    codes: str
    other: int
    end: int

    def of(self, ch: str) -> int:
        i = self.chars.find(ch)
        return self.other if i < 0 else ord(self.codes[i]) - 64


_XML_OK = re.compile(r"[\t\n\x20-\ud7ff\ue000-\ufffd]")
"""Characters a cell keeps as they are (XML turns a carriage return into a line feed, so
`Machine.accepts` does that to the text it reads, and the control characters cannot be stored)."""


@functools.lru_cache(maxsize=1)
def nfkc_sources() -> dict[str, tuple[str, ...]]:
    """The characters a cell can hold (Basic Multilingual Plane), by what NFKC makes of each
    when that is one character: "0" -> ("0", "０", "⁰", "₀", "⓪", ...)."""
    found: dict[str, list[str]] = {}
    for cp in range(0x10000):
        ch = chr(cp)
        n = unicodedata.normalize("NFKC", ch)
        if len(n) == 1 and _XML_OK.fullmatch(ch):
            found.setdefault(n, []).append(ch)
    return {n: tuple(chs) for n, chs in found.items()}


def sources_of(targets: Iterable[str]) -> set[str]:
    """Every character whose NFKC form is one of `targets`."""
    table = nfkc_sources()
    return {ch for t in targets for ch in table.get(t, ())}


def _white() -> set[str]:
    return {n for n in nfkc_sources() if n.isspace()}


def alphabet(named: Sequence[str], classify: Callable[[str], str | None], candidates: Iterable[str]) -> Alphabet:
    """Classes named in `named` order (1..), then other, then end; `classify(ch)` names the
    class of a character after the engine's normalisation, or None; only `candidates` are
    asked (every other character is of the class other)."""
    chars, codes = [], []
    for ch in sorted(candidates):
        if not _XML_OK.fullmatch(ch):
            continue
        name = classify(ch)
        if name is not None:
            chars.append(ch)
            codes.append(chr(65 + named.index(name)))
    return Alphabet("".join(chars), "".join(codes), len(named) + 1, len(named) + 2)


# -- phones (checks.phone_ok)

_PHONE_CLASSES = ("0", "1", "2", "3", "6", "8", "+", "-", " ", "ws", "(", ")", "转", "分", "机",
                  "e", "x", "t", ".", "#", "sep")
_DASHES = "—–－﹣‐"


def _phone_norm(ch: str) -> str:
    text = unicodedata.normalize("NFKC", ch)
    return re.sub(f"[{_DASHES}]", "-", text)


def _phone_class(ch: str) -> str | None:
    n = _phone_norm(ch)
    if len(n) != 1:
        return None
    if n in "0126":
        return n
    if n == "8":
        return "8"
    if n in "34579":
        return "3"
    if n.lower() in ("e", "x", "t"):
        return n.lower()
    if n in "+-()转分机.#":
        return n
    if n == " ":
        return " "
    if re.fullmatch(r"\s", n):
        return "ws"
    if n in "、,;/，；":
        return "sep"
    return None


@functools.lru_cache(maxsize=1)
def phone_machine() -> tuple[Alphabet, Dfa]:
    names = _PHONE_CLASSES
    a = alphabet(names, _phone_class,
                 sources_of({*"0123456789eExXtT+-()转分机.#、,;/，； ", *_DASHES, *_white()}))
    c = {n: k + 1 for k, n in enumerate(names)}
    digit = sym(*(c[d] for d in "012368"))
    dash_space = sym(c["-"], c[" "])
    white = sym(c[" "], c["ws"])
    mobile = seq(opt(seq(opt(sym(c["+"])), sym(c["8"]), sym(c["6"]), opt(dash_space))),
                 sym(c["1"]), sym(c["3"], c["6"], c["8"]), digit,
                 rep(seq(opt(dash_space), rep(digit, 4, 4)), 2, 2))
    area = alt(seq(sym(c["("]), sym(c["0"]), rep(digit, 2, 3), sym(c[")"])), seq(sym(c["0"]), rep(digit, 2, 3)))
    marker = alt(sym(c["转"]), seq(sym(c["分"]), sym(c["机"])), sym(c["-"]),
                 seq(sym(c["e"]), sym(c["x"]), sym(c["t"]), opt(sym(c["."]))), sym(c["x"]), sym(c["#"]))
    fixed = seq(opt(seq(area, opt(dash_space))), sym(c["2"], c["3"], c["6"], c["8"]), rep(digit, 6, 7),
                opt(seq(opt(white), marker, opt(white), rep(digit, 1, 6))))
    core = alt(mobile, fixed)
    sep = alt(sym(c["sep"]), seq(white, white, star(white)))
    language = seq(star(seq(opt(white), sep)), opt(white), core, opt(white),
                   star(seq(sep, opt(seq(opt(white), core)), opt(white))))
    return a, _with_end(compile_dfa(language, a.other), a)


# -- e-mail addresses (checks.email_ok)

_EMAIL_CLASSES = ("letter", "digit", ".", "-", "sym", "@", "ws")


def _email_class(ch: str) -> str | None:
    if re.fullmatch(r"[A-Za-z]", ch):
        return "letter"
    if re.fullmatch(r"[0-9]", ch):
        return "digit"
    if ch in ".-@":
        return ch
    if ch in "_%+":
        return "sym"
    if ch.isspace():
        return "ws"
    return None


@functools.lru_cache(maxsize=1)
def email_machine() -> tuple[Alphabet, Dfa]:
    names = _EMAIL_CLASSES
    a = alphabet(names, _email_class, {*map(chr, range(0x20, 0x7F)), *sources_of(_white()), *_white()})
    c = {n: k + 1 for k, n in enumerate(names)}
    label = sym(c["letter"], c["digit"], c["-"])
    local = sym(c["letter"], c["digit"], c["."], c["-"], c["sym"])
    ws = sym(c["ws"])
    core = seq(rep(local, 1, None), sym(c["@"]), rep(label, 1, None), star(seq(sym(c["."]), rep(label, 1, None))),
               sym(c["."]), rep(sym(c["letter"]), 2, None))
    return a, _with_end(compile_dfa(seq(star(ws), core, star(ws)), a.other), a)


def _with_end(dfa: Dfa, a: Alphabet) -> Dfa:
    """The end-of-text class keeps every state (cells past the text's end change nothing)."""
    table = tuple((*row, s) for s, row in enumerate(dfa.table, 1))
    assert all(len(row) == a.end for row in table)
    return Dfa(table, dfa.accepting)


MACHINES: dict[str, Callable[[], tuple[Alphabet, Dfa]]] = {"phone": phone_machine, "email": email_machine}


def matches(kind: str, text: str) -> bool:
    """What the sheet's automaton decides for `text` (for tests; same tables as the sheet)."""
    a, dfa = MACHINES[kind]()
    return dfa.run(a.of(ch) for ch in text)


# ---------------------------------------------------------------------------- on the sheet


class Machine:
    """An automaton placed on the sheet: its tables, and `accepts` for a cell."""

    def __init__(self, plan: Any, kind: str):
        from xlperf.workbook import flags

        self.plan, self.kind = plan, kind
        self.alphabet, self.dfa = MACHINES[kind]()
        n_states, n_classes = len(self.dfa.table), self.alphabet.end
        keys = plan.table(1, "chars", "codes", "accept")
        keys.values[(0, "chars")] = self.alphabet.chars
        keys.values[(0, "codes")] = self.alphabet.codes
        keys.values[(0, "accept")] = "," + ",".join(map(str, sorted(self.dfa.accepting))) + ","
        self.keys = keys
        table = plan.table(n_states, *(f"c{k}" for k in range(1, n_classes + 1)))
        for s, row in enumerate(self.dfa.table):
            for k, nxt in enumerate(row, 1):
                table.values[(s, f"c{k}")] = nxt
        self.table = table
        self.capacity = flags.PHONE_CAPACITY

    def char_class(self, ch: str) -> str:
        a, k = self.alphabet, self.keys
        return (f'IF({ch}="",{a.end},IFERROR(CODE(MID({k.ref(0, "codes")},FIND({ch},{k.ref(0, "chars")}),1))-64,'
                f'{a.other}))')

    def accepts(self, checks: Any, ref: str) -> str:
        """A formula TRUE when the text of `ref` is in the machine's language (or too long
        for the sheet to read)."""
        n = self.capacity
        row = self.plan.table(1, *(f"s{k}" for k in range(1, n + 1)))
        grid = f"{self.table.span('c1', 0, self.table.n - 1).split(':')[0]}:" \
               f"{self.table.span(f'c{self.alphabet.end}', 0, self.table.n - 1).split(':')[1]}"
        prev = "1"
        for k in range(1, n + 1):
            ch = f"MID(SUBSTITUTE({ref}&\"\",CHAR(13),CHAR(10)),{k},1)"
            prev = row.put(0, f"s{k}", f"INDEX({grid},{prev},{self.char_class(ch)})")
        accept = self.keys.ref(0, "accept")
        return f'OR(LEN({ref}&"")>{n},ISNUMBER(FIND(","&{prev}&",",{accept})))'


def table(plan: Any, kind: str) -> Machine:
    """The machine `kind` ("phone" or "email") placed once per plan."""
    placed = plan.machines.get(kind)
    if placed is None:
        placed = plan.machines[kind] = Machine(plan, kind)
    return placed
