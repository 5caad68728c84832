"""Mask secrets in log text before it leaves the engine (a web page, Slack, the store).

A secret's *name* stays and only its *value* is masked, so the reader still sees what
kind of secret was there and where:

>>> redact("db connect host=db1 user=app password=hunter2 sslmode=require")
'db connect host=db1 user=app password=[redacted] sslmode=require'
>>> redact("> Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln")
'> Authorization: Bearer [redacted]'

Log words that merely *mention* a secret stay as they are:

>>> redact('FATAL:  password authentication failed for user "app"')
'FATAL:  password authentication failed for user "app"'

Addresses are masked on request only:

>>> redact("Failed password for root from 10.0.0.5 port 22 ssh2", addresses=True)
'Failed password for root from [ip] port 22 ssh2'

What is found:

* armored private keys (PEM, OpenSSH, PGP, SSH2): every body line masked, the BEGIN and
  END lines kept; certificates and public keys stay; a line that is nothing but 40 or
  more base64 characters is masked wherever it stands;
* HTTP ``Authorization`` (its scheme stays), ``Cookie`` and ``Set-Cookie`` values;
* connection strings, SQL (``IDENTIFIED BY '...'``, ``PASSWORD '...'``), XML elements,
  ``name``/``value`` pairs (XML settings, ECS and Kubernetes env lists);
* ``key=value``, ``"key": value``, ``key: value`` and ``--key value`` when the key names
  a password, secret, token, API or private key, or session id;
* credentials in URLs (``https://user:[redacted]@host/``);
* tokens known by their shape (Slack, GitHub, GitLab, AWS key ids, Google API keys, JWTs,
  Slack webhook URLs), their telling prefix kept;
* with ``addresses=True``: MAC (``[mac]``), IPv6 and IPv4 (``[ip]``) addresses.

Masking is idempotent (``redact(redact(x)) == redact(x)``) and keeps every line, so line
numbers stay right. Regexes are compiled once, at import; each line rule runs only on the
lines that hold one of its hint words, and secret names are checked in Python on the keys
one cheap pattern finds. 5,000 log lines take some 30 ms when few mention a secret, about
half a second when every one is a JSON record holding two; addresses add some 0.2 s. No
pattern backtracks without bound: a hostile line (100 KB of repeated keys, quotes, tags or
colons) takes well under a second.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["IP_MASK", "MAC_ADDRESS", "MAC_MASK", "MASK", "Redactor", "redact"]

MASK = "[redacted]"
IP_MASK = "[ip]"
MAC_MASK = "[mac]"

MAX_LINE_PASSES = 5  # two in practice: one masks, the next finds nothing more
MAX_BLOCK_LINES = 300  # a 16384-bit RSA key is ~200 base64 lines: an END further off is not its
_NOT_SECRETS = frozenset({"null", "none", "nil", "undefined", "true", "false", "yes", "no", "-"})
_MASKED = r"\[(?:redacted|ip|mac)\]"  # what this module writes: never masked again
_MASKED_RE = re.compile(_MASKED)
# Right after a mask stands what was glued to the masked text: no key, token or address
# starts there (else a second pass would find one the first did not).
_NOT_AFTER_MASK = r"(?<!\[redacted\])(?<!\[ip\])(?<!\[mac\])"
_NOT_AFTER_MASK_COLON = r"(?<!\[redacted\]:)(?<!\[ip\]:)(?<!\[mac\]:)"
_NOT_BEFORE_MASK = r"(?![:.-]?" + _MASKED + ")"  # and no address ends right before one

_Replacement = str | Callable[[re.Match[str]], str]

# --- Names of secrets --------------------------------------------------------------------

# Assigned with `=` or `:`, as a flag or as a quoted key, these always hold a secret.
_STRONG_NAMES = r"""(?:
    pass(?:word|wd|phrase) | pgpassword
  | secret(?:[_-]?(?:access[_-]?)?key)?
  | (?:access|api|auth|private|signing|encryption|master)[_-]?key
  | (?:access|refresh|auth|api|id|session)?token
  | session[_-]?id | jsessionid | phpsessid
)"""
# Too short or too common to trust after a bare colon ("Test pass: 5/5"): only with `=`,
# as a flag or as a quoted key.
_WEAK_NAMES = r"""(?:
    pass | pwd | sshpass | sig(?:nature)? | (?:src|dest)?storepass | keypass | pass(?:in|out)
)"""
# The name ends the key and starts it or a word in it: `password`, `db_password`,
# `spring.datasource.password`, `dbPassword`, `ClientSecret`, `X-Auth-Token`; not `bypass`.
_NAME_START = r"(?:^|(?<=[_.-])|(?-i:(?<=[a-z0-9])(?=[A-Z])))"
_STRONG_KEY = re.compile(_NAME_START + _STRONG_NAMES + r"\Z", re.IGNORECASE | re.VERBOSE)
_ANY_KEY = re.compile(
    _NAME_START + r"(?:" + _STRONG_NAMES + "|" + _WEAK_NAMES + r")\Z", re.IGNORECASE | re.VERBOSE
)
# Every secret name holds one of these: lines without any skip the key patterns.
_NAME_HINTS = ("pass", "pwd", "secret", "token", "key", "sess", "sig")
_NAME_HINT = re.compile("|".join(_NAME_HINTS), re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _names_secret(key: str, strong_only: bool = False) -> bool:
    """Does this key name a secret? ``strong_only``: leave out the weak names.

    >>> [_names_secret(k) for k in ("db_password", "dbPassword", "--client-secret", "pwd")]
    [True, True, True, True]
    >>> [_names_secret(k) for k in ("bypass", "password_file", "max_tokens", "key")]
    [False, False, False, False]
    >>> _names_secret("pass", strong_only=True)
    False
    """
    return (_STRONG_KEY if strong_only else _ANY_KEY).search(key) is not None


# --- Patterns ------------------------------------------------------------------------------

# Shared parts, written {NAME} in the patterns below (regex counts like {3} never clash).
_PARTS = {
    # A key as written; whether it names a secret is _names_secret's call.
    "{KEY}": r"(?P<key>[\w.-]+)",
    # A value: quoted (also JSON-escaped inside a JSON string) or bare up to a delimiter.
    # Atomic, so a look-ahead after it cannot be met by giving characters back.
    "{VALUE}": r"""(?P<value>(?>
        \\"(?:[^"\\\r\n]|\\[^"\r\n])*\\"
      | "(?:[^"\\\r\n]|\\.)*"
      | '(?:[^'\\\r\n]|\\.)*'
      | ["']?(?:{MASKED}|(?!\\[nrt"'])[^\s"'<>,;&)\]}])+  # stops at an escaped \n or \"
    ))""",
    "{MASKED}": _MASKED,
    "{Q}": r"""\\?["']""",  # a quote, maybe escaped
    # Where a key starts: not inside a word, or right after a JSON-escaped \n, \r or \t.
    "{START}": r"(?:(?<![\w.\\-])" + _NOT_AFTER_MASK + r"|(?<=\\[nrt]))",
}


