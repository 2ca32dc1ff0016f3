/**
 * What OpenTofu sets before it starts a provider (hashicorp/go-plugin v1.7.0 server.go): checked before anything
 * heavy is loaded, so a person running the executable by hand gets the answer at once.
 */
export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 6;

export class HandshakeError extends Error {}

/** Checks what OpenTofu sets before it starts a provider; the message says what a person running it by hand should know. */
export function checkHandshakeEnv(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new HandshakeError(
      "This binary is a plugin. These are not meant to be executed directly. Please execute the program that consumes " +
        "these plugins (OpenTofu or Terraform), which will load any plugins automatically.",
    );
  }
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? "").split(",").map((s) => s.trim());
  if (!offered.includes(String(APP_PROTOCOL_VERSION))) {
    throw new HandshakeError(
      `this provider speaks plugin protocol ${APP_PROTOCOL_VERSION} only; the client offered ${env.PLUGIN_PROTOCOL_VERSIONS || "none"} ` +
        "(OpenTofu >= 1.0 and Terraform >= 1.0 offer 6).",
    );
  }
}

