"""The results page leads with the answer, explains itself, prints cleanly and hands over a report."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from playwright.sync_api import expect
from tests.support.browser import ARTIFACTS, chromium, web_session
from tests.support.pdf import pdf_pages, presents
from tests.support.profiles import researcher_profile

pytestmark = pytest.mark.browser
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def checked(embedded):
    """One researcher checked once, shared by every test of the module (they only read it)."""
    client, check = embedded.as_attorney(embedded.firm_a).checked_client(
        researcher_profile(last_name="Answered"))
    assert check["status"] == "completed"
    return client, check


@pytest.fixture
def results(browser, embedded, checked):
    client, check = checked
    with web_session(browser, embedded.api.query_url, WIDE) as web:
        web.sign_in(embedded.firm_a.attorney_email, embedded.firm_a.password)
        web.open(f"/clients/{client['id']}")
        expect(web.page.locator(".answer")).to_be_visible(timeout=30_000)
        yield web, client, check
        assert web.errors == [], f"script errors on the page: {web.errors}"


def card(web, visa_type):
    return web.page.locator(f'.result-card[data-visa-type="{visa_type}"]')


def months_words(months: int) -> str:
    if months < 1:
        return "less than a month"
    return f"{months} month{'s' if months != 1 else ''}" if months < 24 else f"{months // 12} years"


def test_the_answer_comes_first_then_the_types_grouped_with_not_eligible_folded_away(results):
    web, _, check = results
    summary, recs = check["summary"], check["recommendations"]
    answer = web.page.locator(".answer")

    order = web.page.evaluate("""() => [...document.querySelectorAll('.answer, .result-group')]
        .map(el => el.classList.contains('answer') ? 'answer' : el.dataset.group)""")

    assert order == ["answer", "work_authorization", "permanent_residence"]
    for pick in (summary["best_path_now"], summary["best_green_card_path"]):
        rec = next(r for r in recs if r["visa_type"] == pick["visa_type"])
        expect(answer).to_contain_text(f"{pick['visa_type']}")
        expect(answer).to_contain_text(f"{round(rec['success_probability'] * 100)}% chance of approval")
        expect(answer).to_contain_text(rec["headline"])
    expect(answer.locator(".answer-next li").first).to_have_text(summary["ask_first"][0]["question"])
    for group in ("work_authorization", "permanent_residence"):
        section = web.page.locator(f'.result-group[data-group="{group}"]')
        mine = [r for r in recs if r["group"] == group]
        shown = section.locator(".result-card").evaluate_all("cs => cs.map(c => c.dataset.visaType)")
        assert shown == [r["visa_type"] for r in mine if r["verdict"] != "not_eligible"] + [
            r["visa_type"] for r in mine if r["verdict"] == "not_eligible"]
    refused = next(r for r in recs if r["verdict"] == "not_eligible")
    expect(card(web, refused["visa_type"])).to_be_hidden()
    expect(card(web, recs[0]["visa_type"]).locator(".headline")).to_have_text(recs[0]["headline"])
    web.page.locator("details.not-eligible > summary").first.click()
    expect(web.page.locator("details.not-eligible").first.locator(".result-card").first).to_be_visible()


def test_no_internal_word_identifier_or_raw_field_name_reaches_the_page(results):
    web, _, check = results
    web.page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")

    text = web.page.locator("main").inner_text()

    for leak in ("null", "undefined", "NaN", "Rules only", "catalogue 2", check["catalogue_version"],
                 "of 3 criteria needed", "months old (", "verify:", "Resolve gate"):
        assert leak not in text, leak
    assert re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", text) == []
    assert re.findall(r"\bn=\d", text) == []
    profile = web.page.locator(".profile-summary").inner_text()
    assert "Nigeria" in profile and not re.search(r"\bNG\b", profile)
    strong = next(r for r in check["recommendations"] if (r.get("criteria_required") or 0) > 0)
    expect(card(web, strong["visa_type"]).locator(".section > summary").filter(has_text="Requirements")
           ).to_contain_text(f"{strong['criteria_met']} criteria met; {strong['criteria_required']} needed")


def test_how_we_got_this_explains_score_probability_and_timeline_with_data_ages_in_words(results):
    web, _, check = results
    recs = check["recommendations"]
    sampled = next(r for r in recs if r["verdict"] != "not_eligible"
                   and r["success_probability_range"]["basis"]["industry"].get("sample_size"))
    basis = sampled["success_probability_range"]["basis"]["industry"]
    waiting = next(r for r in recs if r["verdict"] != "not_eligible"
                   and (r["estimated_timeline_months"]["visa_bulletin_wait_months"].get("high") or 0) > 0)
    wait = waiting["estimated_timeline_months"]["visa_bulletin_wait_months"]
    bulletin = next(v["as_of"] for v in check["verify"] if v["what"] == "visa_bulletin")
    then, today = date.fromisoformat(bulletin), datetime.now(timezone.utc).date()
    age = (today.year - then.year) * 12 + today.month - then.month - (today.day < then.day)

    how = card(web, sampled["visa_type"]).locator("details.how")
    how.locator("summary").click()

    expect(how).to_contain_text(f"{basis['sample_size']:,} decisions on {basis['classification']}")
    expect(how).to_contain_text(f"(data {months_words(basis['data_age_months'])} old)")
    expect(how).to_contain_text(f"Eligibility score {sampled['eligibility_score']} / 100")
    expect(how).to_contain_text(sampled["estimated_timeline_months"]["assumes"])
    expect(card(web, waiting["visa_type"]).locator(".metrics")).to_contain_text(
        f"Includes a visa-bulletin wait of {wait['low']}–{wait['high']} months")
    expect(card(web, waiting["visa_type"]).locator("details.how")).to_contain_text(
        f"{wait['category']} for")
    expect(web.page.locator(".answer .data-ages")).to_contain_text(
        f"Visa bulletin of {MONTHS[then.month - 1]} {then.year}, {months_words(age)} old")


def test_questions_for_the_client_are_in_words_and_never_ask_for_what_is_entered(results):
    web, client, check = results
    entered = [m["field"] for m in check["missing_information"] if client.get(m["field"]) is not None]
    panel = web.page.locator("details.questions")

    panel.locator("summary").click()

    items = panel.locator("li").all_inner_texts()
    assert entered, "the check should list a field the profile already holds (salary for EB-1A)"
    assert items and not any("_" in item for item in items)
    assert not any(re.search(r"salary", item, re.I) for item in items)
    assert any(q["question"] in item for q in check["summary"]["ask_first"] for item in items)


def test_download_report_takes_the_chosen_types_and_the_pdf_says_so(results):
    web, client, check = results
    recs = check["recommendations"]
    worth = [r["visa_type"] for r in recs if r["verdict"] != "not_eligible"]
    left_out = worth[1]
    web.page.get_by_text("Download report").click()
    web.page.get_by_role("button", name="Worth pursuing only").click()
    web.page.get_by_label(left_out, exact=True).uncheck()

    with web.page.expect_download(timeout=60_000) as download:  # the PDF renders server-side
        web.page.get_by_role("button", name="Download PDF").click()

    with open(download.value.path(), "rb") as pdf:
        text = " ".join(pdf_pages(pdf.read()))
    assert f"{client['first_name']} {client['last_name']}" in text
    assert "Best path to work now" in text and "not legal advice" in text
    assert {r["visa_type"] for r in recs if presents(text, r)} == set(worth) - {left_out}
    expect(web.page.locator(".report-status")).to_contain_text("Report downloaded.")


def test_printing_the_page_lays_profile_and_results_full_width_and_a_checklist_on_its_own(results):
    web, _, check = results
    web.page.emulate_media(media="print")
    widths = web.page.evaluate("""() => ['.profile-summary', '.check-area', 'main']
        .map(s => document.querySelector(s).getBoundingClientRect().width)""")
    first_page = pdf_pages(web.page.pdf(format="Letter"))[0]
    visa_type = next(r["visa_type"] for r in check["recommendations"] if r["required_documents"])
    web.page.evaluate("""(type) => {
        const card = document.querySelector(`.result-card[data-visa-type="${type}"]`);
        card.querySelector('.documents').open = true;
        document.body.classList.add('printing-one');
        card.classList.add('print-target'); }""", visa_type)
    checklist = pdf_pages(web.page.pdf(format="Letter"))
    checklist_text = " ".join(checklist)

    profile, results_area, main = widths
    assert profile == results_area and profile > 0.9 * main
    assert "Profile" in first_page and "The answer" in first_page
    assert len(checklist) <= 2, f"the checklist printed on {len(checklist)} pages"
    assert f"{visa_type} documents checklist" in checklist_text
    assert "The answer" not in checklist_text and "Profile" not in checklist_text


@pytest.mark.parametrize("viewport, name", [(WIDE, "desktop-1366x900"), (PHONE, "phone-390x844")])
def test_the_results_page_fits_the_screen(browser, embedded, checked, viewport, name):
    client, _ = checked
    with web_session(browser, embedded.api.query_url, viewport) as web:
        web.sign_in(embedded.firm_a.attorney_email, embedded.firm_a.password)
        web.open(f"/clients/{client['id']}")
        expect(web.page.locator(".answer")).to_be_visible(timeout=30_000)
        web.settled()

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        web.page.screenshot(path=str(ARTIFACTS / f"results-{name}-first-screen.png"))
        web.screenshot(f"results-{name}")

        assert web.overflowing_width() <= 0
        assert web.unlabelled_controls() == []
        assert web.errors == []
