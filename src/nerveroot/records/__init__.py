"""Patient records: SQLite or PostgreSQL persistence, API tokens, audit trail, backup and restore."""

from nerveroot.records.models import (
    AuditEntry,
    Episode,
    EpisodeDetail,
    EpisodeIn,
    Patient,
    PatientIn,
    Score,
    ScoreIn,
    StoredAssessment,
    TokenInfo,
)
from nerveroot.records.settings import data_dir, database_url
from nerveroot.records.store import RecordStore

__all__ = [
    "AuditEntry",
    "Episode",
    "EpisodeDetail",
    "EpisodeIn",
    "Patient",
    "PatientIn",
    "RecordStore",
    "Score",
    "ScoreIn",
    "StoredAssessment",
    "TokenInfo",
    "data_dir",
    "database_url",
]
