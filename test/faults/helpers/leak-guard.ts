import { afterAll, afterEach, beforeAll, expect } from "@jest/globals";

/**
 * Every byte a fault test writes to stdout and stderr (and through `console`) is captured
 * instead of printed, and checked after each test for every secret registered, together with
 * whatever left the process another way (error messages, failures, Discord posts).
 */
export interface LeakGuard {
  /**
   * Registers secret values; each is looked for raw, URL-encoded and JSON-escaped, and so is
   * every run of 16 of its characters, since a message that cuts a token short still leaks it.
   */
  secret(...values: (string | undefined)[]): void;
  /** A secret URL (a webhook): only looked for whole, as its origin and path prefix are not secret. */
  secretUrl(url: string): void;
  /** Secrets only known later, such as session cookies a site hands out; read at each check. */
  secretsFrom(read: () => readonly string[]): void;
  /** A `user:password` pair, looked for as an `Authorization: Basic` value too. */
  basicAuth(username: string, password: string): void;
  /** Checks `value` (serialised) at the end of the current test. */
  inspect(label: string, value: unknown): void;
  /** Checks what `read` returns at the end of every test, e.g. the fake Discord's messages. */
  watch(label: string, read: () => unknown): void;
  /** Everything captured so far, for assertions on the output itself. */
  output(): string;
  /** Each leak since the last call, as `label: secret abcd… (n chars)`; the secret itself is never printed. */
  leaks(): string[];
  /** Starts capturing process output. */
  start(): void;
  /** Stops capturing and restores the streams and `console`. */
  stop(): void;
}

/** Long enough that a match is no coincidence, short enough to catch a token cut by an ellipsis. */
const FRAGMENT = 16;

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug"] as const;

/** Installs the capture for the whole file and a leak check after each test. Call at the top of a file. */
export function installLeakGuard(): LeakGuard {
  const guard = createLeakGuard();
  beforeAll(() => guard.start());
  afterEach(() => expect(guard.leaks()).toEqual([]));
  afterAll(() => guard.stop());
  return guard;
}

/** A guard without jest hooks: `start`, `leaks` and `stop` by hand. */
export function createLeakGuard(): LeakGuard {
  /** Each string to look for, to the name of the secret it belongs to. */
  const needles = new Map<string, string>();
  const chunks: string[] = [];
  /** Chunks before this index were checked already. */
  let checked = 0;
  const inspected: [string, string][] = [];
  const watched: [string, () => unknown][] = [];
  const later: (() => readonly string[])[] = [];
  const restore: (() => void)[] = [];
  const forms = (value: string) => new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  const nameOf = (value: string) => needles.get(value) ?? `secret ${value.slice(0, 4)}… (${value.length} chars)`;

  const guard: LeakGuard = {
    secret(...values) {
      for (const value of values) {
        if (!value || needles.has(value)) continue;
        const name = nameOf(value);
        for (const form of forms(value)) {
          needles.set(form, name);
          for (let i = 0; i + FRAGMENT <= form.length; i++) needles.set(form.slice(i, i + FRAGMENT), name);
        }
      }
    },
    secretUrl(url) {
      const name = nameOf(url);
      for (const form of forms(url)) needles.set(form, name);
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
      const texts: [string, string][] = [
        ["stdout/stderr/console", chunks.slice(checked).join("")],
        ...inspected,
        ...watched.map(([label, read]): [string, string] => [label, serialise(read())]),
      ];
      inspected.splice(0);
      checked = chunks.length;
      const found = new Set<string>();
      for (const [label, text] of texts) for (const [needle, name] of needles) if (text.includes(needle)) found.add(`${label}: ${name}`);
      return [...found];
    },
    start() {
      for (const stream of [process.stdout, process.stderr]) {
        const original = stream.write;
        stream.write = (chunk: unknown, ...rest: unknown[]) => {
          chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
          (rest.find((arg) => typeof arg === "function") as (() => void) | undefined)?.();
          return true;
        };
        restore.push(() => void (stream.write = original));
      }
      for (const method of CONSOLE_METHODS) {
        const original = console[method];
        console[method] = (...args: unknown[]) => void chunks.push(`${args.map(serialise).join(" ")}\n`);
        restore.push(() => void (console[method] = original));
      }
    },
    stop() {
      for (const undo of restore.splice(0).reverse()) undo();
    },
  };
  return guard;
}

function serialise(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.message}\n${value.stack ?? ""}`;
  return JSON.stringify(value) ?? String(value);
}
