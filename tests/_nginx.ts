// A real nginx (Debian's package) in front of a test server, configured by the server block of
// confs/nginx.conf.example: TLS lines dropped, listening on a free 127.0.0.1 port, proxying to the
// app's port. Its config, pid file, logs and temp files live in a temp dir removed on stop.
// `requestFrom` sends a request from a chosen loopback address (127.0.0.x), so one test can play
// several clients.
import http from "node:http";
const EXAMPLE = new URL("../confs/nginx.conf.example", import.meta.url);
const CANDIDATES = ["/usr/sbin/nginx", "/usr/bin/nginx"];

export interface Nginx {
  port: number;
  baseUrl: string;
  /** The rendered config, for failure messages. */
  config: string;
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** Replaces the example's X-Forwarded-For value (e.g. `$proxy_add_x_forwarded_for`). */
  forwardedFor?: string;
}

/** Renders the example's upstream and server blocks for `listenPort` → `appPort`. Throws if its shape changed. */
export async function renderExample(
  listenPort: number,
  appPort: number,
  options: NginxOptions = {},
): Promise<string> {
  const example = await Deno.readTextFile(EXAMPLE);
  const start = example.indexOf("upstream echelon {");
  if (start < 0) throw new Error("confs/nginx.conf.example has no upstream block");
  let server = example.slice(start);
  const replace = (pattern: RegExp, replacement: string) => {
    if (!pattern.test(server)) throw new Error(`confs/nginx.conf.example lost ${pattern}`);
    server = server.replace(pattern, replacement);
  };
  replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${listenPort};`);
  replace(/\n\s*ssl_certificate .*;/, "");
  replace(/\n\s*ssl_certificate_key .*;/, "");
  replace(/server 127\.0\.0\.1:1947;/, `server 127.0.0.1:${appPort};`);
  replace(/proxy_pass http:\/\/echelon;/, "proxy_pass http://echelon;");
  if (options.forwardedFor !== undefined) {
    replace(
      /proxy_set_header X-Forwarded-For \S+;/,
      `proxy_set_header X-Forwarded-For ${options.forwardedFor};`,
    );
  }
  return server;
}

export async function findNginx(): Promise<string> {
  for (const path of CANDIDATES) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // not here
    }
  }
  throw new Error(
    `nginx is not installed (looked for ${CANDIDATES.join(", ")}): the proxy tests run a real ` +
      "nginx in front of the app; install it with `apt-get install -y nginx`",
  );
}

export async function startNginx(
  appPort: number,
  options: NginxOptions = {},
  timeoutMs = 10_000,
): Promise<Nginx> {
  const binary = await findNginx();
  const dir = await Deno.makeTempDir({ prefix: "echelon-nginx-" });
  // Run as root, nginx's workers are `nobody`: they must reach the temp paths nginx creates here.
  await Deno.chmod(dir, 0o755);
  const port = freePort();
  const server = await renderExample(port, appPort, options);
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((name) => `  ${name}_temp_path ${dir}/${name};`).join("\n");
  const config = `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
${temp}
${server}
}
`;
  await Deno.writeTextFile(`${dir}/nginx.conf`, config);
  const child = new Deno.Command(binary, {
    args: ["-p", dir, "-c", `${dir}/nginx.conf`, "-e", `${dir}/error.log`, "-g", "daemon off;"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let exited = false;
  child.status.then(() => exited = true);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
    await child.status;
    await stderr;
    await Deno.remove(dir, { recursive: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      const log = await Deno.readTextFile(`${dir}/error.log`).catch(() => "");
      await stop();
      throw new Error(`nginx did not start:\n${log}\n${config}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { port, baseUrl: `http://127.0.0.1:${port}`, config, stop };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function accepts(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP/1.1 request sent from the local address `from` (e.g. "127.0.0.3"). */
export function requestFrom(
  from: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: target.hostname,
      port: Number(target.port),
      path: target.pathname + target.search,
      method: init.method ?? "GET",
      headers: init.headers,
      localAddress: from,
      agent: false,
    }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => body += chunk);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}
