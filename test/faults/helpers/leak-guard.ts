import { afterAll, afterEach, beforeAll, expect } from "@jest/globals";

/**
 * Every byte a fault test writes to stdout and stderr (and through `console`) is captured
 * instead of printed, and checked after each test for every secret registered, together with
 * whatever left the process another way (error messages, failures, Discord posts).
 */
export interface LeakGuard {
  /** Registers secret values; each is looked for raw, URL-encoded and JSON-escaped. */
  secret(...values: (string | undefined)[]): void;
  /** Secrets only known later, such as session cookies a site hands out; read at each check. */
  secretsFrom(read: () => readonly string[]): void;
  /** A `user:password` pair, looked for as an `Authorization: Basic` value too. */
  basicAuth(username: string, password: string): void;
  /** Checks `value` (serialised) at the end of the current test. */
  inspect(label: string, value: unknown): void;
  /** Checks what `read` returns at the end of every test, e.g. the fake Discord's messages. */
  watch(label: string, read: () => unknown): void;
  /** What was captured so far, for assertions on the output itself. */
  output(): string;
  /** Each leak as `label: secret abcd… (n chars)`; the secret itself is never printed. */
  leaks(): string[];
}

type Write = typeof process.stdout.write;
const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug"] as const;

/** Installs the capture for the whole file and a leak check after each test. Call at the top of a file. */
export function installLeakGuard(): LeakGuard {
  const secrets = new Set<string>();
  const chunks: string[] = [];
  const inspected: [string, string][] = [];
  const watched: [string, () => unknown][] = [];
  const later: (() => readonly string[])[] = [];
  const restore: (() => void)[] = [];
  const serialise = (value: unknown) => (typeof value === "string" ? value : value instanceof Error ? `${value.message}\n${value.stack ?? ""}` : JSON.stringify(value) ?? String(value));

  const guard: LeakGuard = {
    secret(...values) {
      for (const value of values) {
        if (!value) continue;
        secrets.add(value);
        secrets.add(encodeURIComponent(value));
        secrets.add(JSON.stringify(value).slice(1, -1));
      }
    },
    secretsFrom: (read) => void later.push(read),
    basicAuth(username, password) {
      guard.secret(password, Buffer.from(`${username}:${password}`).toString("base64"));
    },
    inspect: (label, value) => void inspected.push([label, serialise(value)]),
    watch: (label, read) => void watched.push([label, read]),
    output: () => chunks.join(""),
    leaks() {
      for (const read of later) guard.secret(...read());
      const texts: [string, string][] = [["stdout/stderr/console", chunks.join("")], ...inspected, ...watched.map(([label, read]): [string, string] => [label, serialise(read())])];
      const found: string[] = [];
      for (const [label, text] of texts) {
        for (const secret of secrets) if (text.includes(secret)) found.push(`${label}: secret ${secret.slice(0, 4)}… (${secret.length} chars)`);
      }
      return found;
    },
  };

  beforeAll(() => {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
        const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
        callback?.();
        return true;
      }) as Write;
      restore.push(() => void (stream.write = original));
    }
    for (const method of CONSOLE_METHODS) {
      const original = console[method];
      console[method] = (...args: unknown[]) => void chunks.push(`${args.map(serialise).join(" ")}\n`);
      restore.push(() => void (console[method] = original));
    }
  });
  afterEach(() => {
    const leaks = guard.leaks();
    inspected.splice(0);
    expect(leaks).toEqual([]);
  });
  afterAll(() => {
    for (const undo of restore.splice(0).reverse()) undo();
  });
  return guard;
}
