"""A curl command line as curl reads it: method, URLs, bodies and form fields.

Handles -X/--request and -XPOST, the method implied by -d/--data*/--json/-F/-T/-G/-I,
clusters of short flags (-sSL, -sX POST), --url, --url-query, and arrays of options
spliced in with "${opts[@]}". The config files of -K/--config are named, not read.
"""

from __future__ import annotations

import re
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
SHORT_NAMES = {"K": "config", "X": "request", "d": "data", "F": "form", "T": "upload-file", "H": "header", "o": "output", "u": "user", "w": "write-out"}
SHORT_FLAGS = {"G": "get", "I": "head", "O": "remote-name", "J": "remote-header-name", "f": "fail", "s": "silent", "S": "show-error", "L": "location", "i": "include"}
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
    outputs: list[Arg] = field(default_factory=list)  # -o/--output: where the body goes instead of stdout
    write_out: Arg | None = None  # -w: what curl prints on stdout after the transfer
    queries: list[Arg] = field(default_factory=list)  # --url-query: appended to the URL's query
    configs: list[Arg] = field(default_factory=list)  # -K/--config: files of more options, not read here
    tool: str = "curl"  # or "wget": read into the same model, rewritten only in its URL
    args: list = field(default_factory=list)  # every argument, as (node, end, pieces)


def arguments(words: Words, command: Node, skip: int = 0) -> list[tuple[Node, int, list[Piece]]]:
    """The arguments of a command: (first node, end byte, pieces).

    Nodes written without space between them are one argument; an array spliced
    in with "${opts[@]}" stands for each of its elements, and "$@" in a function
    for each argument of the call being followed (``words.frame``). ``skip``
    drops that many leading words (the name is never included).
    """
    nodes = [c for c in command.children if c.type not in ("command_name", "comment", "variable_assignment") and not c.type.endswith("redirect")]
    groups: list[list[Node]] = []
    for node in nodes:
        if groups and groups[-1][-1].end_byte == node.start_byte:
            groups[-1].append(node)
        else:
            groups.append([node])
    out: list[tuple[Node, int, list[Piece]]] = []
    for group in groups[skip:]:
        spliced = _spliced(words, group[0]) if len(group) == 1 else None
        if spliced is not None:
            out.extend(spliced)
        else:
            out.append((group[0], group[-1].end_byte, words.joined(group)))
    return out


def _spliced(words: Words, node: Node) -> list[tuple[Node, int, list[Piece]]] | None:
    """The arguments one word stands for: "${opts[@]}" (an array assigned once) or "$@"
    (and in zsh an unquoted ``$opts``)."""
    if node.type == "simple_expansion" and words.script.zsh:
        name = text(words.source, node)[1:]
        elements = words.array(name, node.start_byte)
        if elements is not None:
            via = (Via(name, text(words.source, node), (node.start_byte, node.end_byte), "bare"),)
            return [(e, e.end_byte, words.pieces(e, via=via)) for e in elements]
    inner = [c for c in node.children if c.type not in ('"', "string_content")] if node.type == "string" else [node]
    if len(inner) != 1 or (node.type == "string" and text(words.source, node)[1:-1] != text(words.source, inner[0])):
        return None
    raw = text(words.source, inner[0])
    if raw in ("$@", "${@}") and node.type == "string" and words.frame is not None:
        shift = words.script.shifts_before(words.frame.function, node.start_byte)
        return list(words.frame.args[shift:])
    # "${@:2}": the arguments from the second on (a wrapper's caller adds curl options after its path).
    sliced = re.fullmatch(r"\$\{@:([1-9][0-9]*)\}", raw)
    if sliced and node.type == "string" and words.frame is not None:
        shift = words.script.shifts_before(words.frame.function, node.start_byte)
        return list(words.frame.args[shift + int(sliced.group(1)) - 1 :])
    if inner[0].type != "expansion" or not (raw.startswith("${") and raw.endswith("[@]}")) or raw.startswith("${#"):
        return None
    name = raw[2:-4]
    elements = words.array(name, node.start_byte)
    if elements is None:
        return None
    via = (Via(name, raw, (inner[0].start_byte, inner[0].end_byte), "double"),)
    return [(e, e.end_byte, words.pieces(e, via=via)) for e in elements]


