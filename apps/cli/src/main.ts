#!/usr/bin/env node
// Entry point of the `cuitty` binary: the only place that calls process.exit.
import { CommanderError } from "@commander-js/extra-typings";
import { CLIError, EXIT_CODES } from "./errors.js";
import { paint } from "./output.js";
import { buildProgram } from "./program.js";

async function main(): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
    // `deploy run` passes on its command's exit code this way, leaving process.exit to this file.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_CODES.E_USAGE;
    }
    if (error instanceof CLIError) {
      process.stderr.write(`${paint("red", "error:")} ${error.message} [${error.code}]\n`);
      if (error.hint) process.stderr.write(`  fix: ${error.hint}\n`);
      return error.exitCode;
    }
    process.stderr.write(`${paint("red", "error:")} ${String((error as Error)?.message ?? error)} [E_INTERNAL]\n`);
    return EXIT_CODES.E_INTERNAL;
  }
}

main().then((code) => process.exit(code));
