// V8 CPU profile of this process while `work` runs (node:inspector), summarised as text: self
// time by function and by file, and inclusive time (samples whose stack holds the function).
// Used by bench/pixel_micro.ts --profile and bench/pixel_serve_profile.ts.
import { Session } from "node:inspector";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export async function profileWhile(work: () => Promise<void>): Promise<string> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (e: unknown, r: unknown) => e ? reject(e) : resolve(r as T))
    );
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  await work();
  const { profile } = await post<{ profile: { nodes: ProfileNode[]; samples: number[] } }>(
    "Profiler.stop",
  );
  session.disconnect();
  return summarise(profile.nodes, profile.samples);
}

function summarise(nodes: ProfileNode[], samples: number[]): string {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const label = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^.*\/(node_modules|lib|bench|tests|tracker)\//, "$1/") || "(native)";
    return { file, key: `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}` };
  };
  const self = new Map<number, number>();
  for (const id of samples) self.set(id, (self.get(id) ?? 0) + 1);
  const total = samples.length;
  const fnSelf = new Map<string, number>();
  const fileSelf = new Map<string, number>();
  for (const [id, count] of self) {
    const { file, key } = label(id);
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + count);
    fileSelf.set(file, (fileSelf.get(file) ?? 0) + count);
  }
  // Inclusive time per function: samples whose stack contains it (counted once per sample).
  const parent = new Map<number, number>();
  for (const node of nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const incl = new Map<string, number>();
  for (const [id, count] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { key } = label(cur);
      if (!seen.has(key)) incl.set(key, (incl.get(key) ?? 0) + count);
      seen.add(key);
    }
  }
  const top = (map: Map<string, number>, k: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, k)
      .map(([key, c]) => `${(100 * c / total).toFixed(1).padStart(5)}%  ${key}`).join("\n");
  return [
    `${total} samples\n\n-- self time by function --`,
    top(fnSelf, 45),
    "\n-- self time by file --",
    top(fileSelf, 25),
    "\n-- inclusive time --",
    top(incl, 60),
  ].join("\n");
}
