// `deno task build:tracker`: bundles tracker/main.ts into minified IIFEs under dist/tracker/, one
// per build variant (consent gate, debug tracing), plus the chunks it loads on demand
// (TRACKER_CHUNKS in lib/tracker_chunk.ts), and prints raw, minified and gzip sizes.
// The `__ECHELON__` placeholder must survive exactly once: routes/ea.js.ts splits each file there
// and injects the values of every response.
import * as esbuild from "esbuild";
import { gzipSync } from "node:zlib";
import { minify as terser } from "terser";
import { CHUNK_NAMES, type ChunkName, TRACKER_CHUNKS } from "../lib/tracker_chunk.ts";
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
  /** null for a chunk, which is the same in every variant. */
  variant: TrackerVariant | null;
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
    for (const name of CHUNK_NAMES) {
      builds.push(await bundle(null, options.minify, name));
    }
    return builds;
  } finally {
    await esbuild.stop();
  }
}

async function bundle(
  variant: TrackerVariant | null,
  minify = true,
  chunk?: ChunkName,
): Promise<TrackerBuild> {
  const entry = variant ? TRACKER_ENTRY : new URL(TRACKER_CHUNKS[chunk!], ROOT);
  const result = await esbuild.build({
    entryPoints: [entry.pathname],
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
    define: {
      BUILD_CONSENT: String(variant?.consent ?? false),
      BUILD_DEBUG: String(variant?.debug ?? false),
    },
  });
  const bundled = result.outputFiles[0].text;
  const code = minify ? await compress(bundled) : bundled;
  const file = variant ? variantFile(variant) : `ea.${chunk}.js`;
  const occurrences = code.split(PLACEHOLDER).length - 1;
  if (occurrences !== (variant ? 1 : 0)) {
    throw new Error(
      `${file}: expected ${PLACEHOLDER} ${variant ? "once" : "nowhere"}, found ${occurrences}`,
    );
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

/**
 * esbuild bundles; terser minifies, because its multi-pass compressor and top-level mangling
 * leave about 200 bytes less gzip than esbuild's minifier on this code (measured: 4,828 vs
 * 5,037 B). Nothing "unsafe" that changes semantics is enabled beyond arrow/method forms.
 */
async function compress(code: string): Promise<string> {
  const result = await terser(code, {
    ecma: 2020,
    toplevel: true,
    compress: { passes: 4, pure_getters: true, unsafe_arrows: true, unsafe_methods: true },
    mangle: { toplevel: true, reserved: [PLACEHOLDER] },
    format: { comments: false },
  });
  if (result.code === undefined) throw new Error("terser produced no output");
  return result.code;
}

if (import.meta.main) {
  await Deno.mkdir(TRACKER_DIST, { recursive: true });
  for (const build of await buildTrackers()) {
    await Deno.writeTextFile(new URL(build.file, TRACKER_DIST), build.code);
    console.log(
      `tracker: dist/tracker/${build.file.padEnd(20)} source ${build.sourceBytes} B, ` +
        `minified ${build.minBytes} B, gzip ${build.gzipBytes} B` +
        (build.variant ? " (before WASM and challenge)" : ""),
    );
  }
}
