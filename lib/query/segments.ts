// Saved segments in queries (issue 16): a segment is a site's named list of filters in the query's
// syntax; a query uses one as Plausible's `["is", "segment", [<id>, …]]` (several ids: any of them),
// which is expanded into the segment's own filters before the query is resolved and compiled.
// A segment cannot reference a segment, so one expansion is complete.
import { HttpError } from "../http_error.ts";
import type { SegmentStore } from "../store/segments.ts";
import { parseFilter, type QueryBody } from "./model.ts";

export const SEGMENT_DIMENSION = "segment";
export const MAX_SEGMENT_FILTERS = 20;

/** What the expansion needs of a stored segment. */
export interface SegmentFilters {
  site_id: string;
  filters: unknown[];
}

const refuse = (code: string, field: string, message: string) =>
  new HttpError(400, code, `${field}: ${message}`);

const isSegmentFilter = (raw: unknown): raw is [string, string, unknown] =>
  Array.isArray(raw) && raw[1] === SEGMENT_DIMENSION;

/** Whether a raw filter mentions a segment anywhere. */
function mentionsSegment(raw: unknown): boolean {
  if (!Array.isArray(raw)) return false;
  if (isSegmentFilter(raw)) return true;
  if (raw[0] === "and" || raw[0] === "or") {
    return Array.isArray(raw[1]) && raw[1].some(mentionsSegment);
  }
  return raw[0] === "not" && mentionsSegment(raw[1]);
}

/**
 * A segment's filters, checked as a query's filters are (400 `invalid_segment` naming the field):
 * 1-20 filters, none of them a segment. Returns them as given, to be stored.
 */
export function checkSegmentFilters(raw: unknown): unknown[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_SEGMENT_FILTERS) {
    throw refuse(
      "invalid_segment",
      "filters",
      `expected a list of 1-${MAX_SEGMENT_FILTERS} filters`,
    );
  }
  raw.forEach((f, i) => {
    if (mentionsSegment(f)) {
      throw refuse("invalid_segment", `filters[${i}]`, "a segment cannot reference a segment");
    }
    try {
      // Checked as it will be used: one level down, inside the query's "and".
      parseFilter(f, `filters[${i}]`, 2);
    } catch (error) {
      if (error instanceof HttpError) throw new HttpError(400, "invalid_segment", error.message);
      throw error;
    }
  });
  return raw;
}

/** A segment id as a filter may spell it (a number, or digits in a string), or null. */
function segmentId(raw: unknown): number | null {
  const n = typeof raw === "number"
    ? raw
    : typeof raw === "string" && /^\d{1,15}$/.test(raw)
    ? Number(raw)
    : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/** Every well-formed segment id the body's filters name. */
function segmentIdsIn(body: QueryBody): Set<number> {
  const ids = new Set<number>();
  const visit = (raw: unknown): void => {
    if (!Array.isArray(raw)) return;
    if (isSegmentFilter(raw)) {
      if (Array.isArray(raw[2])) {
        for (const id of raw[2].slice(0, MAX_SEGMENT_FILTERS)) {
          const n = segmentId(id);
          if (n !== null) ids.add(n);
        }
      }
    } else if ((raw[0] === "and" || raw[0] === "or") && Array.isArray(raw[1])) {
      raw[1].forEach(visit);
    } else if (raw[0] === "not") visit(raw[1]);
  };
  body.filters?.forEach(visit);
  return ids;
}

/** expandSegments with the segments the body names fetched from the store first. */
export async function expandStoredSegments(
  body: QueryBody,
  segments: Pick<SegmentStore, "get">,
): Promise<QueryBody> {
  if (!body.filters?.some(mentionsSegment)) return body;
  const found = new Map<number, SegmentFilters>();
  for (const id of segmentIdsIn(body)) {
    const segment = await segments.get(id);
    if (segment) found.set(id, segment);
  }
  return expandSegments(body, (id) => found.get(id) ?? null);
}

/** The query's site ids as resolveQuery reads them. */
function siteIdsOf(body: QueryBody): string[] {
  return (typeof body.site_id === "string" ? [body.site_id] : body.site_id)
    .map((s) => s.toLowerCase());
}

/**
 * The body with every `["is", "segment", [ids]]` replaced by the segments' filters (one segment:
 * its filters, all of which must match; several: any of them). A segment of another site, an
 * unknown id or another operator is a 400 `invalid_query` naming the field.
 */
export function expandSegments(
  body: QueryBody,
  lookup: (id: number) => SegmentFilters | null,
): QueryBody {
  if (!body.filters?.some(mentionsSegment)) return body;
  const sites = new Set(siteIdsOf(body));
  const one = (segment: SegmentFilters): unknown =>
    segment.filters.length === 1 ? segment.filters[0] : ["and", segment.filters];
  const expand = (raw: unknown, field: string): unknown => {
    if (!Array.isArray(raw)) return raw;
    if (isSegmentFilter(raw)) {
      if (raw[0] !== "is") {
        throw refuse(
          "invalid_query",
          `${field}[0]`,
          'a segment takes "is" (["is", "segment", [id]])',
        );
      }
      const ids = raw[2];
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_SEGMENT_FILTERS) {
        throw refuse("invalid_query", `${field}[2]`, "expected a list of segment ids");
      }
      const segments = ids.map((id, i) => {
        const n = segmentId(id);
        const segment = n === null ? null : lookup(n);
        if (!segment || !sites.has(segment.site_id)) {
          throw refuse(
            "invalid_query",
            `${field}[2][${i}]`,
            `no segment ${JSON.stringify(id)} of the query's sites`,
          );
        }
        return one(segment);
      });
      return segments.length === 1 ? segments[0] : ["or", segments];
    }
    if ((raw[0] === "and" || raw[0] === "or") && Array.isArray(raw[1])) {
      return [raw[0], raw[1].map((f, i) => expand(f, `${field}[1][${i}]`))];
    }
    if (raw[0] === "not") return ["not", expand(raw[1], `${field}[1]`)];
    return raw;
  };
  return { ...body, filters: body.filters.map((f, i) => expand(f, `filters[${i}]`)) };
}
