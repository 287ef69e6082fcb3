"""The client profile as attorneys submit it (the body of POST /v1/clients)."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from contracts.countries import UnknownCountryError, country_code
from contracts.profile import DIRECT_IDENTIFIERS  # noqa: F401 (re-exported)
from shared.strict_fields import StrictBoolean, StrictFloat, StrictInteger

DEGREES = ("none", "high_school", "associate", "bachelors", "masters", "doctorate", "professional")
AWARD_LEVELS = ("major_international", "international", "national", "regional", "institutional")
EMPLOYER_TYPES = ("for_profit", "university", "affiliated_nonprofit", "nonprofit_research",
                  "government_research", "nonprofit_other")
FOREIGN_ROLES = ("executive", "manager", "specialized_knowledge", "other")
US_ROLES = ("executive", "manager", "specialized_knowledge", "individual_contributor", "other")
CLIENT_STATUSES = ("active", "archived")
AWARD_OUTCOMES = ("won", "nominated")
AWARD_RECIPIENTS = ("client", "client_team", "someone_coached_or_supervised")
AWARD_KINDS = ("open_competition", "professional_honor", "employer_internal", "student",
               "vendor_or_listing")
MEMBERSHIP_ADMISSIONS = ("outstanding_achievement", "credentials_or_experience",
                         "dues_or_application")
OUTLET_TYPES = ("major_media", "professional_or_trade", "general_or_local",
                "press_release_or_own_channel", "academic_citation")
CONTRIBUTION_EVIDENCE = ("widely_cited", "adopted_by_industry", "licensed_or_commercialised",
                         "independent_expert_letters", "funded_by_others", "media_about_it")
GOAL_OBJECTIVES = ("work_visa_now", "green_card", "both")
URGENCIES = ("low", "normal", "high")
US_STATES = ("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
             "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
             "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
             "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP")
FIELD_CATEGORIES = ("sciences", "education", "business", "athletics", "arts",
                    "motion_picture_tv", "other")

_count = StrictInteger(validate=validate.Range(min=0, max=1_000_000), allow_none=True)
_money = StrictFloat(validate=validate.Range(min=0, max=1e11), allow_none=True)
_text = dict(validate=validate.Length(max=300), allow_none=True)
_year = StrictInteger(validate=validate.Range(min=1900, max=2100), allow_none=True)


def _born_by_today(day: date) -> None:
    # Today anywhere on Earth (UTC+14 is the furthest ahead) is not the future.
    if day > (datetime.now(UTC) + timedelta(hours=14)).date():
        raise ValidationError("The date of birth can't be in the future.")


class Country(fields.String):
    """An ISO 3166-1 country: a code, name or demonym on input, the alpha-2 code stored."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return country_code(text)
        except UnknownCountryError as exc:
            raise ValidationError(str(exc)) from exc


class AwardSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    level = fields.String(required=True, validate=validate.OneOf(AWARD_LEVELS))
    year = _year
    outcome = fields.String(validate=validate.OneOf(AWARD_OUTCOMES), allow_none=True)
    awarded_to = fields.String(validate=validate.OneOf(AWARD_RECIPIENTS), allow_none=True)
    kind = fields.String(validate=validate.OneOf(AWARD_KINDS), allow_none=True)


class MembershipSchema(Schema):
    organization = fields.String(required=True, validate=validate.Length(min=1, max=300))
    selective = StrictBoolean(load_default=False)
    admission = fields.String(validate=validate.OneOf(MEMBERSHIP_ADMISSIONS), allow_none=True)


class MediaCoverageSchema(Schema):
    outlet = fields.String(required=True, validate=validate.Length(min=1, max=300))
    title = fields.String(**_text)
    about_client = StrictBoolean(load_default=True)
    outlet_type = fields.String(validate=validate.OneOf(OUTLET_TYPES), allow_none=True)
    circulation = StrictInteger(validate=validate.Range(min=0, max=10_000_000_000),
                                allow_none=True)
    passing_mention = StrictBoolean(allow_none=True)


class GoalsSchema(Schema):
    objective = fields.String(validate=validate.OneOf(GOAL_OBJECTIVES), allow_none=True)
    urgency = fields.String(validate=validate.OneOf(URGENCIES), allow_none=True)
    preferred_visa_types = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                                       validate=validate.Length(max=10))


class CriticalRoleSchema(Schema):
    organization = fields.String(required=True, validate=validate.Length(min=1, max=300))
    role = fields.String(required=True, validate=validate.Length(min=1, max=300))
    distinguished_organization = StrictBoolean(load_default=False)


class JobOfferSchema(Schema):
    employer = fields.String(**_text)
    title = fields.String(**_text)
    annual_wage_usd = _money
    employer_type = fields.String(validate=validate.OneOf(EMPLOYER_TYPES), allow_none=True)
    specialty_occupation = StrictBoolean(allow_none=True)
    permanent = StrictBoolean(allow_none=True)
    tenure_track = StrictBoolean(allow_none=True)
    us_entity_years_doing_business = fields.Float(validate=validate.Range(min=0, max=300),
                                                  allow_none=True)
    worksite_city = fields.String(validate=validate.Length(max=100), allow_none=True)
    worksite_state = fields.String(validate=validate.OneOf(US_STATES), allow_none=True)
    worksite_county = fields.String(validate=validate.Length(max=100), allow_none=True)
    soc_code = fields.String(validate=validate.Regexp(r"^\d{2}-\d{4}(\.\d{2})?$",
                                                      error="an SOC code such as 15-1252"),
                             allow_none=True)
    role = fields.String(validate=validate.OneOf(US_ROLES), allow_none=True)

    @validates_schema
    def check_worksite_county_has_a_state(self, data, **kwargs):
        if data.get("worksite_county") and not data.get("worksite_state"):
            raise ValidationError("give the worksite's state with its county", "worksite_state")


