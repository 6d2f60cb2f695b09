// `deno run -A scripts/country_map_paths.ts`: writes lib/admin/country_map_paths.ts, the SVG path
// of every country of the world map (components/CountryMap.tsx), keyed by its two-letter code.
// The geometry is Natural Earth 1:110m (npm world-atlas, TopoJSON) projected once here with
// d3-geo's Equal Earth projection; countries too small for 1:110m (Singapore, Malta, Hong Kong…)
// are a dot at their centroid from 1:50m. So neither the image nor a request carries the map libraries:
// they are build tools (devDependencies). tests/country_map_test.ts checks that the committed
// file is what this script writes.
import { geoCentroid, geoEqualEarth, geoPath } from "d3-geo";
import countries from "i18n-iso-countries";
import { feature } from "topojson-client";

const ROOT = new URL("../", import.meta.url);
const ATLAS = new URL("node_modules/world-atlas/countries-110m.json", ROOT);
const DETAILED_ATLAS = new URL("node_modules/world-atlas/countries-50m.json", ROOT);
/** Radius of the dot of a country too small to draw. */
const DOT_RADIUS = 2;
export const OUTPUT = new URL("lib/admin/country_map_paths.ts", ROOT);

export const MAP_WIDTH = 960;
/** Coordinates are rounded to this many decimals: whole units of a 960-wide map drawn in a card
 * about half that wide are below what shows, and the map weighs 44 kB instead of 72 kB at 0.1. */
const DECIMALS = 0;

/** Features Natural Earth draws without an ISO number: the code GeoIP databases give them, or
 * the country they are counted under (Northern Cyprus under CY, Somaliland under SO). */
const CODES_BY_NAME: Record<string, string> = { Kosovo: "XK", "N. Cyprus": "CY", Somaliland: "SO" };
/** Not drawn: no visitors, and it would take a sixth of the height. */
const LEFT_OUT = new Set(["AQ"]);

interface CountryFeature {
  id?: string;
  properties: { name: string };
}

function codeOf(country: CountryFeature): string | null {
  const byName = CODES_BY_NAME[country.properties.name];
  if (byName) return byName;
  return country.id ? countries.numericToAlpha2(country.id) ?? null : null;
}

/** Rewrites d3's absolute path (M, L and Z only) in relative moves ("l.5-.2"), which are about
 * half as long, dropping moves that rounding made empty. Works in whole rounding units, so the rounding
 * never drifts along a ring. */
export function relativePath(d: string): string {
  const scale = 10 ** DECIMALS;
  const number = (units: number) => String(units / scale).replace(/^(-?)0\./, "$1.");
  // A number that starts with "-" needs no separator before it.
  const joined = (text: string) => (text.startsWith("-") ? text : `,${text}`);
  let out = "";
  let x = 0;
  let y = 0;
  let inLine = false;
  for (const [, command, args] of d.matchAll(/([MLZ])([^MLZ]*)/g)) {
    if (command === "Z") {
      out += "z";
      inLine = false;
      continue;
    }
    const [nx, ny] = args.split(",").map((v) => Math.round(Number(v) * scale));
    if (command === "M") {
      out += `M${number(nx)}${joined(number(ny))}`;
      inLine = false;
    } else if (nx !== x || ny !== y) {
      const dx = number(nx - x);
      out += (inLine ? joined(dx) : `l${dx}`) + joined(number(ny - y));
      inLine = true;
    }
    x = nx;
    y = ny;
  }
  return out;
}

interface Countries {
  type: "FeatureCollection";
  features: CountryFeature[];
}

async function readCountries(atlas: URL): Promise<Countries> {
  const topology = JSON.parse(await Deno.readTextFile(atlas));
  return feature(topology, topology.objects.countries) as unknown as Countries;
}

/** A circle as a path: two arcs. */
function dot([x, y]: [number, number]): string {
  const r = DOT_RADIUS;
  const round = (v: number) => Math.round(v * 10 ** DECIMALS) / 10 ** DECIMALS;
  return `M${round(x - r)},${round(y)}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 -${2 * r},0z`;
}

/** The source of lib/admin/country_map_paths.ts. */
export async function countryMapSource(): Promise<string> {
  const collection = await readCountries(ATLAS);
  const drawn = {
    ...collection,
    features: collection.features.filter((country) => {
      const code = codeOf(country);
      return code !== null && !LEFT_OUT.has(code);
    }),
  };
  const projection = geoEqualEarth().fitWidth(MAP_WIDTH, drawn as never);
  const path = geoPath(projection).digits(DECIMALS);
  const [[, top], [, bottom]] = path.bounds(drawn as never);
  const height = Math.ceil(bottom - Math.min(0, top));
  const paths = new Map<string, string>();
  for (const country of drawn.features) {
    const code = codeOf(country)!;
    const d = path(country as never);
    if (d) paths.set(code, (paths.get(code) ?? "") + relativePath(d));
  }
  const dots = new Map<string, string>();
  for (const country of (await readCountries(DETAILED_ATLAS)).features) {
    const code = codeOf(country);
    if (code === null || LEFT_OUT.has(code) || paths.has(code)) continue;
    const centre = projection(geoCentroid(country as never));
    if (centre) dots.set(code, dot(centre as [number, number]));
  }
  const unnamed = collection.features.filter((country) => codeOf(country) === null);
  if (unnamed.length) {
    throw new Error(`no code for ${unnamed.map((c) => c.properties.name).join(", ")}`);
  }
  // Dots come last, so no country is drawn over them (Andorra over Spain and France).
  const byCode = ([a]: [string, string], [b]: [string, string]) => a.localeCompare(b);
  const entries = [...[...paths].sort(byCode), ...[...dots].sort(byCode)];
  return formatted([
    "// Generated by scripts/country_map_paths.ts from Natural Earth 1:110m (npm world-atlas 2.0.2),",
    "// Equal Earth projection; do not edit. Each country's SVG path, keyed by its two-letter code;",
    "// those too small to draw at that scale are dots, last, so they are drawn on top.",
    `export const MAP_VIEWBOX = "0 0 ${MAP_WIDTH} ${height}";`,
    "",
    "export const COUNTRY_PATHS: Readonly<Record<string, string>> = {",
    ...entries.map(([code, d]) => `  ${code}: ${JSON.stringify(d)},`),
    "};",
    "",
  ].join("\n"));
}

/** `source` as `deno fmt` leaves it (the repository's gate checks every file). */
async function formatted(source: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--line-width=100", "--ext=ts", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const { code, stdout } = await child.output();
  if (code !== 0) throw new Error(`deno fmt failed (${code})`);
  return new TextDecoder().decode(stdout);
}

if (import.meta.main) {
  const source = await countryMapSource();
  await Deno.writeTextFile(OUTPUT, source);
  console.log(`${OUTPUT.pathname}: ${source.length} bytes`);
}
