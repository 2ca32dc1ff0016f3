/**
 * The native plugin's entry point, started by the Pulumi engine as `pulumi-resource-otterstorage [flags…] <engine
 * address>` (pkg/resource/plugin/plugin.go ExecPlugin): serve pulumirpc.ResourceProvider on a free loopback port and
 * print that port, and nothing else, on stdout. Logs go to stderr, which the engine shows with -v.
 */
import * as grpc from "@grpc/grpc-js";
import { NativeProviderService, serviceDefinition } from "./server";

export async function main(): Promise<void> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(serviceDefinition(), new NativeProviderService().handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.stdout.write(`${port}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`pulumi-resource-otterstorage: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
