import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { createDestination, type DestinationOptions } from "../../src/destinations/registry.js";
import { runReportCommand } from "../../src/destinations/report-command.js";
import { REPORT_TYPES, type ReportDestinationEntry } from "../../src/destinations/report-types.js";
import { createLogger, type LogRecord } from "../../src/log/logger.js";
import { Secrets } from "../../src/log/secrets.js";
import type { Destination, DestinationContext } from "../../src/types.js";
import { startFakeDiscord } from "../fakes/discord-server.js";
import { startFakeSlack } from "../fakes/slack-server.js";
import { MemoryHistory } from "../helpers/memory-history.js";
import { rejection, REPORT_DATE, reportContext, reportSnapshot } from "../helpers/report-context.js";

const DATE = REPORT_DATE;

/** What the suite needs of a service's fake: where to post, what was posted, and how to break the URL. */
interface Fake {
  webhookUrl: string;
  /** The secret part of the URL. */
  secret: string;
  /** Each accepted message's body, as JSON text. */
  posted(): string[];
  requests(): number;
  close(): Promise<void>;
}

const FAKES: Record<string, () => Promise<Fake>> = {
  discord: async () => {
    const f = await startFakeDiscord();
    return {
      webhookUrl: f.webhookUrl,
      secret: f.token,
      posted: () => f.messages.map((m) => JSON.stringify(m.body)),
      requests: () => f.requests.length,
      close: f.close,
    };
  },
  slack: async () => {
    const f = await startFakeSlack();
    return {
      webhookUrl: f.webhookUrl,
      secret: f.secret,
      posted: () => f.messages.map((m) => JSON.stringify(m.body)),
      requests: () => f.requests.length,
      close: f.close,
    };
  },
};

/** Every destination type that posts the weekly report keeps the same promises; the list comes from the registry. */
describe.each(REPORT_TYPES)("every report destination: %s", (type) => {
  let fake: Fake;
  let history: MemoryHistory;
  let logs: LogRecord[];
  let secrets: Secrets;

  beforeEach(async () => {
    const start = FAKES[type];
    if (!start) throw new Error(`no fake server for report destination type "${type}": add one to FAKES`);
    fake = await start();
    history = new MemoryHistory([{ date: "2024-05-27", metrics: { mrr: 1000 } }]);
    logs = [];
    secrets = new Secrets();
  });
  afterEach(() => fake.close());

  const options = (extra: Record<string, unknown> = {}) => ({ type, webhookUrl: fake.webhookUrl, ...extra }) as DestinationOptions & ReportDestinationEntry;
  const destination = (extra: Record<string, unknown> = {}): Promise<Destination> =>
    createDestination(options(extra), { secrets, logger: createLogger({ secrets, sink: (r) => logs.push(r) }) });
  const context = (over: Partial<DestinationContext> = {}) => reportContext(secrets, logs, history, over);
  const snapshot = reportSnapshot;

  it("posts the weekly report once under redelivery, and records it", async () => {
    const d = await destination();
    await d.write(snapshot(), context());
    await d.write(snapshot(), context());
    expect(fake.posted()).toHaveLength(1);
    expect(fake.posted()[0]).toContain("1,100");
    expect((await history.get(DATE))?.reportedTo).toEqual([{ destination: type }]);
  });

  it("posts nothing when history can't be read, and fails clearly without a history store", async () => {
    history.failReads = new Error("store is down");
    expect((await rejection((await destination()).write(snapshot(), context()))).code).toBe("history_unreadable");
    expect((await rejection((await destination()).write(snapshot(), context({ history: undefined })))).code).toBe("history_missing");
    expect(fake.requests()).toBe(0);
  });

  it("subscribes to every job while alerts are on, else only to its report jobs", async () => {
    expect((await destination()).jobs).toBeUndefined();
    expect((await destination({ alertOnFailure: false })).jobs).toEqual(["weekly-report"]);
    await (await destination({ jobs: ["daily"] })).write(snapshot({ job: "daily" }), context());
    expect(fake.posted()[0]).toContain(`Weekly KPI report — ${DATE}`);
  });

  it("alerts once a day per failed source, with secrets redacted", async () => {
    secrets.add("sk_live_supersecret");
    const d = await destination();
    const failures = [{ source: "stripe", error: "bad key sk_live_supersecret" }];
    await d.write(snapshot({ job: "daily", failures }), context());
    await d.write(snapshot({ job: "daily", failures }), context());
    expect(fake.posted()).toHaveLength(1);
    expect(fake.posted()[0]).toContain("stripe");
    expect(fake.posted()[0]).not.toContain("sk_live_supersecret");
    expect((await history.get(DATE))?.alerted).toEqual(["stripe"]);
  });

  it("never shows the webhook's secret in errors or logs", async () => {
    const wrong = fake.webhookUrl.replace(fake.secret, "notTheRightSecret0123456");
    const d = await createDestination({ ...options(), webhookUrl: wrong }, { secrets, logger: createLogger({ secrets, sink: (r) => logs.push(r) }) });
    const error = await rejection(d.write(snapshot(), context()));
    expect(error.message).toMatch(new RegExp(`^\\[${type}\\] webhook `));
    expect(error.message + JSON.stringify(logs)).not.toContain("notTheRightSecret0123456");
    expect(error.message + JSON.stringify(logs)).not.toContain(fake.secret);
  });

  it("renders, posts and skips through the report command", async () => {
    await history.upsert({ date: DATE, job: "daily", metrics: { mrr: 1250 }, failures: [] });
    const run = (request: { dryRun?: boolean; force?: boolean }) =>
      runReportCommand(options(), { secrets, history }, { date: DATE, settings: { northStar: "mrr" }, ...request });
    const dry = await run({ dryRun: true });
    expect(dry).toMatchObject({ destination: type, status: "rendered", messages: 0 });
    expect(dry.text).toContain("⭐ mrr: 1,250 ▲ +250 (+25.0%)");
    expect(fake.requests()).toBe(0);
    expect(await run({})).toMatchObject({ status: "sent", messages: 1 });
    expect(await run({})).toMatchObject({ status: "skipped", messages: 0 });
    expect(await run({ force: true })).toMatchObject({ status: "sent" });
    expect(fake.posted()).toHaveLength(2);
    await expect(runReportCommand(options(), { secrets, history }, { date: "2024-06-11", dryRun: true })).rejects.toMatchObject({
      code: "history_row_missing",
    });
  });
});
