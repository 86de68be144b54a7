"""Patient records and CDS feedback: SQLite or PostgreSQL persistence, API tokens, audit trail, backup, restore."""

from nerveroot.records.models import (
    AuditEntry,
    CdsFeedback,
    CdsFeedbackIn,
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
    "CdsFeedback",
    "CdsFeedbackIn",
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
