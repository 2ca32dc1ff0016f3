// After the build: the OpenTofu provider's filesystem-mirror layout in dist/terraform-mirror (terraform/install.ts),
// with a launcher pointing at this checkout's dist/terraform/main.js. Tests and benchmarks point `tofu` at it.
const path = require("path");
const fs = require("fs");
const root = path.resolve(__dirname, "..");
const compiled = path.join(root, "dist", "terraform", "install.js");
if (fs.existsSync(compiled)) require(compiled).installLauncher(path.join(root, "dist", "terraform-mirror"));
