// Option parsers shared by commands; each refuses bad input with E_USAGE.
import { InvalidArgumentError } from "commander";

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("a port is a whole number from 0 to 65535");
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive whole number");
  return n;
}

export function parseScope(value: string): "ingest" | "read" | "admin" {
  if (value === "ingest" || value === "read" || value === "admin") return value;
  throw new InvalidArgumentError("scope is one of ingest, read, admin");
}
