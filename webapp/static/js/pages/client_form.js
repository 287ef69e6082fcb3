// Create or edit a client: only changed fields are sent, with the version they were based on.

import { api, newIdempotencyKey } from "../api.js";
import { SECTIONS, fieldLabel, pathLabel, valueLabel } from "../profile_fields.js";
import { buildSections, changedFields, clearErrors, formProblems, readProfile, normalize, showErrors, stable } from "../profile_form.js";
import { loadProfileRules } from "../profile_rules.js";
import { guardLeaving, navigate } from "../router.js";
import { announce, clientName, displayValue, h, humanize, link, mount, notice, pageTitle } from "../ui.js";
import { loadClient, pause } from "./client_data.js";

export async function clientFormPage(main, params) {
  const editing = Boolean(params.id);
  let base = { version: null, profile: {} };
  if (editing) {
    const client = await loadClient(main, params.id);
    if (!client) return;
    base = { version: client.version, profile: normalize(client) };
  }
  const rules = await loadProfileRules();
  const form = h("form", { class: "profile-form", novalidate: true, "aria-labelledby": "page-title" });
  const banner = h("div", { id: "form-banner" });
  const submit = h("button", { type: "submit", class: "button button-primary" }, editing ? "Save changes" : "Create client");
  const cancelHref = editing ? `/clients/${params.id}` : "/clients";
  const actions = h("div", { class: "form-actions sticky-actions" }, submit, link(cancelHref, "Cancel", { class: "button button-quiet" }),
    h("span", { class: "dirty-flag", id: "dirty-flag", "aria-live": "polite" }),
    h("a", { href: "#section-nav", class: "to-sections", onclick: (event) => jumpTo(event, "section-nav") }, "Sections ↑"));
  form.append(...buildSections(base.profile), actions);
  const title = editing ? `Edit ${clientName(base.profile)}` : "New client";
  mount(main,
    h("nav", { class: "breadcrumbs", "aria-label": "Breadcrumb" }, link("/clients", "Clients"), editing ? [" / ", link(cancelHref, clientName(base.profile))] : null),
    pageTitle(title),
    h("p", { class: "lede" }, "Record what you know; leave the rest as not known. The check lists what to ask the client."),
    sectionNav(), banner, form);

  let initial = stable(readProfile(form));
  let saving = false;
  const isDirty = () => stable(readProfile(form)) !== initial;
  guardLeaving(() => !saving && isDirty());
  form.addEventListener("input", () => {
    document.getElementById("dirty-flag").textContent = isDirty() ? "Unsaved changes" : "";
  });
  // Each field is checked as the attorney leaves it, against the server's own rules.
  const touched = new Set();
  const recheck = (event) => {
    const path = event.target.dataset?.path;
    if (!path || !event.target.dataset.kind) return;
    touched.add(path);
    if (path === "date_of_birth") touched.add("graduation_year");
    showErrors(form, formProblems(form, rules, touched));
  };
  form.addEventListener("focusout", recheck);
  form.addEventListener("change", recheck);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    mount(banner);
    const problems = formProblems(form, rules);
    if (Object.keys(problems).length) {
      showValidation(banner, form, { details: problems });
      return;
    }
    const current = readProfile(form);
    const body = editing ? changedFields(base.profile, current) : current;
    if (editing && !Object.keys(body).length) {
      mount(banner, notice("info", "Nothing has changed."));
      return;
    }
    saving = true;
    submit.disabled = true;
    try {
      const { data } = editing
        ? await api.patch(`/v1/clients/${params.id}`, body, { "If-Match": `"${base.version}"` })
        : await api.post("/v1/clients", body, { "Idempotency-Key": newIdempotencyKey() });
      announce(editing ? "Changes saved." : "Client created.");
      navigate(`/clients/${data.id}?v=${data.version}&saved=${editing ? "edited" : "created"}`);
    } catch (error) {
      saving = false;
      submit.disabled = false;
      if (error.status === 412 || error.code === "precondition_failed" || error.code === "version_conflict") {
        await showConflict(banner, params.id, base, current, (latest) => {
          // Re-apply only what this attorney changed, on top of everyone else's latest values.
          const mine = changedFields(base.profile, current);
          const merged = normalize({ ...latest.profile, ...mine });
          base = latest;
          initial = stable(latest.profile);
          form.replaceChildren(...buildSections(merged), actions);
          form.dispatchEvent(new Event("input"));
        });
      } else if (error.status === 400 && Object.keys(error.details).length) {
        // The server's words for a rule the form also knows become the form's words.
        const local = formProblems(form, rules);
        showValidation(banner, form, { details: Object.fromEntries(Object.entries(error.details)
          .map(([key, text]) => [key, local[key] || text])) });
      } else {
        mount(banner, notice("error", error.message));
        banner.querySelector(".notice").focus?.();
      }
    }
  });
}

