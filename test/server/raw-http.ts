// HTTP requests over a real socket with the path sent exactly as given (curl --path-as-is): fetch
// and the SDKs normalise paths (`/x/../v1` → `/v1`) and would never send the spellings an
// attacker does.
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function rawRequest(port: number, method: string, path: string, headers: http.OutgoingHttpHeaders = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The port a harness's gateway listens on. */
export function portOf(baseURL: string): number {
  return Number(new URL(baseURL).port);
}