class ForeignEmploymentSchema(Schema):
    employer = fields.String(**_text)
    affiliated_with_us_employer = StrictBoolean(allow_none=True)
    months_in_last_3_years = StrictInteger(validate=validate.Range(min=0, max=36),
                                            allow_none=True)
    role = fields.String(validate=validate.OneOf(FOREIGN_ROLES), allow_none=True)


class ClientProfileSchema(Schema):
    """Every field an attorney can record; only the names are required."""

    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    email = fields.Email(allow_none=True)
    phone = fields.String(validate=validate.Length(max=40), allow_none=True)
    date_of_birth = fields.Date(allow_none=True, validate=_born_by_today,
                                metadata={"description": "not in the future"})
    country_of_birth = Country(validate=validate.Length(max=80), allow_none=True)
    citizenships = fields.List(Country(validate=validate.Length(min=1, max=80)),
                               validate=validate.Length(max=5))
    current_location = fields.String(**_text)
    current_us_status = fields.String(validate=validate.Length(max=40), allow_none=True)
    highest_degree = fields.String(validate=validate.OneOf(DEGREES), allow_none=True)
    field_of_study = fields.String(**_text)
    university = fields.String(**_text)
    graduation_year = _year
    current_job_title = fields.String(**_text)
    current_employer = fields.String(**_text)
    years_of_experience = StrictFloat(validate=validate.Range(min=0, max=80), allow_none=True)
    annual_salary_usd = _money
    publications_count = _count
    citations_count = _count
    h_index = _count
    patents_count = _count
    awards = fields.List(fields.Nested(AwardSchema), validate=validate.Length(max=100))
    memberships = fields.List(fields.Nested(MembershipSchema), validate=validate.Length(max=100))
    media_coverage = fields.List(fields.Nested(MediaCoverageSchema),
                                 validate=validate.Length(max=100))
    judging_count = _count
    original_contributions = fields.List(fields.String(validate=validate.Length(min=1, max=1000)),
                                         validate=validate.Length(max=50))
    critical_roles = fields.List(fields.Nested(CriticalRoleSchema),
                                 validate=validate.Length(max=50))
    job_offer = fields.Nested(JobOfferSchema, allow_none=True)
    foreign_employment = fields.Nested(ForeignEmploymentSchema, allow_none=True)
    investment_usd = _money
    investment_in_tea = StrictBoolean(allow_none=True)
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                         validate=validate.Length(max=100))
    languages = fields.List(fields.String(validate=validate.Length(min=1, max=60)),
                            validate=validate.Length(max=30))
    notes = fields.String(validate=validate.Length(max=10_000), allow_none=True)
    # Fields the full catalogue needs (arts, research, investors, disqualifiers).
    field_category = fields.String(validate=validate.OneOf(FIELD_CATEGORIES), allow_none=True)
    research_experience_years = fields.Float(validate=validate.Range(min=0, max=80),
                                             allow_none=True)
    lead_roles_count = _count
    exhibitions_count = _count
    expert_recognition_count = _count
    commercial_successes = fields.List(fields.String(validate=validate.Length(min=1, max=300)),
                                       validate=validate.Length(max=50))
    ownership_percent = fields.Float(validate=validate.Range(min=0, max=100), allow_none=True)
    investment_at_risk = fields.Boolean(allow_none=True)
    lawful_source_documented = fields.Boolean(allow_none=True)
    jobs_to_create = _count
    j1_home_residence_requirement = fields.Boolean(allow_none=True)
    j1_waiver_obtained = fields.Boolean(allow_none=True)
    immigrant_intent_filed = fields.Boolean(allow_none=True)
    # Fields the judgement of each requirement rests on (issue 12).
    counted_against_h1b_cap = StrictBoolean(allow_none=True)
    goals = fields.Nested(GoalsSchema, allow_none=True)
    professional_license = StrictBoolean(allow_none=True)
    judging_completed_count = _count
    contribution_evidence = fields.List(fields.String(validate=validate.OneOf(
        CONTRIBUTION_EVIDENCE)), validate=validate.Length(max=len(CONTRIBUTION_EVIDENCE)))
    proposed_endeavor = fields.String(validate=validate.Length(max=2000), allow_none=True)
    endeavor_funding_usd = _money
    founder = StrictBoolean(allow_none=True)
    # Degree equivalency and chargeability (issue 12, round 2).
    bachelors_program_years = StrictFloat(validate=validate.Range(min=1, max=7), allow_none=True)
    degree_country = Country(validate=validate.Length(max=80), allow_none=True)
    spouse_country_of_birth = Country(validate=validate.Length(max=80), allow_none=True)

    @validates_schema
    def check_graduation_is_not_in_future_of_birth(self, data, **kwargs):
        dob, grad = data.get("date_of_birth"), data.get("graduation_year")
        if dob and grad and grad < dob.year:
            raise ValidationError("graduation year is before the date of birth",
                                  "graduation_year")


PROFILE_FIELDS = tuple(ClientProfileSchema().fields)


def load_profile(data, *, partial: bool = False) -> dict:
    """Validate a submitted profile and return it as plain JSON values.

    Raises marshmallow.ValidationError with a message per field.
    """
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["the body must be a JSON object"]})
    schema = _schema(partial)
    return schema.dump(schema.load(data))


@functools.cache
def _schema(partial: bool) -> ClientProfileSchema:
    # Built once per process (building one cost more than loading a profile with it); a
    # schema keeps no state between loads. Only top-level fields become optional: a
    # submitted award still needs its name.
    return ClientProfileSchema(partial=PROFILE_FIELDS if partial else False)
