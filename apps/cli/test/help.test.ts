// Every command's --help lists its options and shows an example.
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const COMMANDS: [string[], string[]][] = [
  [
    ["deploy"],
    [
      "--env",
      "--deploy",
      "--key",
      "--commit",
      "--branch",
      "--version",
      "--logs-url",
      "--actor",
      "--reason",
      "--occurred-at",
      "--strict",
      "--json",
      "--portal-url",
      "--project",
      "--api-key",
    ],
  ],
  [
    ["deploy", "run"],
    ["--env", "--deploy", "--commit", "--branch", "--version", "--logs-url", "--actor", "--strict", "--json"],
  ],
  [
    ["deploy", "show"],
    ["--json", "--portal-url"],
  ],
  [["deploys"], ["--env", "--status", "--branch", "--limit", "--json"]],
  [["status"], ["--json", "--api-key"]],
  [["rollback"], ["--env", "--to", "--reason", "--json"]],
];

describe("--help", () => {
  for (const [command, options] of COMMANDS) {
    it(`cuitty ${command.join(" ")} --help lists every option, an example and where credentials come from`, async () => {
      const result = await runCli([...command, "--help"]);
      expect(result.code).toBe(0);
      for (const option of options) expect(result.stdout).toContain(option);
      expect(result.stdout).toMatch(/Examples?:\n {2}cuitty /);
      expect(result.stdout).toContain("credentials.json");
    });
  }

  it("cuitty --help lists the deploy commands", async () => {
    const result = await runCli(["--help"]);
    for (const name of ["deploy", "deploys", "status", "rollback"]) expect(result.stdout).toContain(name);
  });
});
