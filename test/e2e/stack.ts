import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PubSub } from "@google-cloud/pubsub";
import { startFakeDiscord, type FakeDiscord } from "../fakes/discord-server.js";
import { startFakeNotion, type FakeNotion } from "../fakes/notion-server.js";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-server.js";
import { startPubSubEmulator, type PubSubEmulator } from "../helpers/emulator.js";
import { freePort, startProcess, waitFor, type ManagedProcess } from "../helpers/processes.js";
import { sendHtml, sendJson, startServer, type TestServer } from "../helpers/server.js";
import { fakeDestinationsYaml } from "../fakes/config.js";
import { built, bundled } from "../helpers/built.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PROJECT = "kpi-e2e";
const TOPIC = "kpi-collector-runs";
/** How long `waitForStatus` waits by default: one delivery, not a redelivery after a 500. */
export const DELIVERY_WAIT_MS = 30_000;
/** A publish script that hangs is killed, and its output shown, well before the test's own limit. */
export const PUBLISH_TIMEOUT_MS = 30_000;

/** One push the emulator made, as the relay in front of the function saw it. */
export interface Delivery {
  messageId: string;
  status: number;
}

/** What the fixture site serves; tests change it between runs. */
export interface SiteNumbers {
  users: number;
  mrr: number;
  stars: number;
  /** The repo page answers 500. */
  repoDown?: boolean;
}

/**
 * Emulator -> relay -> Functions Framework process -> fixture site, fake Notion, fake Discord, fake Slack.
 * The relay forwards each push untouched and records the function's status code, so tests see
 * the 500s and the redeliveries Pub/Sub makes.
 */
export interface Stack {
  notion: FakeNotion;
  discord: FakeDiscord;
  slack: FakeSlack;
  site: SiteNumbers;
  deliveries: Delivery[];
  fn: ManagedProcess;
  emulator: PubSubEmulator;
  /** Publishes through the real publish script (a process), returning the message id. */
  publishJob(args: string[]): Promise<string>;
  /** Publishes raw bytes with the client, for messages the script would refuse. */
  publishRaw(data: string): Promise<string>;
  /** Waits until `messageId` was answered with `status`; the error shows the function's output. */
  waitForStatus(messageId: string, status: number, timeoutMs?: number): Promise<Delivery[]>;
  stop(): Promise<void>;
}

/** The Node that runs the function and the scripts: `KPI_E2E_NODE` to try another version (the deploy runtime). */
export const nodeBinary = (): string => process.env.KPI_E2E_NODE || process.execPath;

