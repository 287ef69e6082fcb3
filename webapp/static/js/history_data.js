// Read the client's event history in whichever reasonable shape the query side returns it.

import { api, session } from "./api.js";

export async function clientHistory(clientId) {
  const { data } = await api.get(`/v1/clients/${clientId}/history`);
  return normaliseHistory(Array.isArray(data) ? data : data.data || data.events || [], clientId);
}

// Profile events are numbered in order: the n-th event about the client is its version n.
export function normaliseHistory(items, clientId) {
  let profileVersion = 0;
  return items.map((e) => {
    const aboutProfile = (e.entity_type || "client") === "client" && (e.entity_id || clientId) === clientId;
    if (aboutProfile) profileVersion += 1;
    return {
      type: e.action || e.event_type || e.type || "event",
      entity: e.entity_type || "client",
      version: e.version ?? e.aggregate_version ?? (aboutProfile ? profileVersion : null),
      at: e.occurred_at || e.at || e.time || e.timestamp,
      actor: actorName(e),
      changes: changeList(e.changes || e.diff || e.changed_fields || e.data?.changes),
      raw: e,
    };
  });
}

function actorName(e) {
  const id = e.actor_email || e.actor?.email || e.actor_id || e.actor?.id || e.meta?.actor_id || "";
  if (id && id === session.attorney?.id) return "you";
  if (e.actor_kind && e.actor_kind !== "attorney") return `${e.actor_kind.replace(/_/g, " ")}`;
  return typeof id === "string" ? id : "";
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
