import { describe } from "@jest/globals";
import { createNotionDestination } from "../../src/destinations/notion/index.js";
import { Secrets } from "../../src/log/secrets.js";
import { startFakeNotion } from "../fakes/notion-server.js";
import { FAST } from "../notion/harness.js";
import { testHistoryStore } from "./store-conformance.js";

describe("history store conformance: notion (against the fake)", () => {
  testHistoryStore(async () => {
    const fake = await startFakeNotion();
    const open = () =>
      createNotionDestination({ type: "notion", token: fake.token, database: fake.databaseId, baseUrl: fake.url }, { secrets: new Secrets(), ...FAST });
    return {
      store: open(),
      reopen: open,
      seedLegacy: async (rows) => fake.seedRows(rows.map((r) => ({ ...r, reportSent: true }))),
      close: () => fake.close(),
    };
  });
});
