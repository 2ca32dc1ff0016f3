/** Listening for the emulator's node:http listeners (the S3 plane, the fault proxy), and the URL that reaches one. */
import type * as http from "node:http";
import type { AddressInfo } from "node:net";

/** `http://<host>:<port>` of a bound address; an IPv6 host in brackets. */
export function urlOf(addr: AddressInfo): string {
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}`;
}

/** Binds `server` and resolves to its URL; a bind failure (e.g. EADDRINUSE) rejects instead of being thrown later. */
export async function listen(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return urlOf(server.address() as AddressInfo);
}
