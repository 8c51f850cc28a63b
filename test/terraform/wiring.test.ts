import { beforeAll, describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { convertFiles } from "@cdktf/hcl2json";
import { JOBS } from "../../src/types.js";
import { DEFAULT_TUNING as NOTION_DEFAULTS } from "../../src/destinations/notion/options.js";
import { configSchema } from "../../src/config/schema.js";

const DEFAULT_SOURCE_TIMEOUT_MS = configSchema.shape.sourceTimeoutMs.parse(undefined);

const ROOT = join(import.meta.dirname, "..", "..");
const TF_DIR = join(ROOT, "terraform");

type Block = Record<string, any>;
let tf: Block;

/** hcl2json gives every block as a one-element list: `resource.T.N[0]`. */
function resource(type: string, name: string): Block {
  const block = tf.resource?.[type]?.[name]?.[0];
  if (!block) throw new Error(`terraform/ has no resource ${type}.${name}`);
  return block;
}
function resourcesOf(type: string): [string, Block][] {
  return Object.entries((tf.resource?.[type] ?? {}) as Record<string, Block[]>).map(([name, blocks]) => [name, blocks[0]!]);
}
function only(blocks: Block[] | undefined, what: string): Block {
  expect(blocks).toHaveLength(1);
  if (!blocks?.[0]) throw new Error(`missing block ${what}`);
  return blocks[0];
}

/** `${google_x.name.attr}` → "google_x.name". */
function refTo(expr: unknown, type: string): string {
  const match = new RegExp(`^\\$\\{(${type}\\.[A-Za-z0-9_-]+)[.\\[}]`).exec(String(expr));
  if (!match?.[1]) throw new Error(`${String(expr)} does not reference a ${type}`);
  return match[1];
}

/**
 * Decodes `${base64encode(jsonencode({ job = <expr> }))}`, the only payload form we write,
 * to the job names it yields: a literal `"daily"`, or `each.key` over the job's `for_each` map.
 */
function jobsOf(job: Block): string[] {
  const target = only(job.pubsub_target, "pubsub_target");
  const match = /^\$\{base64encode\(jsonencode\(\{\s*job\s*=\s*(each\.key|"[^"]+")\s*\}\)\)\}$/.exec(String(target.data));
  if (!match?.[1]) throw new Error(`pubsub_target.data is not base64encode(jsonencode({ job = ... })): ${String(target.data)}`);
  const literal = match[1] === "each.key" ? undefined : (JSON.parse(match[1]) as string);
  expect(target.attributes).toEqual({ job: literal ?? "${each.key}" });
  if (literal) return [literal];
  return Object.keys(local(refTo(job.for_each, "local").split(".")[1]!) as Block);
}

function local(name: string): unknown {
  const locals = Object.assign({}, ...(tf.locals as Block[]));
  if (!(name in locals)) throw new Error(`terraform/ has no local ${name}`);
  return locals[name];
}

const fn = () => resource("google_cloudfunctions2_function", "collector");
const service = () => only(fn().service_config, "service_config");
const trigger = () => only(fn().event_trigger, "event_trigger");

beforeAll(async () => {
  tf = await convertFiles(TF_DIR);
});

describe("terraform: function", () => {
  it("uses the entry point src/function/entry.ts registers, on nodejs22", () => {
    const index = readFileSync(join(ROOT, "src", "function", "entry.ts"), "utf8");
    const registered = [...index.matchAll(/\bcloudEvent(?:<[^>]*>)?\(\s*["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);
    expect(registered).toHaveLength(1);
    const build = only(fn().build_config, "build_config");
    expect(build.entry_point).toBe(registered[0]);
    expect(build.runtime).toBe("nodejs22");
  });

  it("runs one instance at a time, internal only, under the event timeout cap", () => {
    const s = service();
    expect(s.max_instance_count).toBe(1);
    expect(s.max_instance_request_concurrency).toBe(1);
    expect(s.available_memory).toBe("512M");
    expect(s.timeout_seconds).toBeLessThan(540);
    // Long enough for the worst run the defaults allow: the sources' limit, then four Notion
    // requests (an uncertain create redone: query + create; then the report's history read)
    // each using its whole retry budget and one last attempt.
    const notionRequestMs = NOTION_DEFAULTS.maxRetryTimeMs + NOTION_DEFAULTS.minIntervalMs + NOTION_DEFAULTS.timeoutMs;
    expect(s.timeout_seconds * 1000).toBeGreaterThanOrEqual(DEFAULT_SOURCE_TIMEOUT_MS + 4 * notionRequestMs);
    expect(s.ingress_settings).toBe("ALLOW_INTERNAL_ONLY");
    expect(s.environment_variables.KPI_CONFIG).toBe("${local.config_path}");
    expect(local("config_path")).toMatch(/(^|\/)kpi\.config\.yaml$/);
    // V8 would apply a heap cap to the parse workers too, over their own limits (heap-cap.test.ts).
    expect(s.environment_variables.NODE_OPTIONS).not.toMatch(/--max-old-space-size|--max-heap-size/);
  });

  it("is triggered by the Pub/Sub topic with retries, through the trigger service account", () => {
    const t = trigger();
    expect(t.event_type).toBe("google.cloud.pubsub.topic.v1.messagePublished");
    expect(t.retry_policy).toBe("RETRY_POLICY_RETRY");
    resource("google_pubsub_topic", refTo(t.pubsub_topic, "google_pubsub_topic").split(".")[1]!);
    const runtimeSa = refTo(service().service_account_email, "google_service_account");
    expect(refTo(t.service_account_email, "google_service_account")).not.toBe(runtimeSa);
  });

  it("grants the trigger service account run.invoker on the function's service only", () => {
    const triggerSa = refTo(trigger().service_account_email, "google_service_account");
    const invokers = [...resourcesOf("google_cloud_run_v2_service_iam_member"), ...resourcesOf("google_cloud_run_service_iam_member")].filter(
      ([, b]) => b.role === "roles/run.invoker",
    );
    expect(invokers).toHaveLength(1);
    const [, invoker] = invokers[0]!;
    expect(invoker.name ?? invoker.service).toBe("${google_cloudfunctions2_function.collector.service_config[0].service}");
    expect(invoker.member).toBe(`serviceAccount:\${${triggerSa}.email}`);
  });

  it("uploads a hashed, 0644 archive to a private bucket", () => {
    const bucket = resource("google_storage_bucket", "source");
    expect(bucket.uniform_bucket_level_access).toBe(true);
    expect(bucket.public_access_prevention).toBe("enforced");
    const archive = tf.data.archive_file.source[0];
    expect(archive.type).toBe("zip");
    expect(archive.output_file_mode).toBe("0644");
    const object = resource("google_storage_bucket_object", "source");
    expect(object.name).toContain("${data.archive_file.source.output_md5}");
    const storage = only(only(only(fn().build_config, "build_config").source, "source").storage_source, "storage_source");
    expect(storage.object).toBe("${google_storage_bucket_object.source.name}");
  });
});

describe("terraform: schedules", () => {
  it("every scheduler job publishes a job the handler accepts to the topic the function listens on", () => {
    const jobs = resourcesOf("google_cloud_scheduler_job").flatMap(([name, job]) => {
      const target = only(job.pubsub_target, `${name}.pubsub_target`);
      expect(target.topic_name).toBe(trigger().pubsub_topic);
      only(job.retry_config, `${name}.retry_config`);
      expect(job.attempt_deadline).toBeUndefined();
      expect(job.time_zone).toBe("${var.time_zone}");
      return jobsOf(job);
    });
    expect(jobs.sort()).toEqual([...JOBS].sort());
  });

  it("reads the cron of daily and weekly-report from the daily_schedule and weekly_schedule variables", () => {
    const job = resource("google_cloud_scheduler_job", "run");
    expect(job.schedule).toBe("${each.value.cron}");
    expect(job.for_each).toBe("${local.schedules}");
    const schedules = local("schedules") as Record<string, Block>;
    expect(schedules.daily?.cron).toBe("${var.daily_schedule}");
    expect(schedules["weekly-report"]?.cron).toBe("${var.weekly_schedule}");
  });
});

describe("terraform: secrets and IAM", () => {
  it("binds secretAccessor for the runtime service account on every secret the function reads", () => {
    const runtimeSa = refTo(service().service_account_email, "google_service_account");
    const dynamic = service().dynamic?.secret_environment_variables?.[0];
    const content = dynamic ? only(dynamic.content, "content") : only(service().secret_environment_variables, "secret_environment_variables");
    const secretResource = refTo(content.secret, "google_secret_manager_secret");
    expect(content.version).toBe("latest");
    // The env vars and the secrets iterate over the same map, so every variable has its secret.
    expect(dynamic?.for_each).toBe("${var.secrets}");
    expect(resource("google_secret_manager_secret", secretResource.split(".")[1]!).for_each).toBe("${var.secrets}");

    const accessors = resourcesOf("google_secret_manager_secret_iam_member").filter(
      ([, b]) => b.role === "roles/secretmanager.secretAccessor" && b.member === `serviceAccount:\${${runtimeSa}.email}`,
    );
    expect(accessors).toHaveLength(1);
    const [, accessor] = accessors[0]!;
    expect(accessor.for_each).toBe(`\${${secretResource}}`);
    expect(accessor.secret_id).toBe("${each.value.id}");
  });

  it("declares the NOTION_TOKEN and DISCORD_WEBHOOK_URL secrets by default and never a value", () => {
    expect(Object.keys(tf.variable.secrets[0].default).sort()).toEqual(["DISCORD_WEBHOOK_URL", "NOTION_TOKEN"]);
    expect(resourcesOf("google_secret_manager_secret_version")).toEqual([]);
  });

  it("takes SLACK_WEBHOOK_URL as one more secret, as terraform.tfvars.example shows", () => {
    const example = readFileSync(join(TF_DIR, "terraform.tfvars.example"), "utf8");
    const line = /^\s*#\s*SLACK_WEBHOOK_URL\s*=\s*"([^"]+)"/m.exec(example);
    expect(line?.[1]).toBe("slack-webhook-url");
    // The variable's own validation accepts the name; the env var, secret and accessor all iterate over the map (above).
    const condition = String(only(tf.variable.secrets[0].validation, "validation").condition);
    const pattern = new RegExp(/regex\("([^"]+)", name\)/.exec(condition)?.[1] ?? "(?!)");
    expect(pattern.test("SLACK_WEBHOOK_URL")).toBe(true);
    expect(pattern.test("slack-webhook-url")).toBe(false);
  });

  it("gives the runtime service account no project-wide role", () => {
    const runtimeSa = refTo(service().service_account_email, "google_service_account");
    for (const type of ["google_project_iam_member", "google_project_iam_binding", "google_project_iam_policy"]) {
      for (const [, b] of resourcesOf(type)) expect(JSON.stringify(b)).not.toContain(runtimeSa);
    }
  });

  it("never grants anything to allUsers or allAuthenticatedUsers", () => {
    expect(JSON.stringify(tf)).not.toMatch(/allUsers|allAuthenticatedUsers/);
  });
});

describe("terraform: project setup", () => {
  it("enables the APIs it uses and keeps them on destroy", () => {
    const api = resource("google_project_service", "api");
    expect(api.disable_on_destroy).toBe(false);
    const apis = local("apis") as string[];
    for (const name of [
      "cloudfunctions",
      "run",
      "cloudbuild",
      "artifactregistry",
      "eventarc",
      "pubsub",
      "cloudscheduler",
      "secretmanager",
      "logging",
      "storage",
    ]) {
      expect(apis).toContain(`${name}.googleapis.com`);
    }
  });

  it("pins google ~> 7.0 and the archive provider", () => {
    const providers = tf.terraform[0].required_providers[0];
    expect(providers.google).toEqual({ source: "hashicorp/google", version: "~> 7.0" });
    expect(providers.archive.source).toBe("hashicorp/archive");
  });

  it("documents and types every variable", () => {
    const variables = Object.entries(tf.variable as Record<string, Block[]>);
    expect(variables.length).toBeGreaterThan(0);
    for (const [name, [v]] of variables) {
      expect({ name, description: typeof v?.description }).toEqual({ name, description: "string" });
      expect({ name, type: v?.type }).toEqual({ name, type: expect.stringMatching(/^\$\{.+\}$/) });
    }
  });

  it("creates the alerting resources only when alert_email is set", () => {
    const alerting = [
      ...resourcesOf("google_monitoring_notification_channel"),
      ...resourcesOf("google_monitoring_alert_policy"),
      ...resourcesOf("google_logging_metric"),
    ];
    expect(alerting.length).toBeGreaterThanOrEqual(3);
    for (const [, b] of alerting) expect(b.count).toBe("${local.alerts_enabled ? 1 : 0}");
    expect(local("alerts_enabled")).toBe('${var.alert_email != ""}');
    const errors = resource("google_monitoring_alert_policy", "errors");
    const condition = only(errors.conditions, "conditions");
    expect(only(condition.condition_matched_log, "condition_matched_log").filter).toMatch(/severity >= ERROR/);
    expect(only(errors.alert_strategy, "alert_strategy").notification_rate_limit).toHaveLength(1);
    const missed = only(resource("google_monitoring_alert_policy", "missed_run").conditions, "conditions");
    expect(only(missed.condition_absent, "condition_absent").filter).toContain("run.googleapis.com/request_count");
  });

  it("outputs the topic, the function and the manual weekly-report command", () => {
    const outputs = tf.output as Record<string, Block[]>;
    for (const name of ["topic_id", "function_name", "function_uri", "manual_run_command"]) expect(outputs[name]).toHaveLength(1);
    const command = String(outputs.manual_run_command![0]!.value);
    expect(command).toMatch(/^gcloud pubsub topics publish \$\{google_pubsub_topic\.runs\.name\} /);
    expect(command).toContain(`--message='{"job":"weekly-report"}'`);
  });
});
