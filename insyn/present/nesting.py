"""Raw HTML in a body nested no deeper than the sanitiser can take in linear time.

The HTML parser in nh3 walks its stack of open elements for nearly every tag,
so its time grows with the depth: a body of 100,000 unclosed `<blockquote>`
took 23-46 s. `bound_nesting` models, cheaply and on the safe side, how deep
the parser will nest a fragment, and writes start tags past `MAX_NESTING` as
text. Nothing is dropped and nh3 still sanitises everything after it: the
bound changes only how a pathological body looks, never what it may contain.
"""

from __future__ import annotations

import re

_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))

#: How deep a body's HTML may nest (open elements, and formatting elements the parser
#: would open again) before `sanitise` shows the deeper tags as text. The HTML parser in
#: nh3 walks its stack of open elements for nearly every tag, so its time grows with
#: the depth: 100,000 unclosed `<blockquote>` took 23-46 s, 16,000 `> ` markers 0.4 s
#: for 32 KB. Past this depth a body is not writing, and a tag costs at most this many
#: steps. Real bodies nest a handful of levels (a list in a quote in a list is six).
MAX_NESTING = 100
#: Below this many tags a body is given to nh3 as it is: even all nested, they cost nh3
#: about a millisecond, less than modelling them would cost every ordinary body.
UNBOUNDED_TAGS = 1000


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOID = _names(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param"
    " source track wbr"
)
_FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
_SCOPE = _names(
    "applet caption html table td th marquee object template"
    " mi mo mn ms mtext annotation-xml foreignobject desc title"
)
# The parser's "special" elements, and some more: a model that stops at more of them
# closes fewer elements than the parser, which only ever overestimates the depth.
_SPECIAL = (
    _SCOPE
    | _HEADINGS
    | _names(
        "address area article aside base basefont bgsound blockquote body br button center col"
        " colgroup dd details dialog dir div dl dt embed fieldset figcaption figure footer form"
        " frame frameset head header hgroup hr iframe img input keygen li link listing main menu"
        " meta nav noembed noframes noscript ol p param plaintext pre script search section select"
        " source style summary tbody textarea tfoot thead tr track ul wbr xmp"
        " image isindex menuitem math svg"
    )
)
_BLOCKS = _names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption"
    " figure footer header hgroup listing main menu nav ol pre section summary ul"
)
# Scopes: the elements a search for an open element stops at.
_DEFAULT, _BUTTON, _LIST_ITEM, _TABLE, _ANY_SPECIAL, _LIST_STOP, _FOREIGN, _SELECT = range(8)
_CATEGORIES: dict[str, tuple[int, ...]] = {
    name: tuple(
        category
        for category, member in (
            (_DEFAULT, name in _SCOPE),
            (_BUTTON, name in _SCOPE or name == "button"),
            (_LIST_ITEM, name in _SCOPE or name in ("ol", "ul")),
            (_TABLE, name in ("html", "table", "template")),
            (_ANY_SPECIAL, name in _SPECIAL),
            (_LIST_STOP, name in _SPECIAL and name not in ("address", "div", "p")),
            (_FOREIGN, name in ("svg", "math")),
            (_SELECT, name == "select"),
        )
        if member
    )
    for name in _SPECIAL | {"button", "ol", "ul"}
}
#: End tags that close the last such element when it is open in the given scope.
_END_IN_SCOPE: dict[str, int] = {
    **dict.fromkeys(_BLOCKS | {"button", "dd", "dt", "applet", "marquee", "object"}, _DEFAULT),
    "li": _LIST_ITEM,
    "p": _BUTTON,
    **dict.fromkeys(("table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption"), _TABLE),
}
#: Start tags that close an open sibling first: the names closed, and the scope searched.
_CLOSES_SIBLING: dict[str, tuple[tuple[str, ...], int]] = {
    "li": (("li",), _LIST_STOP),
    "dd": (("dd", "dt"), _LIST_STOP),
    "dt": (("dd", "dt"), _LIST_STOP),
    "td": (("td", "th"), _TABLE),
    "th": (("td", "th"), _TABLE),
    "tr": (("tr",), _TABLE),
    "tbody": (("tbody", "thead", "tfoot"), _TABLE),
    "thead": (("tbody", "thead", "tfoot"), _TABLE),
    "tfoot": (("tbody", "thead", "tfoot"), _TABLE),
    "button": (("button",), _DEFAULT),
}
_CLOSES_P = _BLOCKS | _HEADINGS | {"p", "li", "dd", "dt", "form", "xmp"}
_END_IGNORED = frozenset(("form", "template", "body", "html", "br"))
#: Elements whose content is text up to their own end tag (in the HTML namespace).
_RAW_TEXT = {
    name: re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE | re.ASCII)
    for name in _names("style script textarea title xmp iframe noembed noframes noscript")
}
#: Start tags that may close other elements first, or start text: not a plain push.
_START_RULES = frozenset(
    (*_CLOSES_SIBLING, *_CLOSES_P, *_RAW_TEXT, "plaintext", "option", "optgroup")
)
#: A tag, comment or other markup at a `<`, as the HTML tokenizer reads it: an attribute
#: value in quotes may hold `>`. Groups: `/`, name, attributes, `>` (None: the text
#: ends inside the tag), `!`, `?`, and `/` not followed by a name.
_MARKUP = re.compile(
    r"<(?:(/?)([A-Za-z][^\t\n\f\r />]*+)"
    r"((?:[\t\n\f\r /]++|[^\t\n\f\r />][^\t\n\f\r />=]*+"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:\"[^\"]*+\"|'[^']*+'|(?![\"'])[^\t\n\f\r >]*+))?+)*+)"
    r"(>)?|(!)|(\?)|(/))"
)
_ANY_START = re.compile(r"<([A-Za-z][^\t\n\f\r />]*)")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lower(name: str) -> str:
    """Tag names as the HTML tokenizer compares them: only A-Z are folded."""
    return name.lower() if name.isascii() else name.translate(_ASCII_LOWER)


