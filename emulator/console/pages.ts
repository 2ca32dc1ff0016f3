/** All console pages, for the routes in ./index.ts. */
export * from "./layout";
export * from "./buckets";
export * from "./keys";
