import type { DiscordMessage, DiscordUpload } from "./limits.js";

/** A message's JSON body with an `attachments` entry per upload: `id` n is the part `files[n]`. */
export function jsonPayload(message: DiscordMessage): Omit<DiscordMessage, "files"> & { attachments?: object[] } {
  const { files, ...json } = message;
  if (!files?.length) return json;
  const attachments = files.map((file, id) => ({ id, filename: file.filename, ...(file.description ? { description: file.description } : {}) }));
  return { ...json, attachments };
}

/**
 * Discord's upload form: the JSON in `payload_json`, each file in `files[n]`. fetch writes the
 * boundary and the content type; a FormData can be sent again on a retry.
 */
export function multipartBody(payload: string, files: readonly DiscordUpload[]): FormData {
  const form = new FormData();
  form.append("payload_json", new Blob([payload], { type: "application/json" }));
  files.forEach((file, n) => form.append(`files[${n}]`, new Blob([Uint8Array.from(file.data)], { type: file.contentType }), file.filename));
  return form;
}
