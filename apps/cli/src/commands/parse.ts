// Option parsers shared by commands; each refuses bad input with E_USAGE.
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { API_KEY_SCOPES, type ApiKeyScope } from "@cuitty/core";

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

export function parseRatio(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError("a ratio is a number from 0 up, e.g. 0.05 for 5 %");
  return n;
}

export function parseInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n)) throw new InvalidArgumentError("expected a whole number, e.g. 3");
  return n;
}

export function parseScope(value: string): ApiKeyScope {
  const scope = API_KEY_SCOPES.find((s) => s === value);
  if (scope) return scope;
  throw new InvalidArgumentError(`scope is one of ${API_KEY_SCOPES.join(", ")}`);
}

/** A parser for numeric ids, accepting "#42" as well as "42". */
export function idParser(noun: string, hint: string): (value: string) => number {
  return (value) => {
    const n = Number(value.replace(/^#/, ""));
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`a ${noun} id is a positive whole number (${hint})`);
    return n;
  };
}

export function parseRepo(value: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(value)) throw new InvalidArgumentError('a repository is "owner/name", e.g. acme/api');
  return value;
}

export function parseInterval(value: string): number {
  const seconds = Number(value.replace(/s$/, ""));
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new InvalidArgumentError("an interval is a number of seconds above 0, e.g. 30");
  }
  return seconds;
}

export function parsePattern(value: string): string {
  try {
    new RegExp(value, "i");
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
  return value;
}

export function parseApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("expected an http(s) URL, e.g. https://github.example.com/api/v3");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError("expected an http(s) URL");
  return value.replace(/\/+$/, "");
}
