// A client's page: profile summary, eligibility checks with live progress, results and history.

import { api, newIdempotencyKey, session } from "../api.js";
import { KEY_FACTS, SECTIONS, fieldLabel, valueLabel } from "../profile_fields.js";
import { reportButton } from "../report_download.js";
import { analysisBadge, resultCards } from "../results.js";
import { answerSummary, questionsPanel } from "../results_summary.js";
import { catalogueDate } from "../wording.js";
import { navigate, onLeave } from "../router.js";
import { announce, badge, checkLabel, clientName, displayValue, formatDate, h, link, mount, notice, pageTitle } from "../ui.js";
import { loadClient } from "./client_data.js";
import { historyPanel } from "./history.js";

const POLL_MS = 2000;
const pendingKey = (clientId) => `visa.check.${clientId}`;

export async function clientPage(main, params, query) {
  const client = await loadClient(main, params.id, Number(query.get("v") || 0));
  if (!client) return;
  const base = `/clients/${client.id}`;
  const tab = (href, text, name) => link(href, text, { class: "tab", "aria-current": params.tab === name ? "page" : null });
  const body = h("div", { class: "tab-body" });
  const saved = query.get("saved");
  mount(main,
    h("nav", { class: "breadcrumbs", "aria-label": "Breadcrumb" }, link("/clients", "Clients"), " / ", clientName(client)),
    h("div", { class: "page-head" },
      h("div", {}, pageTitle(clientName(client)),
        h("p", { class: "subtitle" }, [client.current_job_title, client.current_employer].filter(Boolean).join(" at ") || "No position recorded",
          " · ", `Profile version ${client.version}`, client.status === "archived" ? [" · ", badge("Archived", "neutral")] : null)),
      session.canWrite && client.status !== "archived" ? h("div", { class: "check-actions" },
        link(`${base}/edit`, "Edit profile", { class: "button" }), archiveButton(client)) : null),
    saved ? notice("success", saved === "created" ? "Client created." : "Changes saved.") : null,
    h("nav", { class: "tabs", "aria-label": "Client sections" },
      tab(base, "Recommendations", "overview"), tab(`${base}/checks`, "Checks", "checks"), tab(`${base}/history`, "History", "history")),
    body);
  if (params.tab === "history") return historyPanel(body, client);
  const checks = await listChecks(client.id);
  if (params.tab === "checks") return checksPanel(body, client, checks);
  return overview(body, client, checks, query.get("check"));
}

function archiveButton(client) {
  const button = h("button", { type: "button", class: "button button-danger-quiet" }, "Archive");
  button.addEventListener("click", async () => {
    if (!window.confirm(`Archive ${clientName(client)}? Archived clients leave the list and cannot be checked.`)) return;
    try {
      await api.delete(`/v1/clients/${client.id}`, { "If-Match": `"${client.version}"` });
      announce("Client archived.");
      navigate(`/clients/${client.id}?v=${client.version + 1}`);
    } catch (error) {
      button.closest(".page-head").after(notice("error", error.message));
    }
  });
  return button;
}

async function listChecks(clientId) {
  try {
    return (await api.get(`/v1/clients/${clientId}/eligibility-checks`)).data.data || [];
  } catch {
    return [];
  }
}

function overview(body, client, checks, chosenId) {
  const checkArea = h("section", { class: "check-area", "aria-labelledby": "check-heading" });
  mount(body,
    h("div", { class: "overview" },
      h("section", { class: "panel profile-summary", "aria-labelledby": "summary-heading" },
        h("h2", { id: "summary-heading" }, "Profile"), summaryList(client),
        h("details", {}, h("summary", {}, "Full profile"), fullProfile(client))),
      checkArea));
  const controller = new CheckController(checkArea, client, checks);
  onLeave(() => controller.stop());
  controller.show(chosenId);
}

function summaryList(client) {
  return h("dl", { class: "facts" }, KEY_FACTS.filter((k) => client[k] !== undefined && client[k] !== null).map((k) =>
    h("div", {}, h("dt", {}, fieldLabel(k)), h("dd", {}, displayValue(valueLabel(k, client[k]))))));
}