def _compile(pattern: str, flags: int = re.VERBOSE) -> re.Pattern[str]:
    """Compile a verbose pattern with its {PARTS} filled in."""
    while any(part in pattern for part in _PARTS):
        for part, text in _PARTS.items():
            pattern = pattern.replace(part, text)
    return re.compile(pattern, flags)


# The scheme stays when it is a known one; anything else after the colon is masked whole.
_AUTH_SCHEMES = frozenset(
    {"apikey", "aws4-hmac-sha256", "basic", "bearer", "bot", "digest", "jwt", "kerberos"}
    | {"key", "negotiate", "ntlm", "oauth", "sharedkey", "ssws", "token"}
)
_AUTHORIZATION = _compile(
    r"""{START}(?:proxy-)?authorization{Q}?[ \t]*[:=][ \t]*{Q}?
    (?:(?:{SCHEMES})[ \t]+(?=[^\s"'\\]))?
    (?P<value>[^\s"'\\](?:[^\r\n"'\\]*[^\s"'\\])?)""".replace(
        "{SCHEMES}", "|".join(sorted(_AUTH_SCHEMES))
    ),
    re.VERBOSE | re.IGNORECASE,
)
# A Cookie header's value holds every cookie; a Set-Cookie header's, one cookie (its Path,
# Expires, ... attributes stay).
_COOKIE = _compile(
    r"""{START}(?:cookie{Q}?[ \t]*:[ \t]*{Q}?(?P<value>[^\r\n"'\\]+)
    | set-cookie{Q}?[ \t]*:[ \t]*{Q}?(?P<one>[^\s;"'\\]+))""",
    re.VERBOSE | re.IGNORECASE,
)
_COOKIE_PAIR = re.compile(r"(?P<name>[^=;,\s]+)=(?P<value>[^;\s]+)")
# `Password=my pass;` (SQL Server, .NET) and `PWD={a;b};` (ODBC): the value runs to the `;`.
_CONNECTION_STRING = _compile(
    r"""{START}(?:password|pwd)[ \t]*=[ \t]*
    (?P<value>\{[^}\r\n]*\}|[^\s;="'{][^;=\r\n"']*?)(?=;)""",
    re.VERBOSE | re.IGNORECASE,
)
# MySQL `IDENTIFIED [WITH plugin] BY|AS '...'`, PostgreSQL `[ENCRYPTED] PASSWORD '...'`.
_SQL = _compile(
    r"""{START}
    (?:identified(?:[ \t]+with[ \t]+(?:'[^'\r\n]*'|[\w$]+))?[ \t]+(?:by|as)(?:[ \t]+password)?
      | password)
    [ \t]+(?P<value>'(?:[^'\\\r\n]|\\.|'')*'|"(?:[^"\\\r\n]|\\.)*")""",
    re.VERBOSE | re.IGNORECASE,
)
# The key patterns find any key; whether it names a secret is checked in Python.
_XML_ELEMENT = _compile(
    r"""<(?P<tag>(?:[\w.-]+:)?{KEY})(?:[ \t][^<>\r\n]*)?>
    (?P<value><!\[CDATA\[.{0,1024}?\]\]>|[^<\r\n]+)</(?P=tag)[ \t]*>"""
)
# In one pass: `key=value`, `"key": value` (JSON, Python), `key: value` (YAML, headers),
# `"key" => value` (Ruby), `[key] => value` (PHP) and `--key value` (a command line).
# A match ends at the separator: the value is read only after a secret's name, so any
# other key leaves its value to be searched in turn (`next=https://h/cb?token=x`).
_KEY_VALUE = _compile(
    r"""{START}(?:(?P<flag>--?)|(?P<open>{Q}|\[))?{KEY}(?P<close>{Q}|\])?
    (?P<sep>(?(flag)[ \t]+(?!-)|[ \t]*(?:=>?|:)[ \t]*))"""
)
_VALUE = _compile("{VALUE}")
# After a bare `key: value`, a plain word (not itself a key) means prose: "passwd:
# Authentication token manipulation error", "passwd: password updated successfully". So
# does a mask, whatever follows it, so that a second pass decides as the first did.
_PROSE = re.compile(r"[ \t]+(?:" + _MASKED + r"|[A-Za-z][\w'-]*+(?![ \t]*[:=]))")
# `<add key="DbPassword" value="x"/>`, `{"name": "DB_PASSWORD", "value": "x"}`, and a
# Kubernetes env list: `- name: DB_PASSWORD` with `value: x` on the next line.
_NAME_VALUE = _compile(
    r"""{START}{Q}?(?:name|key){Q}?[ \t]*[:=][ \t]*(?P<q>{Q}?){KEY}(?P=q)
    [ \t]*,?[ \t]*(?:\r?\n[ \t]*(?:-[ \t]+)?)?{Q}?value{Q}?[ \t]*[:=][ \t]*{VALUE}""",
    re.VERBOSE | re.IGNORECASE,
)
_URL_CREDENTIALS = re.compile(
    r"""(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://"""  # the scheme
    r"""[^\s:/?#@"'<>]*:(?P<value>[^\s/?#"'<>]+)(?=@)"""  # user:password@
)

