"""jalint: a Japanese proofreading and consistency linter."""

__version__ = "0.1.0"
