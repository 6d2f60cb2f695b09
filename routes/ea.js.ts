// GET /ea.js: the browser tracker (built from tracker/ by `deno task build:tracker`) with this
// response's values injected in place of its `__ECHELON__` placeholder: origin, WASM module and,
// for `?s=<site>`, a challenge and the site's settings. gzip when the client accepts it.
//
// Caching: the normal embed (no `?s=`) carries nothing visitor-specific, so it is
// `public, max-age=300` (a stale copy only means the tracker's first /c call also brings the new
// epoch's module). With `?s=` the script embeds a challenge, and a shared copy would hand one
// challenge to many visitors, whose identical first solutions the verifier rightly calls
// "replayed": those responses are `no-store`. Their gzip is not made per request (a flood of them
// would hold the event loop that answers hits): the script around the challenge is compressed
// once per site and epoch (lib/gzip_template.ts) and each response adds only its challenge.
import { GzipTemplate } from "../lib/gzip_template.ts";
import { acceptsGzip } from "../lib/http_accept.ts";
import { isTrustedProxy } from "../lib/ingest/client_ip.ts";
import { LruCache } from "../lib/lru.ts";
import { publicOrigin } from "../lib/public_origin.ts";
import type { Ctx } from "../lib/state.ts";
import { chunksHash } from "../lib/tracker_chunk.ts";
import {
  type Injected,
  jsonLiteral,
  PLACEHOLDER,
  renderInjected,
  type SiteSettings,
  type TrackerVariant,
  variantFile,
} from "../tracker/inject.ts";
import { challengeDifficulty, challengeSite, DIFFICULTY_HEADERS, siteSettingsFor } from "./c.ts";

interface BuiltTracker {
  prefix: string;
  suffix: string;
  /** gzip of generic responses by their injected JSON (origin and epoch vary, rarely). */
  gzipped: Map<string, Uint8Array<ArrayBuffer>>;
}

const DIST = new URL("../dist/tracker/", import.meta.url);
const MAX_CACHED_GZIP = 16;
/** Templates of `?s=` responses: one per variant, site settings, origin and epoch in use. */
const MAX_TEMPLATES = 256;
/** Stands for the challenge while a `?s=` response's template is rendered. */
const CHALLENGE_SLOT = "\u0000challenge\u0000";

/** The built file, split at the placeholder; read on first use, never at import. */
function builtTracker(variant: TrackerVariant, cache: Map<string, BuiltTracker>): BuiltTracker {
  const file = variantFile(variant);
  let built = cache.get(file);
  if (!built) {
    const text = Deno.readTextFileSync(new URL(file, DIST));
    const at = text.indexOf(PLACEHOLDER);
    if (at < 0) throw new Error(`dist/tracker/${file} has no ${PLACEHOLDER}`);
    built = {
      prefix: text.slice(0, at),
      suffix: text.slice(at + PLACEHOLDER.length),
      gzipped: new Map(),
    };
    cache.set(file, built);
  }
  return built;
}

const builds = new Map<string, BuiltTracker>();
const templates = new LruCache<string, { head: string; tail: string; gzip: GzipTemplate }>(
  MAX_TEMPLATES,
);

/**
 * The script around the challenge slot of `injected`, its gzip compressed once. The slot splits the
 * WASM hex before it from the JavaScript after it (renderInjected), which compresses better as
 * two streams than as one: the generic script is served from such a template too.
 */
function challengeTemplate(built: BuiltTracker, file: string, injected: Injected) {
  const json = renderInjected({ ...injected, c: CHALLENGE_SLOT });
  const key = `${file}\n${json}`;
  let template = templates.get(key);
  if (!template) {
    const slot = json.indexOf(jsonLiteral(CHALLENGE_SLOT));
    const head = built.prefix + json.slice(0, slot);
    const tail = json.slice(slot + jsonLiteral(CHALLENGE_SLOT).length) + built.suffix;
    template = { head, tail, gzip: new GzipTemplate(head, tail) };
    templates.set(key, template);
  }
  return template;
}

/** The tracker assumes the private defaults, so only settings that differ are worth the bytes. */
function nonDefault(settings: SiteSettings): SiteSettings | null {
  const custom = settings.query.length > 0 || settings.formValues || settings.consentCss !== "" ||
    !!settings.anon;
  return custom ? settings : null;
}

export const handler = {
  GET(ctx: Ctx) {
    const services = ctx.state.services;
    const { config, pow, collect } = services;
    const headers = ctx.req.headers;
    let built: BuiltTracker;
    let chunks: string;
    const variant = { consent: config.cookieConsent, debug: collect.caches.debug };
    try {
      built = builtTracker(variant, builds);
      chunks = chunksHash();
    } catch (error) {
      services.log.error("tracker not built (run `deno task build:tracker`)", error);
      return new Response("// tracker unavailable\n", {
        status: 503,
        headers: {
          "content-type": "application/javascript; charset=utf-8",
          "cache-control": "no-store",
        },
      });
    }
    const site = challengeSite(ctx.url.searchParams.get("s"));
    const module = pow.currentModule();
    const injected: Injected = {
      o: publicOrigin(ctx, config),
      c: site ? pow.issue(site, challengeDifficulty(ctx)) : null,
      e: module.epoch,
      w: module.hex,
      h: chunks,
      m: config.challengeWindowMinutes * 60_000,
      s: site ? nonDefault(siteSettingsFor(services, site)) : null,
    };
    const vary = ["Accept-Encoding"];
    if (isTrustedProxy(ctx.remoteAddr, config)) vary.push("X-Forwarded-Proto", "X-Forwarded-Host");
    if (site) vary.push(...DIFFICULTY_HEADERS);
    const responseHeaders = new Headers({
      "content-type": "application/javascript; charset=utf-8",
      "cache-control": site ? "no-store" : "public, max-age=300",
      vary: vary.join(", "),
    });
    const gzip = acceptsGzip(headers);
    if (injected.c !== null) {
      const template = challengeTemplate(built, variantFile(variant), injected);
      const challenge = jsonLiteral(injected.c);
      if (!gzip) {
        return new Response(template.head + challenge + template.tail, {
          headers: responseHeaders,
        });
      }
      responseHeaders.set("content-encoding", "gzip");
      return new Response(template.gzip.render(challenge), { headers: responseHeaders });
    }
    const json = renderInjected(injected);
    if (!gzip) {
      return new Response(built.prefix + json + built.suffix, { headers: responseHeaders });
    }
    let gzipped = built.gzipped.get(json);
    if (!gzipped) {
      const file = variantFile(variant);
      gzipped = challengeTemplate(built, file, injected).gzip.render(jsonLiteral(injected.c));
      if (built.gzipped.size >= MAX_CACHED_GZIP) built.gzipped.clear();
      built.gzipped.set(json, gzipped);
    }
    responseHeaders.set("content-encoding", "gzip");
    return new Response(gzipped, { headers: responseHeaders });
  },
};
