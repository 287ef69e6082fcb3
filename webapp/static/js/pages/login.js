// Sign in with the attorney's email and password.

import { api, session } from "../api.js";
import { h, mount, notice } from "../ui.js";
import { navigate } from "../router.js";

export async function loginPage(main, params, query) {
  document.title = "Sign in · Visa Eligibility";
  const message = h("div", { id: "login-message" });
  if (query.get("expired")) mount(message, notice("info", "Your session has ended. Please sign in again."));
  if (query.get("signed_out")) mount(message, notice("info", "You have signed out."));
  const email = h("input", { id: "email", name: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "button button-primary button-wide" }, "Sign in");
  // Shown only after a right password for an email with accounts in several firms.
  const firm = h("select", { id: "firm", name: "firm_id" });
  const firmField = h("div", { class: "field", hidden: true }, h("label", { for: "firm" }, "Firm"), firm);
  const form = h("form", { class: "login-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "email" }, "Email"), email),
    h("div", { class: "field" }, h("label", { for: "password" }, "Password"), password),
    firmField, submit);
  email.addEventListener("input", () => { firmField.hidden = true; firm.replaceChildren(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!email.value || !password.value) {
      mount(message, notice("error", "Enter your email and password."));
      (email.value ? password : email).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      const body = { email: email.value.trim(), password: password.value };
      if (!firmField.hidden && firm.value) body.firm_id = firm.value;
      const { data } = await api.post("/v1/auth/login", body);
      session.save(data.access_token, data.attorney);
      const next = query.get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/clients", { replace: true });
    } catch (error) {
      if (error.code === "choose_firm") {
        firm.replaceChildren(...error.details.firms.map((f) => h("option", { value: f.id }, f.name)));
        firmField.hidden = false;
        mount(message, notice("info", "You work for several firms: choose one and sign in again."));
        submit.disabled = false;
        submit.textContent = "Sign in";
        firm.focus();
        return;
      }
      const text = error.status === 429 && error.retryAfterSeconds
        ? `Too many attempts. Try again in ${Math.ceil(error.retryAfterSeconds / 60)} minute(s).`
        : error.message;
      mount(message, notice("error", text));
      submit.disabled = false;
      submit.textContent = "Sign in";
      password.select();
    }
  });
  mount(main, h("section", { class: "login-card", "aria-labelledby": "page-title" },
    h("div", { class: "login-brand", "aria-hidden": "true" }, h("span", { class: "brand-mark" }, "VE")),
    h("h1", { id: "page-title" }, "Sign in to Visa Eligibility"),
    h("p", { class: "lede" }, "Visa options for your firm's clients, with the law cited."),
    message, form, forgotten(email, message)));
}

// Asks the firm's admins for a reset link; the answer never says whether the email exists.
function forgotten(email, message) {
  const ask = h("button", { type: "button", class: "button button-quiet", id: "forgot-password" }, "Forgot your password?");
  ask.addEventListener("click", async () => {
    if (!email.value.trim()) {
      mount(message, notice("info", "Enter your email first, then choose “Forgot your password?”."));
      email.focus();
      return;
    }
    try {
      const { data } = await api.post("/v1/auth/password-reset-request", { email: email.value.trim() });
      mount(message, notice("info", data.message));
    } catch (error) {
      mount(message, notice("error", error.message));
    }
  });
  return h("p", { class: "login-help" }, ask);
}