function sectionNav() {
  return h("nav", { class: "section-nav", id: "section-nav", "aria-label": "Form sections", tabindex: "-1" },
    h("ul", {}, SECTIONS.map((section) => h("li", {},
      h("a", { href: `#section-${section.id}`, onclick: (event) => jumpTo(event, `section-${section.id}`) }, section.title)))));
}

// In-page jumps without touching the address (a hash change would re-render the page).
function jumpTo(event, id) {
  event.preventDefault();
  const target = document.getElementById(id);
  if (!target) return;
  target.scrollIntoView({ block: "start" });
  const first = target.matches("nav") ? target : target.querySelector("input, select, textarea");
  (first || target).focus({ preventScroll: true });
}

function showValidation(banner, form, error) {
  const placed = showErrors(form, error.details);
  const items = placed.map(({ key, text, target }) => h("li", {},
    target ? h("a", { href: `#${target.id}`, onclick: (e) => { e.preventDefault(); target.focus(); } }, `${labelFor(key)}: ${text}`)
      : `${labelFor(key)}: ${text}`));
  const summary = notice("error", h("p", {}, "Please correct the highlighted fields:"), h("ul", {}, items));
  summary.setAttribute("tabindex", "-1");
  mount(banner, summary);
  summary.focus();
}

function labelFor(key) {
  const parts = key.split(".");
  const top = fieldLabel(parts[0]) || parts[0];
  if (parts.length === 1) return top;
  const index = parts.find((p) => /^\d+$/.test(p));
  const leaf = parts[parts.length - 1];
  if (index === undefined) return pathLabel(key) || key.replace(/[._]/g, " ");
  const item = SECTIONS.flatMap((s) => s.fields).find((f) => f.name === parts[0]);
  const sub = item?.fields?.find((f) => f.name === leaf);
  return `${item ? humanize(item.item) : top} ${Number(index) + 1}: ${sub ? sub.label : leaf.replace(/_/g, " ")}`;
}

async function showConflict(banner, clientId, base, mine, adopt) {
  let latest;
  try {
    // The read side may still be catching up with the other edit: wait briefly for it.
    for (let tries = 0; tries < 20; tries += 1) {
      latest = (await api.get(`/v1/clients/${clientId}`)).data;
      if (latest.version > base.version) break;
      await pause(250);
    }
  } catch (error) {
    mount(banner, notice("error", error.message));
    return;
  }
  const theirs = normalize(latest);
  const changed = Object.keys({ ...base.profile, ...theirs }).filter((k) =>
    fieldLabel(k) && stable(base.profile[k]) !== stable(theirs[k]));
  const rows = changed.map((k) => h("tr", {},
    h("th", { scope: "row" }, fieldLabel(k)),
    h("td", {}, displayValue(valueLabel(k, base.profile[k]))),
    h("td", {}, displayValue(valueLabel(k, theirs[k]))),
    h("td", {}, displayValue(valueLabel(k, mine[k])))));
  const keep = h("button", { type: "button", class: "button button-primary" }, "Keep my edits on the latest version");
  keep.addEventListener("click", () => {
    adopt({ version: latest.version, profile: theirs });
    mount(banner, notice("info", `Your edits now apply to version ${latest.version}. Review them and save again.`));
  });
  const panel = notice("warning",
    h("h2", {}, "Someone else changed this client while you were editing"),
    h("p", {}, `The client is now at version ${latest.version}. Nothing was saved.`),
    changed.length ? h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "When you opened it"),
        h("th", { scope: "col" }, "Now"), h("th", { scope: "col" }, "Your edit"))),
      h("tbody", {}, rows))) : null,
    h("div", { class: "form-actions" }, keep, link(`/clients/${clientId}/edit`, "Discard my edits and reload", { class: "button button-quiet" })));
  panel.setAttribute("tabindex", "-1");
  mount(banner, panel);
  panel.focus();
}
