"""Monthly data arrives as documented CSV files and becomes a new catalogue version."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from catalogue.imports import CatalogueImportError, import_bulletin, import_processing
from catalogue.loader import PACKAGE_DIR, load_catalogue_from
from eligibility_engine.domain.evaluation import evaluate_profile
from cli.main import main

TODAY = date(2026, 11, 27)
AUGUST = """month,category,chargeability,final_action,source
2026-11,EB-1,default,C,https://travel.state.gov/bulletin-november-2026
2026-11,EB-1,India,2023-01-01,
2026-11,EB-2,default,C,
2026-11,EB-2,IN,2014-01-01,
2026-11,EB-3,default,2024-10-01,
2026-11,EB-3 Other Workers,default,2022-06-01,
2026-11,EB-5 Unreserved,default,C,
2026-11,EB-5 Set-aside,default,C,
"""


@pytest.fixture
def tree(tmp_path) -> Path:
    for part in ("visa_types", "data"):
        shutil.copytree(PACKAGE_DIR / part, tmp_path / part)
    return tmp_path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "import.csv"
    path.write_text(text)
    return path


def test_a_new_bulletin_replaces_the_dates_bumps_the_version_and_clears_the_stale_flag(tree):
    before = load_catalogue_from(tree)
    profile = {"first_name": "A", "last_name": "B", "country_of_birth": "IN",
               "citizenships": ["IN"], "highest_degree": "doctorate"}
    stale = evaluate_profile(profile, before, today=TODAY)

    imported = import_bulletin(write(tree, AUGUST), tree, today=TODAY)

    after = load_catalogue_from(tree)
    fresh = evaluate_profile(profile, after, today=TODAY)
    assert imported["version"] == "2026.11.27-1" == after.version != before.version
    assert after.visa_bulletin["final_action"]["EB-2"]["IN"] == "2014-01-01"
    assert any(f["what"] == "visa_bulletin" for f in stale["verify"])
    assert not any(f["what"] == "visa_bulletin" for f in fresh["verify"])


def test_a_second_import_the_same_day_gets_the_next_version(tree):
    import_bulletin(write(tree, AUGUST), tree, today=TODAY)

    again = import_bulletin(write(tree, AUGUST), tree, today=TODAY)

    assert again["version"] == "2026.11.27-2"


@pytest.mark.parametrize(("text", "message"), [
    ("month,category\n2026-11,EB-1\n", "header must be"),
    (AUGUST.replace("EB-5 Set-aside,default", "EB-9,default"), "unknown category 'EB-9'"),
    (AUGUST.replace("EB-1,India", "EB-1,Narnia"), "unknown country 'Narnia'"),
    (AUGUST.replace("2024-10-01", "October 2024"), "not a date"),
    ("month,category,chargeability,final_action,source\n2026-11,EB-1,IN,C,\n", "no `default` row"),
])
def test_a_malformed_bulletin_names_the_problem_and_changes_nothing(tree, text, message):
    version = load_catalogue_from(tree).version

    with pytest.raises(CatalogueImportError, match=message):
        import_bulletin(write(tree, text), tree, today=TODAY)

    assert load_catalogue_from(tree).version == version


def test_processing_times_replace_the_type_files_ranges(tree):
    csv = ("visa_type,low_months,high_months,as_of,source,estimate\n"
           "O-1A,1,3,2026-11-01,https://egov.uscis.gov/processing-times/,false\n"
           "eb-2-niw,8,16,2026-11-01,,true\n")

    imported = import_processing(write(tree, csv), tree, today=TODAY)

    catalogue = load_catalogue_from(tree)
    assert imported["types"] == 2 and catalogue.version == imported["version"]
    assert catalogue.visa_type("O-1A")["processing"]["regular_months"]["high"] == 3
    assert catalogue.visa_type("EB-2 NIW")["processing"]["regular_months"]["estimate"] is True


def test_processing_rows_must_name_catalogue_types_and_ordered_ranges(tree):
    with pytest.raises(CatalogueImportError, match="no visa type 'EB-9'"):
        import_processing(write(tree, "visa_type,low_months,high_months,as_of,source,estimate\n"
                                      "EB-9,1,2,2026-11-01,,false\n"), tree)
    with pytest.raises(CatalogueImportError, match="above high_months"):
        import_processing(write(tree, "visa_type,low_months,high_months,as_of,source,estimate\n"
                                      "O-1A,5,2,2026-11-01,,false\n"), tree)


def test_the_command_refuses_a_malformed_file_with_exit_status_2(tmp_path, capsys):
    exit_code = main(["catalogue", "import-bulletin", str(write(tmp_path, "nonsense\n"))])

    assert exit_code == 2
    assert "header must be" in capsys.readouterr().err