function fullProfile(client) {
  return SECTIONS.map((section) => {
    const names = section.group ? [section.group] : section.fields.map((f) => f.name);
    const rows = names.filter((n) => client[n] !== undefined && client[n] !== null && !(Array.isArray(client[n]) && !client[n].length));
    if (!rows.length) return null;
    return h("div", { class: "profile-group" }, h("h3", {}, section.title),
      h("dl", { class: "facts" }, rows.map((n) => h("div", {}, h("dt", {}, fieldLabel(n)), h("dd", {}, displayValue(valueLabel(n, client[n])))))));
  });
}

class CheckController {
  constructor(area, client, checks) {
    this.area = area;
    this.client = client;
    this.checks = checks;
    this.timer = null;
    this.stopped = false;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.countdown);
  }

  async show(chosenId) {
    const pendingId = sessionStorage.getItem(pendingKey(this.client.id));
    const latest = this.checks[0];
    // A remembered pending check the read side has not listed yet still wins; once listed, the newest does.
    const unlisted = pendingId && !this.checks.some((c) => c.check_id === pendingId);
    const id = chosenId || (unlisted ? pendingId : latest?.check_id);
    if (!id) return this.render(null);
    const check = this.checks.find((c) => c.check_id === id) || await this.fetchCheck(id, id === pendingId);
    this.render(check, Boolean(chosenId && latest && chosenId !== latest.check_id));
  }

  async fetchCheck(id, justRequested = true) {
    try {
      return (await api.get(`/v1/eligibility-checks/${id}`)).data;
    } catch (error) {
      // A just-requested check may not have reached the read side yet.
      if (error.status === 404 && justRequested) return { check_id: id, status: "pending", client_id: this.client.id };
      if (error.status === 404) return null;
      throw error;
    }
  }

  render(check, olderCheck = false, extra = null) {
    const heading = h("div", { class: "check-head" }, h("h2", { id: "check-heading" }, "Eligibility"), this.actions(check));
    const parts = [heading, extra];
    if (!check) {
      parts.push(h("div", { class: "empty" }, h("p", {}, "No eligibility check yet."),
        h("p", { class: "hint" }, "Run a check to see every visa option for this client, best first, with the criteria met and what to ask the client.")));
    } else if (check.status === "pending" || check.status === "processing") {
      parts.push(progress(check));
      this.poll(check.check_id);
    } else if (check.status === "failed") {
      sessionStorage.removeItem(pendingKey(this.client.id));
      parts.push(this.failure(check));
    } else {
      sessionStorage.removeItem(pendingKey(this.client.id));
      parts.push(this.resultHeader(check, olderCheck), answerSummary(check, this.client),
        questionsPanel(check, this.client), resultCards(check, this.client, clientName(this.client)));
      // The check concluded from the rules; the LLM's analysis follows as its own event.
      if (analysisPending(check)) this.poll(check.check_id);
    }
    mount(this.area, parts);
  }

  actions(check) {
    const report = check?.status === "completed" ? reportButton(check, this.client) : null;
    if (!session.canWrite || this.client.status === "archived") return report ? h("div", { class: "check-actions" }, report) : null;
    const busy = check && (check.status === "pending" || check.status === "processing");
    const button = h("button", { type: "button", class: "button button-primary", id: "run-check", disabled: busy },
      check ? "Run a new check" : "Check eligibility");
    if (!check) button.textContent = "Check eligibility";
    button.addEventListener("click", () => this.request(false));
    const completed = this.checks.filter((c) => c.status === "completed");
    const compare = completed.length >= 2
      ? link(`/clients/${this.client.id}/compare?a=${completed[1].check_id}&b=${completed[0].check_id}`, "Compare with previous", { class: "button" })
      : null;
    return h("div", { class: "check-actions" }, report, compare, button);
  }

  async request(forceRefresh) {
    const button = this.area.querySelector("#run-check, #retry-check");
    if (button) button.disabled = true;
    try {
      const { data } = await api.post(`/v1/clients/${this.client.id}/eligibility-checks`,
        forceRefresh ? { force_refresh: true } : undefined, { "Idempotency-Key": newIdempotencyKey() });
      sessionStorage.setItem(pendingKey(this.client.id), data.check_id);
      announce("Eligibility check requested.");
      this.render({ check_id: data.check_id, status: data.status || "pending", profile_version: data.profile_version });
    } catch (error) {
      if (button) button.disabled = false;
      if (error.status === 429) return this.rateLimited(error);
      const message = notice("error", error.message);
      this.area.querySelector(".check-head").after(message);
    }
  }

  rateLimited(error) {
    const seconds = error.retryAfterSeconds ?? 60;
    const at = new Date(Date.now() + seconds * 1000);
    const when = at.toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit" });
    const remaining = h("span", { class: "countdown" });
    const panel = notice("warning", h("strong", {}, "Check limit reached. "),
      `You can run the next check at ${when} (`, remaining, ").",
      h("span", { class: "hint" }, ` ${error.message}`));
    panel.id = "rate-limit";
    this.area.querySelector(".check-head").after(panel);
    const button = this.area.querySelector("#run-check, #retry-check");
    const tick = () => {
      const left = Math.max(0, Math.round((at - Date.now()) / 1000));
      remaining.textContent = left >= 60 ? `in ${Math.ceil(left / 60)} min` : `in ${left} s`;
      if (button) button.disabled = left > 0;
      if (!left) { clearInterval(this.countdown); panel.remove(); }
    };
    tick();
    this.countdown = setInterval(tick, 1000);
  }

  poll(checkId) {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      if (this.stopped) return;
      let check;
      try {
        check = await this.fetchCheck(checkId);
      } catch {
        return this.poll(checkId);
      }
      if (this.stopped) return;
      if (check.status === "pending" || check.status === "processing") {
        this.updateProgress(check);
        return this.poll(checkId);
      }
      const shown = this.checks.find((c) => c.check_id === checkId);
      if (shown && shown.status === check.status && analysisPending(check)) return this.poll(checkId);
      if (shown && shown.status === "completed" && !analysisPending(check)) {
        this.checks = [check, ...this.checks.filter((c) => c.check_id !== checkId)];
        announce(check.analysis?.status === "ready" ? "The analysis is ready." : "The analysis could not be produced.");
        return this.render(check);
      }
      this.checks = [check, ...this.checks.filter((c) => c.check_id !== checkId)];
      announce(check.status === "completed" ? "Eligibility check complete." : "The eligibility check failed.");
      this.render(check);
    }, POLL_MS);
  }

  updateProgress(check) {
    const old = this.area.querySelector(".progress");
    if (old) old.replaceWith(progress(check));
  }

  failure(check) {
    const retry = h("button", { type: "button", class: "button button-primary", id: "retry-check" }, "Retry");
    retry.addEventListener("click", () => this.request(true));
    return h("div", { class: "notice notice-error failure", role: "alert" },
      h("h3", {}, "The eligibility check failed"),
      h("p", { class: "failure-message" }, check.error_message || "The check could not be completed."),
      h("p", { class: "hint" }, `Requested ${formatDate(check.requested_at)}.`),
      session.canWrite && check.retry_allowed !== false ? retry : h("p", {}, "This check cannot be retried; contact support with the time above."));
  }

  resultHeader(check, olderCheck) {
    const stale = check.profile_version < this.client.version;
    return h("div", { class: "result-meta" },
      h("p", {}, `Checked ${formatDate(check.completed_at || check.requested_at)} · profile version ${check.profile_version} · `,
        analysisBadge(check.analysis_mode), " ", analysisState(check),
        catalogueDate(check.catalogue_version) ? h("span", { class: "hint" }, ` · rules and data of ${catalogueDate(check.catalogue_version)}`) : null),
      analysisWords(check),
      olderCheck ? notice("info", "You are viewing an earlier check. ", link(`/clients/${this.client.id}`, "Show the latest")) : null,
      stale && !olderCheck ? notice("info", "The profile has changed since this check. Run a new check to see the effect.") : null);
  }
}

