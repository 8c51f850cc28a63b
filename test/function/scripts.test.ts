import { describe, expect, it } from "@jest/globals";
import * as functions from "@google-cloud/functions-framework";
import type { CloudEvent } from "@google-cloud/functions-framework";
import { decodeJobRequest } from "../../src/function/message.js";
import { main as publish, type Publisher } from "../../src/scripts/publish.js";
import { main as triggerLocal } from "../../src/scripts/trigger-local.js";
import { useFrameworkServer } from "./framework-server.js";

const events: CloudEvent<unknown>[] = [];
functions.cloudEvent("triggerLocalTarget", (event: CloudEvent<unknown>) => {
  events.push(event);
});

describe("trigger-local", () => {
  const server = useFrameworkServer("triggerLocalTarget");

  it("posts a push body the framework turns into the production CloudEvent", async () => {
    const lines: string[] = [];
    const code = await triggerLocal(
      ["weekly-report", "--date", "2024-05-06", "--only", "a,b", "--url", server.url(), "--project", "proj", "--topic", "runs"],
      {},
      { fetch, stdout: (l) => lines.push(l), logPath: "/nonexistent/function.log", logWaitMs: 0 },
    );
    expect(code).toBe(0);
    expect(lines[1]).toMatch(/^No outcome for this run in \/nonexistent\/function\.log/);
    expect(lines[0]).toMatch(/-> POST http:\/\/127\.0\.0\.1:\d+\/projects\/proj\/topics\/runs: 204/);
    const event = events.at(-1)!;
    expect(event.type).toBe("google.cloud.pubsub.topic.v1.messagePublished");
    expect(event.source).toBe("//pubsub.googleapis.com/projects/proj/topics/runs");
    expect(decodeJobRequest(event.data)).toEqual({ job: "weekly-report", date: "2024-05-06", only: ["a", "b"] });
    expect(Date.now() - Date.parse(event.time!)).toBeLessThan(60_000);
  });

  it("refuses an unknown job before posting anything", async () => {
    const count = events.length;
    await expect(triggerLocal(["hourly", "--url", server.url()], {}, { fetch, stdout: () => {} })).rejects.toThrow(/unknown job "hourly"/);
    expect(events).toHaveLength(count);
  });

  it("exits non-zero when the server answers an error", async () => {
    const lines: string[] = [];
    const code = await triggerLocal(
      ["daily", "--url", `${server.url()}/nothing-here`],
      {},
      { fetch: async () => new Response("boom", { status: 500 }), stdout: (l) => lines.push(l), logWaitMs: 0, logPath: "/nonexistent/function.log" },
    );
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/: 500 boom$/);
  });
});

describe("publish", () => {
  const recorder = () => {
    const calls: { project: string; topic: string; data: string; attributes: Record<string, string> }[] = [];
    const publisher: Publisher = async (project, topic, message) => {
      calls.push({ project, topic, data: message.data.toString("utf8"), attributes: message.attributes });
      return "msg-1";
    };
    return { calls, publisher };
  };

  it("publishes the JSON job with a job attribute, to the default topic of the env's project", async () => {
    const { calls, publisher } = recorder();
    const lines: string[] = [];
    expect(await publish(["daily", "--date", "2024-05-06"], { GOOGLE_CLOUD_PROJECT: "acme" }, publisher, (l) => lines.push(l))).toBe(0);
    expect(calls).toEqual([{ project: "acme", topic: "kpi-collector-runs", data: '{"job":"daily","date":"2024-05-06"}', attributes: { job: "daily" } }]);
    expect(lines).toEqual(['published {"job":"daily","date":"2024-05-06"} to projects/acme/topics/kpi-collector-runs: message msg-1']);
  });

  it("takes --project and --topic over the env, and says when it targets the emulator", async () => {
    const { calls, publisher } = recorder();
    const lines: string[] = [];
    await publish(
      ["weekly-report", "--project", "p2", "--topic", "t2"],
      { GOOGLE_CLOUD_PROJECT: "acme", KPI_TOPIC: "x", PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" },
      publisher,
      (l) => lines.push(l),
    );
    expect(calls[0]).toMatchObject({ project: "p2", topic: "t2" });
    expect(lines[0]).toMatch(/\(emulator 127\.0\.0\.1:8085\)/);
  });

  it("names the topic, the project and the fix when the topic does not exist", async () => {
    const missing: Publisher = async () => {
      throw Object.assign(new Error("5 NOT_FOUND: Topic not found"), { code: 5 });
    };
    await expect(publish(["daily"], { GOOGLE_CLOUD_PROJECT: "acme" }, missing, () => {})).rejects.toThrow(
      "could not publish to projects/acme/topics/kpi-collector-runs: 5 NOT_FOUND: Topic not found; `terraform apply` creates it: check --project and --topic (or KPI_TOPIC)",
    );
    await expect(publish(["daily"], { GOOGLE_CLOUD_PROJECT: "acme", PUBSUB_EMULATOR_HOST: "localhost:8085" }, missing, () => {})).rejects.toThrow(
      "could not publish to projects/acme/topics/kpi-collector-runs (emulator localhost:8085): 5 NOT_FOUND: Topic not found; create it with `npm run emulator:setup`",
    );
  });

  it.each([
    [["daily"], {}, /no project/],
    [["daily", "--date", "2024-02-30"], { GOOGLE_CLOUD_PROJECT: "a" }, /date "2024-02-30" is not a date/],
    [[], { GOOGLE_CLOUD_PROJECT: "a" }, /give exactly one job/],
    [["daily", "--bogus"], { GOOGLE_CLOUD_PROJECT: "a" }, /Unknown option '--bogus'/],
  ])("refuses %j", async (argv, env, pattern) => {
    const { calls, publisher } = recorder();
    await expect(publish(argv, env, publisher, () => {})).rejects.toThrow(pattern);
    expect(calls).toHaveLength(0);
  });
});
