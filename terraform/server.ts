/**
 * go-plugin's side of the handshake (hashicorp/go-plugin v1.7.0 server.go, the version OpenTofu v1.12.6 pins; OpenTofu
 * starts providers from internal/command/meta_providers.go with AutoMTLS on):
 *   1. refuse to run unless TF_PLUGIN_MAGIC_COOKIE carries OpenTofu's value and PLUGIN_PROTOCOL_VERSIONS offers 6;
 *   2. listen on 127.0.0.1, a port in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when given;
 *   3. TLS with a fresh self-signed server certificate (terraform/cert.ts), requiring the client certificate OpenTofu
 *      passed in PLUGIN_CLIENT_CERT (no PLUGIN_CLIENT_CERT: TF_DISABLE_PLUGIN_TLS, plain gRPC);
 *   4. print `1|6|tcp|127.0.0.1:PORT|grpc|<server certificate, DER, base64 without padding>` as the FIRST line on
 *      stdout — anything before it breaks the handshake, so everything else goes to stderr;
 *   5. serve tfplugin6.Provider and plugin.GRPCController (Shutdown: without it OpenTofu waits 2 s and kills us);
 *      GRPCStdio and GRPCBroker answer UNIMPLEMENTED, which the client tolerates;
 *   6. ignore SIGINT, as go-plugin servers do: OpenTofu handles Ctrl-C and stops the provider itself.
 * gRPC: @grpc/grpc-js over the vendored .proto files, loaded at start by @grpc/proto-loader (no generated code).
 */
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { selfSignedLocalhost } from "./cert";
import { APP_PROTOCOL_VERSION, checkHandshakeEnv, CORE_PROTOCOL_VERSION } from "./handshake";
import { grpcImplementation, providerServer } from "./provider";

export { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, checkHandshakeEnv, HandshakeError } from "./handshake";

/** terraform/proto, from dist/terraform (compiled) and from terraform/ (sources) alike. */
export const PROTO_DIR = path.resolve(__dirname, "..", "..", "terraform", "proto");

const log = (msg: string) => process.stderr.write(`terraform-provider-otterstorage: ${msg}\n`);

function loadServices(): { provider: grpc.ServiceDefinition; controller: grpc.ServiceDefinition } {
  const options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] };
  const tf = grpc.loadPackageDefinition(protoLoader.loadSync("tfplugin6.10.proto", options)) as any;
  const plugin = grpc.loadPackageDefinition(protoLoader.loadSync("grpc_controller.proto", options)) as any;
  return { provider: tf.tfplugin6.Provider.service, controller: plugin.plugin.GRPCController.service };
}

async function bind(server: grpc.Server, creds: grpc.ServerCredentials, env: NodeJS.ProcessEnv): Promise<number> {
  const min = Number(env.PLUGIN_MIN_PORT || 0);
  const max = Number(env.PLUGIN_MAX_PORT || 0);
  const ports = min > 0 && max >= min ? Array.from({ length: max - min + 1 }, (_, i) => min + i) : [0];
  let last: Error | undefined;
  for (const port of ports) {
    try {
      return await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p))));
    } catch (e) {
      last = e as Error;
    }
  }
  throw new Error(`could not listen on 127.0.0.1 in ports ${ports[0]}..${ports[ports.length - 1]}: ${last?.message}`);
}

export interface Served { port: number; line: string; server: grpc.Server }

/** Starts the server and returns the handshake line (the caller prints it). */
export async function serve(env: NodeJS.ProcessEnv = process.env, onShutdown: () => void = () => undefined): Promise<Served> {
  checkHandshakeEnv(env);
  const { provider, controller } = loadServices();
  const server = new grpc.Server({ "grpc.max_receive_message_length": 256 << 20, "grpc.max_send_message_length": 256 << 20 });
  server.addService(provider, grpcImplementation(providerServer(env)));
  server.addService(controller, {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<object>) => {
      callback(null, {});
      setImmediate(() => {
        const force = setTimeout(() => server.forceShutdown(), 500);
        server.tryShutdown(() => {
          clearTimeout(force);
          onShutdown();
        });
      });
    },
  });
  const clientCert = env.PLUGIN_CLIENT_CERT;
  let certField = "";
  let creds: grpc.ServerCredentials;
  if (clientCert) {
    const cert = await selfSignedLocalhost();
    creds = grpc.ServerCredentials.createSsl(Buffer.from(clientCert), [{ cert_chain: Buffer.from(cert.certPem), private_key: Buffer.from(cert.keyPem) }], true);
    certField = cert.der.toString("base64").replace(/=+$/, "");
  } else {
    creds = grpc.ServerCredentials.createInsecure();
  }
  const port = await bind(server, creds, env);
  const line = `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${certField}`;
  return { port, line, server };
}

/** The executable's entry point: handshake, then serve until Shutdown (or the client closes stdin and kills us). */
export async function main(): Promise<void> {
  // Nothing but the handshake line may reach stdout: console output of any library goes to stderr.
  console.log = console.error;
  console.info = console.error;
  process.on("SIGINT", () => log("interrupt received; ignored (OpenTofu stops the provider itself)"));
  try {
    const { line } = await serve(process.env, () => process.exit(0));
    process.stdout.write(line + "\n");
  } catch (e) {
    log(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