function analysisPending(check) {
  return check.status === "completed" && check.analysis?.status === "pending";
}

function analysisState(check) {
  const state = check.analysis?.status;
  if (state === "pending") return h("span", { class: "badge badge-neutral analysis-state", role: "status" }, "Analysis in progress…");
  if (state === "ready") return h("span", { class: "badge badge-accent analysis-state" }, "Analysis ready");
  if (state === "failed") return h("span", { class: "badge badge-warning analysis-state" }, "Analysis unavailable");
  return null;
}

// What the assessment rests on, in words (never the engine's own notes).
function analysisWords(check) {
  const state = check.analysis?.status;
  if (state === "ready") return h("p", { class: "hint" }, "Assessed against the published rules; an AI reading of the record follows each finding, and the rules decide the verdict.");
  if (state === "failed") return h("p", { class: "hint" }, "Assessed against the published rules; the AI reading could not be produced this time.");
  if (state === "pending") return h("p", { class: "hint" }, "Assessed against the published rules; an AI reading of the record is on its way.");
  return null;
}

function progress(check) {
  const processing = check.status === "processing";
  const step = (text, state) => h("li", { class: `step step-${state}` }, text);
  return h("div", { class: "progress", role: "status", "aria-live": "polite" },
    h("div", { class: "spinner", "aria-hidden": "true" }),
    h("div", {},
      h("p", { class: "progress-title" }, processing ? "Evaluating every visa type…" : "Check requested; waiting for the engine…"),
      h("ol", { class: "steps" }, step("Requested", "done"), step("Evaluating", processing ? "current" : "todo"), step("Results", "todo")),
      h("p", { class: "hint" }, "This page updates by itself. You can leave and come back.")));
}

