import * as z from "zod";
import { DestinationError } from "../errors.js";

// Apart from delivery-claim.ts: the config's schema needs only this rule, not the report's code.

/** Names are stored in one cell, `a, b 1/3` in Notion and `a;b 1/3` in the CSV. */
function isMarkableName(name: string): boolean {
  return !/[,;"\r\n]/.test(name) && name.trim() === name && !/ \d+\/\d+$/.test(name);
}

const NAME_RULE = 'is recorded in history\'s "Reported to" column: use no , ; " or line break, no edge spaces and no trailing "N/M"';

/** The `name` of a report destination, checked at config load: spread over `destinationBase.name`. */
export const reportDestinationName = z
  .string()
  .min(1)
  .refine(isMarkableName, { message: `a report destination's name ${NAME_RULE}` })
  .optional();

export function assertMarkableName(name: string): void {
  if (!isMarkableName(name)) throw new DestinationError(name, `the destination name "${name}" ${NAME_RULE}`, { code: "destination_name_invalid" });
}
