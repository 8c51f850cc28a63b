import * as functions from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../../src/config/load.js";
import { createHandler } from "../../../src/function/handler.js";
import { jsonLineSink, type LogRecord } from "../../../src/log/logger.js";
import type { JobRequest } from "../../../src/function/message.js";
import { buildFastPipeline, type Tuning } from "./build-fast.js";
import type { World } from "./world.js";

/** One function instance: the real handler under the Functions Framework, fed Pub/Sub push bodies. */
export interface FunctionInstance {
  /** Posts a push body as a Pub/Sub push subscription does; resolves with the status the framework answered. */
  push(request: JobRequest, messageId: string, signal?: AbortSignal): Promise<number>;
  /** The handler's log records (also printed to stdout as JSON lines, as in production). */
  records: LogRecord[];
  close(): Promise<void>;
}

let instances = 0;

/** What a Pub/Sub push subscription posts. */
export function pushBody(request: JobRequest, messageId: string) {
  return {
    subscription: "projects/kpi/subscriptions/kpi-collector-push",
    message: { data: Buffer.from(JSON.stringify(request)).toString("base64"), attributes: {}, messageId, publishTime: new Date().toISOString() },
  };
}

/**
 * A cold start: a fresh handler (its own setup cache, pipeline and Notion store) registered under a
 * new name, loading `world`'s config with `loadConfig` and building it with the test knobs.
 */
export async function startInstance(world: World, options: { tuning?: Tuning } = {}): Promise<FunctionInstance> {
  const name = `kpiFaultInstance${++instances}`;
  const records: LogRecord[] = [];
  const print = jsonLineSink();
  functions.cloudEvent(
    name,
    createHandler({
      readOptions: () => ({ configPath: "fault.config.yaml", maxEventAgeMs: 6 * 3_600_000 }),
      loadPipeline: async (_options, { secrets, logger }) => {
        const config = loadConfig(world.yaml, world.env, "fault.config.yaml");
        secrets.add(...config.secrets.list());
        return buildFastPipeline(config, { logger, tuning: options.tuning });
      },
      sink: (record) => (records.push(record), print(record)),
    }),
  );
  const server: Server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    records,
    async push(request, messageId, signal) {
      const response = await fetch(`${base}/projects/kpi/topics/kpi-collector-runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(pushBody(request, messageId)),
        signal,
      });
      await response.text();
      return response.status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
