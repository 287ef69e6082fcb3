// The visa types the filters offer: the server's catalogue when it publishes one.

import { api } from "./api.js";

const FALLBACK = ["O-1A", "O-1B", "EB-1A", "EB-1B", "EB-1C", "EB-2 NIW", "EB-2", "EB-3", "H-1B",
  "H-1B1", "L-1A", "L-1B", "TN", "E-2", "E-3", "EB-5"];
let cached = null;

export async function visaTypeCodes() {
  if (cached) return cached;
  try {
    const { data } = await api.get("/v1/visa-types");
    const items = Array.isArray(data) ? data : data.data || [];
    cached = items.map((t) => t.code || t.visa_type).filter(Boolean);
  } catch {
    cached = [];
  }
  if (!cached.length) cached = FALLBACK;
  return cached;
}

let attorneys = null;

export async function firmAttorneys() {
  if (attorneys) return attorneys;
  try {
    const { data } = await api.get("/v1/attorneys");
    attorneys = (Array.isArray(data) ? data : data.data || []).filter((a) => a.id && a.email);
  } catch {
    attorneys = [];
  }
  return attorneys;
}
