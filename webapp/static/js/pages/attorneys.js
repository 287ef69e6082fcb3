// Attorney management (admins): invite, change role, deactivate, hand over password links.
// Admins never choose anyone's password: they hand over a one-time link instead.

import { api, newIdempotencyKey, session } from "../api.js";
import { render } from "../router.js";
import { announce, badge, formatDate, h, mount, notice, pageTitle, unavailable } from "../ui.js";

const ROLES = [["attorney", "Attorney"], ["admin", "Administrator"], ["viewer", "Viewer (read only)"]];

export async function attorneysPage(main) {
  if (!session.isAdmin) {
    mount(main, pageTitle("Attorneys"), notice("error", "Only firm administrators can manage attorneys."));
    return;
  }
  let attorneys;
  try {
    const { data } = await api.get("/v1/attorneys");
    attorneys = Array.isArray(data) ? data : data.data || [];
  } catch (error) {
    mount(main, pageTitle("Attorneys"), error.unavailable ? unavailable("Attorney management") : notice("error", error.message));
    return;
  }
  const message = h("div", { id: "attorney-message" });
  mount(main, pageTitle("Attorneys"), message,
    h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ["Email", "Role", "Status", "Since", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, attorneys.map((a) => row(a, message))))),
    inviteForm(message));
}

function row(attorney, message) {
  const self = attorney.id === session.attorney?.id;
  const role = h("select", { id: `role-${attorney.id}`, "aria-label": `Role of ${attorney.email}`, disabled: self || attorney.active === false },
    ROLES.map(([v, t]) => h("option", { value: v }, t)));
  role.value = attorney.role;
  role.addEventListener("change", () => change(attorney, { role: role.value }, message, `${attorney.email} is now ${role.value}.`));
  const deactivate = h("button", { type: "button", class: "button button-small button-danger-quiet" }, "Deactivate");
  deactivate.addEventListener("click", () => {
    if (window.confirm(`Deactivate ${attorney.email}? They are signed out at once.`)) {
      change(attorney, { active: false }, message, `${attorney.email} is deactivated.`);
    }
  });
  const reset = h("button", { type: "button", class: "button button-small button-quiet" }, "Password link");
  reset.addEventListener("click", () => resetLink(attorney, message));
  return h("tr", {},
    h("td", { "data-label": "Email" }, attorney.email, self ? " (you)" : ""),
    h("td", { "data-label": "Role" }, role),
    h("td", { "data-label": "Status" }, attorney.active === false ? "Deactivated" : "Active",
      attorney.password_reset_requested_at ? [" ", badge("Asked for a new password", "warning")] : null),
    h("td", { "data-label": "Since" }, formatDate(attorney.created_at, false)),
    h("td", {}, self || attorney.active === false ? null : [reset, " ", deactivate]));
}

async function resetLink(attorney, message) {
  try {
    const { data } = await api.post(`/v1/attorneys/${attorney.id}/password-reset`);
    mount(message, handOver(`Send this one-time link to ${attorney.email}. It sets a new password and works for one hour; their current password keeps working until then.`, data.reset_url));
  } catch (error) {
    mount(message, error.unavailable ? unavailable("Password links") : notice("error", error.message));
  }
}

function handOver(text, url) {
  const field = h("input", { id: "password-link", type: "text", readonly: true, value: url, "aria-label": "One-time password link" });
  const copy = h("button", { type: "button", class: "button button-small" }, "Copy link");
  copy.addEventListener("click", async () => {
    field.select();
    try { await navigator.clipboard.writeText(url); announce("Link copied."); } catch { /* selected for manual copy */ }
  });
  return notice("success", h("p", {}, text), h("div", { class: "link-handover" }, field, " ", copy));
}

async function change(attorney, body, message, done) {
  try {
    await api.patch(`/v1/attorneys/${attorney.id}`, body);
    announce(done);
    await render();
  } catch (error) {
    mount(message, error.unavailable ? unavailable("Changing attorneys") : notice("error", error.message));
  }
}

function inviteForm(message) {
  const email = h("input", { id: "invite-email", name: "email", type: "email", required: true, autocomplete: "off" });
  const role = h("select", { id: "invite-role", name: "role" }, ROLES.map(([v, t]) => h("option", { value: v }, t)));
  const form = h("form", { class: "panel invite-form", "aria-labelledby": "invite-heading" },
    h("h2", { id: "invite-heading" }, "Add an attorney"),
    h("p", { class: "hint" }, "They get a one-time link to choose their own password; you never see it."),
    h("div", { class: "form-grid" },
      h("div", { class: "field" }, h("label", { for: "invite-email" }, "Email"), email),
      h("div", { class: "field" }, h("label", { for: "invite-role" }, "Role"), role)),
    h("button", { type: "submit", class: "button button-primary" }, "Add attorney"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const { data } = await api.post("/v1/attorneys", { email: email.value.trim(), role: role.value },
        { "Idempotency-Key": newIdempotencyKey() });
      await render();
      const fresh = document.getElementById("attorney-message");
      if (fresh) mount(fresh, handOver(`${data.email} added. Send them this one-time link to choose their password (valid for 7 days).`, data.invite_url));
      announce(`${data.email} added.`);
    } catch (error) {
      mount(message, error.unavailable ? unavailable("Adding attorneys") : notice("error", error.message));
      message.scrollIntoView();
    }
  });
  return form;
}
