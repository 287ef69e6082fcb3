// Set your own password from an invite or reset link (/set-password#token=...).

import { api } from "../api.js";
import { h, link, mount, notice } from "../ui.js";

export async function setPasswordPage(main) {
  document.title = "Choose your password · Visa Eligibility";
  // The token sits in the fragment, which no server and no Referer ever sees.
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") || "";
  const message = h("div", { id: "set-password-message" });
  const password = h("input", { id: "new-password", name: "password", type: "password", autocomplete: "new-password", required: true, "aria-describedby": "new-password-hint" });
  const repeat = h("input", { id: "repeat-password", name: "repeat", type: "password", autocomplete: "new-password", required: true });
  const submit = h("button", { type: "submit", class: "button button-primary button-wide" }, "Set password");
  const form = h("form", { class: "login-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "new-password" }, "New password"), password,
      h("p", { class: "hint", id: "new-password-hint" }, "At least 10 characters. A few unrelated words make a strong one; common passwords are refused.")),
    h("div", { class: "field" }, h("label", { for: "repeat-password" }, "Repeat it"), repeat),
    submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (password.value !== repeat.value) {
      mount(message, notice("error", "The two passwords differ."));
      repeat.focus();
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await api.post("/v1/auth/password", { token, password: password.value });
      history.replaceState({}, "", "/set-password");
      mount(message, notice("success", `Your password is set for ${data.email} at ${data.firm_name}. `,
        link("/login", "Sign in")));
      form.hidden = true;
    } catch (error) {
      mount(message, notice("error", error.message));
      submit.disabled = false;
      if (error.status === 410) form.hidden = true;
      else password.select();
    }
  });
  mount(main, h("section", { class: "login-card", "aria-labelledby": "page-title" },
    h("h1", { id: "page-title" }, "Choose your password"),
    token ? message : notice("error", "This link is incomplete. Open the whole link you were sent, or ask your firm's admin for a new one."),
    token ? form : null));
}
