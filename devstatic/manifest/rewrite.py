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
    "FileNotCollected",
    "MissingReferenceError",
    "Reference",
    "Rule",
    "decode_text",
    "effective_static_url",
    "encode_text",
    "is_adjustable",
    "rewrite_references",
    "rules_for",
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
    (comment, string) is left as it is.
    """

    pattern: re.Pattern[str]
    template: str
    ignored: re.Pattern[str]


def _rule(pattern: str, template: str, ignored: re.Pattern[str]) -> Rule:
    # Django compiles every rule with IGNORECASE; the (?-i:...) groups inside
    # the sourceMappingURL rules switch it off locally.
    return Rule(re.compile(pattern, re.IGNORECASE), template, ignored)


CSS_RULES: tuple[Rule, ...] = (
    _rule(
        r"""(?P<matched>url\((?P<quote>['"]{0,1})\s*(?P<url>.*?)(?P=quote)\))""",
        """url("%(url)s")""",
        CSS_IGNORED,
    ),
    _rule(
        r"""(?P<matched>@import\s*["']\s*(?P<url>.*?)["'])""",
        """@import url("%(url)s")""",
        CSS_IGNORED,
    ),
    _rule(
        r"(?m)^(?P<matched>/\*#[ \t](?-i:sourceMappingURL)=(?P<url>.*)[ \t]*\*/)$",
        "/*# sourceMappingURL=%(url)s */",
        CSS_IGNORED,
    ),
)

JS_SOURCE_MAP_RULES: tuple[Rule, ...] = (
    _rule(
        r"(?m)^(?P<matched>//# (?-i:sourceMappingURL)=(?P<url>.*))$",
        "//# sourceMappingURL=%(url)s",
        JS_IGNORED,
    ),
)

JS_IMPORT_RULES: tuple[Rule, ...] = (
    _rule(
        r"""(?P<matched>import(?P<import>[\s\{][^;]*?|\*\s*as\s*\w+)"""
        r"""\s*from\s*['"](?P<url>[./].*?)["'])""",
        """import%(import)s from "%(url)s\"""",
        JS_IGNORED,
    ),
    _rule(
        r"""(?P<matched>export(?P<exports>[\s\{][^;]*?)"""
        r"""\s*from\s*["'](?P<url>[./].*?)["'])""",
        """export%(exports)s from "%(url)s\"""",
        JS_IGNORED,
    ),
    _rule(
        r"""(?P<matched>import\s*['"](?P<url>[./].*?)["'])""",
        """import"%(url)s\"""",
        JS_IGNORED,
    ),
    _rule(
        r"""(?P<matched>import\(["'](?P<url>[./].*?)["']\))""",
        """import("%(url)s")""",
        JS_IGNORED,
    ),
)

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


def _storage_url(name: str, base_url: str) -> str:
    """``FileSystemStorage.url``: quote as ``filepath_to_uri``, join to the base."""
    return urljoin(base_url, quote(name.replace("\\", "/"), safe="/~!*()'").lstrip("/"))


def _hashed_url(name: str, stored_name: StoredName, static_url: str) -> str:
    """``HashedFilesMixin._url(self._stored_name, name, force=True)``."""
    clean_name, fragment = urldefrag(name)
    # A name ending in "/" is a folder: Django does not hash it.
    hashed = name if urlsplit(clean_name).path.endswith("/") else stored_name(clean_name)
    final_url = _storage_url(hashed, static_url)
    query_fragment = "?#" in name  # Django's "[sic!]"
    if fragment or query_fragment:
        parts = list(urlsplit(final_url))
        if fragment and not parts[4]:
            parts[4] = fragment
        if query_fragment and not parts[3]:
            parts[2] += "?"
        final_url = urlunsplit(parts)
    return unquote(final_url)


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
        self._blocks_for: tuple[re.Pattern[str], str] | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    def run(self, rules: Sequence[Rule]) -> str:
        text = self.original
        for rule in rules:
            edits: _Edits = []
            text = rule.pattern.sub(self._converter(rule, edits), text)
            self.history.append(edits)
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
        cached = self._blocks_for
        # Blocks are computed lazily (most files have no match at all) and
        # reused while the text is unchanged.
        if cached is None or cached[0] is not rule.ignored or cached[1] != text:
            found = [(m.start(), m.end()) for m in rule.ignored.finditer(text)]
            self._starts = [start for start, _ in found]
            self._ends = [end for _, end in found]
            self._blocks_for = (rule.ignored, text)
        pos = match.start()
        # Blocks do not overlap, so only the last one starting before pos can
        # contain it; Django's strict "start < pos < end" means a match that
        # begins a block (a sourceMappingURL comment) is not ignored.
        index = bisect_left(self._starts, pos) - 1
        return index >= 0 and pos < self._ends[index]

    def _convert(self, rule: Rule, match: re.Match[str]) -> str:
        groups = match.groupdict()
        matched: str = groups["matched"]
        url: str = groups["url"]
        if self._in_ignored_block(rule, match):
            return matched
        if _SCHEME.match(url) or url.startswith("//"):
            return matched
        static_url = self.static_url
        if url.startswith("/") and not url.startswith(static_url):
            return matched
        # Strip the fragment so that a path-like fragment does not interfere.
        url_path, fragment = urldefrag(url)
        if not url_path:
            return matched
        if url_path.startswith("/"):
            target = url_path.removeprefix(static_url)
        else:
            target = posixpath.join(posixpath.dirname(self.source), url_path)
        try:
            hashed_url = _hashed_url(unquote(target), self.stored_name, static_url)
        except FileNotCollected as exc:
            reference = Reference(self.source, self._line(match), matched, exc.name)
            if self.on_missing is None:
                raise MissingReferenceError(reference) from None
            self.on_missing(reference)
            return matched
        transformed = "/".join(url_path.split("/")[:-1] + hashed_url.split("/")[-1:])
        if fragment:
            transformed += ("?#" if "?#" in url else "#") + fragment
        groups["url"] = unquote(transformed)
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
