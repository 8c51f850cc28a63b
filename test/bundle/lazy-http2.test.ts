import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kpi-http2-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * Bundles got with build/bundle.mjs's plugin, as the real bundle does, then asks got for its HTTP/2
 * request function: the stand-in must hand over http2-wrapper's own `auto`, loading Node's http2 only then.
 */
const SCRIPT = (outfile: string) => `
import { build } from "esbuild";
import { BANNER, lazyHttp2Wrapper } from ${JSON.stringify(pathToFileURL(join(ROOT, "build/bundle.mjs")).href)};
await build({
  stdin: { contents: 'export { Options } from "got";', resolveDir: ${JSON.stringify(ROOT)} },
  bundle: true, format: "esm", platform: "node", target: "node20", banner: { js: BANNER },
  outfile: ${JSON.stringify(outfile)}, plugins: [lazyHttp2Wrapper], logLevel: "error",
});
const { Options } = await import(${JSON.stringify(pathToFileURL(outfile).href)});
const http2Loaded = () => process.moduleLoadList.includes("NativeModule http2");
const atLoad = http2Loaded();
const plain = new Options("https://example.com/").getFallbackRequestFunction();
const afterHttps = http2Loaded();
const auto = new Options("https://example.com/", { http2: true }).getFallbackRequestFunction();
console.log(JSON.stringify({ atLoad, afterHttps, plain: plain.name, autoIsWrapper: typeof auto.resolveProtocol === "function" && auto.protocolCache !== undefined, afterHttp2: http2Loaded() }));
`;

describe("got's http2-wrapper in the bundle", () => {
  it("is evaluated only when a request asks for HTTP/2, and is then the real module", async () => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", SCRIPT(join(dir, "got.mjs"))], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual({ atLoad: false, afterHttps: false, plain: "request", autoIsWrapper: true, afterHttp2: true });
  });
});
