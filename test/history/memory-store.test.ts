import { describe } from "@jest/globals";
import { MemoryHistory } from "../helpers/memory-history.js";
import { testHistoryStore } from "./store-conformance.js";

// The store every Discord test reads: it must answer as the real stores do.
describe("history store conformance: memory (the test helper)", () => {
  testHistoryStore(async () => {
    const store = new MemoryHistory();
    return {
      store,
      reopen: () => store,
      seedLegacy: async (rows) => rows.forEach((r) => store.rows.set(r.date, { ...r, reportSent: true })),
      close: async () => undefined,
    };
  });
});
