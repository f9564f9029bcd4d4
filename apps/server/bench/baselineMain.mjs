// `node baselineMain.mjs <dir> <apiKey> <port>`: the bare baseline (baseline.mjs) as a process of its own.
import { startBaseline } from "./baseline.mjs";

const [dir, apiKey, port] = process.argv.slice(2);
const baseline = await startBaseline(dir, apiKey, Number(port));
process.once("SIGTERM", () => void baseline.close().then(() => process.exit(0)));