def command_words(words: Words, command: Node) -> tuple[str | None, list[tuple[Node, int, list[Piece]]]]:
    """The command a command node runs and its arguments, also when its name comes from an
    array (``"${CURL[@]}" -o f URL``) or a variable holding a command line (``$KCURL -X PUT``)."""
    name = command.child_by_field_name("name")
    if name is None:
        return None, []
    static_name = words.script.command_name(command)
    if static_name == "xargs":
        return _under_xargs(arguments(words, command))
    if static_name is not None:
        return static_name, arguments(words, command)
    head = name.children[0] if name.children else name
    spliced = _spliced(words, head)
    if spliced:
        first = static(spliced[0][2])
        return first, spliced[1:] + arguments(words, command)
    if head.type in ("simple_expansion", "expansion"):
        variable = text(words.source, head).strip("${}")
        assignment = words.constant(variable, head.start_byte)
        if assignment is not None and assignment.kind == "set" and len(assignment.value) == 1:
            line = _command_line(words, assignment.value[0])
            if line is not None:
                return line[0], line[1] + arguments(words, command)
    return None, []


# xargs' options that take a value (GNU and BSD): -I{} -P 4 -n1 --max-procs=4 ...
XARGS_WITH_VALUE = set("aEdeIiLlnPs")


def _under_xargs(args: list[tuple[Node, int, list[Piece]]]) -> tuple[str | None, list[tuple[Node, int, list[Piece]]]]:
    """The command xargs runs and its arguments (``xargs -r -P 4 -I{} curl ... "$api/files/{}"``):
    its -I placeholder stays in the words, and xargs puts each input line there."""
    i = 0
    while i < len(args):
        word = static(args[i][2])
        if word is None:
            return None, []
        if word == "--":
            i += 1
            break
        if not word.startswith("-") or word == "-":
            break
        i += 1
        letter = word[1:2]
        if not word.startswith("--") and letter in XARGS_WITH_VALUE and len(word) == 2 and letter not in "eil":
            i += 1  # -P 4; -e, -i and -l take their value only glued to them
    if i >= len(args):
        return None, []
    return static(args[i][2]), args[i + 1 :]


def _command_line(words: Words, value: Node) -> tuple[str, list[tuple[Node, int, list[Piece]]]] | None:
    """The words of a command line kept in a variable (``KCURL="curl -sS --fail"``): the
    value's text parsed as a command, its pieces pointing back at the value."""
    from migrator.shell.words import parse

    if value.type not in ("string", "raw_string", "word", "concatenation"):
        return None
    start = value.start_byte + (1 if value.type in ("string", "raw_string") else 0)
    end = value.end_byte - (1 if value.type in ("string", "raw_string") else 0)
    content = words.source[start:end]
    if not content.lstrip().startswith(b"curl ") or b"$(" in content or b"`" in content:
        return None
    # The value parsed on its own, with offsets of the whole text, so pieces point into the value.
    padded = b" " * start + content + b"\n"
    root = parse(padded)
    command = next((n for n in root.children if n.type == "command"), None)
    if command is None or root.has_error:
        return None
    inner = Words(padded, words.script, None)
    return text(padded, command.child_by_field_name("name")), arguments(inner, command)


def parse_curl(words: Words, command: Node) -> CurlCall:
    return curl_call(command, arguments(words, command))


def curl_call(command: object, args: list[tuple[object, int, list[Piece]]]) -> CurlCall:
    """The call curl makes for these arguments (each: where it is, where it ends, its pieces)."""
    call = CurlCall(command)  # type: ignore[arg-type]
    call.args = list(args)
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
                call.flags.add(SHORT_FLAGS.get(letter, letter))
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
    elif name == "output" and value is not None:
        call.outputs.append(value)
    elif name == "write-out" and value is not None:
        call.write_out = value
    elif name == "config" and value is not None:
        call.configs.append(value)
    elif name == "url-query" and value is not None:
        call.queries.append(value)
    elif value is None:
        call.flags.add(name)
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


