// Anonymised sites (ECHELON_ANONYMIZE_SITES, reference §8.1): their view and event rows are
// rewritten before they reach the writers, so no original identifier, path, referrer, UA name,
// country, screen or UTM value is ever stored. The key of a day is HMAC(anonymisation key, "anon:"
// ‖ UTC date of the row), the anonymisation key being derived from the master secret
// (docs/architecture.md, decision 2): deterministic within a day, unrelated across days, the same
// after a restart.
import type { EventRow, ViewRow } from "../store/rows.ts";
import { deriveKey, hmac } from "../keys.ts";
import { uuidOf } from "./bytes.ts";
import { DayMapping } from "./day_mapping.ts";
import { anonymizeEventData, type EventDataMapper } from "./event_data.ts";

export { DayMapping } from "./day_mapping.ts";
export { EVENT_DATA_ALLOWLIST } from "./event_data.ts";
export { pseudoCountryName } from "./pseudo_countries.ts";

/** site → registered experiment id → its variant ids (kept as they are: see `#experimentId`). */
export type RegisteredExperiments = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;

/** Day mappings kept: today plus the 7 days back /api/ingest accepts. */
const MAX_DAYS = 8;

export interface AnonymizerOptions {
  /** The query parameters a site keeps (its allow-list): their names stay readable in paths. */
  queryKeys?: (siteId: string) => readonly string[];
}

export class Anonymizer {
  readonly #sites: ReadonlySet<string>;
  readonly #key: Uint8Array;
  readonly #eventIdKey: Uint8Array;
  readonly #days = new Map<string, DayMapping>();
  readonly #queryKeys: (siteId: string) => readonly string[];
  #experiments: RegisteredExperiments = new Map();

  /** `sites` are lower-cased site ids (config.anonymizeSites). */
  constructor(masterSecret: Uint8Array, sites: readonly string[], options: AnonymizerOptions = {}) {
    this.#sites = new Set(sites);
    this.#queryKeys = options.queryKeys ?? (() => []);
    this.#key = deriveKey(masterSecret, "anonymize");
    this.#eventIdKey = hmac(this.#key, "anon:ingest-event-id");
  }

  /** Some site is anonymised (otherwise every method is the identity). */
  get enabled(): boolean {
    return this.#sites.size > 0;
  }

  appliesTo(siteId: string): boolean {
    return this.#sites.has(siteId);
  }

  /** The experiments defined in the admin (refreshed with the collectors' caches). */
  setRegisteredExperiments(experiments: RegisteredExperiments): void {
    this.#experiments = experiments;
  }

