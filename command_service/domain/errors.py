"""Errors the write model raises when a command breaks a rule."""


class DomainError(Exception):
    """A command was refused by the domain."""


class ClientNotFoundError(DomainError):
    """No client with that id in this firm."""


class CheckNotFoundError(DomainError):
    """No eligibility check with that id in this firm."""


class ClientArchivedError(DomainError):
    """The client is archived: it cannot be edited or checked."""


class CheckHasNoResultError(DomainError):
    """The check has not completed, so there is nothing to assess."""


class UnknownCriterionError(DomainError):
    """The assessment names a visa type or criterion the check's result does not have."""


class CheckAlreadyConcludedError(DomainError):
    """The check already has its result or its failure."""


class ClientErasedError(DomainError):
    """The client's personal data was erased: the profile can no longer change."""


class StaleVersionError(DomainError):
    """The caller's If-Match names a version that is no longer the current one."""

    def __init__(self, current_version: int):
        super().__init__(f"the current version is {current_version}")
        self.current_version = current_version


class ClientBusyError(DomainError):
    """Without If-Match, other writes to the client kept landing first until time ran out."""
