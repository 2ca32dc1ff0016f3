export * from "./schemas";
export * from "./errors";
export * from "./routes";
export { buildOpenApi, CONTROL_API_VERSION } from "./openapi";
export * from "./forms";
export * from "./auditFlags";
export * from "./tokens";
