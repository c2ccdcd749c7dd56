"""Where the rules are documented: the one place the address is spelled out.  A rule's
anchor is the slug GitHub gives its heading in docs/rules.md (``### misconversion/jousei``
→ ``#misconversionjousei``)."""
from __future__ import annotations

import re
from urllib.parse import quote

HOME_URL = "https://github.com/jalint/jalint"
DOCS_URL = f"{HOME_URL}/blob/main/docs/rules.md"


def rule_anchor(rule_id: str) -> str:
    """Lower case, punctuation other than ``-`` and ``_`` dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", rule_id.strip().lower())
    return slug.replace(" ", "-")


def rule_url(rule_id: str) -> str:
    return f"{DOCS_URL}#{quote(rule_anchor(rule_id))}"
