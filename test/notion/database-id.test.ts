import { describe, expect, it } from "@jest/globals";
import { parseNotionId } from "../../src/destinations/notion/database-id.js";
import { notionOptionsSchema } from "../../src/destinations/notion/options.js";

const ID = "1a2b3c4d5e6f40718293a4b5c6d7e8f9";
const DASHED = "1a2b3c4d-5e6f-4071-8293-a4b5c6d7e8f9";

describe("parseNotionId", () => {
  it.each([
    ["a bare id", ID, DASHED],
    ["a bare id in capitals", ID.toUpperCase(), DASHED],
    ["a dashed id", DASHED, DASHED],
    ["a dashed id with spaces around", `  ${DASHED} `, DASHED],
    ["a URL with a title slug and a view", `https://www.notion.so/acme/Team-KPIs-${ID}?v=0f0e0d0c0b0a49988776655443322110`, DASHED],
    ["a URL with only the id", `https://notion.so/${ID}`, DASHED],
    ["a URL with a dashed id", `https://www.notion.so/acme/${DASHED}`, DASHED],
    ["a notion.site URL", `https://acme.notion.site/KPIs-${ID}`, DASHED],
  ])("accepts %s", (_, input, expected) => {
    expect(parseNotionId(input)).toBe(expected);
  });

  it.each([
    ["an empty string", ""],
    ["a short id", "1a2b3c4d"],
    ["non-hex characters", "zz2b3c4d5e6f40718293a4b5c6d7e8f9"],
    ["another site", `https://example.com/${ID}`],
    ["a URL with the id only in the view", "https://www.notion.so/acme/Team-KPIs?v=0f0e0d0c0b0a49988776655443322110"],
  ])("rejects %s", (_, input) => {
    expect(parseNotionId(input)).toBeUndefined();
  });

  it("makes the config schema reject a database that is not an id or URL", () => {
    const result = notionOptionsSchema.safeParse({ type: "notion", token: "x", database: "my database" });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("notion.so URL");
    expect(notionOptionsSchema.safeParse({ type: "notion", token: "x", database: ID }).success).toBe(true);
  });
});
