import { describe, expect, it } from "@jest/globals";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DESTINATION_TYPES, destinationSchema, type DestinationType } from "../../src/destinations/registry.js";
import { startFakeDiscord } from "../fakes/discord-server.js";
import { startFakeNotion } from "../fakes/notion-server.js";
import { startFakeSlack } from "../fakes/slack-server.js";
import { FAST } from "../faults/helpers/build-fast.js";
import { testDestination, type DestinationHarness } from "./destination-conformance.js";

async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "kpi-destination-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

const readOr = (path: string) => readFile(path, "utf8").catch(() => "");

/** One harness per destination type the schema accepts: a new type fails the typecheck until it has one. */
const CASES: Record<DestinationType, () => Promise<DestinationHarness>> = {
  // Console: what it prints is what the pipeline's `write` receives; the CLI prints it.
  console: async () => {
    const printed: string[] = [];
    let broken = false;
    return {
      entry: {},
      job: "daily",
      delivered: async () => printed.join(""),
      breakIt: async () => void (broken = true),
      write: (text) => void (broken ? fail() : printed.push(text)),
      close: async () => undefined,
    };
  },
  file: async () => {
    const { dir, remove } = await tempDir();
    const path = join(dir, "sub", "history.csv");
    return {
      entry: { path },
      job: "daily",
      delivered: () => readOr(path),
      // A file where its directory should be: every write fails.
      breakIt: () => rm(join(dir, "sub"), { recursive: true, force: true }).then(() => writeFile(join(dir, "sub"), "")),
      close: remove,
    };
  },
  notion: async () => {
    const fake = await startFakeNotion();
    return {
      entry: { token: "${NOTION_TOKEN}", database: fake.databaseId, baseUrl: fake.url },
      env: { NOTION_TOKEN: fake.token },
      job: "daily",
      delivered: async () => JSON.stringify(fake.rows()),
      breakIt: async () => fake.failNext(1000, 400),
      tuning: { destinations: { notion: FAST.notion } },
      close: () => fake.close(),
    };
  },
  discord: async () => {
    const fake = await startFakeDiscord();
    const { dir, remove } = await tempDir();
    return {
      entry: { webhookUrl: "${DISCORD_WEBHOOK_URL}" },
      env: { DISCORD_WEBHOOK_URL: fake.webhookUrl },
      alongside: [{ type: "file", name: "history", path: join(dir, "history.csv") }],
      job: "weekly-report",
      delivered: async () => JSON.stringify(fake.messages),
      breakIt: async () => fake.failNext(400, 1000),
      tuning: { destinations: { discord: FAST.discord } },
      close: async () => {
        await fake.close();
        await remove();
      },
    };
  },
  slack: async () => {
    const fake = await startFakeSlack();
    const { dir, remove } = await tempDir();
    return {
      entry: { webhookUrl: "${SLACK_WEBHOOK_URL}" },
      env: { SLACK_WEBHOOK_URL: fake.webhookUrl },
      alongside: [{ type: "file", name: "history", path: join(dir, "history.csv") }],
      job: "weekly-report",
      delivered: async () => JSON.stringify(fake.messages),
      breakIt: async () => fake.failNext(400, 1000),
      tuning: { destinations: { slack: FAST.discord } },
      close: async () => {
        await fake.close();
        await remove();
      },
    };
  },
};

function fail(): never {
  throw new Error("the terminal is gone");
}

it("has a harness for every destination type the schema accepts", () => {
  expect(Object.keys(CASES).sort()).toEqual([...DESTINATION_TYPES].sort());
  expect(DESTINATION_TYPES.length).toBe(destinationSchema.options.length);
});

describe.each(DESTINATION_TYPES)("every destination type: %s", (type) => {
  testDestination(type, CASES[type]);
});
