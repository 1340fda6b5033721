import { describe, expect, it } from "vitest";
import { engineExecArgv } from "./fork-engine";

describe("the engine process's Node flags", () => {
  it("passes tsx's loader on when the worker runs under tsx", () => {
    const own = [
      "--require",
      "/x/node_modules/tsx/dist/preflight.cjs",
      "--import",
      "file:///x/node_modules/tsx/dist/loader.mjs",
    ];
    expect(engineExecArgv(own)).toEqual(own);
  });

  it("adds tsx's loader under another host, and leaves debugger flags out", () => {
    const argv = engineExecArgv(["--inspect=9229", "--conditions", "development"]);
    expect(argv.slice(0, 2)).toEqual(["--conditions", "development"]);
    expect(argv[2]).toBe("--import");
    expect(argv[3]).toMatch(/^file:\/\/.*[\\/]tsx[\\/]dist[\\/]loader\.mjs$/);
  });
});
