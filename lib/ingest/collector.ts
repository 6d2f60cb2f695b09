// The collection service: builds the pipelines once, owns the buffered writers and counters, and
// answers the two public collectors. Nothing here waits on the database while a hit is handled.
import type { Config } from "../config.ts";
import type { Database } from "../db/mod.ts";
import { Anonymizer } from "../anonymize/mod.ts";
import {
  addBotTraffic,
  addDropCounts,
  counterSites,
  type CounterTableName,
} from "../db/collect.ts";
import { listExperimentVariants } from "../db/lookups.ts";
import type { EventRow, ViewRow } from "../store/rows.ts";
import type { AppDataStore } from "../store/types.ts";
import type { AggregateRebuilds, BatchWriter } from "../store/writes.ts";
import type { EphemeralStore } from "../ephemeral.ts";
import type { Job } from "../jobs.ts";
import type { Logger } from "../log.ts";
import type { PowVerifier } from "../pow/mod.ts";
import { createKnownBotMatcher, loadCrawlerFeed } from "../bots/known_bots.ts";
import { CollectCaches, REFRESH_EVERY_MS } from "./caches.ts";
import { clientIp, isTrustedProxy } from "./client_ip.ts";
import { isHttpsRequest } from "../public_origin.ts";
import { isOverRateLimit } from "./rate_limit.ts";
import { counterSiteId, CounterTable } from "./counters.ts";
import { DropLog } from "./drop_log.ts";
import { UnregisteredSites } from "./unregistered_sites.ts";
import { type EventsHit, eventSteps } from "./event_pipeline.ts";
import { geoReloadJob } from "./geo_reload.ts";
import { type GeoDatabaseInfo, type GeoLookup, loadGeoDatabase } from "./geo.ts";
import type { HostingLookup } from "./hosting_lookup.ts";
import { hostOfHeader, newHitBase, type ViewHit } from "./hit.ts";
import { IdentityResolver } from "./identity.ts";
import {
  isPageView,
  nanolyticaDecoder,
  nanolyticaEventsBody,
  type NanolyticaPayload,
  type NanolyticaViewHit,
} from "./nanolytica.ts";
import { runPipeline } from "./pipeline.ts";
import type { QueryParams } from "./query.ts";
import { type CollectorDeps, crawlerFeedSignals } from "./steps.ts";
import { type DropReason, type Endpoint, type RequestFacts, utcDate } from "./types.ts";
import { createUaParser } from "./user_agent.ts";
import { viewSteps } from "./view_pipeline.ts";
import { BufferedWriter } from "./writer.ts";
import { SiteHits } from "../metrics/site_hits.ts";

export interface CollectorOptions {
  config: Config;
  db: Database;
  /** The store's areas the collectors write and read through (lib/store/types.ts). */
  store: AppDataStore;
  log: Logger;
  ephemeral: EphemeralStore;
  pow: PowVerifier;
  masterSecret: Uint8Array;
  now: () => number;
  geo?: GeoLookup;
  /** Opened once by createServices (lib/services.ts). */
  hosting: HostingLookup;
}

export interface ViewOutcome {
  drop: DropReason | null;
  setCookie: string | null;
}

export interface EventsOutcome {
  drop: DropReason | null;
  stored: number;
}

export class Collector {
  readonly views: BufferedWriter<ViewRow>;
  readonly events: BufferedWriter<EventRow>;
  readonly drops = new CounterTable();
  /** Views stored per site since start, human / bot (for /metrics). */
  readonly siteHits = new SiteHits();
  readonly caches: CollectCaches;
  /** Rewrites the rows of ECHELON_ANONYMIZE_SITES before they reach the writers. */
  readonly anonymizer: Anonymizer;
  readonly #deps: CollectorDeps;
  readonly #options: CollectorOptions;
  readonly #dropLog: DropLog;
  /** Bounds the made-up site ids each counter table keeps a day. */
  readonly #unregistered: Record<CounterTableName, UnregisteredSites>;
  readonly #viewSteps;
  readonly #eventSteps;
  readonly #nanolyticaViewSteps;
  readonly #batches: BatchWriter;

