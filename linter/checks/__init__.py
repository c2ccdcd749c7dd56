"""Python checks used by rules of kind ``builtin``; one module per check."""
from .conjugation import INuki, ReTasu, SaIre
from .doubled_conjunction import DoubledConjunction
from .doubled_joshi import DoubledJoshi
from .mixed_period import MixedPeriod
from .mixed_style import MixedStyle
from .ra_nuki import RaNuki
from .unmatched_pair import UnmatchedPair

CHECKS = {
    "mixed-style": MixedStyle,
    "ra-nuki": RaNuki,
    "sa-ire": SaIre,
    "re-tasu": ReTasu,
    "i-nuki": INuki,
    "doubled-conjunction": DoubledConjunction,
    "unmatched-pair": UnmatchedPair,
    "doubled-joshi": DoubledJoshi,
    "mixed-period": MixedPeriod,
}
