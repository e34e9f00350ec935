// Bench-only reference line: the floor of any Node gateway on this machine. A bare node:http relay
// that checks the bearer, parses the JSON body, sends it to the upstream on a keep-alive agent and
// pipes the answer back, streamed or not. No kernel, no validation beyond JSON.parse, no journal:
// what two HTTP hops through one Node process cost, so a gateway's figures can be read against it.
// Not a product component.
//
//   node test/bench/bare-relay.mjs <port> <upstream base URL> [token]   (prints "ready <port>")
import { Agent, createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Serves the relay on 127.0.0.1:`port` in front of `baseURL` (e.g. http://127.0.0.1:18901/v1). */
export function serveBareRelay(port, baseURL, token) {
  const up = new URL(baseURL);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const server = createServer((req, res) => {
    if (token && req.headers.authorization !== `Bearer ${token}`) return res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"wrong token","type":"invalid_request_error","code":null}}');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        return res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"not JSON","type":"invalid_request_error","code":null}}');
      }
      const path = `${up.pathname.replace(/\/$/, '')}${req.url.replace(/^\/v1/, '')}`;
      const out = request({ host: up.hostname, port: up.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
        answer.pipe(res);
      });
      out.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
      res.on('close', () => res.writableFinished || out.destroy()); // the client went away mid-answer
      out.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.maxConnections = Infinity;
  return new Promise((ready) => server.listen(port, '127.0.0.1', () => ready(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, baseURL, token] = process.argv.slice(2);
  await serveBareRelay(Number(port), baseURL, token);
  process.stdout.write(`ready ${port}\n`);
}
