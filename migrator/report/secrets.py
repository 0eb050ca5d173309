"""Secrets kept out of reports: a value is masked for what it means, not for how it looks.

Reports are written to be shared (a pull-request comment, code scanning, a build
artifact), so every snippet they show -- a finding's message, before and after, a
file's diff -- goes through a :class:`Masker` built from that file. A value is a
secret by where it stands, in each language the tool reads (shell, Python, JSON,
YAML, the JSON strings of a notebook, Makefiles):

- assigned to a name or key that says so (token, key, secret, password, auth,
  cookie, session, signature, credential): ``TOKEN=x``, ``export DATAMIMIC_TOKEN=x``,
  ``api_key = "x"``, ``token="x"``, ``{"password": "x"}``, ``password: x``, ``?sig=x``,
  ``os.getenv("TOKEN", "x")``, ``${TOKEN:-x}``, ``--token x``;
- the value of an Authorization-like header (``Authorization``, ``PRIVATE-TOKEN``,
  ``X-Api-Key``, ``Cookie``) after its scheme, and anything after ``Bearer``, however
  it is quoted or joined: ``Bearer\\ x``, ``'Bearer '"x"``, ``"Bearer " + "x"``,
  ``f"Bearer {'x'}"``, ``"Bearer %s" % "x"``;
- a URL's ``user:password@``, curl's ``-u user:password``, the password of
  ``auth=("user", "password")`` and ``HTTPBasicAuth("user", "password")``;
- assigned to a variable the code uses in one of those places
  (``TOK=x`` ... ``-H "Authorization: Bearer $TOK"``);
- the body of a private key block;
- what detect-secrets finds in a line, when it is installed: tokens with a known
  format (GitHub, GitLab, Slack, AWS, Stripe, JWT...) under any name.

References stay readable: ``$TOKEN``, ``${TOKEN}``, ``${{ secrets.TOKEN }}``,
``$(cat token)``, ``{token}`` in an f-string, a Python name or call. A literal masked
anywhere in a file is masked wherever else it shows in that file's snippets.
Masking errs on the side of hiding: a word of prose that reads like
``token: word`` is hidden too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

MASK = "****"

# A name is secret when one of its words is one of these, or contains one of the stems.
_WORDS = frozenset({"key", "auth", "oauth", "sig", "pass", "pwd", "pw", "tok", "tkn", "jwt", "cred", "creds", "sid", "session", "sessionid"})
_STEMS = ("token", "secret", "passw", "credential", "cookie", "signature", "apikey", "bearer", "authoriz", "passphrase", "privatekey")
_NAME_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def secret_name(name: str) -> bool:
    """Whether a variable, key, header or parameter name says its value is a secret."""
    for word in _NAME_WORDS.findall(name):
        word = word.lower()
        if word in _WORDS or any(stem in word for stem in _STEMS):
            return True
    return False


# Schemes of an Authorization-like header: the value after them is the secret.
_SCHEME = re.compile(r"(?:[Bb]earer|[Bb]asic|[Tt]oken|[Dd]igest|Bot|JWT|OAuth|ApiKey|Negotiate|NTLM|SSWS)(?=(?:[ \t]|\\[ \t])+[^\s=:])")
_SPACES = re.compile(r"(?:[ \t]|\\[ \t])*")
_QUOTE = re.compile(r"""[rbfuRBFU]{0,2}(\\?['"])""")
# After a closing quote: joined to the next piece by +, % or .format(.
_JOIN = re.compile(r"""[ \t]*(?:\+|%|\.format\()[ \t]*\(?[ \t]*""")
# References a reader needs and that hold no secret: shell and CI expansions, format fields.
_REF = re.compile(
    r"""\$\{\{.*?\}\}                                            # ${{ secrets.TOKEN }}
      | \$\{(?P<braced>\w+)(?:(?P<op>:?[-=+?])(?P<default>[^}]*))?\}   # ${TOKEN}, ${TOKEN:-x}
      | \$(?P<plain>[A-Za-z_]\w*)                                 # $TOKEN
      | \$\((?:[^()]|\([^()]*\))*\)                               # $(cat token), $(TOKEN)
      | `[^`]*`
      | %\(\w+\)[sd] | %[sd] | \{\d*\}                            # "%s", "{}"
      | \{(?P<field>[A-Za-z_][\w.]*)(?:\[[^\]]*\])?(?:![rsa])?(?::[^}]*)?\}   # f"{token}"
    """,
    re.X,
)
_FIELD_LITERAL = re.compile(r"""\{[ \t]*[rbuRBU]?(\\?['"])(?P<literal>(?:(?!\1).)*)\1[ \t]*\}""")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_UNQUOTED = re.compile(r"""(?:[^\s'"\\$`{}()\[\],;&|<>]|\\[ \t])+""")
# Python annotations (``password: str``) that read like YAML.
_TYPES = frozenset({"str", "bytes", "int", "Any", "SecretStr", "Optional[str]", "str | None", "Optional[bytes]"})
_KEYWORDS = frozenset({"None", "True", "False", "null", "true", "false", "nil", "lambda", "not", "await", "yield", "if", "else"})
# A name followed by what assigns it a value: = := == += :, a subscript's "] =", a
# Python annotation, or ", " after a quoted key (a default, a pair).
_ASSIGNED = re.compile(
    r"""(?<![\w$\\-])(?<!\$\{)(?P<open>\\?['"])?(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)
        (?P<sep> [ \t]*:[ \t]*[A-Za-z_][\w.\[\], |]*?[ \t]+=(?!=)[ \t]*     # token: str = "x"
               | \\?['"]?\]?[ \t]*(?:==|:=|\+=|=(?![=>~])|:(?![:/=-]))[ \t]*
               | \\?['"][ \t]*,[ \t]* )""",
    re.X,
)
_YAML_KEY = re.compile(r"[ +-]?[ \t]*(?:-[ \t]+)?")
_FLAG = re.compile(r"(?<!\S)(?P<flag>-u|-U|--user|--proxy-user|--oauth2-bearer|-b|--cookie|--(?P<name>[\w-]+))(?:[ \t]+|=)(?=\S)")
_URL_PASSWORD = re.compile(r"""://[^\s/:@'"]*:(?P<password>[^\s/@'"]+)@""")
# auth=("user", ...) and HTTPBasicAuth("user", ...): where the pair starts, then its user.
_AUTH_PAIR = re.compile(r"\bauth[ \t]*=[ \t]*[(\[]|Auth\(")
_AUTH_USER = re.compile(r"""[ \t]*(?:[rbfu]?(\\?['"]).*?\1|[A-Za-z_][\w.]*)[ \t]*,[ \t]*""")
# Where a header's value starts (a quote, a colon): Basic, Token... after it are schemes.
_AFTER_HEADER = re.compile(r"""(?:['"]|:[ \t]?|:\\[ \t])\Z""")
_PARAMETER_DEFAULT = re.compile(r"\$\{(?P<name>\w+):?[-=+?]")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----(?P<body>.*?)-----END", re.S)


@dataclass
class _Value:
    """What one value holds: the literal spans to mask and the names it refers to."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)


def _quote_at(text: str, position: int) -> str | None:
    """The quote a position is inside on its line: ``"``, ``'``, or an escaped one, as in a
    notebook's JSON or a JSON body inside a shell string (quotes nest); None outside."""
    stack: list[str] = []
    i = text.rfind("\n", 0, position) + 1
    while i < position:
        char = text[i]
        token = text[i : i + 2] if char == "\\" and text[i + 1 : i + 2] in ("'", '"') else char
        if token in ("'", '"', "\\'", '\\"'):
            if token in stack:
                del stack[stack.index(token) :]
            else:
                stack.append(token)
            i += len(token)
        else:
            i += 2 if char == "\\" else 1
    return stack[-1] if stack else None


def _literal_run(text: str, i: int, quote: str | None, line_mode: bool, stops: str = "") -> int:
    """The end of a run of literal characters from ``i`` inside ``quote`` (or unquoted;
    in line mode, a YAML scalar or a cookie list: up to the end of the line), or at one of
    ``stops``."""
    n = len(text)
    if quote is None and not line_mode:
        match = _UNQUOTED.match(text, i)
        return match.end() if match else i
    j = i
    while j < n and text[j] != "\n" and text[j] not in stops:
        char = text[j]
        if quote is None:
            if char in "'\"$" or (char == "#" and text[j - 1 : j] in (" ", "\t")):
                break
        elif text.startswith(quote, j):
            break
        elif char == "\\" and text[j + 1 : j + 2] in ("'", '"'):
            if quote.startswith("\\"):
                break  # another escaped quote: the value ends with the string around it
            j += 1
        elif char in "{}" or (char == "%" and text[j + 1 : j + 2] in ("s", "d", "(")) or (char == "$" and quote != "'"):
            break
        j += 1
    if quote is None:
        while j > i and text[j - 1] in " \t":
            j -= 1
    return j


def _value(
    text: str,
    i: int,
    value: _Value,
    quote: str | None = None,
    line_mode: bool = False,
    scheme: bool = True,
    code: bool = True,
    stops: str = "",
) -> int:
    """Read one value from ``i`` (inside ``quote``), however it is quoted, joined or
    concatenated; add its literal parts and the names it refers to to ``value``; return
    where it ends. ``code``: an unquoted word may be a Python name (not in ``${X:-word}``)."""
    n = len(text)
    start = True
    while i < n:
        if start:
            if quote is None:
                i = _SPACES.match(text, i).end()
            opening = _QUOTE.match(text, i)
            if opening and opening.group(1) != quote:
                quote, i = opening.group(1), opening.end()
            if scheme and (found := _SCHEME.match(text, i)):
                i = _SPACES.match(text, found.end()).end()
            start = False
            continue
        if quote is not None and text.startswith(quote, i):
            i += len(quote)
            quote = None
            opening = _QUOTE.match(text, i)
            if opening and not text.startswith(("\\'", '\\"'), i):
                quote, i = opening.group(1), opening.end()
                continue  # 'Bearer '"x": adjacent strings are one value
            joined = _JOIN.match(text, i)
            if joined and joined.group().strip():
                i = joined.end()
                opening = _QUOTE.match(text, i)
                if opening:
                    quote, i = opening.group(1), opening.end()
                    continue  # "Bearer " + "x", "Bearer %s" % "x", "Bearer {}".format("x")
                name = _IDENTIFIER.match(text, i)
                if name and not text.startswith("(", name.end()):
                    value.names.add(name.group().rsplit(".", 1)[-1])
                break
            if i < n and (text[i] == "$" or (text[i] not in " \t" and _UNQUOTED.match(text, i))):
                continue  # "Bearer "$TOKEN, 'Bearer 'x
            break
        ref = _REF.match(text, i)
        if ref and (quote != "'" or not ref.group().startswith("$") or ref.group().startswith("${{")):
            name = ref.group("braced") or ref.group("plain") or ref.group("field")
            if name:
                value.names.add(name.rsplit(".", 1)[-1])
            if ref.group("default") and ref.group("op") in ("-", ":-", "=", ":="):
                _value(text, ref.start("default"), value, scheme=False, code=False)
            i = ref.end()
            continue
        literal_field = quote and _FIELD_LITERAL.match(text, i)  # f"Bearer {'x'}"
        if literal_field:
            value.spans.append(literal_field.span("literal"))
            i = literal_field.end()
            continue
        end = _literal_run(text, i, quote, line_mode, stops)
        if end == i:
            if text[i] not in "{}$%" or (quote is None and not line_mode):
                break
            end = i + 1  # a {, $ or % that starts no reference: part of the literal
        literal = text[i:end]
        if code and quote is None and not line_mode and _IDENTIFIER.fullmatch(literal):
            after = text[end : end + 1]
            if literal in _KEYWORDS or after in ("(", "[", ",", ")", "}", "]"):
                if after != "(":
                    value.names.add(literal.rsplit(".", 1)[-1])
                break  # a Python name or call, not a literal
        if not (line_mode and literal.strip() in _TYPES):
            value.spans.append((i, end))
        i = end
    return i


def _username_kept(text: str, value: _Value, start: int) -> None:
    """``user:password``: only what follows the first colon is secret."""
    colon = text.find(":", start)
    spans = []
    for begin, end in value.spans:
        if colon < 0 or end <= colon:
            continue
        spans.append((max(begin, colon + 1), end))
    value.spans = spans


def _hints(lowered: str, names: frozenset[str]) -> Iterator[int]:
    """Where a secret name may be: a word or stem of one, or a name the file uses as one.
    Looking there first is what keeps masking fast: most names say nothing."""
    for word in (*_WORDS, *_STEMS, *(name.lower() for name in names)):
        start = lowered.find(word)
        while start >= 0:
            yield start
            start = lowered.find(word, start + 1)


def _assigned(text: str, lowered: str, names: frozenset[str]) -> Iterator[_Value]:
    """Values given to a secret name, key, header or parameter: ``TOKEN=x``, ``"password": "x"``."""
    seen = set()
    for hint in sorted(set(_hints(lowered, names))):
        start = hint
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
            start -= 1
        while start < hint and not (text[start].isalpha() or text[start] == "_"):
            start += 1
        if start in seen:
            continue
        seen.add(start)
        if text[start - 1 : start] in ("'", '"'):
            start -= 2 if text[start - 2 : start - 1] == "\\" else 1
        match = _ASSIGNED.match(text, start)
        if match is None:
            continue
        name, separator = match.group("name"), match.group("sep")
        if not (secret_name(name) or name.rsplit(".", 1)[-1] in names):
            continue
        if separator.lstrip(" \t\\").startswith(("'", '"', ",")) and not match.group("open"):
            continue  # ", " pairs only after a quoted key
        line_start = text.rfind("\n", 0, match.start()) + 1
        yaml = separator.strip() == ":" and not match.group("open") and _YAML_KEY.fullmatch(text, line_start, match.start())
        # A Cookie header's value is a list (a=1; b=2): all of it, to the end of its string.
        cookie = "cookie" in name.lower() and separator.strip().endswith(":")
        # A query or form parameter (?token=x&y=1) ends at the next one.
        stops = "&#" if text[match.start() - 1 : match.start()] in ("?", "&") else ""
        value = _Value()
        _value(text, match.end(), value, _quote_at(text, match.end()), line_mode=bool(yaml) or cookie, stops=stops)
        yield value


def _after_scheme(text: str) -> Iterator[_Value]:
    """What follows ``Bearer``, or another scheme where a header's value starts."""
    for match in _SCHEME.finditer(text):
        if match.group() != "Bearer" and not _AFTER_HEADER.search(text, max(0, match.start() - 3), match.start()):
            continue  # Basic, Token...: not in prose
        value = _Value()
        _value(text, match.start(), value, _quote_at(text, match.start()))
        yield value


def _flag_values(text: str) -> Iterator[_Value]:
    """curl's ``-u user:password``, ``--oauth2-bearer x``, ``-b cookies``, and ``--token x``."""
    for match in _FLAG.finditer(text):
        flag, name = match.group("flag"), match.group("name")
        if name is not None and not secret_name(name):
            continue
        value = _Value()
        _value(text, match.end(), value, _quote_at(text, match.end()), line_mode=flag in ("-b", "--cookie"))
        if flag in ("-u", "-U", "--user", "--proxy-user"):
            _username_kept(text, value, match.end())
        yield value


def _url_passwords(text: str) -> Iterator[_Value]:
    for match in _URL_PASSWORD.finditer(text):
        value = _Value()
        ref = _REF.fullmatch(match.group("password"))
        if ref:
            value.names.add(ref.group("braced") or ref.group("plain") or "")
        else:
            value.spans.append(match.span("password"))
        yield value


def _auth_pairs(text: str) -> Iterator[_Value]:
    """The password of ``auth=("user", "password")`` and ``HTTPBasicAuth("user", "password")``."""
    for match in _AUTH_PAIR.finditer(text):
        user = _AUTH_USER.match(text, match.end())
        if user:
            value = _Value()
            _value(text, user.end(), value, _quote_at(text, user.end()), scheme=False)
            yield value


def _parameter_defaults(text: str, names: frozenset[str]) -> Iterator[_Value]:
    """``${TOKEN:-x}``: the default of a secret variable."""
    for match in _PARAMETER_DEFAULT.finditer(text):
        if secret_name(match.group("name")) or match.group("name") in names:
            value = _Value()
            _value(text, match.end(), value, scheme=False, code=False)
            yield value


def _private_keys(text: str) -> Iterator[_Value]:
    for match in _PRIVATE_KEY.finditer(text):
        value = _Value()
        body = match.start("body")
        for line in re.finditer(r"[A-Za-z0-9+/=]{8,}", match.group("body")):
            value.spans.append((body + line.start(), body + line.end()))
        yield value


_SCHEME_WORDS = ("bearer", "basic", "token", "digest", "bot", "jwt", "oauth", "apikey", "negotiate", "ntlm", "ssws")


def _values(text: str, names: frozenset[str]) -> Iterator[_Value]:
    """Every value in ``text`` that stands where a secret stands. Each kind of place is
    looked for only when a word it needs is there: most snippets hold none."""
    lowered = text.lower()
    yield from _assigned(text, lowered, names)
    if any(word in lowered for word in _SCHEME_WORDS):
        yield from _after_scheme(text)
    if "-" in text:
        yield from _flag_values(text)
    if "://" in text:
        yield from _url_passwords(text)
    if "auth" in lowered:
        yield from _auth_pairs(text)
    if "${" in text:
        yield from _parameter_defaults(text, names)
    if "PRIVATE KEY" in text:
        yield from _private_keys(text)


def _worth_masking_everywhere(literal: str) -> bool:
    """A literal long and odd enough that finding it elsewhere means it is the secret again."""
    literal = literal.strip()
    return len(literal) >= 6 and not re.fullmatch(r"[a-z]+|[A-Z_]+|[a-z_]+", literal)


class Masker:
    """Masks the secrets of one file in any snippet of it: ``Masker.of(source)(snippet)``."""

    def __init__(self, names: frozenset[str], literals: frozenset[str]) -> None:
        self.names = names
        self.literals = literals

    @classmethod
    def of(cls, source: str) -> Masker:
        """Learn a file's secrets from its source: the names that hold one (followed until
        nothing new is learnt) and every literal found standing where a secret stands."""
        # Only names that do not say they are secret need learning (TOK, AUTH_HEADER):
        # the others are found by what they say. Most files need one pass.
        names: frozenset[str] = frozenset()
        tokens = detected(source)
        for _ in range(5):
            found, literals = set(names), set(tokens)
            for value in _values(source, names):
                found.update(name for name in value.names if not secret_name(name))
                literals.update(source[a:b] for a, b in value.spans)
            if found == names:
                break
            names = frozenset(found)
        return cls(names, frozenset(literal for literal in literals if _worth_masking_everywhere(literal)))

    def __call__(self, text: str) -> str:
        if not text:
            return text
        spans = [span for value in _values(text, self.names) for span in value.spans]
        for literal in self.literals:
            start = text.find(literal)
            while start >= 0:
                end = start + len(literal)
                if not (_in_word(text, start - 1) or _in_word(text, end)):
                    spans.append((start, end))
                start = text.find(literal, start + 1)
        return _replace(text, spans)


def _in_word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] in "_-")


