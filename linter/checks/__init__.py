"""Python checks used by rules of kind ``builtin``; one module per check."""
from .mixed_style import MixedStyle
from .ra_nuki import RaNuki

CHECKS = {
    "mixed-style": MixedStyle,
    "ra-nuki": RaNuki,
}
