"""Public display names: a person is signed by the name he gave, never by his e-mail.

`display_name_clean` is applied wherever a signature is stored or shown to others (comments,
proposals, news, sessions); an address typed or pre-filled as a name is dropped, and the
caller falls back to «Житель» / «Участник» or the account's stable «Житель № <id>».
"""

from __future__ import annotations

import re

EMAIL_IN_TEXT = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+")


def display_name_clean(name: str | None) -> str:
    """The name with whitespace collapsed, or "" if it contains an e-mail address."""
    clean = " ".join((name or "").split())
    if EMAIL_IN_TEXT.search(clean):
        return ""
    return clean