def _replace(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span, and each run of touching spans, written as one mask."""
    out = []
    last = 0
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if start <= last and out:
            if end > last:
                last = end
            continue
        out.append(text[last:start])
        out.append(MASK)
        last = end
    out.append(text[last:])
    return "".join(out)


def mask(text: str) -> str:
    """``text`` with its secrets masked, learning them from ``text`` alone."""
    return Masker.of(text)(text)


# detect-secrets' plugins that know tokens by their format (GitHub, GitLab, Slack, AWS,
# Stripe, JWT, OpenAI, private keys...) or by their entropy. Left out: those that find a
# secret by the name beside it (keyword, IBM, Cloudant, Softlayer), which the rules above
# do for every name and language, and public IP addresses, which are no secret. No plugin
# is asked to verify a token with its service: nothing leaves the machine.
_DETECTOR_SKIPS = frozenset(
    {"KeywordDetector", "IbmCloudIamDetector", "IbmCosHmacDetector", "CloudantDetector", "SoftlayerDetector", "IPPublicDetector",
     "PrivateKeyDetector"}  # it names the BEGIN line; the body is what _private_keys masks
)
_TOKEN_CHARS = re.compile(r"[\w.+/~-]*")


@functools.lru_cache(maxsize=1)
def _detectors() -> tuple[object, ...]:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    return tuple(kind() for kind in get_mapping_from_secret_type_to_class().values() if kind.__name__ not in _DETECTOR_SKIPS)


def detected(source: str) -> set[str]:
    """The tokens detect-secrets finds in ``source``, each widened to the whole word it is
    part of (a plugin may name only a prefix, such as ``ghp``). Each plugin reads the whole
    text at once, which is many times faster than its line by line scan."""
    from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin

    found = set()
    for plugin in _detectors():
        for value in plugin.analyze_string(source):
            if isinstance(plugin, HighEntropyStringsPlugin) and plugin.calculate_shannon_entropy(value) <= plugin.entropy_limit:
                continue
            found.update(_widened(source, value))
    return found


def _widened(text: str, value: str) -> Iterator[str]:
    start = text.find(value) if value else -1
    while start >= 0:
        left = start
        while left > 0 and _TOKEN_CHARS.fullmatch(text[left - 1]):
            left -= 1
        right = _TOKEN_CHARS.match(text, start + len(value)).end()
        while text[right : right + 1] == "=":
            right += 1
        yield text[left:right]
        start = text.find(value, start + 1)
