"""Errors the write model raises when a command breaks a rule."""


class DomainError(Exception):
    """A command was refused by the domain."""


class ClientNotFoundError(DomainError):
    """No client with that id in this firm."""


class CheckNotFoundError(DomainError):
    """No eligibility check with that id in this firm."""


class ClientArchivedError(DomainError):
    """The client is archived: it cannot be edited or checked."""


class CheckAlreadyConcludedError(DomainError):
    """The check already has its result or its failure."""
