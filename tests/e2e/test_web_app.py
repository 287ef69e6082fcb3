"""The attorneys' web app in a real browser (Debian's Chromium), against the running product."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.support.api import Api
from tests.support.browser import (
    DESKTOP,
    PHONE,
    EvaluationFaults,
    chromium,
    client_id_from_url,
    web_session,
)
from tests.support.profiles import researcher_profile

pytestmark = pytest.mark.browser
CHECK_LIMIT = 5


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def web(browser, embedded):
    with web_session(browser, embedded.api.query_url) as session:
        yield session
    assert session.errors == [], f"script errors on the page: {session.errors}"


@pytest.fixture(scope="module")
def faulty_product(tmp_path_factory):
    """The embedded product in this process, so a test can make its rules evaluation fail or wait."""
    from werkzeug.serving import make_server

    from cli.bootstrap import EmbeddedProduct
    from eligibility_engine.application import evaluate_check
    from shared.config import load_settings

    product = EmbeddedProduct(load_settings({"VISA_DATA_DIR": str(tmp_path_factory.mktemp("web")),
                                             "VISA_CHECK_LIMIT_PER_HOUR": str(CHECK_LIMIT)}))
    firm = product.directory.create_firm("Faulty Firm LLP")
    for email in ("lee@faulty.test", "rita@faulty.test"):
        product.directory.create_attorney(firm["id"], email, "correct-horse-42", "attorney")
    faults = EvaluationFaults(evaluate_check.evaluate_profile)
    patch = pytest.MonkeyPatch()
    patch.setattr(evaluate_check, "evaluate_profile", faults)
    server = make_server("127.0.0.1", 0, product.wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    product.start()
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield base_url, faults
    finally:
        faults.released.set()
        server.shutdown()
        product.close()
        patch.undo()


def attorney(web, product, firm=None, role="attorney"):
    firm = firm or product.firm_a
    email = {"admin": firm.admin_email, "attorney": firm.attorney_email,
             "viewer": firm.viewer_email}[role]
    web.sign_in(email, firm.password)
    return product.as_attorney(firm, role)


def checked_client(api: Api, **overrides) -> dict:
    client = api.post("/v1/clients", json=researcher_profile(**overrides)).json()
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    api.wait_for_check(check["status_url"], timeout=60)
    return client


def test_signing_in_with_a_wrong_password_says_so_and_signing_out_ends_the_session(web, embedded):
    web.open("/clients")
    expect(web.page).to_have_url(f"{web.base_url}/login?next=%2Fclients")
    web.screenshot_both("sign-in")
    web.page.get_by_label("Email").fill(embedded.firm_a.attorney_email)
    web.page.get_by_label("Password").fill("not-the-password")
    web.page.get_by_role("button", name="Sign in").click()
    expect(web.page.get_by_role("alert")).to_contain_text("Email or password is incorrect")

    web.sign_in(embedded.firm_a.attorney_email, embedded.firm_a.password)
    web.page.get_by_role("button", name="Sign out").click()
    expect(web.page.get_by_text("You have signed out.")).to_be_visible()
    web.open("/clients")

    expect(web.page).to_have_url(f"{web.base_url}/login?next=%2Fclients")
    assert web.page.evaluate("sessionStorage.getItem('visa.token')") is None


def test_attorney_creates_a_client_with_awards_and_a_job_offer_and_reads_the_result_cards(web, embedded):
    api = attorney(web, embedded)
    web.page.get_by_role("link", name="New client").click()
    form = web.page
    form.get_by_label("First name").fill("Ngozi")
    form.get_by_label("Last name").fill("Adeyemi-Browser")
    form.get_by_label("Email").fill("ngozi@example.org")
    form.get_by_label("Country of birth", exact=True).fill("Nigeria")
    form.get_by_label("Citizenships").fill("Nigeria, Canada")
    form.get_by_label("Highest degree", exact=True).select_option("doctorate")
    form.get_by_label("Field of study").fill("Computational biology")
    form.get_by_label("Current job title").fill("Research scientist")
    form.get_by_label("Publications").fill("31")
    form.get_by_label("Citations").fill("2100")
    form.get_by_label("Times judging others' work").fill("12")
    for index, (name, level) in enumerate([("Royal Society Medal", "national"),
                                           ("Draft award", "regional"),
                                           ("ISMB Best Paper", "international")]):
        form.get_by_role("button", name="Add award").click()
        form.locator(f"#f-awards-{index}-name").fill(name)
        form.locator(f"#f-awards-{index}-level").select_option(level)
    form.get_by_role("button", name="Remove award 2").click()
    form.locator("#f-job_offer-employer").fill("Genomica Inc.")
    form.locator("#f-job_offer-title").fill("Principal scientist")
    form.locator("#f-job_offer-annual_wage_usd").fill("215000")
    form.locator("#f-job_offer-employer_type").select_option("for_profit")
    form.locator("#f-job_offer-specialty_occupation").select_option("yes")
    web.screenshot_both("new-client-form")
    form.get_by_role("button", name="Create client").click()
    expect(web.page.get_by_role("heading", name="Ngozi Adeyemi-Browser")).to_be_visible()
    client_id = client_id_from_url(web.page.url)
    stored = api.get(f"/v1/clients/{client_id}").json()

    web.page.get_by_role("button", name="Check eligibility").click()
    expect(web.page.locator(".result-card").first).to_be_visible()
    latest = api.get(f"/v1/clients/{client_id}/eligibility-checks").json()["data"][0]
    cards = web.page.locator(".result-card")
    web.screenshot_both("client-results")

    assert [a["name"] for a in stored["awards"]] == ["Royal Society Medal", "ISMB Best Paper"]
    assert stored["job_offer"] == {"employer": "Genomica Inc.", "title": "Principal scientist",
                                   "annual_wage_usd": 215000, "employer_type": "for_profit",
                                   "specialty_occupation": True}
    assert stored["citizenships"] == ["NG", "CA"]
    # Grouped (work now, then green card), each group worth pursuing first, in the engine's order.
    recs = latest["recommendations"]
    expected = [r["visa_type"] for group in ("work_authorization", "permanent_residence")
                for eligible in (True, False) for r in recs
                if r["group"] == group and (r["verdict"] != "not_eligible") == eligible]
    assert cards.evaluate_all("cards => cards.map(c => c.dataset.visaType)") == expected
    best = recs[0]
    first = web.page.locator(f'.result-card[data-visa-type="{best["visa_type"]}"]')
    expect(first.get_by_role("meter")).to_have_attribute("aria-valuenow", str(best["eligibility_score"]))
    expect(first).to_contain_text(f"{round(best['success_probability'] * 100)}%")
    timeline = best["estimated_timeline_months"]
    expect(first).to_contain_text(f"{timeline['low']}–{timeline['high']}")
    expect(first.locator(".citation").first).to_contain_text(best["gates"][0]["citation"]
                                                         if best["gates"] else best["criteria"][0]["citation"])
    expect(web.page.locator(".result-meta .badge")).to_have_text("Rules-based assessment")
    first.locator("summary", has_text="Documents checklist").click()
    expect(first.locator(".checklist li")).to_have_count(len(best["required_documents"]))


def test_edit_sends_only_the_changed_fields_with_the_version_then_a_rerun_compares_both_checks(web, embedded):
    api = attorney(web, embedded)
    client = checked_client(api, last_name="Compare-Browser", annual_salary_usd=120000)
    sent = []
    web.page.on("request", lambda r: sent.append(r) if r.method == "PATCH" else None)
    web.open(f"/clients/{client['id']}/edit")
    web.page.get_by_label("Annual salary (USD)").fill("390000")
    web.page.get_by_role("button", name="Add article").click()
    web.page.locator("#f-media_coverage-1-outlet").fill("Nature News")
    web.screenshot_both("edit-client")
    web.page.get_by_role("button", name="Save changes").click()
    expect(web.page.locator(".notice-success")).to_have_text("Changes saved.")
    expect(web.page.get_by_text("Profile version 2")).to_be_visible()
    expect(web.page.get_by_text("The profile has changed since this check")).to_be_visible()

    web.page.get_by_role("button", name="Run a new check").click()
    expect(web.page.get_by_role("link", name="Compare with previous")).to_be_visible()
    web.page.get_by_role("link", name="Compare with previous").click()
    expect(web.page.get_by_role("heading", name="How each visa moved")).to_be_visible()
    checks = api.get(f"/v1/clients/{client['id']}/eligibility-checks").json()["data"]
    web.screenshot_both("compare-checks")

    body = json.loads(sent[0].post_data)
    assert set(body) == {"annual_salary_usd", "media_coverage"}
    assert body["annual_salary_usd"] == 390000 and body["media_coverage"][1]["outlet"] == "Nature News"
    assert sent[0].headers["if-match"] == '"1"'
    assert [c["profile_version"] for c in checks] == [2, 1]
    rows = web.page.locator("#score-diff tbody tr")
    expect(rows).to_have_count(len(checks[0]["recommendations"]))
    salary = web.page.locator("#profile-diff tr", has_text="Annual salary (USD)")
    expect(salary).to_contain_text("$120,000")
    expect(salary).to_contain_text("$390,000")
    # Only the added article, not the whole list before and after; checks read apart by number.
    article = web.page.locator("#profile-diff tbody tr", has=web.page.locator(
        "th", has_text=re.compile(r"^Media coverage #2$")))
    expect(article.locator("td").first).to_have_text("—")
    expect(article.locator("td").last).to_have_text(re.compile(r"^Nature News\b"))
    expect(web.page.locator("#profile-diff tbody th", has_text=re.compile(r"^Media coverage$"))
           ).to_have_count(0)
    expect(web.page.locator("#compared-checks")).to_have_text(re.compile(
        r"^From Check #1 · .*\d\d:\d\d:\d\d.* \(profile version 1\) to Check #2 · .*\d\d:\d\d:\d\d"))


def test_server_validation_errors_appear_next_to_their_fields(web, embedded):
    attorney(web, embedded)
    web.open("/clients/new")
    web.page.get_by_label("First name").fill("Invalid")
    web.page.get_by_label("Last name").fill("Entries")
    web.page.get_by_label("Email").fill("not-an-email")
    web.page.get_by_role("button", name="Add award").click()
    web.page.locator("#f-awards-0-level").select_option("national")

    web.page.get_by_role("button", name="Create client").click()

    email = web.page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(web.page.locator("#f-email-error")).to_contain_text("valid email")
    expect(web.page.locator("#f-awards-0-name-error")).to_be_visible()
    expect(web.page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    expect(web.page.get_by_role("alert")).to_contain_text("Award 1: Award")
    web.screenshot("validation-errors-desktop")
    assert "/clients/new" in web.page.url


def test_the_form_checks_each_field_in_plain_words_before_anything_is_sent(web, embedded):
    attorney(web, embedded)
    posted = []
    web.page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    web.open("/clients/new")
    web.page.get_by_label("First name").fill("Early")

    web.page.get_by_label("Annual salary (USD)").fill("-5")
    web.page.get_by_label("Date of birth").fill("2030-01-01")
    web.page.get_by_label("Graduation year").fill("1850")
    web.page.get_by_label("Last name").focus()

    expect(web.page.locator("#f-annual_salary_usd-error")).to_have_text("Annual salary can't be negative.")
    expect(web.page.locator("#f-date_of_birth-error")).to_have_text("Date of birth can't be in the future.")
    expect(web.page.locator("#f-graduation_year-error")).to_have_text(
        "Graduation year can't be less than 1900.")
    web.page.get_by_role("button", name="Create client").click()
    summary = web.page.get_by_role("alert")
    expect(summary).to_contain_text("Last name: Last name is required.")
    expect(summary).to_be_focused()
    web.page.get_by_label("Annual salary (USD)").fill("120000")
    web.page.get_by_label("Last name").focus()
    expect(web.page.locator("#f-annual_salary_usd-error")).to_have_count(0)
    assert posted == []


def test_the_long_form_has_section_navigation_and_the_save_bar_never_hides_the_focus(web, embedded):
    attorney(web, embedded)
    web.open("/clients/new")
    web.settled()

    web.page.get_by_role("navigation", name="Form sections").get_by_role(
        "link", name="U.S. job offer").click()

    expect(web.page.locator("#f-job_offer-employer")).to_be_focused()
    expect(web.page.locator("#f-job_offer-employer")).to_be_in_viewport()
    web.page.get_by_label("First name").focus()
    hidden = []
    for _ in range(30):
        web.page.keyboard.press("Tab")
        hidden += web.page.evaluate("""() => {
            const bar = document.querySelector('.sticky-actions'), el = document.activeElement;
            if (bar.contains(el)) return [];
            const box = el.getBoundingClientRect(), top = bar.getBoundingClientRect().top;
            return box.bottom > top + 0.5 ? [el.id || el.outerHTML.slice(0, 60)] : [];
        }""")
    assert hidden == []


def test_leaving_the_form_with_unsaved_changes_asks_first(web, embedded):
    api = attorney(web, embedded)
    client = api.post("/v1/clients", json=researcher_profile(last_name="Unsaved")).json()
    api.wait_for_client(client["id"])
    web.open(f"/clients/{client['id']}/edit")
    web.page.get_by_label("Field of study").fill("Quantum chemistry")
    messages = []
    web.page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))

    web.page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()

    assert messages and "unsaved changes" in messages[0]
    assert web.page.url.endswith(f"/clients/{client['id']}/edit")
    expect(web.page.get_by_text("Unsaved changes")).to_be_visible()


def test_clients_list_searches_and_pages_through_the_firm_only(web, embedded):
    api = attorney(web, embedded)
    tag = "Pagetest"
    for index in range(23):
        api.post("/v1/clients", json={"first_name": f"P{index:02d}", "last_name": tag})
    last = api.post("/v1/clients", json={"first_name": "P23", "last_name": tag}).json()
    api.wait_for_client(last["id"])
    embedded.as_attorney(embedded.firm_b).post("/v1/clients", json={"first_name": "Other",
                                                                     "last_name": tag})
    web.page.get_by_label("Search").fill(tag.lower())
    web.page.get_by_role("button", name="Apply").click()
    expect(web.page.locator(".clients-table tbody tr")).to_have_count(20)
    web.screenshot_both("clients-list")

    web.page.get_by_role("link", name="Next →").click()

    expect(web.page.locator(".clients-table tbody tr")).to_have_count(4)
    expect(web.page.locator(".clients-table")).not_to_contain_text("Other")
    web.page.get_by_role("link", name="← Previous").click()
    expect(web.page.locator(".clients-table tbody tr")).to_have_count(20)
    expect(web.page.locator(".clients-table tbody tr").first).to_contain_text("P23")


def test_firm_b_cannot_open_firm_a_clients_address(browser, embedded):
    api_a = embedded.as_attorney(embedded.firm_a)
    client = checked_client(api_a, last_name="Confidential-A")
    with web_session(browser, embedded.api.query_url) as web:
        web.sign_in(embedded.firm_b.attorney_email, embedded.firm_b.password)

        web.open(f"/clients/{client['id']}")

        expect(web.page.get_by_role("heading", name="Client not found")).to_be_visible()
        web.screenshot("firm-b-blocked-desktop")
        content = web.page.content()
        assert "Confidential-A" not in content and "Amara" not in content
        web.open(f"/clients/{client['id']}/edit")
        expect(web.page.get_by_role("heading", name="Client not found")).to_be_visible()
        assert web.errors == []


def test_a_viewer_reads_results_but_cannot_edit_or_run_checks(web, embedded):
    client = checked_client(embedded.as_attorney(embedded.firm_a), last_name="Viewed")
    attorney(web, embedded, role="viewer")

    web.open(f"/clients/{client['id']}")

    expect(web.page.locator(".result-card").first).to_be_visible()
    expect(web.page.get_by_role("button", name="Run a new check")).to_have_count(0)
    expect(web.page.get_by_role("link", name="Edit profile")).to_have_count(0)
    web.open("/clients")
    expect(web.page.get_by_role("link", name="New client")).to_have_count(0)


def test_keyboard_alone_signs_in_and_the_focus_is_always_visible(web, embedded):
    web.open("/login")
    expect(web.page.get_by_role("heading", name="Sign in to Visa Eligibility")).to_be_focused()
    web.page.keyboard.press("Tab")
    focused = web.page.evaluate("document.activeElement.id")
    web.page.keyboard.type(embedded.firm_a.attorney_email)
    web.page.keyboard.press("Tab")
    web.page.keyboard.type(embedded.firm_a.password)
    web.page.keyboard.press("Enter")
    expect(web.page.get_by_role("heading", name="Clients", exact=True)).to_be_focused()
    # The list renders after its request; tabbing earlier can land on an element it replaces.
    web.settled()
    web.page.keyboard.press("Tab")
    expect(web.page.get_by_role("link", name="New client")).to_be_focused()
    web.page.keyboard.press("Tab")
    expect(web.page.get_by_label("Search")).to_be_focused()
    outline = web.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    unlabelled = web.unlabelled_controls()

    assert focused == "email"
    assert outline != "none"
    assert unlabelled == []


def test_every_form_control_of_the_profile_form_has_a_label(web, embedded):
    attorney(web, embedded)
    web.open("/clients/new")
    for button in ("Add award", "Add membership", "Add article", "Add role"):
        web.page.get_by_role("button", name=button).click()

    unlabelled = web.unlabelled_controls()

    assert unlabelled == []
    assert web.page.locator("input, select, textarea").count() > 40


def test_firm_pages_load_for_an_admin_and_say_when_a_feature_is_not_available(web, embedded):
    attorney(web, embedded, role="admin")
    for path, heading in (("/dashboard", "Dashboard"), ("/audit", "Audit trail"),
                          ("/attorneys", "Attorneys")):
        web.open(path)
        expect(web.page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(web.page.locator(".loading")).to_have_count(0)
        expect(web.page.locator(".notice-error")).to_have_count(0)
        if path != "/dashboard":
            web.screenshot_both(path.strip("/"))


def test_a_failed_check_shows_its_message_and_retry_runs_it_again(browser, faulty_product):
    base_url, faults = faulty_product
    api = Api(base_url).login("lee@faulty.test", "correct-horse-42")
    client = api.post("/v1/clients", json=researcher_profile(last_name="Retry")).json()
    api.wait_for_client(client["id"])
    with web_session(browser, base_url) as web:
        web.sign_in("lee@faulty.test", "correct-horse-42")
        web.open(f"/clients/{client['id']}")
        faults.failing = True

        web.page.get_by_role("button", name="Check eligibility").click()

        failure = web.page.locator(".failure")
        expect(failure).to_contain_text("could not evaluate this profile")
        web.screenshot_both("failed-check")
        faults.failing = False
        failure.get_by_role("button", name="Retry").click()
        expect(web.page.locator(".result-card").first).to_be_visible()
        checks = api.get(f"/v1/clients/{client['id']}/eligibility-checks").json()["data"]
        assert [c["status"] for c in checks] == ["completed", "failed"]
        assert web.errors == []


def test_check_progress_updates_by_itself_and_survives_leaving_the_page(browser, faulty_product):
    base_url, faults = faulty_product
    api = Api(base_url).login("lee@faulty.test", "correct-horse-42")
    client = api.post("/v1/clients", json=researcher_profile(last_name="Waiting")).json()
    api.wait_for_client(client["id"])
    with web_session(browser, base_url, PHONE) as web:
        web.sign_in("lee@faulty.test", "correct-horse-42")
        web.open(f"/clients/{client['id']}")
        faults.released.clear()
        try:
            web.page.get_by_role("button", name="Check eligibility").click()
            expect(web.page.get_by_text("Evaluating every visa type")).to_be_visible()
            web.screenshot("check-in-progress-phone")
            web.page.get_by_role("link", name="Clients", exact=True).first.click()
            web.page.go_back()
            expect(web.page.get_by_text("Evaluating every visa type")).to_be_visible()
        finally:
            faults.released.set()

        expect(web.page.locator(".result-card").first).to_be_visible()
        web.page.set_viewport_size(DESKTOP)
        assert web.errors == []


@pytest.mark.distributed
def test_the_query_service_serves_the_app_and_writes_reach_the_command_service(browser, distributed):
    with web_session(browser, distributed.api.query_url) as web:
        api = attorney(web, distributed)
        web.page.get_by_role("link", name="New client").click()
        web.page.get_by_label("First name").fill("Kenji")
        web.page.get_by_label("Last name").fill("Distributed-Browser")
        web.page.get_by_label("Highest degree", exact=True).select_option("masters")
        web.page.locator("#f-job_offer-title").fill("Software engineer")
        web.page.get_by_role("button", name="Create client").click()
        expect(web.page.get_by_role("heading", name="Kenji Distributed-Browser")).to_be_visible()

        web.page.get_by_role("button", name="Check eligibility").click()

        expect(web.page.locator(".result-card").first).to_be_visible()
        client_id = client_id_from_url(web.page.url)
        checks = api.get(f"/v1/clients/{client_id}/eligibility-checks").json()["data"]
        assert checks[0]["status"] == "completed"
        expect(web.page.locator(".result-card")).to_have_count(len(checks[0]["recommendations"]))
        assert web.errors == []


def test_compare_takes_the_profile_changes_between_two_versions_from_the_history(web, embedded):
    attorney(web, embedded)
    history = [
        {"action": "created", "entity_type": "client", "entity_id": "c1", "occurred_at": "2026-01-01T00:00:00Z",
         "changes": {"annual_salary_usd": {"old": None, "new": 100000}, "h_index": {"old": None, "new": 5}}},
        {"action": "check_requested", "entity_type": "check", "entity_id": "k1", "changes": {}},
        {"action": "edited", "entity_type": "client", "entity_id": "c1",
         "changes": {"annual_salary_usd": {"old": 100000, "new": 150000}}},
        {"action": "edited", "entity_type": "client", "entity_id": "c1",
         "changes": {"annual_salary_usd": {"old": 150000, "new": 200000},
                     "h_index": {"old": 5, "new": 9}}},
        {"action": "edited", "entity_type": "client", "entity_id": "c1",
         "changes": {"h_index": {"old": 9, "new": 5}}},
    ]

    changes = web.page.evaluate("""async (history) => {
        const { changesBetween, normaliseHistory } = await import('/assets/js/history_data.js');
        return changesBetween(normaliseHistory(history, 'c1'), 1, 4);
    }""", history)

    assert changes == [{"field": "annual_salary_usd", "old": 100000, "new": 200000}]


def test_compare_explains_a_verdict_change_by_its_criteria_and_diffs_records_field_by_field(
        web, embedded):
    attorney(web, embedded)
    gate = {"id": "specialty_occupation", "criterion": "The job is a specialty occupation",
            "citation": "8 CFR 214.2(h)(4)(iii)(A)"}
    before = {"visa_type": "H-1B", "verdict": "strong", "gates": [{**gate, "met": True}],
              "criteria": [{"id": "degree", "criterion": "Bachelor's degree", "met": True}]}
    after = {**before, "verdict": "not_eligible",
             "gates": [{**gate, "met": False, "explanation": "The offer is not a specialty occupation"}]}
    no_criteria_moved = {**before, "verdict": "weak", "not_eligible_reasons": [],
                         "summary": "Weak H-1B case: the wage is below the prevailing wage"}
    offer = {"employer": "Acme", "title": "Engineer", "annual_wage_usd": 150000}

    moves, reasons, rows = web.page.evaluate("""async ([before, after, weak, offer]) => {
        const { criteriaMoves, fieldChanges } = await import('/assets/js/pages/compare.js');
        return [criteriaMoves(before, after).textContent, criteriaMoves(before, weak).textContent,
                fieldChanges([{ field: 'job_offer', old: offer, new: { ...offer, annual_wage_usd: 90000 } },
                              { field: 'goals', old: { urgency: 'high' }, new: { urgency: 'high', horizon: 2 } }])];
    }""", [before, after, no_criteria_moved, offer])

    assert moves == ("The job is a specialty occupation: met → not met"
                     " — The offer is not a specialty occupation")
    assert reasons == "Weak H-1B case: the wage is below the prevailing wage"
    assert [(r["path"], r["old"], r["new"]) for r in rows] == [
        ("job_offer.annual_wage_usd", 150000, 90000), ("goals.horizon", None, 2)]
    assert rows[0]["label"].endswith("Annual wage (USD)") and rows[1]["label"].endswith("Horizon")


def test_one_sign_in_serves_every_tab_and_signing_out_ends_it_everywhere(web, embedded):
    attorney(web, embedded)
    first = web.page
    first.evaluate("sessionStorage.setItem('visa.token', 'expired.or.forged')")
    first.reload()  # an expired token is renewed from the sign-in, not a trip to /login
    expect(first.get_by_role("heading", name="Clients", exact=True)).to_be_visible()
    second = first.context.new_page()
    second.on("pageerror", lambda error: web.errors.append(str(error)))

    second.goto(f"{web.base_url}/dashboard")

    expect(second.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    cookie = next(c for c in first.context.cookies() if c["name"] == "visa_refresh")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "visa_refresh" not in second.evaluate("document.cookie")
    second_token = second.evaluate("sessionStorage.getItem('visa.token')")
    first.get_by_role("button", name="Sign out").click()
    expect(first.get_by_text("You have signed out.")).to_be_visible()
    expect(second).to_have_url(re.compile(r"/login\?signed_out=1$"))
    expect(second.get_by_text("You have signed out.")).to_be_visible()
    revoked = requests.get(f"{embedded.api.query_url}/v1/clients", timeout=10,
                           headers={"Authorization": f"Bearer {second_token}"})
    assert revoked.status_code == 401
    third = first.context.new_page()
    third.goto(f"{web.base_url}/clients")
    expect(third).to_have_url(f"{web.base_url}/login?next=%2Fclients")


def test_an_expired_session_returns_to_sign_in_and_then_to_the_page(web, embedded):
    attorney(web, embedded)
    web.page.context.clear_cookies()  # the browser's sign-in has ended too
    web.page.evaluate("sessionStorage.setItem('visa.token', 'expired.or.forged')")

    web.open("/clients?search=anything")

    expect(web.page.get_by_text("Your session has ended")).to_be_visible()
    web.page.get_by_label("Email").fill(embedded.firm_a.attorney_email)
    web.page.get_by_label("Password").fill(embedded.firm_a.password)
    web.page.get_by_role("button", name="Sign in").click()
    expect(web.page.get_by_label("Search")).to_have_value("anything")


def test_a_documents_checklist_prints_on_its_own_with_the_clients_name(web, embedded):
    client = checked_client(attorney(web, embedded), last_name="Printable")
    web.open(f"/clients/{client['id']}")
    web.page.evaluate("""window.print = () => { window.printed = {
        target: document.querySelector('.print-target')?.dataset.visaType,
        heading: document.querySelector('.print-target .print-only')?.textContent,
        printing: document.body.classList.contains('printing-one') }; }""")
    card = web.page.locator(".result-card").first
    visa_type = card.get_attribute("data-visa-type")

    card.locator("summary", has_text="Documents checklist").click()
    card.get_by_role("button", name=f"Print {visa_type} checklist").click()

    printed = web.page.evaluate("window.printed")
    assert printed["target"] == visa_type and printed["printing"] is True
    assert printed["heading"].startswith(f"Amara Printable · {visa_type} documents checklist")
    expect(web.page.locator(".print-target")).to_have_count(0)


def test_an_archived_client_leaves_the_list_and_is_found_under_archived(web, embedded):
    api = attorney(web, embedded)
    client = api.post("/v1/clients", json=researcher_profile(last_name="Archivist")).json()
    api.wait_for_client(client["id"])
    web.open(f"/clients/{client['id']}")
    web.page.once("dialog", lambda dialog: dialog.accept())

    web.page.get_by_role("button", name="Archive").click()

    expect(web.page.locator(".subtitle .badge")).to_have_text("Archived")
    expect(web.page.get_by_role("button", name="Check eligibility")).to_have_count(0)
    web.open("/clients?search=archivist")
    expect(web.page.get_by_text("No clients match these filters.")).to_be_visible()
    web.open("/clients?search=archivist&status=archived")
    expect(web.page.locator(".clients-table tbody tr")).to_have_count(1)


def test_the_history_tab_lists_each_event_with_its_field_changes(web, embedded):
    api = attorney(web, embedded)
    client = api.post("/v1/clients", json=researcher_profile(last_name="Historic",
                                                             annual_salary_usd=100000)).json()
    api.patch(f"/v1/clients/{client['id']}", json={"annual_salary_usd": 150000})
    check = api.post(f"/v1/clients/{client['id']}/eligibility-checks").json()
    api.wait_for_check(check["status_url"], timeout=60)

    web.open(f"/clients/{client['id']}/history")

    items = web.page.locator(".timeline-item")
    expect(items.first).to_contain_text("Created · profile version 1")
    edited = items.filter(has_text="Edited · profile version 2")
    expect(edited.locator("tr", has_text="Annual salary (USD)")).to_contain_text("$100,000")
    expect(edited.locator("tr", has_text="Annual salary (USD)")).to_contain_text("$150,000")
    expect(items.last).to_contain_text("Recommendations produced")
    expect(items.filter(has_text="Check requested")).to_contain_text("for profile version 2")
    web.screenshot_both("client-history")


def test_filters_find_the_clients_scoring_at_least_a_minimum_for_a_visa_type(web, embedded):
    api = attorney(web, embedded)
    strong = checked_client(api, last_name="Filterable")
    weak = checked_client(api, first_name="Brief", last_name="Filterable", awards=[],
                          media_coverage=[], judging_count=0, citations_count=3,
                          critical_roles=[], original_contributions=[])
    scores = {c["id"]: {r["visa_type"]: r["eligibility_score"] for r in api.get(
        f"/v1/clients/{c['id']}/eligibility-checks").json()["data"][0]["recommendations"]}
        for c in (strong, weak)}
    visa_type = max(scores[strong["id"]], key=lambda t: scores[strong["id"]][t] - scores[weak["id"]][t])
    web.page.get_by_label("Search").fill("filterable")
    web.page.get_by_label("Visa type").select_option(visa_type)
    web.page.get_by_label("Minimum score").fill(str(scores[strong["id"]][visa_type]))

    web.page.get_by_role("button", name="Apply").click()

    expect(web.page.locator(".clients-table tbody tr")).to_have_count(1)
    expect(web.page.locator(".clients-table tbody tr")).to_contain_text("Amara Filterable")
    assert scores[weak["id"]][visa_type] < scores[strong["id"]][visa_type]


def test_the_dashboard_shows_the_firms_aggregates(web, embedded):
    checked_client(attorney(web, embedded, role="admin"), last_name="Dashboarded")
    aggregates = embedded.as_attorney(embedded.firm_a, "admin").get("/v1/dashboard").json()

    web.open("/dashboard")

    active = web.page.locator(".stat", has_text="Active clients")
    expect(active.locator(".stat-value")).to_have_text(
        f"{aggregates['clients_by_status']['active']:,}")
    averages = web.page.locator(".panel", has_text="Average score by type")
    expect(averages.locator("tbody tr")).to_have_count(len(aggregates["average_score_by_type"]))
    top = aggregates["top_recommended_types"][0]
    expect(web.page.locator(".panel", has_text="Top recommended types").locator("tbody tr").first
           ).to_contain_text(top["visa_type"])
    web.screenshot_both("dashboard")


def test_the_clients_list_triages_by_best_option_and_the_dashboard_links_to_it(web, embedded):
    api = attorney(web, embedded, role="admin")
    tag = f"Triage{uuid.uuid4().hex[:6]}"
    checked = checked_client(api, last_name=tag)
    best = api.get(f"/v1/clients/{checked['id']}/eligibility-checks").json()["data"][0][
        "recommendations"][0]
    waiting = api.post("/v1/clients", json=researcher_profile(first_name="Unchecked",
                                                               last_name=tag)).json()
    api.wait_for_client(waiting["id"])
    verdict = {"strong": "Strong", "viable": "Viable", "weak": "Weak",
               "not_eligible": "Not eligible"}[best["verdict"]]
    web.open(f"/clients?search={tag}&sort=best_probability")
    rows = web.page.locator(".clients-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".best-option")).to_have_text(
        f"{best['visa_type']} {verdict} {round(best['success_probability'] * 100)}% chance")
    expect(rows.last.locator(".best-option")).to_have_text("Not checked")

    web.page.get_by_label("Best option", exact=True).select_option(best["verdict"])
    web.page.get_by_label("Best option type").select_option(best["visa_type"])
    web.page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Amara {tag}")
    web.screenshot_both("clients-triage")

    web.open("/dashboard")
    web.page.get_by_role("link", name=re.compile("Archived clients")).click()
    expect(web.page).to_have_url(re.compile(r"/clients\?status=archived$"))
    expect(web.page.get_by_label("Status")).to_have_value("archived")
    web.page.go_back()
    top = web.page.locator(".panel", has_text="Top recommended types").locator("tbody tr a").first
    top_type = top.inner_text()
    top.click()
    expect(web.page.get_by_label("Best option type")).to_have_value(top_type)
    expect(web.page.locator(".clients-table tbody tr .best-option strong").first).to_have_text(top_type)


def test_an_admin_filters_the_audit_trail_by_client_and_exports_it(web, embedded):
    api = attorney(web, embedded, role="admin")
    client = checked_client(api, last_name="Audited")
    web.open(f"/audit?entity={client['id']}")
    rows = web.page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Created")
    expect(rows.first).to_contain_text("You")

    with web.page.expect_download() as download:
        web.page.get_by_role("button", name="Export CSV").click()

    lines = open(download.value.path()).read().splitlines()
    assert lines[0].startswith("position,")
    assert len(lines) == 2 and client["id"] in lines[1]


def test_the_audit_trail_names_clients_and_attorneys_filters_by_them_and_fits_a_laptop(web, embedded):
    api = attorney(web, embedded, role="admin")
    tag = f"Ledger{uuid.uuid4().hex[:6]}"
    client = api.post("/v1/clients", json=researcher_profile(
        last_name=tag, email=f"{tag.lower()}@example.org")).json()
    api.wait_for_client(client["id"])
    colleague = embedded.as_attorney(embedded.firm_a)
    assert colleague.patch(f"/v1/clients/{client['id']}", json={"h_index": 31}).status_code == 200
    api.wait_for_client(client["id"], version=2)
    web.page.set_viewport_size({"width": 1366, "height": 900})
    web.open("/audit")

    web.page.get_by_label("Client").fill(tag)
    web.page.get_by_label("Attorney").select_option(label=embedded.firm_a.attorney_email)
    web.page.get_by_role("button", name="Apply").click()

    rows = web.page.locator(".audit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(embedded.firm_a.attorney_email)
    expect(rows.first.locator(".audit-entity")).to_have_text(f"Client · Amara {tag}")
    web.page.get_by_label("Attorney").select_option("")
    web.page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(f"{tag.lower()}@example.org")
    expect(web.page.locator(".audit-table")).not_to_contain_text("pii:v1:")
    web.settled()
    spill = web.page.evaluate("""() => { const wrap = document.querySelector('.audit-wrap');
        return wrap.scrollWidth - wrap.clientWidth; }""")
    assert spill <= 0 and web.overflowing_width() <= 0
    web.page.set_viewport_size(DESKTOP)
    web.screenshot_both("audit-trail")


def test_an_edit_crossing_a_colleagues_shows_both_and_keeps_the_colleagues_change(web, embedded):
    api = attorney(web, embedded)
    client = api.post("/v1/clients", json=researcher_profile(
        last_name="Crossed-Edits", annual_salary_usd=120000, citations_count=1400)).json()
    api.wait_for_client(client["id"])
    web.open(f"/clients/{client['id']}/edit")
    salary = web.page.get_by_label("Annual salary (USD)")
    expect(salary).to_have_value("120000")
    colleague = embedded.as_attorney(embedded.firm_a, "admin")
    saved = colleague.patch(f"/v1/clients/{client['id']}", headers={"If-Match": '"1"'},
                            json={"annual_salary_usd": 200000, "citations_count": 2500})
    assert saved.status_code == 200, saved.text

    salary.fill("390000")
    web.page.get_by_role("button", name="Save changes").click()

    conflict = web.page.locator(".notice-warning")
    expect(conflict).to_contain_text("Someone else changed this client while you were editing")
    expect(conflict).to_contain_text("The client is now at version 2. Nothing was saved.")
    salary_row = conflict.locator("tbody tr", has_text="Annual salary (USD)")
    for amount in ("$120,000", "$200,000", "$390,000"):
        expect(salary_row).to_contain_text(amount)
    expect(conflict.locator("tbody tr", has_text="Citations")).to_contain_text(re.compile("2,?500"))
    web.screenshot_both("edit-conflict")
    web.page.get_by_role("button", name="Keep my edits on the latest version").click()
    expect(web.page.get_by_text("Your edits now apply to version 2")).to_be_visible()
    web.page.get_by_role("button", name="Save changes").click()
    expect(web.page.locator(".notice-success")).to_have_text("Changes saved.")

    latest = api.wait_for_client(client["id"], version=3)
    assert (latest["annual_salary_usd"], latest["citations_count"]) == (390000, 2500)


def test_a_rate_limited_check_says_when_the_next_one_can_run(browser, faulty_product):
    base_url, _ = faulty_product
    api = Api(base_url).login("rita@faulty.test", "correct-horse-42")
    client = api.post("/v1/clients", json=researcher_profile(last_name="Limited")).json()
    api.wait_for_client(client["id"])
    use_up_the_check_limit(api, client["id"])
    with web_session(browser, base_url) as web:
        web.sign_in("rita@faulty.test", "correct-horse-42")
        web.open(f"/clients/{client['id']}")
        run = web.page.locator("#run-check")

        run.click()

        limit = web.page.locator("#rate-limit")
        expect(limit).to_contain_text("Check limit reached.")
        expect(limit).to_contain_text("You can run the next check at")
        expect(limit.locator(".countdown")).to_have_text(re.compile(r"^in \d+ (min|s)$"))
        expect(run).to_be_disabled()
        number, unit = re.fullmatch(r"in (\d+) (min|s)",
                                    limit.locator(".countdown").inner_text()).groups()
        read_at = time.monotonic()
        refused = api.post(f"/v1/clients/{client['id']}/eligibility-checks")
        since_read = time.monotonic() - read_at
        web.screenshot_both("rate-limited-check")
        assert web.errors == []
    assert refused.status_code == 429
    # Minutes are rounded up; the API answers since_read seconds after the page was read
    # (long on a loaded machine), and its wait has shrunk by as much.
    shown = int(number) * (60 if unit == "min" else 1)
    assert 0 <= shown - int(refused.headers["Retry-After"]) <= \
        (60 if unit == "min" else 30) + since_read


def test_a_forgotten_password_is_asked_for_at_sign_in_and_the_admin_hands_over_a_link(
        web, embedded):
    email = f"forgot-{uuid.uuid4().hex[:8]}@firm-a.test"
    embedded.as_attorney(embedded.firm_a, "admin").invite({"email": email, "role": "viewer"})
    web.open("/login")
    web.page.get_by_label("Email").fill(email)

    web.page.get_by_role("button", name="Forgot your password?").click()

    expect(web.page.locator("#login-message")).to_contain_text("admins now see")
    attorney(web, embedded, role="admin")
    web.open("/attorneys")
    row = web.page.locator("tbody tr", has_text=email)
    expect(row).to_contain_text("Asked for a new password")
    row.get_by_role("button", name="Password link").click()
    expect(web.page.locator("#password-link")).to_have_value(
        re.compile(r"/set-password#token=[\w-]{43}$"))
    assert web.errors == []


def use_up_the_check_limit(api: Api, client_id: str) -> None:
    """Request checks until the limit refuses one, with more than a few seconds left."""
    for _ in range(2 * CHECK_LIMIT + 2):
        response = api.post(f"/v1/clients/{client_id}/eligibility-checks")
        if response.status_code == 429:
            wait = int(response.headers["Retry-After"])
            if wait > 30:
                return
            time.sleep(wait + 1)  # the hour's window is about to reset: start the next one
            continue
        assert response.status_code == 202, response.text
        api.wait_for_check(response.json()["status_url"], timeout=30)
    raise AssertionError("the check limit never refused a check")


def test_an_admin_adds_an_attorney_changes_their_role_and_deactivates_them(web, embedded):
    attorney(web, embedded, role="admin")
    email, password = f"new-{uuid.uuid4().hex[:8]}@firm-a.test", "temporary-pass-1"
    web.open("/attorneys")
    web.page.locator("#invite-email").fill(email)
    web.page.locator("#invite-role").select_option("viewer")

    web.page.get_by_role("button", name="Add attorney").click()

    row = web.page.locator("tbody tr", has_text=email)
    role = row.get_by_label(f"Role of {email}")
    expect(row).to_contain_text("Active")
    expect(role).to_have_value("viewer")
    link = web.page.locator("#password-link")
    expect(link).to_have_value(re.compile(r"/set-password#token=[\w-]{43}$"))
    invite_url = link.input_value()
    # The admin only hands the link over; the attorney chooses the password.
    web.page.goto(invite_url)
    web.page.locator("#new-password").fill("password")
    web.page.locator("#repeat-password").fill("password")
    web.page.get_by_role("button", name="Set password").click()
    expect(web.page.locator("#set-password-message")).to_contain_text("common")
    web.page.locator("#new-password").fill(password)
    web.page.locator("#repeat-password").fill(password)
    web.page.get_by_role("button", name="Set password").click()
    expect(web.page.locator("#set-password-message")).to_contain_text("Your password is set")
    newcomer = embedded.api.login(email, password)
    assert newcomer.post("/v1/clients", json=researcher_profile()).status_code == 403

    web.open("/attorneys")
    with web.page.expect_response(lambda r: r.request.method == "PATCH") as changed:
        web.page.locator("tbody tr", has_text=email).get_by_label(
            f"Role of {email}").select_option("attorney")
    assert changed.value.status == 200
    expect(web.page.locator("tbody tr", has_text=email).get_by_label(
        f"Role of {email}")).to_have_value("attorney")
    # The role change ends the tokens issued before it; a new sign-in has the new role.
    assert newcomer.post("/v1/clients", json=researcher_profile()).status_code == 401
    newcomer = embedded.api.login(email, password)
    assert newcomer.post("/v1/clients", json=researcher_profile()).status_code == 201

    web.page.once("dialog", lambda dialog: dialog.accept())
    web.page.locator("tbody tr", has_text=email).get_by_role("button", name="Deactivate").click()
    expect(web.page.locator("tbody tr", has_text=email)).to_contain_text("Deactivated")
    assert newcomer.get("/v1/clients").status_code == 401
