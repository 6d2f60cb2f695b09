// `deno task build:tracker`: bundles tracker/main.ts into minified IIFEs under dist/tracker/, one
// per build variant (consent banner, debug tracing), and prints raw, minified and gzip sizes.
// The `__ECHELON__` placeholder must survive exactly once: routes/ea.js.ts splits each file there
// and injects the values of every response.
import * as esbuild from "esbuild";
import { gzipSync } from "node:zlib";
import {
  PLACEHOLDER,
  TRACKER_VARIANTS,
  type TrackerVariant,
  variantFile,
} from "../tracker/inject.ts";

const ROOT = new URL("../", import.meta.url);
export const TRACKER_ENTRY = new URL("tracker/main.ts", ROOT);
export const TRACKER_DIST = new URL("dist/tracker/", ROOT);

export interface TrackerBuild {
  variant: TrackerVariant;
  file: string;
  code: string;
  /** Bytes of the TypeScript sources (comments and types included). */
  sourceBytes: number;
  minBytes: number;
  /** gzip level 9 of the minified code, before the per-response values are injected. */
  gzipBytes: number;
}

/** Bundles every variant without writing; `minify: false` gives readable output for debugging. */
export async function buildTrackers(options: { minify?: boolean } = {}): Promise<TrackerBuild[]> {
  try {
    const builds: TrackerBuild[] = [];
    for (const variant of TRACKER_VARIANTS) builds.push(await bundle(variant, options.minify));
    return builds;
  } finally {
    await esbuild.stop();
  }
}

async function bundle(variant: TrackerVariant, minify = true): Promise<TrackerBuild> {
  const result = await esbuild.build({
    entryPoints: [TRACKER_ENTRY.pathname],
    bundle: true,
    minify,
    format: "iife",
    // ES2021: every engine that passes BigInt to WASM i64 (Chrome 85, Firefox 78, Safari 14.1).
    target: "es2021",
    platform: "browser",
    write: false,
    metafile: true,
    legalComments: "none",
    charset: "utf8",
    define: { BUILD_CONSENT: String(variant.consent), BUILD_DEBUG: String(variant.debug) },
  });
  const code = result.outputFiles[0].text;
  const file = variantFile(variant);
  const occurrences = code.split(PLACEHOLDER).length - 1;
  if (occurrences !== 1) {
    throw new Error(`${file}: expected ${PLACEHOLDER} exactly once, found ${occurrences}`);
  }
  const bytes = new TextEncoder().encode(code);
  return {
    variant,
    file,
    code,
    sourceBytes: Object.values(result.metafile.inputs).reduce((sum, input) => sum + input.bytes, 0),
    minBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
  };
}

if (import.meta.main) {
  await Deno.mkdir(TRACKER_DIST, { recursive: true });
  for (const build of await buildTrackers()) {
    await Deno.writeTextFile(new URL(build.file, TRACKER_DIST), build.code);
    console.log(
      `tracker: dist/tracker/${build.file.padEnd(20)} source ${build.sourceBytes} B, ` +
        `minified ${build.minBytes} B, gzip ${build.gzipBytes} B (before WASM and challenge)`,
    );
  }
}
