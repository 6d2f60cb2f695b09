// The collection service: builds the pipelines once, owns the buffered writers and counters, and
// answers the two public collectors. Nothing here waits on the database while a hit is handled.
import type { Config } from "../config.ts";
import { Anonymizer } from "../anonymize/mod.ts";
import type { EventRow, ViewRow } from "../store/rows.ts";
import type { AppDataStore } from "../store/types.ts";
import type { CounterTableName } from "../store/writes.ts";
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

/** The failed rebuilds of per-day aggregates the store's batch worker reported. */
export interface AggregateRebuilds {
  failures: number;
  lastError: string | null;
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
  #aggregateRebuilds: AggregateRebuilds = { failures: 0, lastError: null };

  constructor(options: CollectorOptions) {
    const { config, store, log } = options;
    this.#options = options;
    this.caches = new CollectCaches({
      envDebug: config.debug,
      registration: { maxSites: config.maxSites, perHour: config.newSitesPerHour },
    });
    this.#dropLog = new DropLog({ log, now: options.now });
    const onError = (message: string, error: unknown) => log.error(message, error);
    const unregistered = (table: CounterTableName) =>
      new UnregisteredSites({
        stored: (date) => store.writes.counterSites(table, date),
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
    this.views = new BufferedWriter<ViewRow>({
      name: "views",
      flushMs: config.viewFlushMs,
      write: (rows) => store.writes.insertViews(rows),
      onError,
      now: options.now,
    });
    this.events = new BufferedWriter<EventRow>({
      name: "events",
      flushMs: config.eventFlushMs,
      write: (rows) => store.writes.insertEvents(rows),
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
  }

  /**
   * Re-reads the caches and the experiments (a job; createServices awaits the first read before
   * the collectors take a hit).
   */
  async refresh(): Promise<void> {
    await this.caches.refresh(this.#options.store, this.#options.now());
    await this.refreshExperiments();
  }

  /** Re-reads the defined experiments anonymisation keeps ids of (a job, and after a change). */
  async refreshExperiments(): Promise<void> {
    if (this.anonymizer.enabled) {
      this.anonymizer.setRegisteredExperiments(
        await this.#options.store.experiments.variantsBySite(),
      );
    }
  }

  /** The store's batch worker's failed rebuilds of per-day aggregates since start. */
  get aggregateRebuilds(): AggregateRebuilds {
    return this.#aggregateRebuilds;
  }

  /** Batches are written by the store's batch worker (SQLite: the write thread, not failed). */
  writesOffThread(): Promise<boolean> {
    return this.#options.store.writes.batchWorkerRunning();
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
  async flushCounters(): Promise<void> {
    const { store, config, now } = this.#options;
    const refused = await this.caches.registrar.flush(store.sites, now());
    if (refused.length > 0) {
      // Another instance filled the registry first: this one stops accepting these sites, and
      // learns the sites that one registered now rather than at the next refresh.
      this.caches.forgetSites(refused);
      await this.caches.learnSites(store.sites);
      this.#options.log.warn("sites not registered: past the registration limits", {
        sites: refused.length,
        max_sites: config.maxSites,
        per_hour: config.newSitesPerHour,
      });
    }
    const { drop_counts: drops, bot_traffic: bots } = this.#unregistered;
    await this.drops.flush(async (deltas) => store.writes.addDropCounts(await drops.bound(deltas)));
    await this.#deps.botTraffic.flush(async (deltas) =>
      store.writes.addBotTraffic(await bots.bound(deltas), config.maxDailyValues)
    );
  }

  botTotals(): Record<string, number> {
    return this.#deps.botTraffic.totals();
  }

  /**
   * Starts the store's batch worker (SQLite: the write thread, on a file database), then the
   * writers' timers; batches handed over before the worker runs are written inline.
   */
  async start(): Promise<void> {
    await this.#options.store.writes.startBatchWorker({
      aggregateRebuildFailed: (message) => {
        this.#aggregateRebuilds = {
          failures: this.#aggregateRebuilds.failures + 1,
          lastError: message,
        };
      },
    });
    this.views.start();
    this.events.start();
  }

  jobs(): Job[] {
    const config = this.#options.config;
    return [
      {
        name: "collect-counters",
        everyMs: Math.max(config.viewFlushMs, 1000),
        run: () => this.flushCounters(),
      },
      {
        name: "collect-caches",
        everyMs: REFRESH_EVERY_MS,
        run: () => this.refresh(),
      },
      // An operator's file is checked for replacement; the bundled one changes only on upgrade.
      ...(config.geoipDb === null
        ? []
        : [geoReloadJob(config.geoipDb, this.#deps, this.#options.log)]),
    ];
  }

  /** Drains everything for a graceful shutdown. */
  async stop(deadline: number): Promise<void> {
    await this.flushCounters();
    await Promise.all([this.views.stop(deadline), this.events.stop(deadline)]);
    await this.flushCounters();
    await this.#options.store.writes.stopBatchWorker();
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
