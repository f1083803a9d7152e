"""``:filter EXPR`` / ``--filter EXPR``: a small expression language over :class:`ActionRow`.

    timeout<=3 and p99>2500      risk      host~crm      not secure
    category=Salesforce          name~"order lookup"      (risk or errors>0) and not default

Grammar (keywords case-insensitive)::

    expr := term ("or" term)*         term := factor ("and" factor)*
    factor := "not" factor | "(" expr ")" | FIELD [OP VALUE]
    OP := = | != | < | <= | > | >= | ~ (contains, case-insensitive) | !~

Text compares ignore case. A bare bool field means ``field=true``. A missing value (no p99 yet,
no configured timeout) matches no comparison. Nothing is ever evaluated as Python: the parser
builds closures. Errors name the 1-based position (:class:`FilterError`)."""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from gctui.errors import EXIT_USAGE, GctuiError
from gctui.services.actions.filter_fields import FIELDS, Field, Kind, convert
from gctui.services.actions.rows import ActionRow

Predicate = Callable[[ActionRow], bool]
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op><=|>=|!=|!~|==|=|<|>|~)
      | (?P<paren>[()])
      | (?P<str>"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)   # the closing quote is checked later
      | (?P<word>[^\s()<>=!~"']+|!)
    )""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(ms|s)?$", re.IGNORECASE)
_NUM_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq, "==": operator.eq, "!=": operator.ne,
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
_EXAMPLES = {"s": ">=3", "ms": ">2500", "": ">0"}


class FilterError(GctuiError):
    def __init__(self, message: str, expression: str, position: int) -> None:
        super().__init__(f"filter error at position {position + 1}: {message}", EXIT_USAGE)
        self.expression = expression
        self.position = position  # 0-based index into expression

    @property
    def caret(self) -> str:
        """The expression and a ``^`` under the position (for a status line or stderr)."""
        return f"{self.expression}\n{' ' * self.position}^"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # op, paren, str, word, end
    text: str
    pos: int


def tokenize(expression: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(expression):
        m = _TOKEN.match(expression, pos)
        if m is None or m.end() == pos:  # only trailing whitespace is left
            break
        kind = m.lastgroup or "word"
        start = m.start(kind)
        text = m.group(kind)
        if kind == "str":
            q = text[0]
            if not re.fullmatch(rf"{q}(?:[^{q}\\]|\\.)*{q}", text):
                raise FilterError("unterminated quoted string", expression, start)
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        elif text == "!":
            raise FilterError("unexpected '!' (use 'not', != or !~)", expression, start)
        tokens.append(Token(kind, text, start))
        pos = m.end()
    tokens.append(Token("end", "", len(expression.rstrip())))
    return tokens


def compile_filter(expression: str) -> Predicate:
    """A predicate for ``expression``; an empty expression matches every row."""
    if not expression.strip():
        return lambda row: True
    return _Parser(expression).parse()


class _Parser:
    def __init__(self, expression: str) -> None:
        self.expr = expression
        self.tokens = tokenize(expression)
        self.i = 0

    def fail(self, message: str, token: Token | None = None) -> FilterError:
        return FilterError(message, self.expr, (token or self.peek()).pos)

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        if tok.kind == "word" and tok.text.lower() == word:
            self.i += 1
            return True
        return False

    def parse(self) -> Predicate:
        pred = self.expr_()
        tok = self.peek()
        if tok.kind != "end":
            what = "')' without '('" if tok.text == ")" else f"{tok.text!r}"
            raise self.fail(f"unexpected {what}; join conditions with 'and' or 'or'", tok)
        return pred

    def expr_(self) -> Predicate:
        parts = [self.term()]
        while self.keyword("or"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else (lambda row: any(p(row) for p in parts))

    def term(self) -> Predicate:
        parts = [self.factor()]
        while self.keyword("and"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else (lambda row: all(p(row) for p in parts))

    def factor(self) -> Predicate:
        if self.keyword("not"):
            inner = self.factor()
            return lambda row: not inner(row)
        tok = self.take()
        if tok.kind == "paren" and tok.text == "(":
            inner = self.expr_()
            close = self.peek()
            if close.kind != "paren" or close.text != ")":
                raise self.fail(f"expected ')' to close the '(' opened at position {tok.pos + 1}", close)
            self.i += 1
            return inner
        if tok.kind != "word" or tok.text.lower() in ("and", "or"):
            raise self.fail("expected a field name (e.g. timeout, p99, host, risk)", tok)
        return self.condition(tok)

    def field(self, tok: Token) -> Field:
        field = FIELDS.get(tok.text.lower())
        if field is None:
            close = difflib.get_close_matches(tok.text.lower(), FIELDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; fields: {', '.join(FIELDS)}"
            raise self.fail(f"unknown field {tok.text!r}{hint}", tok)
        return field

    def condition(self, tok: Token) -> Predicate:
        field = self.field(tok)
        if self.peek().kind != "op":
            if field.kind is not Kind.BOOL:
                example = _EXAMPLES[field.unit] if field.kind is Kind.NUMBER else "~crm"
                raise self.fail(f"{field.describe()} needs a comparison, e.g. {field.name}{example}", tok)
            return lambda row: field.get(row) is True
        op = self.take()
        value = self.take()
        if value.kind not in ("word", "str"):
            raise self.fail(f"expected a value after {op.text!r}", value)
        if field.kind is Kind.BOOL:
            return self.boolean(field, op, value)
        if field.kind is Kind.TEXT:
            return self.text(field, op, value)
        return self.number(field, op, value)

    def boolean(self, field: Field, op: Token, value: Token) -> Predicate:
        if op.text not in ("=", "==", "!=") or value.text.lower() not in ("true", "false"):
            raise self.fail(f"{field.name} is true/false: write {field.name}, not {field.name}, "
                            f"or {field.name}=false", op)  # fmt: skip
        want = (value.text.lower() == "true") != (op.text == "!=")
        return lambda row: field.get(row) is want

    def text(self, field: Field, op: Token, value: Token) -> Predicate:
        if op.text not in ("=", "==", "!=", "~", "!~"):
            raise self.fail(f"{field.name} is text: use =, !=, ~ (contains) or !~", op)
        needle = value.text.casefold()
        negate = op.text.startswith("!")
        contains = op.text.endswith("~")

        def match(row: ActionRow) -> bool:
            got = field.get(row)
            if not isinstance(got, str):
                return negate
            hay = got.casefold()
            return (needle in hay if contains else hay == needle) != negate

        return match

    def number(self, field: Field, op: Token, value: Token) -> Predicate:
        if op.text in ("~", "!~"):
            raise self.fail(f"{field.describe()} compares with =, !=, <, <=, > or >=", op)
        m = _NUMBER.match(value.text) if value.kind == "word" else None
        unit = (m.group(2) or "").lower() if m else ""
        number = convert(field, float(m.group(1)), unit) if m else None
        if number is None:
            units = "" if not field.unit else " (a unit of s or ms may follow)"
            raise self.fail(f"{field.name} expects a number{units}, got {value.text!r}", value)
        compare = _NUM_OPS[op.text]

        def match(row: ActionRow) -> bool:
            got = field.get(row)
            return isinstance(got, int | float) and not isinstance(got, bool) and bool(compare(got, number))

        return match
