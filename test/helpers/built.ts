import { join } from "node:path";
import { TEST_BUILD_DIR, TEST_BUNDLE_DIR } from "../global-setup.js";

/** A file of src/ as jest's global setup built it, by its path under src/ (e.g. `cli/bin.js`). */
export const built = (path: string): string => join(TEST_BUILD_DIR, "src", path);

/** A file of the bundles jest's global setup built (e.g. `kpi-collector.js`, the bin; `function.js`, `main`). */
export const bundled = (file: string): string => join(TEST_BUNDLE_DIR, file);
