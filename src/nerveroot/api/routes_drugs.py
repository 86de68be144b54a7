"""GET /api/drugs/profile/{key}: every drug option, in full, for one drug-safety profile and phase.

The /api/assess summary names its drug options by profile key and links here; the key encodes the profile
itself, so any worker answers it without shared state.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from nerveroot.api.deps import Kb
from nerveroot.api.errors import ERROR_RESPONSES
from nerveroot.assessment.drugs import EGFR_BANDS, FACTORS, DrugOption, Jurisdiction, SafetyProfile, profile_options

router = APIRouter(tags=["assessment"])
KEY_PATTERN = f"^[pau]{{{len(FACTORS)}}}[0-{len(EGFR_BANDS)}u][acu]?$"


@router.get(
    "/api/drugs/profile/{key}",
    summary="Drug options for a safety profile",
    response_model=list[DrugOption],
    responses=ERROR_RESPONSES,
)
def drug_profile(
    kb: Kb,
    key: Annotated[
        str,
        Path(
            pattern=KEY_PATTERN,
            description=f"One letter per safety factor ({', '.join(FACTORS)}), p present, a absent, u unknown; "
            f"then the eGFR band: how many of {', '.join(map(str, EGFR_BANDS))} the eGFR reaches (u: none recorded); "
            "then the phase: a acute (under 12 weeks), c chronic, u unknown (also when left out: every phase's "
            "advice applies).",
        ),
    ],
    jurisdiction: Annotated[Jurisdiction, Query()] = "UK",
) -> list[DrugOption]:
    """Each drug's status, daily ceiling with its basis, capped doses, cautions, positions and citations."""
    return profile_options(SafetyProfile.from_key(key), kb, jurisdiction)
