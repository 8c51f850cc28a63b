import { join } from "node:path";
import { TEST_BUILD_DIR } from "../global-setup.js";

/** A file of src/ as jest's global setup built it, by its path under src/ (e.g. `cli/bin.js`). */
export const built = (path: string): string => join(TEST_BUILD_DIR, "src", path);
