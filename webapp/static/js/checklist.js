// A type's documents checklist, printable on its own page with the client's name.

import { formatDate, h } from "./ui.js";

export function documentsSection(rec, id, check, clientLabel) {
  const docs = rec.required_documents || [];
  if (!docs.length) return null;
  const print = h("button", { type: "button", class: "button button-small no-print" }, `Print ${rec.visa_type} checklist`);
  print.addEventListener("click", () => printCard(id));
  return h("details", { class: "section documents" },
    h("summary", {}, `Documents checklist (${docs.length})`),
    h("p", { class: "print-only" }, [clientLabel, `${rec.visa_type} documents checklist`,
      `check of ${formatDate(check.completed_at || check.requested_at)}`].filter(Boolean).join(" · ")),
    h("ul", { class: "checklist" }, docs.map((doc, i) => h("li", {},
      h("input", { type: "checkbox", id: `${id}-doc-${i}` }), h("label", { for: `${id}-doc-${i}` }, doc)))),
    print);
}

// Print one card alone: everything else leaves the layout (display: none), so no blank pages.
export function printCard(id) {
  const card = document.getElementById(id);
  const sections = card.querySelectorAll("details");
  const wasOpen = [...sections].map((d) => d.open);
  const fold = card.closest("details.not-eligible");
  const foldOpen = fold?.open;
  sections.forEach((d) => { d.open = true; });
  if (fold) fold.open = true;
  document.body.classList.add("printing-one");
  card.classList.add("print-target");
  window.print();
  card.classList.remove("print-target");
  document.body.classList.remove("printing-one");
  sections.forEach((d, i) => { d.open = wasOpen[i]; });
  if (fold) fold.open = foldOpen;
}
