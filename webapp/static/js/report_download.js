// "Download report": choose the visa types to include, then fetch the PDF the server renders.

import { api } from "./api.js";
import { announce, h, notice } from "./ui.js";

export function reportButton(check, client) {
  const recs = check.recommendations || [];
  const boxes = recs.map((rec) => h("input", { type: "checkbox", id: `report-type-${slugOf(rec.visa_type)}`, value: rec.visa_type, checked: true }));
  const item = (rec, i) => h("li", { class: "field-check" }, boxes[i], h("label", { for: boxes[i].id }, rec.visa_type,
    rec.verdict === "not_eligible" ? h("span", { class: "hint" }, " (not eligible)") : null));
  const status = h("div", { class: "report-status", role: "status" });
  const submit = h("button", { type: "submit", class: "button button-primary button-small" }, "Download PDF");
  const pick = (which) => () => boxes.forEach((b, i) => { b.checked = which(recs[i]); });
  const chooser = h("form", { class: "report-chooser", "aria-label": "Types to include in the report" },
    h("fieldset", {}, h("legend", {}, "Types to include"),
      h("div", { class: "report-picks" },
        h("button", { type: "button", class: "button button-quiet button-small", onclick: pick(() => true) }, "All"),
        h("button", { type: "button", class: "button button-quiet button-small", onclick: pick((r) => r.verdict !== "not_eligible") }, "Worth pursuing only")),
      h("ul", { class: "plain report-types" }, recs.map(item))),
    submit, status);
  chooser.addEventListener("submit", async (event) => {
    event.preventDefault();
    const types = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!types.length) return status.replaceChildren(notice("error", "Choose at least one visa type."));
    submit.disabled = true;
    status.replaceChildren(h("span", { class: "hint" }, "Preparing the report…"));
    try {
      const response = await api.download(`/v1/eligibility-checks/${check.check_id}/report.pdf?types=${encodeURIComponent(types.join(","))}`, "application/pdf");
      save(await response.blob(), filename(response, client));
      status.replaceChildren(h("span", { class: "hint" }, "Report downloaded."));
      announce("Report downloaded.");
    } catch (error) {
      status.replaceChildren(notice("error", error.message));
    } finally {
      submit.disabled = false;
    }
  });
  return h("details", { class: "report-menu no-print" }, h("summary", { class: "button" }, "Download report"), chooser);
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const anchor = h("a", { href: url, download: name, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function filename(response, client) {
  const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return match ? match[1] : `visa-report-${client.last_name || "client"}.pdf`;
}

function slugOf(text) { return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-"); }
