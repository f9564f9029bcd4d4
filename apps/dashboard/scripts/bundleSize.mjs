// Prints the production build's JavaScript size (raw and gzip) so growth is seen at every build.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dir = new URL("../dist/assets/", import.meta.url).pathname;
let raw = 0;
let gzip = 0;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith(".js"))
  .sort()) {
  const bytes = readFileSync(join(dir, name));
  const gz = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzip += gz;
  console.log(`  ${name.padEnd(36)} ${kb(bytes.length).padStart(10)}  gzip ${kb(gz).padStart(9)}`);
}
console.log(`dashboard JavaScript: ${kb(raw)} (gzip ${kb(gzip)})`);
