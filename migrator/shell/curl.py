"""A curl command line as curl reads it: method, URLs, bodies and form fields.

Handles -X/--request and -XPOST, the method implied by -d/--data*/--json/-F/-T/-G/-I,
clusters of short flags (-sSL, -sX POST), --url, and arrays of options spliced in
with "${opts[@]}".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from migrator.shell.words import Words, static, text
from migrator.urls import Hole, Literal, Piece, Via

# Short options that take a value (curl's manual).
SHORT_WITH_VALUE = set("AbcCdDeEFHKmoPQrtTuUwxXyYz")
LONG_WITH_VALUE = {
    "abstract-unix-socket", "alt-svc", "aws-sigv4", "cacert", "capath", "cert", "cert-type", "ciphers",
    "config", "connect-timeout", "connect-to", "continue-at", "cookie", "cookie-jar", "create-file-mode",
    "crlfile", "curves", "data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "delegation",
    "dns-interface", "dns-ipv4-addr", "dns-ipv6-addr", "dns-servers", "doh-url", "dump-header", "egd-file",
    "engine", "etag-compare", "etag-save", "expect100-timeout", "form", "form-string", "ftp-account",
    "ftp-alternative-to-user", "ftp-method", "ftp-port", "ftp-ssl-ccc-mode", "happy-eyeballs-timeout-ms",
    "header", "hostpubmd5", "hostpubsha256", "hsts", "interface", "ip-tos", "json", "keepalive-time", "key",
    "key-type", "krb", "libcurl", "limit-rate", "local-port", "login-options", "mail-auth", "mail-from",
    "mail-rcpt", "max-filesize", "max-redirs", "max-time", "netrc-file", "noproxy", "oauth2-bearer",
    "output", "output-dir", "parallel-max", "pass", "pinnedpubkey", "preproxy", "proto", "proto-default",
    "proto-redir", "proxy", "proxy-cacert", "proxy-capath", "proxy-cert", "proxy-cert-type",
    "proxy-ciphers", "proxy-crlfile", "proxy-header", "proxy-key", "proxy-key-type", "proxy-pass",
    "proxy-pinnedpubkey", "proxy-service-name", "proxy-tls13-ciphers", "proxy-tlsauthtype",
    "proxy-tlspassword", "proxy-tlsuser", "proxy-user", "proxy1.0", "pubkey", "quote", "random-file",
    "range", "rate", "referer", "request", "request-target", "resolve", "retry", "retry-delay",
    "retry-max-time", "sasl-authzid", "service-name", "socks4", "socks4a", "socks5", "socks5-gssapi-service",
    "socks5-hostname", "speed-limit", "speed-time", "stderr", "telnet-option", "tftp-blksize",
    "time-cond", "tls-max", "tls13-ciphers", "tlsauthtype", "tlspassword", "tlsuser", "trace",
    "trace-ascii", "trace-config", "unix-socket", "upload-file", "url", "url-query", "user", "user-agent",
    "variable", "write-out",
}  # fmt: skip
SHORT_NAMES = {"X": "request", "d": "data", "F": "form", "T": "upload-file", "H": "header", "o": "output", "u": "user"}
DATA = {"data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "json"}
FORM = {"form", "form-string"}


@dataclass
class Arg:
    """One argument as curl sees it: the nodes from ``node`` to byte ``end``.

    ``flag`` is the option word it belongs to, if separate.
    """

    node: Node
    end: int
    pieces: list[Piece]
    flag: Node | None = None


@dataclass
class CurlCall:
    node: Node
    method: str | None = None  # None: only known at run time
    urls: list[Arg] = field(default_factory=list)
    data: list[tuple[str, Arg]] = field(default_factory=list)
    forms: list[tuple[str, Arg]] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def arguments(words: Words, command: Node) -> list[tuple[Node, int, list[Piece]]]:
    """The arguments of a command: (first node, end byte, pieces).

    Nodes written without space between them are one argument; an array spliced
    in with "${opts[@]}" stands for each of its elements.
    """
    nodes = [c for c in command.children if c.type not in ("command_name", "comment") and not c.type.endswith("redirect")]
    groups: list[list[Node]] = []
    for node in nodes:
        if groups and groups[-1][-1].end_byte == node.start_byte:
            groups[-1].append(node)
        else:
            groups.append([node])
    out: list[tuple[Node, int, list[Piece]]] = []
    for group in groups:
        spliced = _array_elements(words, group[0]) if len(group) == 1 else None
        if spliced is not None:
            out.extend(spliced)
        else:
            out.append((group[0], group[-1].end_byte, words.joined(group)))
    return out


def _array_elements(words: Words, node: Node) -> list[tuple[Node, int, list[Piece]]] | None:
    inner = [c for c in node.children if c.type != '"'] if node.type == "string" else [node]
    if len(inner) != 1 or inner[0].type != "expansion":
        return None
    raw = text(words.source, inner[0])
    if not (raw.startswith("${") and raw.endswith("[@]}")) or raw.startswith("${#"):
        return None
    name = raw[2:-4]
    elements = words.array(name)
    if elements is None:
        return None
    via = (Via(name, raw, (inner[0].start_byte, inner[0].end_byte), "double"),)
    return [(e, e.end_byte, words.pieces(e, via=via)) for e in elements]


def parse_curl(words: Words, command: Node) -> CurlCall:
    return curl_call(command, arguments(words, command))


def curl_call(command: object, args: list[tuple[object, int, list[Piece]]]) -> CurlCall:
    """The call curl makes for these arguments (each: where it is, where it ends, its pieces)."""
    call = CurlCall(command)  # type: ignore[arg-type]
    explicit: str | None = ""
    i = 0
    only_urls = False
    while i < len(args):
        node, end, pieces = args[i]
        i += 1
        word = static(pieces)
        lead = pieces[0].text if pieces and isinstance(pieces[0], Literal) else ""
        if only_urls or not lead.startswith("-") or lead == "-":
            if word is None and isinstance(pieces[0], Hole) and len(pieces) == 1 and pieces[0].context == "bare":
                call.flags.add("opaque")  # an unquoted $OPTS may hold options
            call.urls.append(Arg(node, end, pieces))
            continue
        if word == "--":
            only_urls = True
            continue
        if lead.startswith("--"):
            name = (word or lead)[2:]
            value = None
            if name in LONG_WITH_VALUE and i < len(args):
                value = Arg(*args[i], node)
                i += 1
            explicit = _take(call, name, value, explicit)
            continue
        # A cluster of short flags: -sSL, -XPOST, -sX POST.
        cluster = lead[1:]
        for k, letter in enumerate(cluster):
            name = SHORT_NAMES.get(letter, letter)
            if letter not in SHORT_WITH_VALUE:
                call.flags.add({"G": "get", "I": "head"}.get(letter, letter))
                continue
            if k + 1 < len(cluster) or len(pieces) > 1:
                value = Arg(node, end, _drop_chars(pieces, k + 2), None)
            elif i < len(args):
                value = Arg(*args[i], node)
                i += 1
            else:
                value = None
            explicit = _take(call, name, value, explicit)
            break
    call.method = _method(call, explicit)
    return call


def _drop_chars(pieces: list[Piece], count: int) -> list[Piece]:
    """The pieces after the first ``count`` characters (the value glued to -X, -H, -d...)."""
    first = pieces[0]
    assert isinstance(first, Literal)
    rest = Literal(first.text[count:], first.offsets[count:] if first.offsets else None, first.context, first.via)
    return ([rest] if rest.text else []) + pieces[1:]


def _take(call: CurlCall, name: str, value: Arg | None, explicit: str | None) -> str | None:
    if name == "request" and value is not None:
        method = static(value.pieces)
        return method.upper() if method else None
    if name in ("get", "head"):
        call.flags.add(name)
    elif name == "url" and value is not None:
        call.urls.append(value)
    elif name in DATA and value is not None:
        call.data.append((name, value))
    elif name in FORM and value is not None:
        call.forms.append((name, value))
    elif name == "upload-file":
        call.flags.add("upload")
    return explicit


def _method(call: CurlCall, explicit: str | None) -> str | None:
    if explicit is None:
        return None
    if explicit:
        return explicit
    if "opaque" in call.flags:
        return None
    if "head" in call.flags:
        return "HEAD"
    if "get" in call.flags:
        return "GET"
    if call.data or call.forms:
        return "POST"
    if "upload" in call.flags:
        return "PUT"
    return "GET"