# Tokens known by their shape, each with its hints; the `keep` group (a prefix) stays.
_TOKEN_START = r"(?:(?<![\w\\-])" + _NOT_AFTER_MASK + r"|(?<=\\[nrt]))"
_SHAPES = tuple(
    (re.compile(pattern.replace("{START}", _TOKEN_START)), hints)
    for pattern, hints in (
        (r"{START}(?P<keep>xox[abposre]-|xapp-)[0-9A-Za-z-]{8,}", ("xox", "xapp")),  # Slack
        (r"{START}(?P<keep>gh[pousr]_)[A-Za-z0-9]{30,}", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
        (r"{START}(?P<keep>github_pat_)[A-Za-z0-9_]{20,}", ("github_pat_",)),
        (r"{START}(?P<keep>glpat-)[\w-]{20,}", ("glpat-",)),  # GitLab
        (r"{START}(?P<keep>AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])", ("akia", "asia")),  # AWS
        (r"{START}(?P<keep>AIza)[\w-]{35}(?![\w-])", ("aiza",)),  # Google API key
        (r"(?P<keep>hooks\.slack\.com/(?:services|workflows|triggers)/)[\w/-]+", ("hooks.slack",)),
        (r"{START}(?P<keep>)eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*", ("eyj",)),  # JWT
    )
)

# Addresses.
_HEX = "[0-9A-Fa-f]"
# 00:50:56:9a:12:34 (also 0:50:56:... as arpwatch prints it), 00-50-56-9A-12-34, 0050.569a.1234
MAC_ADDRESS = re.compile(
    rf"(?<!\w){_NOT_AFTER_MASK}(?:"
    rf"(?<!{_HEX}:){_NOT_AFTER_MASK_COLON}(?:{_HEX}{{1,2}}:){{5}}{_HEX}{{1,2}}(?!\w|:{_HEX})"
    rf"|(?<!{_HEX}-)(?:{_HEX}{{2}}-){{5}}{_HEX}{{2}}(?!\w|-{_HEX})"
    rf"|(?<!\.)(?:{_HEX}{{4}}\.){{2}}{_HEX}{{4}}(?!\w|\.{_HEX})){_NOT_BEFORE_MASK}"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# Four octets, not in a longer dotted run: not 7.0.3, 1.2.3.4.5 or 256.1.1.1.
_IPV4 = re.compile(
    rf"(?<![\w.]){_NOT_AFTER_MASK}(?:{_OCTET}\.){{3}}{_OCTET}(?!\w|\.\d){_NOT_BEFORE_MASK}"
)
# A run of hex digits and colons, two colons at least, maybe with a dotted IPv4 tail;
# ipaddress decides, so a time (07:12:03) stays.
_IPV6_CANDIDATE = re.compile(
    r"(?<![\w:.])" + _NOT_AFTER_MASK + r"(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)(?=:*[0-9A-Fa-f])"
    r"(?:[0-9A-Fa-f:]*:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*[0-9A-Fa-f]|[0-9A-Fa-f:]*::)"
    r"(?!\w|\.\d|:[\w:])" + _NOT_BEFORE_MASK
)

# Armored keys.
_ARMOR_BEGIN = re.compile(
    r"-----BEGIN ([A-Z0-9]+(?: [A-Z0-9]+)*)-----|---- BEGIN ([A-Z0-9 ]+?) ----"
)
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_LONE_BASE64 = re.compile(r"([ \t]*)[A-Za-z0-9+/]{40,}={0,2}([ \t\r]*)")
_GLUED_BASE64 = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]+={0,2}\Z")
_ARMOR_HEADER = re.compile(r"(?:Proc-Type|DEK-Info|Comment|Version|Hash):", re.IGNORECASE)
_LAST_TOKEN = re.compile(r"(?<!\S)\S+(?=\s*\Z)")


# --- Replacements --------------------------------------------------------------------------


def _mask_bare(value: str) -> str:
    """MASK for a secret value; empty, null-like or already masked values stay.

    >>> _mask_bare("hunter2"), _mask_bare("null"), _mask_bare(MASK)
    ('[redacted]', 'null', '[redacted]')
    """
    stripped = value.strip()
    if not stripped or stripped.lower() in _NOT_SECRETS or _MASKED_RE.search(value):
        return value
    return MASK


def _mask_token(token: str) -> str:
    """Mask a value, keeping the quotes around it (JSON stays JSON).

    >>> print(_mask_token('"hunter2"'), _mask_token(r'\\"x\\"'), _mask_token("'open"))
    "[redacted]" \\"[redacted]\\" '[redacted]
    """
    for quote in ('\\"', "\\'", '"', "'"):
        if len(token) >= 2 * len(quote) and token.startswith(quote) and token.endswith(quote):
            return quote + _mask_bare(token[len(quote) : -len(quote)]) + quote
    if token[:1] in ('"', "'"):  # a quote left open (a cut line)
        return token[0] + _mask_bare(token[1:])
    return _mask_bare(token)


def _replace_group(match: re.Match[str], group: str, replacement: str) -> str:
    """The matched text with one named group replaced."""
    start, end = match.span(group)
    whole, base = match.group(0), match.start()
    return whole[: start - base] + replacement + whole[end - base :]


def _value(match: re.Match[str]) -> str:
    """The match with its ``value`` group masked."""
    return _replace_group(match, "value", _mask_token(match.group("value")))


def _named(match: re.Match[str]) -> str:
    """The match with its value masked when its ``key`` names a secret."""
    return _value(match) if _names_secret(match.group("key")) else match.group(0)


def _secret_value(match: re.Match[str]) -> re.Match[str] | None:
    """The value a _KEY_VALUE match assigns to a secret; None when it assigns none. A bare
    ``key: value`` (no quotes around the key) needs a strong name, a blank after the colon
    (not ``pam_unix(passwd:chauthtok)``) and no prose after the value (not
    ``msg="password: changed successfully"``)."""
    key = match.group("key")
    if not _names_secret(key):
        return None
    sep = match.group("sep")
    bare_colon = ":" in sep and not match.group("flag")
    bare_colon = bare_colon and not (match.group("open") and match.group("close"))
    if bare_colon and not (sep.endswith((" ", "\t")) and _names_secret(key, strong_only=True)):
        return None
    value = _VALUE.match(match.string, match.end())
    if value is None or (bare_colon and _PROSE.match(match.string, value.end())):
        return None
    if key.lower() == "pwd" and value.group().startswith(("/", "~")):
        return None  # PWD=/home/app: the shell's directory
    return value


def _mask_key_values(line: str) -> str:
    """Mask the values _KEY_VALUE finds assigned to secrets; one pass, skipping each value
    once masked."""
    parts, done, position = [], 0, 0
    while (match := _KEY_VALUE.search(line, position)) is not None:
        position = match.end()
        value = _secret_value(match)
        if value is not None:
            parts += [line[done : value.start()], _mask_token(value.group())]
            done = position = value.end()
    return "".join([*parts, line[done:]]) if parts else line


def _authorization(match: re.Match[str]) -> str:
    """The credentials after an Authorization header's scheme, all of them even when a mask
    is among them; a scheme alone (the token missing, which is worth seeing) stays."""
    value = match.group("value")
    if value.lower() in _AUTH_SCHEMES or _MASKED_RE.fullmatch(value):
        return match.group(0)
    return _replace_group(match, "value", MASK)


def _cookie(match: re.Match[str]) -> str:
    """The value of every cookie in a Cookie or Set-Cookie header's value."""
    group = "value" if match.group("value") is not None else "one"
    value = _COOKIE_PAIR.sub(
        lambda pair: _replace_group(pair, "value", _mask_bare(pair.group("value"))),
        match.group(group),
    )
    return _replace_group(match, group, value)


def _shape(match: re.Match[str]) -> str:
    """A token known by its shape: its telling prefix, then MASK."""
    return match.group("keep") + MASK


def _ipv6(match: re.Match[str]) -> str:
    """IP_MASK for a valid IPv6 address; anything else (``a:b:c``, a time) stays."""
    try:
        ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return match.group(0)
    return IP_MASK


def _substitute(pattern: re.Pattern[str], replacement: _Replacement) -> Callable[[str], str]:
    """``pattern.sub(replacement, line)`` as a function of the line."""
    return functools.partial(pattern.sub, replacement)


# Applied in order, to one line at a time, each when the lower-cased line holds one of its
# hints (the usual spelling: `Password = a b;` is left to _KEY_VALUE, which masks the `a`).
_LINE_RULES: tuple[tuple[Callable[[str], str], tuple[str, ...]], ...] = (
    (_substitute(_AUTHORIZATION, _authorization), ("authorization",)),
    (_substitute(_COOKIE, _cookie), ("cookie",)),
    (_substitute(_CONNECTION_STRING, _value), ("password=", "pwd=")),
    (_substitute(_SQL, _value), ("identified", "password '", 'password "')),
    (_substitute(_XML_ELEMENT, _named), _NAME_HINTS),
    (_mask_key_values, _NAME_HINTS),
    (_substitute(_URL_CREDENTIALS, _value), ("@",)),
    *((_substitute(shape, _shape), hints) for shape, hints in _SHAPES),
)
# Hint -> the indexes of the line rules it calls for.
_RULES_BY_HINT = {
    hint: tuple(index for index, (_, hints) in enumerate(_LINE_RULES) if hint in hints)
    for hint in sorted({hint for _, hints in _LINE_RULES for hint in hints})
}
_ADDRESS_RULES: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    (MAC_ADDRESS, MAC_MASK),
    (_IPV6_CANDIDATE, _ipv6),
    (_IPV4, IP_MASK),
)


