// Load a client for a page, waiting briefly for a just-saved version to reach the read side.

import { api } from "../api.js";
import { h, link, mount, notice, pageTitle } from "../ui.js";

export async function loadClient(main, clientId, minVersion = 0) {
  const deadline = Date.now() + (minVersion ? 10000 : 0);
  for (;;) {
    try {
      const { data } = await api.get(`/v1/clients/${encodeURIComponent(clientId)}`);
      if (data.version >= minVersion || Date.now() > deadline) return data;
    } catch (error) {
      if (error.status === 404 && Date.now() < deadline) {
        await pause(250);
        continue;
      }
      if (error.status === 404) {
        mount(main, pageTitle("Client not found"),
          notice("error", "There is no client at this address in your firm. It may have been removed, or the link belongs to another firm."),
          h("p", {}, link("/clients", "Back to clients", { class: "button" })));
      } else if (error.status !== 401) {
        mount(main, pageTitle("Something went wrong"), notice("error", error.message));
      }
      return null;
    }
    await pause(250);
  }
}

export function pause(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
