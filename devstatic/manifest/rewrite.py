"""Rewriting of file references inside CSS and JS, rule for rule as Django 6.1.

The output must be byte-identical to Django's ``HashedFilesMixin`` (6.1), so this
module copies its regular expressions and templates verbatim and replays its
``url_converter`` step by step, odd corners included. Where Django does not
rewrite something (a bare ``import "lib"``, an uppercase ``DATA:`` scheme is
*not* skipped, a ``url()`` inside a CSS string is skipped), neither do we. Read
the rules as data: ``CSS_RULES``, ``JS_SOURCE_MAP_RULES`` and ``JS_IMPORT_RULES``.

What Django 6.1 does, and therefore what we do:

- CSS: ``url(...)`` with matching quotes or none, ``@import "x.css"`` (rewritten
  as ``@import url("x.<hash>.css")``) and a ``/*# sourceMappingURL=... */`` line.
- JS: a ``//# sourceMappingURL=...`` line; with ``js_imports`` (Django's
  ``support_js_module_import_aggregation = True``) also ``import ... from``,
  ``export ... from``, ``import "./x.js"`` and ``import("./x.js")`` with a
  specifier starting with ``.`` or ``/``.
- A match that *starts inside* a comment, a string or (JS) a template literal is
  left alone; each rule computes those blocks on the text as the previous rules
  left it, as Django does.
- ``data:``, ``http:`` and other lowercase ``scheme:`` URLs, protocol-relative
  ``//host/x`` URLs, absolute ``/x`` URLs outside ``static_url`` and bare
  ``#fragment`` URLs are left alone. ``/static/x`` resolves against
  ``static_url``; relative URLs resolve against the referencing file with
  ``posixpath`` (``../`` included). A ``?query`` and a ``#fragment`` stay after
  the hashed name.

One deliberate difference: Django decodes CSS and JS as strict UTF-8 and aborts
``collectstatic`` on any other byte. We decode with ``surrogateescape``
(:func:`decode_text`), so a Latin-1 stylesheet is rewritten and every byte we do
not touch round-trips unchanged.
"""

from __future__ import annotations

import functools
import posixpath
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit, urlunsplit

__all__ = [
    "CSS_IGNORED",
    "CSS_RULES",
    "JS_IGNORED",
    "JS_IMPORT_RULES",
    "JS_SOURCE_MAP_RULES",
    "JS_STATIC_IMPORT_RULES",
    "FileNotCollected",
    "KeepAsWritten",
    "MissingReferenceError",
    "Reference",
    "Rule",
    "decode_text",
    "effective_static_url",
    "encode_text",
    "is_adjustable",
    "rewrite_references",
    "rules_for",
    "static_import_specifiers",
]

#: Text in which a CSS match is ignored: block comments, backslash escapes and
#: single- or double-quoted strings (Django 6.1 ``_css_ignored_re``).
CSS_IGNORED = re.compile(
    r"/\*.*?\*/"  # block comment
    r"|\\."  # escape sequence
    r"|'(?:[^'\\\n]|\\.)*'"  # single-quoted string
    r'|"(?:[^"\\\n]|\\.)*"',  # double-quoted string
    re.DOTALL,
)