function checksPanel(body, client, checks) {
  if (!checks.length) {
    mount(body, h("div", { class: "empty" }, h("p", {}, "No checks yet."), link(`/clients/${client.id}`, "Go to recommendations", { class: "button" })));
    return;
  }
  const completed = checks.filter((c) => c.status === "completed");
  const rows = checks.map((c) => {
    const best = (c.recommendations || [])[0];
    return h("tr", {},
      h("td", { "data-label": "Requested" }, link(`/clients/${client.id}?check=${c.check_id}`, checkLabel(c, checks))),
      h("td", { "data-label": "Status" }, statusBadge(c.status)),
      h("td", { "data-label": "Profile version" }, c.profile_version),
      h("td", { "data-label": "Best option" }, best ? `${best.visa_type} · ${best.eligibility_score}` : "—"),
      h("td", { "data-label": "Analysis" }, analysisBadge(c.analysis_mode) || "—"));
  });
  const option = (c) => h("option", { value: c.check_id }, `${checkLabel(c, checks)} (v${c.profile_version})`);
  const a = h("select", { id: "compare-a", name: "a" }, completed.map(option));
  const b = h("select", { id: "compare-b", name: "b" }, completed.map(option));
  if (completed.length >= 2) { a.value = completed[1].check_id; b.value = completed[0].check_id; }
  const form = h("form", { class: "compare-form", "aria-label": "Compare two checks" },
    h("div", { class: "field" }, h("label", { for: "compare-a" }, "Earlier check"), a),
    h("div", { class: "field" }, h("label", { for: "compare-b" }, "Later check"), b),
    h("button", { type: "submit", class: "button button-primary", disabled: completed.length < 2 }, "Compare"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(`/clients/${client.id}/compare?a=${a.value}&b=${b.value}`);
  });
  mount(body,
    h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("caption", { class: "visually-hidden" }, "Eligibility checks, newest first"),
      h("thead", {}, h("tr", {}, ["Requested", "Status", "Profile version", "Best option", "Analysis"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows))),
    h("h2", {}, "Compare two checks"),
    completed.length >= 2 ? form : h("p", { class: "hint" }, "Two completed checks are needed to compare."));
}

export function statusBadge(status) {
  const kinds = { completed: "success", failed: "danger", pending: "info", processing: "info" };
  return badge(status ? status.charAt(0).toUpperCase() + status.slice(1) : "—", kinds[status] || "neutral");
}
