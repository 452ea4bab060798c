"""CARP exceptions: the requests that bypass the array (one model for generate, PAC and helper).

:mod:`model` (rules and their checks) -> :mod:`regex` (the portable pattern subset) ->
:mod:`load` (the YAML ``exceptions:`` section, with file:line in every problem) ->
:mod:`match` (precompiled matching for the per-request path).
"""

from squidcarp.exceptions.load import ExceptionsError, exceptions_from_doc, load_exceptions
from squidcarp.exceptions.match import ExceptionMatcher, Match
from squidcarp.exceptions.model import CarpExceptions, DomainRule, NetworkRule, RegexRule

__all__ = [
    "CarpExceptions",
    "DomainRule",
    "ExceptionMatcher",
    "ExceptionsError",
    "Match",
    "NetworkRule",
    "RegexRule",
    "exceptions_from_doc",
    "load_exceptions",
]