#: The JS counterpart, with line comments and template literals
#: (Django 6.1 ``_js_ignored_re``).
JS_IGNORED = re.compile(
    r"/\*.*?\*/"  # block comment
    r"|//[^\n]*"  # line comment
    r"|\\."  # escape sequence
    r"|'(?:[^'\\\n]|\\.)*'"  # single-quoted string
    r'|"(?:[^"\\\n]|\\.)*"'  # double-quoted string
    r"|`(?:[^`\\]|\\.)*`",  # template literal
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of reference: how to find it, how to write it back, what to skip.

    ``pattern`` has the groups ``matched`` (the text replaced) and ``url`` (the
    reference); ``template`` is ``%``-formatted with all groups, ``url`` replaced
    by the hashed URL. A match starting strictly inside an ``ignored`` block
    (comment, string) is left as it is. Every match starts with ``prefix``
    (lowercase, compared case-insensitively): a plain ``str.find`` for it spots
    the few places worth trying, where sre would try the pattern at every
    character of the file, which costs 10 to 30 times as much.
    """

    pattern: re.Pattern[str]
    template: str
    ignored: re.Pattern[str]
    prefix: str


def _rule(pattern: str, template: str, ignored: re.Pattern[str], prefix: str) -> Rule:
    # Django compiles every rule with IGNORECASE; the (?-i:...) groups inside
    # the sourceMappingURL rules switch it off locally.
    return Rule(re.compile(pattern, re.IGNORECASE), template, ignored, prefix)


CSS_RULES: tuple[Rule, ...] = (
    _rule(
        r"""(?P<matched>url\((?P<quote>['"]{0,1})\s*(?P<url>.*?)(?P=quote)\))""",
        """url("%(url)s")""",
        CSS_IGNORED,
        "url(",
    ),
    _rule(
        r"""(?P<matched>@import\s*["']\s*(?P<url>.*?)["'])""",
        """@import url("%(url)s")""",
        CSS_IGNORED,
        "@import",
    ),
    _rule(
        r"(?m)^(?P<matched>/\*#[ \t](?-i:sourceMappingURL)=(?P<url>.*)[ \t]*\*/)$",
        "/*# sourceMappingURL=%(url)s */",
        CSS_IGNORED,
        "/*#",
    ),
)

JS_SOURCE_MAP_RULES: tuple[Rule, ...] = (
    _rule(
        r"(?m)^(?P<matched>//# (?-i:sourceMappingURL)=(?P<url>.*))$",
        "//# sourceMappingURL=%(url)s",
        JS_IGNORED,
        "//# ",
    ),
)


def _js_import_rules(url: str) -> tuple[Rule, ...]:
    """Django's four JS import rules, with ``url`` as the pattern of the specifier."""
    return (
        _rule(
            r"""(?P<matched>import(?P<import>[\s\{][^;]*?|\*\s*as\s*\w+)"""
            r"""\s*from\s*['"](?P<url>""" + url + r""")["'])""",
            """import%(import)s from "%(url)s\"""",
            JS_IGNORED,
            "import",
        ),
        _rule(
            r"""(?P<matched>export(?P<exports>[\s\{][^;]*?)"""
            r"""\s*from\s*["'](?P<url>""" + url + r""")["'])""",
            """export%(exports)s from "%(url)s\"""",
            JS_IGNORED,
            "export",
        ),
        _rule(
            r"""(?P<matched>import\s*['"](?P<url>""" + url + r""")["'])""",
            """import"%(url)s\"""",
            JS_IGNORED,
            "import",
        ),
        _rule(
            r"""(?P<matched>import\(["'](?P<url>""" + url + r""")["']\))""",
            """import("%(url)s")""",
            JS_IGNORED,
            "import(",
        ),
    )


#: Django's rules: only specifiers starting with ``.`` or ``/`` are rewritten.
JS_IMPORT_RULES: tuple[Rule, ...] = _js_import_rules(r"[./].*?")

#: The same rules for any specifier (bare ones too), without ``import()``: what the
#: import map's ``modulepreload`` follows (a dynamic import is not preloaded).
JS_STATIC_IMPORT_RULES: tuple[Rule, ...] = _js_import_rules(r"""[^'"\n]+?""")[:3]

_JS_ALL_RULES = JS_SOURCE_MAP_RULES + JS_IMPORT_RULES

# Not IGNORECASE, as in Django: "DATA:..." is treated as a path.
_SCHEME = re.compile(r"^[a-z]+:")


def is_adjustable(name: str) -> bool:
    """Whether ``name`` may contain references, so its content can change.

    Django matches ``*.css`` and ``*.js`` with ``fnmatchcase``: case-sensitive,
    whatever ``js_imports`` says (source maps are rewritten in any case).
    """
    return name.endswith((".css", ".js"))


def rules_for(name: str, *, js_imports: bool = True) -> tuple[Rule, ...]:
    """The rules Django applies to ``name``, in Django's order."""
    if name.endswith(".css"):
        return CSS_RULES
    if name.endswith(".js"):
        return _JS_ALL_RULES if js_imports else JS_SOURCE_MAP_RULES
    return ()


def decode_text(content: bytes) -> str:
    """Decode CSS/JS bytes so that every byte survives :func:`encode_text`.

    Django decodes as strict UTF-8 and fails on anything else; a stylesheet
    saved in Latin-1 would stop ``collectstatic``. ``surrogateescape`` keeps
    such bytes as lone surrogates, which no rule matches on its own, and
    valid UTF-8 decodes exactly as Django decodes it.
    """
    return content.decode("utf-8", "surrogateescape")


def encode_text(text: str) -> bytes:
    """Inverse of :func:`decode_text`."""
    return text.encode("utf-8", "surrogateescape")


def effective_static_url(static_url: str) -> str:
    """Return ``static_url`` as Django's ``settings.STATIC_URL`` would hold it.

    Django refuses an empty STATIC_URL or one without a trailing slash, and
    prefixes a relative one with the script prefix (``/`` outside a request).
    """
    if not static_url:
        raise ValueError("static_url must not be empty; write for example '/static/'.")
    if not static_url.endswith("/"):
        raise ValueError(f"static_url must end with a slash: write {static_url + '/'!r}.")
    if static_url.startswith(("http://", "https://", "/")):
        return static_url
    return "/" + static_url


class FileNotCollected(LookupError):
    """Raised by a ``stored_name`` callback: no collected file has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class KeepAsWritten(LookupError):
    """Raised by a ``stored_name`` callback: leave this reference exactly as written.

    For a pre-hashed target (a bundler's ``chunk-3f2a9c1d.js``): its name is final, so
    even Django's normalisation of the matched text (``import "x"`` → ``import"x"``)
    would be a change for nothing.
    """


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference found in ``source`` (the original file's line ``line``)."""

    source: str
    line: int
    matched: str
    target: str

    def describe(self) -> str:
        """A sentence naming the file, the line, the text and the missing name."""
        return (
            f"{self.source!r}, line {self.line}: {self.matched!r} refers to "
            f"{self.target!r}, which is not among the collected files"
        )


class MissingReferenceError(ValueError):
    """A CSS or JS file refers to a file that was not collected.

    A ``ValueError``, as Django's own error for this case, so code written for
    Django's ``post_process`` still catches it.
    """

    def __init__(self, reference: Reference) -> None:
        super().__init__(
            f"{reference.describe()}. Fix the reference or add the file; to keep "
            "such references unchanged with a warning instead, set "
            "manifest-strict = false."
        )
        self.reference = reference


#: Given a target name as Django's converter computes it (POSIX, maybe with a
#: ``?query``), return its stored (hashed) name, or raise FileNotCollected.
StoredName = Callable[[str], str]
#: Told about a missing reference; the reference is then left unchanged.
OnMissing = Callable[[Reference], None]

_Edits = list[tuple[int, int, int]]


# The URL arithmetic below is pure, and a project refers to the same few
# files from many places, so it is memoized; the caches are bounded so that a
# long-lived process does not grow without limit.
_memo = functools.lru_cache(maxsize=1 << 16)


@_memo
def _target(source: str, url: str, static_url: str) -> tuple[str, str, str] | None:
    """The steps of Django's ``url_converter`` before the lookup.

    Returns ``(url_path, fragment, name)`` where ``name`` is what Django hands
    to ``_url``, or ``None`` for a URL Django leaves alone.
    """
    if _SCHEME.match(url) or url.startswith("//"):
        return None
    if url.startswith("/") and not url.startswith(static_url):
        return None
    # Strip the fragment so that a path-like fragment does not interfere.
    url_path, fragment = urldefrag(url)
    if not url_path:
        return None
    if url_path.startswith("/"):
        target = url_path.removeprefix(static_url)
    else:
        target = posixpath.join(posixpath.dirname(source), url_path)
    return url_path, fragment, unquote(target)


@_memo
def _lookup_name(name: str) -> str | None:
    """The name ``_url`` looks up for ``name``; ``None`` for a folder (``x/``)."""
    clean_name, _ = urldefrag(name)
    if urlsplit(clean_name).path.endswith("/"):
        return None
    return clean_name


@_memo
def _final_url(name: str, hashed: str, static_url: str) -> str:
    """The rest of ``HashedFilesMixin._url`` once the stored name is known."""
    # FileSystemStorage.url: filepath_to_uri, then joined to the base URL.
    quoted = quote(hashed.replace("\\", "/"), safe="/~!*()'").lstrip("/")
    final_url = urljoin(static_url, quoted)
    _, fragment = urldefrag(name)
    query_fragment = "?#" in name  # Django's "[sic!]"
    if fragment or query_fragment:
        parts = list(urlsplit(final_url))
        if fragment and not parts[4]:
            parts[4] = fragment
        if query_fragment and not parts[3]:
            parts[2] += "?"
        final_url = urlunsplit(parts)
    return unquote(final_url)


@_memo
def _transformed(url: str, url_path: str, fragment: str, hashed_url: str) -> str:
    """The new URL written into the file: the old folders, the new file name."""
    transformed = "/".join(url_path.split("/")[:-1] + hashed_url.split("/")[-1:])
    if fragment:
        transformed += ("?#" if "?#" in url else "#") + fragment
    return unquote(transformed)


# Characters that IGNORECASE matching equates with an ASCII letter of a rule
# prefix (i with U+0130 and U+0131) but str.lower() does not turn into it.
_FOLD_UNSAFE = re.compile("[\u0130\u0131]")


def _fold(text: str) -> str | None:
    """``text`` lowercased, aligned character for character, or ``None``.

    ``None`` when lowercasing would not keep positions or would miss a match,
    and the caller must let sre scan the whole text as Django does.
    """
    folded = text.lower()
    if text.isascii():
        return folded
    if len(folded) != len(text) or _FOLD_UNSAFE.search(text):
        return None
    return folded


def _sub(rule: Rule, text: str, folded: str | None, convert: Callable[[re.Match[str]], str]) -> str:
    """``rule.pattern.sub(convert, text)``, trying the pattern only where it can start.

    A match must begin with ``rule.prefix``, so trying ``match`` at each place
    ``folded`` holds the prefix, and resuming after each match, finds exactly
    the matches ``sub`` finds (the patterns look neither behind nor at ``\\b``;
    ``^`` in MULTILINE mode checks the real previous character).
    """
    if folded is None:
        return rule.pattern.sub(convert, text)
    pieces: list[str] = []
    match_at = rule.pattern.match
    find = folded.find
    prefix = rule.prefix
    copied = 0
    pos = find(prefix)
    while pos >= 0:
        match = match_at(text, pos)
        if match is None:
            pos = find(prefix, pos + 1)
            continue
        pieces.append(text[copied:pos])
        pieces.append(convert(match))
        copied = match.end()
        pos = find(prefix, copied)
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)


class _IgnoredBlocks:
    """Comments and strings of one text, found only as far as they are asked for.

    Django lists every block of the file before each rule. Imports sit at the
    top of a module, so scanning up to the last position asked about usually
    reads a small part of the file, and gives the same answers.
    """

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.pattern = pattern
        self.text = text
        self._blocks = pattern.finditer(text)
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._exhausted = False

    def contains(self, pos: int) -> bool:
        """Whether ``pos`` is strictly inside a block, as Django tests it."""
        starts = self._starts
        while not self._exhausted and (not starts or starts[-1] < pos):
            block = next(self._blocks, None)
            if block is None:
                self._exhausted = True
            else:
                starts.append(block.start())
                self._ends.append(block.end())
        # Blocks do not overlap, so only the last one starting before pos can
        # contain it; Django's strict "start < pos < end" means that a match
        # that begins a block (a sourceMappingURL comment) is not ignored.
        index = bisect_left(starts, pos) - 1
        return index >= 0 and pos < self._ends[index]


def _map_back(pos: int, edits: _Edits) -> int:
    """Map ``pos`` in a rule's output to its position in the rule's input."""
    shift = 0
    for start, end, new_length in edits:
        new_start = start + shift
        if pos < new_start:
            break
        if pos < new_start + new_length:
            return start
        shift += new_length - (end - start)
    return pos - shift


class _Rewriter:
    """Applies the rules to one file's text, as Django's ``_post_process`` does."""

    def __init__(
        self,
        source: str,
        text: str,
        stored_name: StoredName,
        static_url: str,
        on_missing: OnMissing | None,
    ) -> None:
        self.source = source
        self.original = text
        self.stored_name = stored_name
        self.static_url = static_url
        self.on_missing = on_missing
        # Edits of each rule applied so far, to report original line numbers.
        self.history: list[_Edits] = []
        self._blocks: _IgnoredBlocks | None = None

    def run(self, rules: Sequence[Rule]) -> str:
        text = self.original
        folded = _fold(text)
        for rule in rules:
            edits: _Edits = []
            new_text = _sub(rule, text, folded, self._converter(rule, edits))
            self.history.append(edits)
            if new_text != text:
                text = new_text
                folded = _fold(text)
        return text

    def _converter(self, rule: Rule, edits: _Edits) -> Callable[[re.Match[str]], str]:
        def convert(match: re.Match[str]) -> str:
            replacement = self._convert(rule, match)
            if replacement != match["matched"]:
                edits.append((match.start(), match.end(), len(replacement)))
            return replacement

        return convert

    def _in_ignored_block(self, rule: Rule, match: re.Match[str]) -> bool:
        text = match.string
        blocks = self._blocks
        # Django recomputes the blocks before each rule; they only change when
        # the text did, so they are kept while it is the same.
        if blocks is None or blocks.pattern is not rule.ignored or blocks.text != text:
            blocks = self._blocks = _IgnoredBlocks(rule.ignored, text)
        return blocks.contains(match.start())

    def _convert(self, rule: Rule, match: re.Match[str]) -> str:
        groups = match.groupdict()
        matched: str = groups["matched"]
        if self._in_ignored_block(rule, match):
            return matched
        url: str = groups["url"]
        static_url = self.static_url
        target = _target(self.source, url, static_url)
        if target is None:
            return matched
        url_path, fragment, name = target
        lookup = _lookup_name(name)
        try:
            hashed = name if lookup is None else self.stored_name(lookup)
        except KeepAsWritten:
            return matched
        except FileNotCollected as exc:
            reference = Reference(self.source, self._line(match), matched, exc.name)
            if self.on_missing is None:
                raise MissingReferenceError(reference) from None
            self.on_missing(reference)
            return matched
        hashed_url = _final_url(name, hashed, static_url)
        groups["url"] = _transformed(url, url_path, fragment, hashed_url)
        return rule.template % groups

    def _line(self, match: re.Match[str]) -> int:
        pos = match.start()
        for edits in reversed(self.history):
            pos = _map_back(pos, edits)
        return self.original.count("\n", 0, pos) + 1


def rewrite_references(
    source: str,
    text: str,
    stored_name: StoredName,
    *,
    static_url: str = "/static/",
    js_imports: bool = True,
    on_missing: OnMissing | None = None,
) -> str:
    """Return ``text`` (the content of ``source``) with references rewritten.

    ``stored_name`` maps a referenced file to its hashed name (see
    :data:`StoredName`); a reference it cannot resolve raises
    :class:`MissingReferenceError`, or, with ``on_missing``, is reported there
    and left unchanged. ``source`` picks the rules (``.css``, ``.js``, none).
    """
    rules = rules_for(source, js_imports=js_imports)
    if not rules:
        return text
    rewriter = _Rewriter(source, text, stored_name, effective_static_url(static_url), on_missing)
    return rewriter.run(rules)


def static_import_specifiers(text: str) -> list[str]:
    """The specifiers of a JS module's static imports, in source order, each once.

    ``import x from "lit"``, ``export * from "./a.js"`` and ``import "./b.js"`` found
    by Django's own rules (:data:`JS_STATIC_IMPORT_RULES`: any specifier, bare ones
    too), skipping comments and strings as the rewriting does; ``import()`` is not
    static and is left out. The import map follows these for ``modulepreload``.
    """
    found: list[tuple[int, str]] = []
    folded = _fold(text)
    blocks = _IgnoredBlocks(JS_IGNORED, text)

    def record(match: re.Match[str]) -> str:
        if not blocks.contains(match.start()):
            found.append((match.start("url"), match["url"]))
        return match["matched"]

    for rule in JS_STATIC_IMPORT_RULES:
        _sub(rule, text, folded, record)
    return list(dict.fromkeys(url for _, url in sorted(found)))
