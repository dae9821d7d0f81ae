"""Errors of the Hub client and downloads; str(error) is a sentence a person can act on."""

from __future__ import annotations

from app.hub.hf_env import hub_endpoint, hub_library
from app.hub.local.fit_check import gb
from app.hub.local.machine import DISK_MARGIN


class HubError(Exception):
    """Base class: str(error) is complete and user-readable."""


class HubUnreachableError(HubError):
    """The Hub could not be reached (no network, server down, connection lost)."""


class HubNotFoundError(HubError):
    """The repository, revision or file does not exist (or is private)."""


class DownloadCancelledError(HubError):
    def __init__(self) -> None:
        super().__init__("Cancelled. The part already downloaded is kept; Resume continues it.")


class NotEnoughDiskError(HubError):
    def __init__(self, needed: int, free: int, folder: str) -> None:
        super().__init__(
            f"Not enough disk space: this download needs {gb(needed)} more, but only "
            f"{gb(free)} is free in {folder} (and {gb(DISK_MARGIN)} must stay free). "
            "Free some space or pick a smaller file."
        )
        self.needed = needed
        self.free = free


class VerificationError(HubError):
    """The downloaded file is not what the Hub published; it has been deleted."""


def unreachable_message() -> str:
    return (
        f"Can't reach the Hugging Face Hub ({hub_endpoint()}). Check your internet connection; "
        "the models you already have keep working offline."
    )


def translate(error: BaseException, what: str) -> HubError:
    """Map huggingface_hub / httpx exceptions to a HubError about `what` (a repo or file)."""
    hub_library()  # configures the library before its first import
    import httpx
    from huggingface_hub import errors

    if isinstance(error, HubError):
        return error
    if isinstance(error, errors.GatedRepoError):
        return HubError(f"{what} is gated: accept its licence on huggingface.co first.")
    if isinstance(error, errors.RepositoryNotFoundError | errors.RevisionNotFoundError):
        return HubNotFoundError(f"{what} was not found on the Hub (it may be private or renamed).")
    if isinstance(error, errors.RemoteEntryNotFoundError):
        return HubNotFoundError(f"{what} is not on the Hub any more (404).")
    if isinstance(error, errors.HfHubHTTPError):
        status = error.response.status_code if error.response is not None else "?"
        return HubError(f"The Hub answered with an error ({status}) for {what}. Try again later.")
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | errors.OfflineModeIsEnabled):
        return HubUnreachableError(unreachable_message())
    if isinstance(error, httpx.TransportError | errors.FileMetadataError | OSError):
        return HubUnreachableError(
            f"The connection to the Hub was lost while getting {what} ({error}). "
            "Press Resume to continue from where it stopped."
        )
    return HubError(f"Something went wrong with {what}: {error}")
