/** One part of a `multipart/form-data` body. */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data` content type, or undefined for any other type. */
export function formBoundary(contentType: string | undefined): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType ?? "")) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return match?.[1] ?? match?.[2];
}

/** The parts of a multipart body (RFC 7578); throws on a body that isn't well formed. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error("no boundary in the body");
  const parts: FormPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === "--") return parts;
    if (body.subarray(at, at + 2).toString() !== "\r\n") throw new Error("a boundary line must end with CRLF");
    const headersEnd = body.indexOf("\r\n\r\n", at);
    if (headersEnd < 0) throw new Error("a part has no blank line after its headers");
    const headers = new Map(
      body
        .subarray(at + 2, headersEnd)
        .toString("utf8")
        .split("\r\n")
        .map((line) => [line.slice(0, line.indexOf(":")).trim().toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
    );
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headersEnd + 4);
    if (next < 0) throw new Error("the body has no closing boundary");
    const disposition = headers.get("content-disposition") ?? "";
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (!/^form-data/i.test(disposition) || name === undefined) throw new Error("a part has no Content-Disposition: form-data with a name");
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({ name, filename, contentType: headers.get("content-type"), data: body.subarray(headersEnd + 4, next) });
    at = next + 2;
  }
}