# --- Lines ---------------------------------------------------------------------------------


def _mask_line_once(line: str) -> str:
    """One line through the line rules whose hints it holds."""
    lowered = line.lower()
    called = {index for hint, rules in _RULES_BY_HINT.items() if hint in lowered for index in rules}
    for index in sorted(called):
        line = _LINE_RULES[index][0](line)
    return line


def _mask_line(line: str) -> str:
    """One line through the line rules until they change nothing more (a rule may mask what
    another read as context: ``token: Cookie: a=b``), so a second redact changes nothing.
    Each pass masks more, and a line without secrets takes one.

    >>> _mask_line("login ok for bob"), _mask_line("--db-password s3cr3t --verbose")
    ('login ok for bob', '--db-password [redacted] --verbose')
    """
    for _ in range(MAX_LINE_PASSES):
        masked = _mask_line_once(line)
        if masked == line:
            break
        line = masked
    return line


def _mask_span(text: str) -> str:
    """Mask the non-blank middle of a span, keeping the whitespace around it.

    >>> _mask_span("  MIIEvQ==\\r"), _mask_span("  ")
    ('  [redacted]\\r', '  ')
    """
    stripped = text.strip()
    if not stripped or _MASKED_RE.fullmatch(stripped):
        return text
    start = text.index(stripped)
    return text[:start] + MASK + text[start + len(stripped) :]


