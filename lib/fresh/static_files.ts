// Static files, loaded into memory once at start: static/ at the site root (short cache plus
// ETag revalidation) and Vite's hashed output under /assets/ (immutable for a year). Text files
// are also kept gzipped, so serving them costs a map lookup.
import { gzipSync } from "node:zlib";

interface StaticFile {
  body: Uint8Array;
  gzip: Uint8Array | null;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  json: "application/json",
  map: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  html: "text/html; charset=utf-8",
  woff2: "font/woff2",
  wasm: "application/wasm",
  webmanifest: "application/manifest+json",
};

export const IMMUTABLE = "public, max-age=31536000, immutable";
export const SHORT_CACHE = "public, max-age=3600, must-revalidate";

export class StaticFiles {
  readonly #files = new Map<string, StaticFile>();

  get size(): number {
    return this.#files.size;
  }

  /** Adds every file under `dir`, served at `prefix` + its relative path. */
  addDirectory(dir: URL, prefix: string, cacheControl: string): void {
    let entries: Iterable<Deno.DirEntry>;
    try {
      entries = Deno.readDirSync(dir);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      if (entry.isDirectory) {
        this.addDirectory(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`, cacheControl);
      } else if (entry.isFile) {
        this.add(
          `${prefix}${entry.name}`,
          Deno.readFileSync(new URL(entry.name, dir)),
          cacheControl,
        );
      }
    }
  }

  add(path: string, body: Uint8Array, cacheControl: string): void {
    const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
    const type = TYPES[ext] ?? "application/octet-stream";
    const compressible = /^(text\/|application\/(json|manifest)|image\/svg)/.test(type);
    const gzip = compressible && body.length > 512
      ? new Uint8Array(gzipSync(body, { level: 9 }))
      : null;
    this.#files.set(path, {
      body,
      gzip,
      type,
      etag: `"${fnv1a(body)}-${body.length}"`,
      cacheControl,
    });
  }

  has(path: string): boolean {
    return this.#files.has(path);
  }

  /** The response for a GET/HEAD of `path`, or null when no such file exists. */
  serve(req: Request, path: string): Response | null {
    const file = this.#files.get(path);
    if (!file) return null;
    const headers = new Headers({
      "content-type": file.type,
      "cache-control": file.cacheControl,
      etag: file.etag,
      vary: "Accept-Encoding",
      "x-content-type-options": "nosniff",
    });
    if (req.headers.get("if-none-match") === file.etag) {
      return new Response(null, { status: 304, headers });
    }
    const gzip = file.gzip && /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "");
    const body = gzip ? file.gzip! : file.body;
    if (gzip) headers.set("content-encoding", "gzip");
    headers.set("content-length", String(body.length));
    return new Response(req.method === "HEAD" ? null : body as Uint8Array<ArrayBuffer>, {
      headers,
    });
  }
}

function fnv1a(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0).toString(36);
}
