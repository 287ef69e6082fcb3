// Read the client's event history in whichever reasonable shape the query side returns it.

import { api } from "./api.js";

export async function clientHistory(clientId) {
  const { data } = await api.get(`/v1/clients/${clientId}/history`);
  const items = Array.isArray(data) ? data : data.data || data.events || [];
  return items.map((e) => ({
    type: e.event_type || e.type || e.action || "event",
    version: e.version ?? e.aggregate_version ?? e.profile_version ?? null,
    at: e.occurred_at || e.at || e.time || e.timestamp,
    actor: e.actor_email || e.actor?.email || e.actor_id || e.actor?.id || e.actor || e.meta?.actor_id || "",
    changes: changeList(e.changes || e.diff || e.changed_fields || e.data?.changes),
    raw: e,
  }));
}

function changeList(changes) {
  if (!changes) return [];
  if (Array.isArray(changes)) {
    return changes.map((c) => ({ field: c.field || c.name, old: c.old ?? c.from ?? null, new: c.new ?? c.to ?? null }));
  }
  return Object.entries(changes).map(([field, c]) => (c && typeof c === "object" && ("old" in c || "new" in c)
    ? { field, old: c.old ?? null, new: c.new ?? null } : { field, old: null, new: c }));
}

// The profile field changes between two versions, from the history's per-event diffs.
export function changesBetween(history, fromVersion, toVersion) {
  const net = new Map();
  for (const event of history) {
    if (event.version === null || event.version <= fromVersion || event.version > toVersion) continue;
    for (const change of event.changes) {
      const first = net.get(change.field);
      net.set(change.field, { field: change.field, old: first ? first.old : change.old, new: change.new });
    }
  }
  return [...net.values()].filter((c) => JSON.stringify(c.old) !== JSON.stringify(c.new));
}
