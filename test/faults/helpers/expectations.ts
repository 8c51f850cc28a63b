import { expect } from "@jest/globals";
import type { LogRecord } from "../../../src/log/logger.js";
import type { RunResult } from "../../../src/pipeline.js";
import type { FakeDiscord, FakeDiscordMessage } from "../../fakes/discord-server.js";
import type { FakeNotion, FakeRow } from "../../fakes/notion-server.js";
import { HEALTHY_METRICS, type World } from "./world.js";

/** The live (not trashed) Notion rows of `date`. */
export function rowsOf(notion: FakeNotion, date: string): FakeRow[] {
  return notion.rows().filter((row) => row.date === date && !row.trashed);
}

/** The one live row of `date`; fails when there are none or several. */
export function rowOf(notion: FakeNotion, date: string): FakeRow {
  const rows = rowsOf(notion, date);
  expect(rows).toHaveLength(1);
  return rows[0] as FakeRow;
}

/** A message's content, titles, descriptions and fields as one plain text. */
export function messageText(message: FakeDiscordMessage): string {
  const parts = [message.content];
  for (const embed of message.embeds) {
    const fields = (embed.fields ?? []) as { name?: string; value?: string }[];
    parts.push(String(embed.title ?? ""), String(embed.description ?? ""), ...fields.flatMap((f) => [f.name ?? "", f.value ?? ""]));
  }
  return parts.join("\n");
}

/** Failure alerts posted for `date`, each as its text. */
export function alertsOf(discord: FakeDiscord, date: string, job = "daily"): string[] {
  return discord.messages.filter((m) => m.embeds.some((e) => String(e.title ?? "").includes(`failed: ${job} run of ${date}`))).map(messageText);
}

/** Weekly report messages posted for `date`. */
export function reportsOf(discord: FakeDiscord, date: string): FakeDiscordMessage[] {
  return discord.messages.filter((m) => m.embeds.some((e) => e.title === `Weekly KPI report — ${date}`));
}

/**
 * The fault stayed in its source: the run wrote every destination, the healthy sources'
 * metrics landed in the snapshot and in Notion, the failing source's metrics are absent
 * (never 0), and the failure is in the snapshot, in Notion's `Alerted` column and in the
 * Discord alert. Returns the failure's reason.
 */
export function expectIsolatedFailure(world: World, result: RunResult, source: string, absent: readonly string[], reason: RegExp): string {
  const { snapshot } = result;
  expect(result.destinations.filter((d) => !d.ok)).toEqual([]);
  // The failure names the metrics the source declares, so the weekly report can show them as missing.
  expect(snapshot.failures).toEqual([{ source, error: expect.stringMatching(reason), metrics: [...absent] }]);
  expect(Object.keys(snapshot.metrics).sort()).toEqual([...HEALTHY_METRICS]);
  const row = rowOf(world.notion, snapshot.date);
  expect(row.metrics).toEqual(snapshot.metrics);
  for (const name of absent) expect(row.metrics).not.toHaveProperty(name);
  expect(row.alerted).toEqual([source]);
  const alerts = alertsOf(world.discord, snapshot.date, snapshot.job);
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toContain(`**${source}**`);
  return snapshot.failures[0]?.error ?? "";
}

/** Every source wrote; nothing failed, nothing was alerted. */
export function expectAllLanded(world: World, result: RunResult, metrics: Record<string, number>): void {
  expect(result.snapshot.failures).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.snapshot.metrics).toEqual(metrics);
  expect(rowOf(world.notion, result.snapshot.date).metrics).toEqual(metrics);
  expect(alertsOf(world.discord, result.snapshot.date, result.snapshot.job)).toEqual([]);
}

/**
 * Runs `check`; when it fails, its error also carries the function's log and every Notion request,
 * so a failure seen once on a loaded CI machine explains itself (the leak guard hides stdout).
 */
export function explainFailure(world: World, records: readonly LogRecord[], check: () => void): void {
  try {
    check();
  } catch (error) {
    const log = records.map((r) => `${r.severity} ${r.message}`).join("\n");
    const requests = world.notion.requests.map((r) => `${r.status} ${r.route} ${JSON.stringify(r.body ?? null).slice(0, 400)}`).join("\n");
    if (error instanceof Error) error.message += `\n\nThe function's log:\n${log}\n\nThe fake Notion's requests:\n${requests}`;
    throw error;
  }
}
