// The admin's goal form (routes/admin/sites/[id]/goals.tsx): its fields as text, from a posted form
// or a stored goal, and the body they make for GOAL_BODY (lib/query/goals.ts), which checks them as
// POST /api/goals does. Property values are written one `key=value` per line (or comma-separated).
import type { GoalKind, GoalRecord } from "../query/goals.ts";
import { GOAL_KINDS } from "../query/goals.ts";
import { parseText } from "./filters.ts";

export interface GoalFormValues {
  name: string;
  kind: GoalKind;
  page: string;
  event_name: string;
  props: string;
  scroll_depth: string;
  currency: string;
}

/** A posted form's fields, trimmed and capped (what is echoed when it is refused). */
export function goalFormValues(form: URLSearchParams): GoalFormValues {
  const kind = form.get("kind") ?? "";
  return {
    name: parseText(form.get("name"), 200),
    kind: (GOAL_KINDS as readonly string[]).includes(kind) ? kind as GoalKind : "page",
    page: parseText(form.get("page"), 300),
    event_name: parseText(form.get("event_name"), 100),
    props: (form.get("props") ?? "").slice(0, 2000),
    scroll_depth: parseText(form.get("scroll_depth"), 10),
    currency: parseText(form.get("currency"), 10),
  };
}

/** A stored goal's fields, to change it. */
export function goalRecordValues(g: GoalRecord): GoalFormValues {
  return {
    name: g.name,
    kind: g.kind,
    page: g.page ?? "",
    event_name: g.event_name ?? "",
    props: Object.entries(g.props ?? {}).map(([k, v]) => `${k}=${v}`).join("\n"),
    scroll_depth: g.scroll_depth === null ? "" : String(g.scroll_depth),
    currency: g.currency ?? "",
  };
}

/** The body GOAL_BODY checks: only the fields the kind uses (the others are left empty). */
export function goalFormBody(site: string, v: GoalFormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { site_id: site, name: v.name, kind: v.kind };
  if (v.kind !== "event") body.page = v.page;
  if (v.kind === "scroll") {
    body.scroll_depth = v.scroll_depth === "" ? undefined : Number(v.scroll_depth);
  }
  if (v.kind === "event") {
    body.event_name = v.event_name;
    if (v.currency !== "") body.currency = v.currency;
    const pairs = v.props.split(/[\n,]/).map((line) => line.trim()).filter(Boolean);
    if (pairs.length) {
      body.props = Object.fromEntries(pairs.map((pair) => {
        const at = pair.indexOf("=");
        return at < 0 ? [pair, ""] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      }));
    }
  }
  return body;
}
