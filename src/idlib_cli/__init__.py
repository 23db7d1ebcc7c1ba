"""idlib: a sourced command-line timeline of the conflict over Idlib."""

__version__ = "0.2.0"
