// The app's entry point: the top bar, sign-in redirects and the page routes.

import { api, refreshSession, session, sessionChannel, whenUnauthorized } from "./api.js";
import { h, link, mount } from "./ui.js";
import { navigate, route, start } from "./router.js";
import { loginPage } from "./pages/login.js";
import { clientsPage } from "./pages/clients.js";
import { clientFormPage } from "./pages/client_form.js";
import { clientPage } from "./pages/client.js";
import { comparePage } from "./pages/compare.js";
import { dashboardPage } from "./pages/dashboard.js";
import { auditPage } from "./pages/audit.js";
import { attorneysPage } from "./pages/attorneys.js";
import { setPasswordPage } from "./pages/set_password.js";

function signedIn(page) {
  return async (main, params, query) => {
    if (!session.token) await refreshSession(); // a new tab of a signed-in browser
    if (!session.token) {
      const next = window.location.pathname + window.location.search;
      navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
      return;
    }
    renderChrome();
    await page(main, params, query);
  };
}

function renderChrome() {
  const topbar = document.getElementById("topbar");
  topbar.hidden = !session.token;
  const here = window.location.pathname;
  const item = (href, text) => h("li", {}, link(href, text, here.startsWith(href) ? { "aria-current": "page" } : {}));
  mount(document.getElementById("mainnav"), h("ul", {},
    item("/clients", "Clients"),
    item("/dashboard", "Dashboard"),
    session.isAdmin ? item("/audit", "Audit trail") : null,
    session.isAdmin ? item("/attorneys", "Attorneys") : null));
  const me = session.attorney || {};
  mount(document.getElementById("session"),
    h("span", { class: "who" }, h("span", { class: "who-email" }, me.email || ""), " ", h("span", { class: "badge badge-neutral" }, me.role || "")),
    h("button", { type: "button", class: "button button-quiet", onclick: signOut }, "Sign out"));
}

async function signOut() {
  try { await api.post("/v1/auth/logout"); } catch { /* the token is dropped either way */ }
  endSession();
  sessionChannel?.postMessage({ type: "signed-out" });
}

function endSession() {
  session.clear();
  document.getElementById("topbar").hidden = true;
  navigate("/login?signed_out=1");
}

// Signing out in one tab signs out every tab of the browser.
sessionChannel?.addEventListener("message", (event) => {
  if (event.data?.type === "signed-out" && session.token) endSession();
});

whenUnauthorized(() => {
  if (window.location.pathname === "/login") return;
  session.clear();
  document.getElementById("topbar").hidden = true;
  const next = window.location.pathname + window.location.search;
  navigate(`/login?expired=1&next=${encodeURIComponent(next)}`, { replace: true });
});

route("/login", async (main, params, query) => {
  document.getElementById("topbar").hidden = true;
  await loginPage(main, params, query);
});
route("/set-password", async (main) => {
  document.getElementById("topbar").hidden = true;
  await setPasswordPage(main);
});
route("/", signedIn(async () => navigate("/clients", { replace: true })));
route("/clients", signedIn(clientsPage));
route("/clients/new", signedIn(clientFormPage));
route("/clients/:id/edit", signedIn(clientFormPage));
route("/clients/:id/compare", signedIn(comparePage));
route("/clients/:id/checks", signedIn((m, p, q) => clientPage(m, { ...p, tab: "checks" }, q)));
route("/clients/:id/history", signedIn((m, p, q) => clientPage(m, { ...p, tab: "history" }, q)));
route("/clients/:id", signedIn((m, p, q) => clientPage(m, { ...p, tab: "overview" }, q)));
route("/dashboard", signedIn(dashboardPage));
route("/audit", signedIn(auditPage));
route("/attorneys", signedIn(attorneysPage));

start();
