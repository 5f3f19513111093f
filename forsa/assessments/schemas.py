"""Schemas of the basic-skills API: answers (``…Out``) and requests (``…In``)."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from forsa.assessments.models import Framework, Kind
from forsa.core.schemas import Count, Date, Id, one_of

LEVEL = "A level of the framework's scale (1 to its number of levels); null when absent."


# Answers ------------------------------------------------------------------------------


class FrameworkOut(Schema):
    id: int
    version: int
    status: one_of(Framework.Status)
    published_at: dt.datetime | None
    levels: int = Field(description="Levels run from 1 to this number.")


class DescriptorOut(Schema):
    level: int
    text_fr: str
    text_ar: str


class CompetencyOut(Schema):
    id: int
    code: str = Field(description="Stable from one version to the next.")
    name_fr: str
    name_ar: str
    reference_level: str


class DomainOut(Schema):
    code: str
    name_fr: str
    name_ar: str
    competencies: list[CompetencyOut]

    @staticmethod
    def resolve_competencies(obj):
        return obj.competencies.all()


class PoleOut(Schema):
    code: str
    name_fr: str
    name_ar: str
    domains: list[DomainOut]

    @staticmethod
    def resolve_domains(obj):
        return obj.domains.all()


class FrameworkTreeOut(FrameworkOut):
    scale: list[DescriptorOut]
    poles: list[PoleOut]


class AssessmentOut(Schema):
    id: int
    group: int
    kind: one_of(Kind)
    date: Date
    framework_version: int
    competencies: list[str] = Field(description="Codes of the competencies assessed.")

    @staticmethod
    def resolve_group(obj):
        return obj.group_id

    @staticmethod
    def resolve_framework_version(obj):
        return obj.framework.version

    @staticmethod
    def resolve_competencies(obj):
        return [c.code for c in obj.competencies.all()]


class AssessmentIn(Schema):
    kind: one_of(Kind)
    date: Date
    competencies: list[str] | None = Field(None, description="Codes; every competency of the framework when "
                                                               "omitted.")


class ResultIn(Schema):
    learner: Id
    competency: Id
    level: Count | None = Field(None, description=LEVEL)
    absent: bool = Field(False, description="Absent at the assessment (not the lowest level).")


class GridIn(Schema):
    results: list[ResultIn] = Field(description="Cells to set; a cell with neither level nor absent is cleared.")


class ResultOut(Schema):
    learner: int
    competency: int
    level: int | None = Field(description=LEVEL)
    absent: bool


class GridLearnerRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj):
        return obj.full_name


class GridOut(Schema):
    assessment: AssessmentOut
    learners: list[GridLearnerRef] = Field(description="Placed in the group on the assessment date.")
    competencies: list[CompetencyOut]
    results: list[ResultOut]


class SavedOut(Schema):
    created: int
    updated: int
    removed: int


class ProgressCell(Schema):
    assessment: int
    level: int | None
    absent: bool


class ProgressRowOut(Schema):
    code: str
    pole: str
    name: str
    cells: list[ProgressCell]


class ProgressOut(Schema):
    learner: int
    assessments: list[AssessmentOut]
    competencies: list[ProgressRowOut]


class IndicatorCell(Schema):
    pole: str
    measured: int | None = Field(description="Learners with a level in the pole at their diagnostic and later; "
                                             "null when suppressed (partner viewers, fewer than 5).")
    gained: int | None = Field(description="Of them, learners whose mean level rose by at least 1.")
    share: float | None = Field(description="gained / measured in %.")


class IndicatorRow(Schema):
    level: Literal["region", "province", "center", "total"]
    id: int | None
    name: str
    cells: list[IndicatorCell]