def _mask_body_line(line: str) -> str:
    """A line inside a private key block: masked whole when it is bare base64, else on its
    last word (a log prefix ``Jan 1 host app: MIIE...``, an armor header's value).

    >>> _mask_body_line("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), _mask_body_line("app: MIIEvQ==")
    ('[redacted]', 'app: [redacted]')
    """
    stripped = line.strip()
    if not stripped or _MASKED_RE.search(line):
        return line
    if _BASE64_LINE.fullmatch(stripped):
        return _mask_span(line)
    return _LAST_TOKEN.sub(MASK, line, count=1)


def _is_body_line(line: str) -> bool:
    """Could this line still belong to a key block whose END never comes (a cut log)?"""
    stripped = line.strip()
    return (
        not stripped
        or _BASE64_LINE.fullmatch(stripped) is not None
        or _MASKED_RE.fullmatch(stripped) is not None
        or _ARMOR_HEADER.match(stripped) is not None
    )


def _find_end(lines: list[str], start: int, marker: str) -> int | None:
    """Index of the line holding ``marker`` within MAX_BLOCK_LINES; None when another block
    begins first or it never comes."""
    for index in range(start, min(len(lines), start + MAX_BLOCK_LINES)):
        if marker in lines[index]:
            return index
        if _ARMOR_BEGIN.search(lines[index]):
            return None
    return None


