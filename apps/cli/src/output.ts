// Output for people (aligned tables, relative times, colour only on a TTY) and for scripts (--json).
import { styleText } from "node:util";
import { readEnv } from "./config.js";

const isTTY = Boolean(process.stdout.isTTY) && !readEnv().NO_COLOR;

type Style = Parameters<typeof styleText>[0];
export function paint(style: Style, text: string): string {
  return isTTY ? styleText(style, text) : text;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const ANSI = /\x1b\[[0-9;]*m/g;
const width = (s: string) => s.replace(ANSI, "").length;

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - width(c))))
      .join("  ")
      .trimEnd();
  return [paint("bold", line(headers)), ...rows.map(line)].join("\n");
}

export function relativeTime(unixSeconds: number | null | undefined, now = Date.now() / 1000): string {
  if (!unixSeconds) return "-";
  const d = Math.round(now - unixSeconds);
  const abs = Math.abs(d);
  const [n, unit] =
    abs < 60
      ? [abs, "s"]
      : abs < 3600
        ? [Math.floor(abs / 60), "m"]
        : abs < 86400
          ? [Math.floor(abs / 3600), "h"]
          : [Math.floor(abs / 86400), "d"];
  return d >= 0 ? `${n}${unit} ago` : `in ${n}${unit}`;
}

export function info(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`${paint("yellow", "warning:")} ${message}\n`);
}