class _Nesting:
    """A cheap model of the HTML parser's tree building, for `bound_nesting`.

    It keeps the stack of open elements as the parser would, closing an element only
    where the parser surely closes it (an end tag in scope, a `<li>` after a `<li>` ...),
    and it counts the formatting elements (`<b>`, `<em>` ...) that the parser keeps to
    open again after an element around them closed (at most three alike, as the parser).
    So its depth is never below the parser's, up to a constant (the parser also adds a
    `<tbody>` and `<tr>` to a bare `<td>`), and checking it is one dictionary look-up.
    """

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.attributes: list[str] = []
        self.where: dict[str, list[int]] = {}
        self.scopes: list[list[int]] = [[] for _ in range(8)]
        self.reopened: dict[tuple[str, str], int] = {}
        self.reopened_order: dict[str, list[str]] = {}
        self.reopened_count = 0

    def depth(self) -> int:
        return len(self.stack) + self.reopened_count

    def last(self, name: str) -> int:
        positions = self.where.get(name)
        return positions[-1] if positions else -1

    def boundary(self, scope: int) -> int:
        positions = self.scopes[scope]
        return positions[-1] if positions else -1

    def push(self, name: str, attributes: str) -> None:
        index = len(self.stack)
        self.stack.append(name)
        self.attributes.append(attributes)
        self.where.setdefault(name, []).append(index)
        for scope in _CATEGORIES.get(name, ()):
            self.scopes[scope].append(index)

    def pop_to(self, index: int, own_end: bool = False) -> None:
        """Close the element at `index` and all above it; `own_end`: by its own end tag."""
        while len(self.stack) > index:
            name = self.stack.pop()
            attributes = self.attributes.pop()
            self.where[name].pop()
            for scope in _CATEGORIES.get(name, ()):
                self.scopes[scope].pop()
            if name in _FORMATTING and not (own_end and len(self.stack) == index):
                key = (name, attributes)
                if self.reopened.get(key, 0) < 3:
                    self.reopened[key] = self.reopened.get(key, 0) + 1
                    self.reopened_order.setdefault(name, []).append(attributes)
                    self.reopened_count += 1

    def start(self, name: str, attributes: str) -> bool:
        """A start tag (not a void element); False: it would nest too deep."""
        if self.depth() >= MAX_NESTING:
            return False
        if not self.scopes[_FOREIGN]:  # in SVG and MathML these tags close nothing
            sibling = _CLOSES_SIBLING.get(name)
            if sibling is not None:
                index = max(self.last(other) for other in sibling[0])
                if index >= 0 and index >= self.boundary(sibling[1]):
                    self.pop_to(index)
            if name in _CLOSES_P:
                index = self.last("p")
                if index >= 0 and index >= self.boundary(_BUTTON):
                    self.pop_to(index)
            top = self.stack[-1] if self.stack else ""
            if (name in _HEADINGS and top in _HEADINGS) or (
                name in ("option", "optgroup") and top == "option"
            ):
                self.pop_to(len(self.stack) - 1)
        if name not in _RAW_TEXT and name != "plaintext":
            self.push(name, attributes)
        return True

    def end(self, name: str) -> None:
        if self.scopes[_SELECT] and name not in ("select", "option", "optgroup"):
            return  # a select ignores most end tags
        if name in _FORMATTING:
            index = self.last(name)
            if index < 0:
                order = self.reopened_order.get(name)
                if order:
                    self.reopened[(name, order.pop())] -= 1
                    self.reopened_count -= 1
            elif index > self.boundary(_ANY_SPECIAL):
                self.pop_to(index, own_end=True)
            # else: the parser moves the elements around; the depth does not grow.
            return
        scope = _END_IN_SCOPE.get(name)
        if scope is not None:
            index = self.last(name)
        elif name in _HEADINGS:
            index, scope = max(self.last(heading) for heading in _HEADINGS), _DEFAULT
        elif name in ("colgroup", "option", "optgroup"):
            index, scope = len(self.stack) - 1, _DEFAULT
            if not self.stack or self.stack[-1] != name:
                return
        elif name == "select":
            index, scope = self.last(name), _DEFAULT
            if index < 0 or any(o not in ("option", "optgroup") for o in self.stack[index + 1 :]):
                return
        elif name in _END_IGNORED:
            return
        else:
            index, scope = self.last(name), _ANY_SPECIAL
        if index >= 0 and index >= self.boundary(scope):
            self.pop_to(index)


