// Fail loudly on unhandled rejections: Pulumi surfaces serialization errors only that way (research §5.4).
process.on("unhandledRejection", (err) => { throw err; });
