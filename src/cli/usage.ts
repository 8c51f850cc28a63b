export const USAGE = `Usage: kpi-collector <command> [options]

Commands:
  run        Collect the metrics and write them to the destinations
               --config FILE   the config (default: $KPI_CONFIG or kpi.config.yaml)
               --job JOB       daily | weekly-report (default: daily)
               --date DATE     store this run under DATE (YYYY-MM-DD) instead of today, to
                               re-record a missed day: the values are collected now, so they
                               are today's numbers under that date, not that day's
               --only SOURCE   run only these sources (repeatable, or comma-separated)
               --dry-run       collect and print, write nothing
  validate   Check the config and the environment it needs, naming every problem
               --config FILE
  report     Render the weekly report from history, or post it
               --config FILE  --date DATE  --dry-run (print instead of posting)
               --force  (post even if this date's report was already posted)
  notion init  Create a ready Notion database under a page and print its id
               --config FILE  --parent PAGE_ID_OR_URL  [--title TITLE]
  schema     Print the JSON Schema of kpi.config.yaml (for editor autocompletion)
  help       Show this help

Exit codes: 0 success, 1 a destination failed, 2 bad config or arguments.
`;