def bound_nesting(fragment: str) -> str:
    """`fragment` with the tags that would nest deeper than `MAX_NESTING` written as text
    (`&lt;blockquote>`), so nh3's time per byte stays flat on any body.

    Nothing is dropped: the text inside stays, one level up, and the tags show where
    the nesting was cut; nh3 still sanitises all of it. Bodies that nest less (all
    real ones) come back unchanged. Where the model cannot tell how the parser reads
    the rest (a `<script>` holding `<!--`, text in SVG's `<style>` ...) it counts every
    start tag from there on and closes nothing, which only cuts earlier.
    """
    if fragment.count("<") <= UNBOUNDED_TAGS:
        return fragment
    model = _Nesting()
    stack, attributes, where, scopes = model.stack, model.attributes, model.where, model.scopes
    pieces: list[str] = []
    copied = pos = 0
    uncertain_from = -1
    while (markup := _MARKUP.search(fragment, pos)) is not None:
        at = markup.start()
        closing, name, tag_attributes, closed, bang, _question, _slash = markup.groups()
        if name is not None:
            if closed is None:  # the text ends inside this tag
                uncertain_from = at
                break
            name = name.lower() if name.isascii() else name.translate(_ASCII_LOWER)
            end = pos = markup.end()
            if closing:
                if stack and stack[-1] == name and name not in _END_IGNORED and not scopes[_SELECT]:
                    # The innermost element's own end tag (most of them): it always closes.
                    stack.pop()
                    attributes.pop()
                    where[name].pop()
                    for scope in _CATEGORIES.get(name, ()):
                        scopes[scope].pop()
                else:
                    model.end(name)
                continue
            if name in _VOID:
                continue
            if name not in _START_RULES and len(stack) + model.reopened_count < MAX_NESTING:
                model.push(name, tag_attributes)
                continue
            if not model.start(name, tag_attributes):
                pieces += (fragment[copied:at], fragment[at:end].replace("<", "&lt;"))
                copied = end
                continue
            if name in _RAW_TEXT or name == "plaintext":
                if name == "plaintext" or scopes[_FOREIGN] or scopes[_SELECT]:
                    uncertain_from = at
                    break
                close_match = _RAW_TEXT[name].search(fragment, end)
                if close_match is None:
                    break  # text to the end
                if name == "script" and fragment.find("<!--", end, close_match.start()) >= 0:
                    uncertain_from = at
                    break
                pos = close_match.start()
            continue
        if bang and fragment.startswith("<!--", at):
            ends = [
                found + length
                for found, length in (
                    (fragment.find("-->", at + 2), 3),
                    (fragment.find("--!>", at + 4), 4),
                )
                if found >= 0
            ]
            if not ends:
                break  # a comment to the end
            pos = min(ends)
            continue
        if bang and fragment.startswith("<![CDATA[", at) and scopes[_FOREIGN]:
            close = fragment.find("]]>", at + 9)
            if close < 0 or fragment.find(">", at + 9) != close + 2:
                uncertain_from = at
                break
            pos = close + 3
            continue
        # <!DOCTYPE ...>, <!...>, <?...>, </3...: a comment up to the next >; </> is nothing
        if fragment.startswith("</>", at):
            pos = at + 3
            continue
        end = fragment.find(">", at + 2)
        if end < 0:
            break
        pos = end + 1
    if uncertain_from >= 0:
        depth = model.depth()
        for start in _ANY_START.finditer(fragment, uncertain_from):
            if _lower(start.group(1)) in _VOID:
                continue
            if depth >= MAX_NESTING:
                pieces += (
                    fragment[copied : start.start()],
                    fragment[start.start() :].replace("<", "&lt;"),
                )
                return "".join(pieces)
            depth += 1
    if not pieces:
        return fragment
    pieces.append(fragment[copied:])
    return "".join(pieces)
