"""How the Official Journal prints footnote calls, superscripts and amounts, as the text of
the graph keeps them: shared by the readers of the official files (:mod:`aiact_kg.formex`,
:mod:`aiact_kg.eurlex`) and the pages that link each call to its note, which need none of
the readers' XML machinery."""

from __future__ import annotations

import re

_SUPERSCRIPT = str.maketrans("0123456789+-−()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾ⁿ")
_UNSUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


#: The OJ prints a footnote call as the note's number in superscript between brackets, after
#: a no-break space; the text keeps it so ("Council\u00a0⁽⁷⁾") and pages link it to the note.
#: Notes of quoted amending text are called with an asterisk ("⁽*⁾").
FOOTNOTE_CALL = re.compile(r"\u00a0?⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]+|\*)⁾")


def footnote_call(printed_number: str) -> str:
    """The call of a footnote as the text keeps it: "7" -> "\u00a0⁽⁷⁾", "*" -> "\u00a0⁽*⁾"."""
    return "\u00a0⁽" + superscript(printed_number) + "⁾"


def footnote_number(call: str) -> str:
    """The printed number of a footnote call: "⁽⁷⁾" -> "7"."""
    match = FOOTNOTE_CALL.search(call)
    if not match:
        raise ValueError(f"not a footnote call: {call!r}")
    return match.group(1).translate(_UNSUPERSCRIPT)


def grouped_number(digits: str) -> str:
    """An amount as the OJ prints it, thousands apart: "35000000" -> "35\u00a0000\u00a0000"."""
    head, rest = digits[: len(digits) % 3], digits[len(digits) % 3:]
    groups = ([head] if head else []) + [rest[i:i + 3] for i in range(0, len(rest), 3)]
    return "\u00a0".join(groups)


def superscript(text: str) -> str:
    """Superscript as printed: "25" -> "²⁵", so 10^25 stays "10²⁵" and never becomes "1025"."""
    return text.translate(_SUPERSCRIPT)
