// History-based routing with a guard for unsaved changes and per-page clean-up.

const routes = [];
let cleanup = null;
let leaveGuard = null;

export function route(pattern, render) {
  const names = [];
  const regex = new RegExp("^" + pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  }) + "/?$");
  routes.push({ regex, names, render });
}

export function guardLeaving(check) { leaveGuard = check; }

export function onLeave(fn) {
  const previous = cleanup;
  cleanup = () => { if (previous) previous(); fn(); };
}

function confirmLeaving() {
  if (leaveGuard && leaveGuard()) {
    return window.confirm("You have unsaved changes. Leave this page and lose them?");
  }
  return true;
}

export function navigate(path, { replace = false } = {}) {
  if (!confirmLeaving()) return;
  if (replace) history.replaceState({}, "", path);
  else history.pushState({}, "", path);
  render();
}

export async function render() {
  if (cleanup) cleanup();
  cleanup = null;
  leaveGuard = null;
  const url = new URL(window.location.href);
  const main = document.getElementById("main");
  // Busy until the page has rendered and taken the focus (tests and assistive tech wait on it).
  main.setAttribute("aria-busy", "true");
  for (const { regex, names, render: page } of routes) {
    const match = url.pathname.match(regex);
    if (!match) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
    // Each render gets its own view: a page still loading when the next render starts
    // fills a detached view instead of overwriting the new page.
    const view = document.createElement("div");
    view.className = "view";
    main.replaceChildren(view);
    try {
      await page(view, params, url.searchParams);
    } catch (error) {
      if (view.isConnected) main.removeAttribute("aria-busy");
      throw error;
    }
    if (!view.isConnected) return;
    const title = document.getElementById("page-title");
    (title || main).setAttribute("tabindex", "-1");
    (title || main).focus({ preventScroll: true });
    window.scrollTo(0, 0);
    main.removeAttribute("aria-busy");
    return;
  }
  navigate("/clients", { replace: true });
}

export function start() {
  document.addEventListener("click", (event) => {
    const anchor = event.target.closest("a[data-link]");
    if (!anchor || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(anchor.getAttribute("href"));
  });
  window.addEventListener("popstate", () => render());
  window.addEventListener("beforeunload", (event) => {
    if (leaveGuard && leaveGuard()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  render();
}
