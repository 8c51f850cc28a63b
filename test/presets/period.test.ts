import { describe, expect, it } from "@jest/globals";
import { periodEndingOn, startOfDay } from "../../src/sources/presets/period.js";

describe("periods ending on the run date", () => {
  it.each([
    ["2024-05-15", "UTC", "2024-05-15T00:00:00.000Z"],
    ["2024-05-15", "Europe/Berlin", "2024-05-14T22:00:00.000Z"],
    ["2024-03-31", "Europe/Berlin", "2024-03-30T23:00:00.000Z"], // the night clocks go forward
    ["2024-04-01", "Europe/Berlin", "2024-03-31T22:00:00.000Z"],
    ["2024-11-03", "America/New_York", "2024-11-03T04:00:00.000Z"], // the day clocks go back
    ["2024-11-04", "America/New_York", "2024-11-04T05:00:00.000Z"],
    ["2024-01-01", "Pacific/Kiritimati", "2023-12-31T10:00:00.000Z"],
    ["2024-03-10", "Asia/Kolkata", "2024-03-09T18:30:00.000Z"],
    // Clocks that skip midnight: the day begins at 01:00, the instant they jump, not at 23:00 the day before.
    ["2026-09-06", "America/Santiago", "2026-09-06T04:00:00.000Z"],
    ["2026-03-08", "America/Havana", "2026-03-08T05:00:00.000Z"],
    ["2026-03-29", "Asia/Beirut", "2026-03-28T22:00:00.000Z"],
    ["2026-11-01", "America/Havana", "2026-11-01T04:00:00.000Z"], // midnight twice: the first one
  ])("%s begins in %s at %s", (date, timeZone, instant) => {
    expect(startOfDay(date, timeZone).toISOString()).toBe(instant);
  });

  it("covers whole days, the run date included", () => {
    const week = periodEndingOn("2024-03-31", 7, "Europe/Berlin");
    expect({ ...week, start: week.start.toISOString(), end: week.end.toISOString() }).toEqual({
      from: "2024-03-25",
      to: "2024-03-31",
      start: "2024-03-24T23:00:00.000Z",
      end: "2024-03-31T22:00:00.000Z",
    });
  });
});
