"""The rule kinds.  Every YAML rule is an instance of one of them.

A kind module has ``KEYS`` (the keys it accepts besides the common ones) and
``compile(spec) -> checker``; a checker has ``check(document, rule)`` yielding
``Hit``s.  Kinds never print and never read files.
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