  /** The mappings of one UTC day (YYYY-MM-DD). */
  mappingFor(date: string): DayMapping {
    let mapping = this.#days.get(date);
    if (!mapping) {
      mapping = new DayMapping(hmac(this.#key, `anon:${date}`));
      this.#days.set(date, mapping);
      if (this.#days.size > MAX_DAYS) this.#days.delete(this.#days.keys().next().value!);
    }
    return mapping;
  }

  view(row: ViewRow): ViewRow {
    const site = row.site_id as string;
    if (!this.#sites.has(site)) return row;
    const m = this.mappingFor(dayOf(row.created_at));
    const [width, height] = m.screen(site, num(row.screen_width), num(row.screen_height));
    const referrerHost = hostOf(str(row.referrer_domain) ?? str(row.referrer));
    const referrer = referrerHost === null ? null : m.referrer(site, referrerHost);
    const sessionId = str(row.session_id);
    return {
      ...row,
      visitor_id: m.visitorId(site, String(row.visitor_id)),
      session_id: sessionId === null ? null : m.sessionId(site, sessionId),
      path: m.path(site, String(row.path), this.#queryKeys(site)),
      screen_width: width,
      screen_height: height,
      device_type: m.device(str(row.device_type)),
      os_name: m.os(site, str(row.os_name)),
      os_version: m.version(site, "os", str(row.os_version)),
      browser_name: m.browser(site, str(row.browser_name)),
      browser_version: m.version(site, "browser", str(row.browser_version)),
      country_code: m.country(site, str(row.country_code)),
      // A pseudo-country has no regions or cities; the real ones are never stored.
      region: null,
      city: null,
      referrer: referrer?.origin ?? null,
      referrer_domain: referrer?.domain ?? null,
      utm_source: m.utm(site, "utm_source", str(row.utm_source)),
      utm_medium: m.utm(site, "utm_medium", str(row.utm_medium)),
      utm_campaign: m.utm(site, "utm_campaign", str(row.utm_campaign)),
      utm_content: m.utm(site, "utm_content", str(row.utm_content)),
      utm_term: m.utm(site, "utm_term", str(row.utm_term)),
    };
  }

  /**
   * `event_name` is kept: it is a label written in the site's code (`echelon.track("signup")`),
   * the same for every visitor, and experiments convert on it. The props that came with it are
   * dropped with the rest of a custom event's data.
   */
  event(row: EventRow): EventRow {
    const site = row.site_id as string;
    if (!this.#sites.has(site)) return row;
    const m = this.mappingFor(dayOf(row.created_at));
    const experimentId = str(row.experiment_id);
    const variantId = str(row.variant_id);
    const sessionId = str(row.session_id);
    const visitorId = str(row.visitor_id);
    const path = str(row.path);
    const referrerHost = hostOf(str(row.referrer));
    const utmCampaign = str(row.utm_campaign);
    return {
      ...row,
      session_id: sessionId === null ? null : m.sessionId(site, sessionId),
      visitor_id: visitorId === null ? null : m.visitorId(site, visitorId),
      path: path === null ? null : m.path(site, path, this.#queryKeys(site)),
      data: JSON.stringify(
        anonymizeEventData(String(row.event_type), parseData(row.data), this.#dataMapper(site, m)),
      ),
      experiment_id: experimentId === null ? null : this.#experimentId(site, m, experimentId),
      variant_id: variantId === null ? null : this.#variantId(site, m, experimentId, variantId),
      utm_campaign: utmCampaign === null ? null : m.utm(site, "utm_campaign", utmCampaign),
      device_type: m.device(str(row.device_type)),
      referrer: referrerHost === null ? null : m.referrer(site, referrerHost).origin,
    };
  }

  /**
   * POST /api/ingest events: rows as `event`, and the client's event id as a UUID-shaped MAC under
   * a key that does not rotate, so a batch retried on another day is still a duplicate.
   */
  ingestEvents<E extends { eventId: string; row: EventRow }>(events: E[]): E[] {
    if (!this.enabled) return events;
    return events.map((event) =>
      this.#sites.has(event.row.site_id as string)
        ? {
          ...event,
          eventId: uuidOf(hmac(this.#eventIdKey, event.eventId)),
          row: this.event(event.row),
        }
        : event
    );
  }

  /** The path a known bot requested, as the bot report stores it. */
  reportPath(siteId: string, date: string, path: string): string {
    return this.#sites.has(siteId)
      ? this.mappingFor(date).path(siteId, path, this.#queryKeys(siteId))
      : path;
  }

  /** The visitor id stored for a hit (what an admin sees and excludes). */
  visitorId(siteId: string, date: string, visitorId: string): string {
    return this.#sites.has(siteId) ? this.mappingFor(date).visitorId(siteId, visitorId) : visitorId;
  }

  #dataMapper(site: string, m: DayMapping): EventDataMapper {
    return {
      path: (path) => m.path(site, path, this.#queryKeys(site)),
      host: (host) => m.referrer(site, hostOf(host) ?? host).domain,
      url: (text) => {
        const url = httpUrl(text);
        if (url === null) return null;
        return `${m.referrer(site, bareHost(url.hostname)).origin}${m.path(site, url.pathname)}`;
      },
      formValue: (value) => m.formValue(site, value),
      experiment: (id) => this.#experimentId(site, m, id),
      variant: (experimentId, variantId) => this.#variantId(site, m, experimentId, variantId),
    };
  }

  /**
   * An experiment registered for the site keeps its id: the admin chose it, it is already stored
   * in `experiments`, and results look events up by it. Any other id becomes a keyed token.
   */
  #experimentId(site: string, m: DayMapping, id: string): string {
    return this.#experiments.get(site)?.has(id) ? id : m.token(site, "experiment", id);
  }

  #variantId(site: string, m: DayMapping, experimentId: string | null, variantId: string): string {
    const variants = experimentId === null
      ? undefined
      : this.#experiments.get(site)?.get(experimentId);
    return variants?.has(variantId)
      ? variantId
      : m.token(site, "variant", `${experimentId ?? ""}\u0000${variantId}`);
  }
}

function dayOf(createdAt: unknown): string {
  return String(createdAt).slice(0, 10);
}

function str(value: unknown): string | null {
  return typeof value === "string"
    ? value
    : value === null || value === undefined
    ? null
    : String(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

function parseData(data: unknown): Record<string, unknown> {
  if (typeof data !== "string") return {};
  try {
    const parsed = JSON.parse(data);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function httpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/** Lower case, no trailing dot, no "www." (lib/ingest/referrer.ts's referrer-domain key). */
function bareHost(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host.startsWith("www.") ? host.slice(4) : host;
}

/** The bare host of a URL or of a bare host name; any other text is mapped as it is. */
function hostOf(text: string | null): string | null {
  if (text === null || text === "") return null;
  const url = httpUrl(text.includes("://") ? text : `https://${text}`);
  return url && url.hostname !== "" ? bareHost(url.hostname) : text.toLowerCase();
}
