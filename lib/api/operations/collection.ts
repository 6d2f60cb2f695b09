// The collection endpoints: the tracker's beacon, events and challenge (public, any page), the
// Nanolytica-compatible collect endpoint, and the authenticated batch and crawler ingestion.
// Their inputs are read by the ingest pipeline (lib/ingest/), whose drops are counted rather than
// answered (a dropped hit still gets the pixel or 204); these schemas describe them.
import { z } from "zod";
import { CRAWL_BODY } from "../../crawlers/input.ts";
import { INGEST_BATCH_BODY } from "../../ingest/batch.ts";
import { NANOLYTICA_BODY } from "../../ingest/nanolytica.ts";
import { defineOperation, empty, json } from "../contract.ts";

const TAG = "Collection";
const DROP_HEADER = { "x-echelon-drop": "Why the hit was dropped (debug mode only)" };
/** How /e and the Nanolytica endpoint answer: 204 whether stored or dropped, unless refused. */
const COLLECTED = {
  responses: { 204: empty("Accepted or dropped (drops are counted)", DROP_HEADER) },
  errors: { 429: "Rate limited (rate_limited)", 503: "The write buffer is full (overloaded)" },
};

export const beacon = defineOperation({
  method: "GET",
  path: "/b.gif",
  tag: TAG,
  summary: "The page-view beacon",
  description: "Always answers the 43-byte transparent GIF (no-store); a dropped hit is counted.",
  auth: "public",
  query: z.object({
    p: z.string().optional()
      .describe("Page path + query: base64 of the UTF-8 bytes, or a raw path starting with /"),
    s: z.string().optional().describe("Site id (default `default`)"),
    sid: z.string().optional().describe("Tab session UUID"),
    _v: z.string().optional().describe("Milliseconds from load to the first interaction, or spa"),
    sw: z.string().optional().describe("Screen width"),
    sh: z.string().optional().describe("Screen height"),
    ref: z.string().optional().describe("Base64 of the referrer's origin"),
    pwa: z.string().optional().describe("1 when running as an installed app"),
    ck: z.string().optional().describe("1: cookie mode (a returning-visitor cookie)"),
    tok: z.string().optional().describe("Proof-of-work token <challenge>:<evidence>:<nonce>"),
    ps: z.string().optional().describe("The client's solve time in ms"),
    it: z.string().optional().describe("Trusted input before the view: <kinds>.<moves>.<distance>"),
    uc: z.string().optional().describe("utm_campaign (base64)"),
    us: z.string().optional().describe("utm_source (base64)"),
    um: z.string().optional().describe("utm_medium (base64)"),
    uct: z.string().optional().describe("utm_content (base64)"),
    ut: z.string().optional().describe("utm_term (base64)"),
  }),
  responses: { 200: { description: "The pixel", content: "gif", headers: DROP_HEADER } },
});

export const events = defineOperation({
  method: "POST",
  path: "/e",
  tag: TAG,
  summary: "Behaviour events (sendBeacon-friendly)",
  description: "At most 16 KB and 20 events; unknown types and oversize events are skipped.",
  auth: "public",
  body: z.looseObject({
    events: z.array(z.looseObject({
      type: z.string(),
      data: z.unknown().optional(),
      sessionId: z.string().optional(),
      utmCampaign: z.string().optional(),
    })).max(20),
    siteId: z.string().optional(),
    tok: z.string().optional(),
  }),
  bodyTypes: ["application/json", "text/plain"],
  ...COLLECTED,
});

export const challenge = defineOperation({
  method: "GET",
  path: "/c",
  tag: TAG,
  summary: "A fresh proof-of-work challenge",
  description: "Never cached; the WASM module comes along only when `e` is not the current epoch.",
  auth: "public",
  query: z.object({
    s: z.string().describe("Site id (1-64 of A-Z a-z 0-9 . _ -)"),
    e: z.string().optional().describe("The epoch whose WASM module the client already has"),
  }),
  responses: {
    200: json(
      "The challenge and the site's collection settings",
      z.looseObject({
        challenge: z.string(),
        difficulty: z.number(),
        expiresAt: z.number().describe("Server time (ms) after which its tokens are expired"),
        epoch: z.number(),
        wasm: z.string().optional().describe("The current module (hex), when `e` is not current"),
        site: z.looseObject({}),
      }),
    ),
  },
  errors: { 400: "s is not a site id (invalid_site)" },
});

export const experimentDefinition = defineOperation({
  method: "GET",
  path: "/x",
  tag: TAG,
  summary: "A running experiment's variants and weights, for the tracker",
  description:
    "The query string is the experiment id (`/x?checkout-button`). Public, cached for a " +
    'minute: the variants, control first, as {id, weight}, and {id: "", weight} for the tabs ' +
    "outside the allocation; [] when the id is not an active or paused experiment.",
  auth: "public",
  responses: {
    200: json(
      "The buckets the tracker assigns by weight ([]: not running)",
      z.array(z.object({ id: z.string(), weight: z.number() })),
    ),
  },
});

export const nanolyticaCollect = defineOperation({
  method: "POST",
  path: "/api/analytics/collect",
  tag: TAG,
  summary: "Nanolytica's collect payload",
  description: "Same site rules, scoring, rate limit and CORS as /b.gif and /e; at most 10 KB.",
  auth: "public",
  body: NANOLYTICA_BODY,
  ...COLLECTED,
});

export const batchIngest = defineOperation({
  method: "POST",
  path: "/api/ingest",
  tag: TAG,
  summary: "Batch ingestion (protocol v1)",
  description: "At most 1 MB and 100 events; `ts` within 7 days back and 5 minutes ahead; an " +
    "event_id seen before is not stored again.",
  auth: "write",
  body: INGEST_BATCH_BODY,
  responses: {
    200: json(
      "Stored",
      z.looseObject({
        accepted: z.number().int(),
        duplicate: z.number().int(),
        ignored: z.number().int().optional(),
      }),
    ),
  },
});

export const crawlIngest = defineOperation({
  method: "POST",
  path: "/api/crawl",
  tag: TAG,
  summary: "Crawler requests seen by the web server",
  description: "`{hits: [...]}`, or the hits as a JSON array or as JSON lines (read as " +
    "`{hits}`); 1 MB and 1000 hits at most.",
  auth: "write",
  body: CRAWL_BODY,
  bodyTypes: ["application/json", "application/x-ndjson"],
  responses: {
    200: json(
      "Stored",
      z.looseObject({
        accepted: z.number().int(),
        ignored: z.number().int(),
        by_crawler: z.record(z.string(), z.looseObject({})),
      }),
    ),
  },
});

export const COLLECTION_OPERATIONS = [
  beacon,
  events,
  challenge,
  experimentDefinition,
  nanolyticaCollect,
  batchIngest,
  crawlIngest,
];
