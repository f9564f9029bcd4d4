// The background parts `cuitty serve` runs beside the API (each hears every accepted transition).
import type { ExtensionFactory } from "./startServer.js";

export const defaultExtensions: ExtensionFactory[] = [];
