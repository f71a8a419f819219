"""Loads and saves documents, their render jobs and the upstream slices documents print."""

from services.documents.adapters.repository.documents import (
    DocumentFilter,
    Documents,
    LatestVersion,
    LatestVersionFilter,
)
from services.documents.adapters.repository.jobs import QueueStats, RenderJobs
from services.documents.adapters.repository.reference import ReferenceData

__all__ = [
    "DocumentFilter",
    "Documents",
    "LatestVersion",
    "LatestVersionFilter",
    "QueueStats",
    "ReferenceData",
    "RenderJobs",
]