export async function startStack(): Promise<Stack> {
  // The function as deployed: package.json `main` is this bundle.
  const entry = bundled("function.js");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: jest's global setup builds it`);
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    const errors = (await Promise.allSettled(cleanups.reverse().map((c) => c()))).filter((r) => r.status === "rejected");
    if (errors.length) throw (errors[0] as PromiseRejectedResult).reason;
  };
  try {
    const site: SiteNumbers = { users: 1200, mrr: 3400, stars: 1234 };
    const fixture = await startServer((req, res) => {
      if (req.url === "/stats.json") return sendJson(res, 200, { data: { users: site.users, revenue: { mrr: site.mrr } } });
      if (req.url === "/repo.html" && site.repoDown) return sendHtml(res, 500, "<h1>Internal Server Error</h1>");
      if (req.url === "/repo.html") return sendHtml(res, 200, `<html><body><span class="stars">${site.stars.toLocaleString("en-US")}</span></body></html>`);
      sendJson(res, 404, { error: "not found" });
    });
    cleanups.push(() => fixture.close());
    const notion = await startFakeNotion();
    cleanups.push(() => notion.close());
    const discord = await startFakeDiscord();
    cleanups.push(() => discord.close());
    const slack = await startFakeSlack();
    cleanups.push(() => slack.close());

    const dir = await mkdtemp(join(tmpdir(), "kpi-e2e-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const configPath = join(dir, "kpi.config.yaml");
    await writeFile(configPath, configYaml(fixture, notion));

    const emulator = await startPubSubEmulator({ project: PROJECT });
    cleanups.push(() => emulator.stop());

    const port = await freePort();
    const fn = startProcess(
      "functions-framework",
      nodeBinary(),
      [
        join(ROOT, "node_modules/@google-cloud/functions-framework/build/src/main.js"),
        `--source=${entry}`,
        "--target=kpiCollector",
        "--signature-type=cloudevent",
        `--port=${port}`,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          KPI_CONFIG: configPath,
          NOTION_TOKEN: notion.token,
          DISCORD_WEBHOOK_URL: discord.webhookUrl,
          SLACK_WEBHOOK_URL: slack.webhookUrl,
        },
      },
    );
    cleanups.push(async () => {
      await fn.stop();
      if (process.env.KPI_E2E_OUTPUT) await writeFile(process.env.KPI_E2E_OUTPUT, fn.output());
    });
    await fn.waitForOutput(/URL: http:\/\/localhost:\d+\//, 30_000);

    const deliveries: Delivery[] = [];
    const relay: TestServer = await startServer(async (req, res) => {
      const messageId = String((JSON.parse(req.body) as { message?: { messageId?: string } }).message?.messageId);
      const response = await fetch(`http://127.0.0.1:${port}${req.url ?? "/"}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: req.body,
      });
      deliveries.push({ messageId, status: response.status });
      res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "text/plain" });
      res.end(await response.text());
    });
    cleanups.push(() => relay.close());

    // The client would otherwise probe for a GCE metadata server and warn; the emulator needs no credentials.
    process.env.METADATA_SERVER_DETECTION ??= "none";
    const pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: emulator.host });
    cleanups.push(() => pubsub.close());
    const [topic] = await pubsub.createTopic(TOPIC);
    await topic.createSubscription("kpi-collector-push", {
      pushConfig: { pushEndpoint: `${relay.url}/projects/${PROJECT}/topics/${TOPIC}` },
      ackDeadlineSeconds: 60,
    });

    const run = promisify(execFile);
    const publishJob = async (args: string[]) => {
      const { stdout } = await run(nodeBinary(), [built("scripts/publish.js"), ...args, "--project", PROJECT, "--topic", TOPIC], {
        cwd: ROOT,
        timeout: PUBLISH_TIMEOUT_MS,
        // No GCE metadata probe: it only delays a publish to the emulator.
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PUBSUB_EMULATOR_HOST: emulator.host, METADATA_SERVER_DETECTION: "none" },
      });
      const id = /message (\S+)$/.exec(stdout.trim())?.[1];
      if (!id) throw new Error(`publish printed no message id: ${stdout}`);
      return id;
    };
    const publishRaw = (data: string) => topic.publishMessage({ data: Buffer.from(data) });
    const waitForStatus = (messageId: string, status: number, timeoutMs = DELIVERY_WAIT_MS) =>
      waitFor(
        () => (deliveries.some((d) => d.messageId === messageId && d.status === status) ? deliveries.filter((d) => d.messageId === messageId) : undefined),
        {
          timeoutMs,
          intervalMs: 50,
          message: () => `message ${messageId} was not answered ${status}; deliveries ${JSON.stringify(deliveries)}\nfunction output:\n${fn.tail(40)}`,
        },
      );
    return { notion, discord, slack, site, deliveries, fn, emulator, publishJob, publishRaw, waitForStatus, stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

function configYaml(site: TestServer, notion: FakeNotion): string {
  return `
timezone: UTC
northStar: mrr
sources:
  - name: app
    type: json
    url: ${site.url}/stats.json
    metrics:
      users: { path: data.users }
      mrr: { path: data.revenue.mrr }
  - name: repo
    type: html
    url: ${site.url}/repo.html
    metrics:
      stars: { selector: .stars }
${fakeDestinationsYaml(notion)}  - type: slack
    webhookUrl: \${SLACK_WEBHOOK_URL}
`;
}
