// The background parts `cuitty serve` runs beside the API (each hears every accepted transition).
import { healthExtension } from "./health/healthExtension.js";
import { githubExtension } from "./github/githubExtension.js";
import { hooksExtension } from "./hooks/hooksExtension.js";
import type { ExtensionFactory } from "./startServer.js";

export const defaultExtensions: ExtensionFactory[] = [healthExtension(), githubExtension, hooksExtension()];