def _mask_lone_base64(line: str) -> str:
    """A line that is only 40 or more base64 characters (a key shown line by line).

    >>> _mask_lone_base64("    MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt")
    '    [redacted]'
    """
    match = _LONE_BASE64.fullmatch(line)
    return match.group(1) + MASK + match.group(2) if match else line


def _armor(begin: re.Match[str]) -> tuple[str, bool]:
    """The END marker that closes a BEGIN line, and whether the block holds a private key."""
    label = begin.group(1) or begin.group(2)
    marker = f"-----END {label}-----" if begin.group(1) else f"---- END {label} ----"
    return marker, "PRIVATE" in label


# A block left open at the end of a line: where its body starts, its END marker, whether
# it is private.
_OpenBlock = tuple[int, str, bool]


def _mask_inline_blocks(line: str, start: int = 0) -> tuple[str, _OpenBlock | None]:
    """Mask the private key blocks that begin and end on this line (from ``start``), e.g.
    with JSON-escaped newlines; return it with the block it leaves open, if any."""
    parts, done, open_block = [], 0, None
    while (begin := _ARMOR_BEGIN.search(line, start)) is not None:
        marker, private = _armor(begin)
        end = line.find(marker, begin.end())
        if end < 0:
            open_block = begin.end(), marker, private
            break
        if private:
            parts += [line[done : begin.end()], _mask_span(line[begin.end() : end])]
            done = end
        start = end + len(marker)
    if not parts:
        return line, open_block
    masked = "".join([*parts, line[done:]])
    if open_block is not None:  # shifted by the masks before it
        open_block = (open_block[0] + len(masked) - len(line), *open_block[1:])
    return masked, open_block