# wget's options (GNU wget and busybox), for the request it makes: short options that take
# a value, and long ones (``--header=X`` or ``--header X``).
WGET_SHORT_WITH_VALUE = set("oaeOiBtTwQPlARDIXU")
WGET_LONG_WITH_VALUE = {
    "accept", "append-output", "base", "body-data", "body-file", "ca-certificate", "ca-directory", "certificate",
    "certificate-type", "config", "connect-timeout", "default-page", "directory-prefix", "dns-timeout", "domains",
    "exclude-directories", "exclude-domains", "execute", "header", "http-password", "http-user",
    "include-directories", "input-file", "level", "limit-rate", "load-cookies", "method", "output-document",
    "output-file", "password", "post-data", "post-file", "private-key", "private-key-type", "proxy-password",
    "proxy-user", "quota", "read-timeout", "referer", "reject", "save-cookies", "secure-protocol", "timeout",
    "tries", "user", "user-agent", "wait", "waitretry",
}  # fmt: skip
WGET_NAMES = {"O": "output-document", "i": "input-file", "e": "execute"}
# Options whose effect on the request the migrator does not model: more URLs, commands, config.
WGET_UNFOLLOWED = {"input-file", "execute", "config", "base", "recursive", "mirror", "page-requisites"}


def wget_call(command: object, args: list[tuple[object, int, list[Piece]]]) -> CurlCall:
    """The request wget makes, in curl's model: -O FILE (``-O -``: stdout; none: a file named
    after the URL), --method, --post-data/--post-file/--body-* (a body), and the URLs."""
    call = CurlCall(command, tool="wget")  # type: ignore[arg-type]
    call.args = list(args)
    explicit: str | None = ""
    output: Arg | None = None
    i = 0
    while i < len(args):
        node, end, pieces = args[i]
        i += 1
        word = static(pieces)
        lead = pieces[0].text if pieces and isinstance(pieces[0], Literal) else ""
        if not lead.startswith("-") or lead == "-":
            if word is None and isinstance(pieces[0], Hole) and len(pieces) == 1 and pieces[0].context == "bare":
                call.flags.add("opaque")  # an unquoted $OPTS may hold options
            call.urls.append(Arg(node, end, pieces))
            continue
        value: Arg | None = None
        if lead.startswith("--"):
            name, glued, _ = lead[2:].partition("=")
            if glued:
                value = Arg(node, end, _drop_chars(pieces, len(name) + 3), None)
            elif name in WGET_LONG_WITH_VALUE and i < len(args):
                value = Arg(*args[i], node)
                i += 1
        elif lead.startswith("-n") and len(lead) > 2:
            continue  # -nv, -nc, -nd, -nH, -np
        else:
            name = ""
            for k, letter in enumerate(lead[1:]):
                if letter not in WGET_SHORT_WITH_VALUE:
                    call.flags.add({"r": "recursive", "m": "mirror", "p": "page-requisites"}.get(letter, letter))
                    continue
                name = WGET_NAMES.get(letter, letter)
                if k + 2 < len(lead) or len(pieces) > 1:
                    value = Arg(node, end, _drop_chars(pieces, k + 2), None)
                elif i < len(args):
                    value = Arg(*args[i], node)
                    i += 1
                break
            if not name:
                continue
        if name in WGET_UNFOLLOWED:
            call.flags.add("unfollowed")
        elif name == "output-document" and value is not None:
            output = value
        elif name == "method" and value is not None:
            method = static(value.pieces)
            explicit = method.upper() if method else None
        elif name in ("post-data", "post-file", "body-data", "body-file") and value is not None:
            call.data.append((name, value))
        call.flags.add(name)
    if output is None:
        call.flags.add("remote-name")
    elif static(output.pieces) != "-":
        call.outputs.append(output)
    call.method = explicit if explicit != "" else ("POST" if call.data else "GET")
    return call
