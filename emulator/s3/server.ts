/** The S3 data plane listener. Stub; the real server follows. */
import * as http from "node:http";
import type { LoggerLike, StoreLike } from "./contract";
import type { ObjectStore } from "./objects";

export interface S3ServerOptions {
  store: StoreLike;
  objects: ObjectStore;
  host: string;
  port: number;
  region: string;
  log: LoggerLike;
}

export async function startS3Server(opts: S3ServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.statusCode = 501;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  const addr = server.address() as import("node:net").AddressInfo;
  return {
    url: `http://${opts.host}:${addr.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