def _mask_blocks(lines: list[str]) -> list[str]:
    """Private key blocks masked body line by body line, lone base64 lines elsewhere;
    certificate and public key blocks stay whole."""
    lines = list(lines)
    index, start = 0, 0
    while index < len(lines):
        line, open_block = _mask_inline_blocks(lines[index], start)
        lines[index], start = _mask_lone_base64(line), 0
        if open_block is None:
            index += 1
            continue
        body_start, marker, private = open_block
        if private:
            lines[index] = line[:body_start] + _mask_span(line[body_start:])
        end = _find_end(lines, index + 1, marker)
        if end is None:  # cut off: the block runs on while lines look like its body
            index += 1
            while index < len(lines) and _is_body_line(lines[index]):
                if private:
                    lines[index] = _mask_body_line(lines[index])
                index += 1
            continue
        if private:
            for body_line in range(index + 1, end):
                lines[body_line] = _mask_body_line(lines[body_line])
            closing = lines[end]
            at = closing.find(marker)  # base64 glued to END (a lost line break) goes too
            lines[end] = _GLUED_BASE64.sub(MASK, closing[:at], count=1) + closing[at:]
        index, start = end, lines[end].find(marker) + len(marker)  # more may follow END
    return lines


# --- Public --------------------------------------------------------------------------------


def redact(text: str, addresses: bool = False) -> str:
    """Mask secrets in text (one line or many). With addresses=True also mask IPv4, IPv6
    and MAC addresses (as [ip] and [mac]).

    Names stay, values go; the line count never changes.

    >>> redact('{"user": "svc", "password": "hunter2", "token": null}')
    '{"user": "svc", "password": "[redacted]", "token": null}'
    >>> redact("git clone https://oauth2:glpat-aaaaBBBBccccDDDDeeee@gitlab.example.com/x.git")
    'git clone https://oauth2:[redacted]@gitlab.example.com/x.git'
    >>> redact("arp: 10.0.0.7 is-at 00:50:56:9a:12:34 (fe80::1)", addresses=True)
    'arp: [ip] is-at [mac] ([ip])'
    >>> redact("vCenter 7.0.3 build 21477706 at 07:12:03", addresses=True)
    'vCenter 7.0.3 build 21477706 at 07:12:03'
    """
    text = "\n".join(_mask_line(line) for line in _mask_blocks(text.split("\n")))
    if "value" in text.lower():  # a name on one line, its value on the next
        text = _NAME_VALUE.sub(_named, text)
    if addresses:
        for pattern, replacement in _ADDRESS_RULES:
            text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class Redactor:
    """``redact`` with its flag held: one per destination.

    >>> to_slack = Redactor(addresses=True)
    >>> to_slack("token=abc123 from 192.168.1.20")
    'token=[redacted] from [ip]'
    >>> to_slack.changed("all quiet"), to_slack.changed("pwd=x;")
    (False, True)
    """

    addresses: bool = False

    def __call__(self, text: str) -> str:
        """The text with its secrets (and, with ``addresses``, its addresses) masked."""
        return redact(text, addresses=self.addresses)

    def changed(self, text: str) -> bool:
        """Does the text hold anything this redactor masks?"""
        return self(text) != text