  constructor(options: CollectorOptions) {
    const { config, db, log } = options;
    this.#options = options;
    this.caches = new CollectCaches({
      envDebug: config.debug,
      registration: { maxSites: config.maxSites, perHour: config.newSitesPerHour },
    });
    this.#dropLog = new DropLog({ log, now: options.now });
    const onError = (message: string, error: unknown) => log.error(message, error);
    const unregistered = (table: CounterTableName) =>
      new UnregisteredSites({
        stored: (date) => counterSites(db, table, date),
        isRegistered: (site) => this.caches.isRegistered(site),
      });
    this.#unregistered = {
      drop_counts: unregistered("drop_counts"),
      bot_traffic: unregistered("bot_traffic"),
    };
    const anonymizer = this.anonymizer = new Anonymizer(
      options.masterSecret,
      config.anonymizeSites,
      { queryKeys: (site) => this.caches.settings(site).queryAllowlist },
    );
    // The store's batch writer: asynchronous once its worker runs (SQLite: the write thread,
    // started by `start`), else synchronous (tests flush by hand).
    const batches = this.#batches = options.store.writes.batches;
    this.views = new BufferedWriter<ViewRow>({
      name: "views",
      flushMs: config.viewFlushMs,
      write: (rows) => batches.views(rows),
      onError,
      now: options.now,
    });
    this.events = new BufferedWriter<EventRow>({
      name: "events",
      flushMs: config.eventFlushMs,
      write: (rows) => batches.events(rows),
      onError,
      now: options.now,
    });
    this.#deps = {
      config,
      ephemeral: options.ephemeral,
      identity: new IdentityResolver(options.masterSecret),
      caches: this.caches,
      parseUa: createUaParser(),
      matchBot: createKnownBotMatcher({ extraPatterns: config.botUaPatterns }),
      crawlerSignals: crawlerFeedSignals(loadCrawlerFeed()),
      geo: options.geo ?? loadGeoDatabase(config.geoipDb),
      hosting: options.hosting,
      pow: options.pow,
      botTraffic: new CounterTable(),
      anonymizer,
    };
    // The one point every collector's rows pass before the writers: anonymised sites' rows are
    // rewritten here, so nothing original is buffered or stored.
    const storeView = (row: ViewRow) => {
      if (!this.views.push(anonymizer.view(row))) return false;
      this.siteHits.count(row.site_id as string, row.bot_score as number);
      return true;
    };
    this.#viewSteps = viewSteps(this.#deps, storeView);
    this.#nanolyticaViewSteps = viewSteps<NanolyticaViewHit>(
      this.#deps,
      storeView,
      nanolyticaDecoder(this.#deps),
    );
    this.#eventSteps = eventSteps(this.#deps, (rows) => {
      if (this.events.size + rows.length > 200_000) return false;
      return rows.every((row) => this.events.push(anonymizer.event(row)));
    });
    this.caches.refresh(db, options.now());
    this.refreshExperiments();
  }

  /** Re-reads the defined experiments anonymisation keeps ids of (a job, and after a change). */
  refreshExperiments(): void {
    if (this.anonymizer.enabled) {
      this.anonymizer.setRegisteredExperiments(listExperimentVariants(this.#options.db));
    }
  }

  /** The batch worker's failed rebuilds of per-day aggregates (none without a worker). */
  get aggregateRebuilds(): AggregateRebuilds {
    return this.#batches.aggregateRebuilds;
  }

  /** Batches are written by the store's batch worker (SQLite: the write thread, not failed). */
  get writesOffThread(): boolean {
    return this.#batches.offThread;
  }

  get geoAvailable(): boolean {
    return this.#deps.geo.available;
  }

  /** The open geo database (path, type, build date, fields, attribution), else null. */
  get geoInfo(): GeoDatabaseInfo | null {
    return this.#deps.geo.info;
  }

  collectView(req: Request, params: QueryParams, remoteAddr: string): ViewOutcome {
    const hit = newHitBase(this.#facts("b.gif", req, remoteAddr)) as ViewHit;
    hit.params = params;
    hit.pageHost = hostOfHeader(req.headers.get("origin")) ??
      hostOfHeader(req.headers.get("referer"));
    const result = runPipeline(this.#viewSteps, hit);
    if (result.drop) this.#countDrop("b.gif", hit.facts.date, hit.siteId, result.drop);
    return { drop: result.drop, setCookie: result.drop ? null : hit.setCookie };
  }

  /** The rate limit of /e is checked before its body is read (429 without parsing anything). */
  isRateLimited(req: Request, remoteAddr: string): boolean {
    if (this.#options.config.rateLimitMax === 0) return false;
    const facts = this.#facts("e", req, remoteAddr);
    const limited = isOverRateLimit(
      this.#options.ephemeral,
      this.#options.config,
      facts.ip,
      facts.now,
    );
    if (limited) this.#countDrop("e", facts.date, "", "rate_limited");
    return limited;
  }

  collectEvents(req: Request, body: unknown, remoteAddr: string): EventsOutcome {
    const hit = newHitBase(this.#facts("e", req, remoteAddr)) as EventsHit;
    hit.body = body;
    hit.events = [];
    hit.pageHost = hostOfHeader(req.headers.get("origin")) ??
      hostOfHeader(req.headers.get("referer"));
    const result = runPipeline(this.#eventSteps, hit);
    if (result.drop) this.#countDrop("e", hit.facts.date, hit.siteId, result.drop);
    return { drop: result.drop, stored: result.drop ? 0 : hit.events.length };
  }

  /**
   * Nanolytica's collect payload (already validated): the load post runs the page-view steps with
   * its own decoder, the unload post the event steps as one `pageview_end`. Both share the rate
   * limit of /b.gif and /e.
   */
  collectNanolytica(req: Request, payload: NanolyticaPayload, remoteAddr: string): EventsOutcome {
    const facts = this.#facts("collect", req, remoteAddr);
    const pageHost = hostOfHeader(req.headers.get("origin")) ??
      hostOfHeader(req.headers.get("referer"));
    let drop: DropReason | null;
    let stored = 0;
    if (isPageView(payload)) {
      const hit = newHitBase(facts) as NanolyticaViewHit;
      hit.payload = payload;
      hit.pageHost = pageHost;
      drop = runPipeline(this.#nanolyticaViewSteps, hit).drop;
      stored = drop ? 0 : 1;
    } else {
      const limited = isOverRateLimit(
        this.#options.ephemeral,
        this.#options.config,
        facts.ip,
        facts.now,
      );
      const hit = newHitBase(facts) as EventsHit;
      hit.body = nanolyticaEventsBody(payload);
      hit.events = [];
      hit.pageHost = pageHost;
      drop = limited ? "rate_limited" : runPipeline(this.#eventSteps, hit).drop;
      stored = drop ? 0 : hit.events.length;
    }
    if (drop) this.#countDrop("collect", facts.date, payload.site, drop);
    return { drop, stored };
  }

  countDrop(endpoint: Endpoint, siteId: string, reason: DropReason): void {
    this.#countDrop(endpoint, utcDate(this.#options.now()), siteId, reason);
  }

  /** Writes pending counters and site registrations (a job, and at shutdown). */
  flushCounters(): void {
    const { db, config, now } = this.#options;
    const refused = this.caches.registrar.flush(db, now());
    if (refused.length > 0) {
      // Another instance filled the registry first: this one stops accepting these sites, and
      // learns the sites that one registered now rather than at the next refresh.
      this.caches.forgetSites(refused);
      this.caches.learnSites(db);
      this.#options.log.warn("sites not registered: past the registration limits", {
        sites: refused.length,
        max_sites: config.maxSites,
        per_hour: config.newSitesPerHour,
      });
    }
    const { drop_counts: drops, bot_traffic: bots } = this.#unregistered;
    this.drops.flush((deltas) => addDropCounts(db, drops.bound(deltas)));
    this.#deps.botTraffic.flush((deltas) =>
      addBotTraffic(db, bots.bound(deltas), config.maxDailyValues)
    );
  }

  botTotals(): Record<string, number> {
    return this.#deps.botTraffic.totals();
  }

  /** Starts the writers' timers, and the store's batch worker (SQLite: on a file database). */
  start(): void {
    this.#batches.start();
    this.views.start();
    this.events.start();
  }

  jobs(): Job[] {
    const { config, db, now } = this.#options;
    return [
      {
        name: "collect-counters",
        everyMs: Math.max(config.viewFlushMs, 1000),
        run: () => this.flushCounters(),
      },
      {
        name: "collect-caches",
        everyMs: REFRESH_EVERY_MS,
        run: () => {
          this.caches.refresh(db, now());
          this.refreshExperiments();
        },
      },
      // An operator's file is checked for replacement; the bundled one changes only on upgrade.
      ...(config.geoipDb === null
        ? []
        : [geoReloadJob(config.geoipDb, this.#deps, this.#options.log)]),
    ];
  }

  /** Drains everything for a graceful shutdown. */
  async stop(deadline: number): Promise<void> {
    this.flushCounters();
    await Promise.all([this.views.stop(deadline), this.events.stop(deadline)]);
    this.flushCounters();
    await this.#batches.close();
  }

  #facts(endpoint: Endpoint, req: Request, remoteAddr: string): RequestFacts {
    const config = this.#options.config;
    const now = this.#options.now();
    const headers = req.headers;
    return {
      endpoint,
      headers,
      ip: clientIp(headers, remoteAddr, config),
      userAgent: (headers.get("user-agent") ?? "").slice(0, 512),
      now,
      date: utcDate(now),
      secure: isHttpsRequest(headers, req.url, remoteAddr, config),
      viaTrustedProxy: isTrustedProxy(remoteAddr, config),
    };
  }

  #countDrop(endpoint: Endpoint, date: string, siteId: string, reason: DropReason): void {
    this.drops.add(date, counterSiteId(siteId), reason, endpoint);
    if (this.caches.debug) this.#dropLog.note(endpoint, siteId, reason);
  }
}
