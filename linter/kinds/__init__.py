"""The rule kinds.  Every YAML rule is an instance of one of them.

A kind module has ``KEYS`` (the keys it accepts besides the common ones) and
``compile(spec) -> checker``; a checker has ``check(document, rule)`` yielding
``Hit``s.  Kinds never print and never read files.  A checker whose check looks
across sentences (a count over the document, the sentence before) sets
``document_wide = True``, and ``reads_tokens = False`` if it reads no tokens: a huge
document is otherwise checked a window of sentences at a time (analysis.analyse).
"""
from . import builtin, consistency, existence, homophone, metric, sequence, substitution

KINDS = {
    "substitution": substitution,
    "existence": existence,
    "sequence": sequence,
    "metric": metric,
    "consistency": consistency,
    "homophone": homophone,
    "builtin": builtin,
}
