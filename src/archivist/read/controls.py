"""A quick test for the control characters no page can carry (`readers.decode`,
`checks.unsafe_text`), run on UTF-8 bytes before the regex that finds where one is:
a byte scan is several times faster than a regex over the whole text of a file."""

from __future__ import annotations

import re

# C0 controls other than tab, newline and carriage return, and DEL: each is one byte
# in UTF-8, and no other character's bytes include it.
_C0 = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# C1 controls (U+0080 to U+009F): 0xC2 then 0x80 to 0x9F in UTF-8.
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def may_hold_controls(data: bytes) -> bool:
    """False when UTF-8 `data` holds no C0 control (tab, newline and carriage return
    aside), DEL or C1 control."""
    return len(data.translate(None, _C0)) != len(data) or _C1.search(data) is not None


def may_be_unsafe(text: str) -> bool:
    """False when `text` holds none of those controls and no lone surrogate (which
    UTF-8 cannot encode)."""
    try:
        data = text.encode()
    except UnicodeEncodeError:
        return True
    return may_hold_controls(data)
