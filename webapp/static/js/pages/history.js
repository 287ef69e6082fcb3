// The client's history: every event, who did it and when, with field-level changes.

import { clientHistory } from "../history_data.js";
import { fieldLabel, valueLabel } from "../profile_fields.js";
import { displayValue, formatDate, h, humanize, mount, notice, unavailable } from "../ui.js";

export async function historyPanel(body, client) {
  mount(body, h("p", { class: "loading" }, "Loading history…"));
  let events;
  try {
    events = await clientHistory(client.id);
  } catch (error) {
    mount(body, error.unavailable ? unavailable("The client's history") : notice("error", error.message));
    return;
  }
  if (!events.length) {
    mount(body, h("p", { class: "empty" }, "No events recorded yet."));
    return;
  }
  mount(body, h("ol", { class: "timeline", "aria-label": "Client history, oldest first" }, events.map((e) =>
    (e.entity === "check" ? checkEvent(e) : profileEvent(e)))));
}

function title(e) {
  return humanize(e.type.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/\./g, " "));
}

function byline(e) {
  return ` · ${formatDate(e.at)}${e.actor ? ` · by ${e.actor}` : ""}`;
}

function profileEvent(e) {
  return h("li", { class: "timeline-item" },
    h("p", { class: "timeline-head" }, h("strong", {}, title(e)), e.version !== null ? ` · profile version ${e.version}` : "", byline(e)),
    e.changes.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-compact" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Before"), h("th", { scope: "col" }, "After"))),
      h("tbody", {}, e.changes.map((c) => h("tr", {}, h("th", { scope: "row" }, fieldLabel(c.field) || humanize(c.field)),
        h("td", {}, displayValue(valueLabel(c.field, c.old))), h("td", {}, displayValue(valueLabel(c.field, c.new)))))))) : null);
}

function checkEvent(e) {
  const value = (field) => e.changes.find((c) => c.field === field)?.new;
  const details = [
    value("profile_version") !== undefined ? `for profile version ${value("profile_version")}` : null,
    value("top_recommendation") ? `best option ${value("top_recommendation")}` : null,
    value("error_message") ? `“${value("error_message")}”` : null,
  ].filter(Boolean).join(" · ");
  return h("li", { class: "timeline-item timeline-check" },
    h("p", { class: "timeline-head" }, h("strong", {}, title(e)), details ? ` ${details}` : "", byline(e)));
}
