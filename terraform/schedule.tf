# One topic carries every run; the message says which job it is.
resource "google_pubsub_topic" "runs" {
  name = "${var.name_prefix}-runs"

  depends_on = [google_project_service.api]
}

locals {
  # Job name (JOBS in src/types.ts) => when it runs. The defaults fire at 06:00 on disjoint
  # days (daily: Sun, Tue-Sat; weekly-report: Mon), so the two never publish in the same
  # minute and there is exactly one run, one snapshot, a day.
  schedules = {
    "daily" = {
      cron        = var.daily_schedule
      description = "Collects the daily KPI snapshot and stores it."
    }
    "weekly-report" = {
      cron        = var.weekly_schedule
      description = "Collects that day's snapshot, stores it and posts the weekly report."
    }
  }
}

resource "google_cloud_scheduler_job" "run" {
  for_each = local.schedules

  name        = "${var.name_prefix}-${each.key}"
  description = each.value.description
  region      = var.region
  schedule    = each.value.cron
  time_zone   = var.time_zone

  # Retries a failed publish; a failed run is retried by the trigger's retry policy.
  retry_config {
    retry_count          = 3
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
    max_doublings        = 3
  }

  pubsub_target {
    topic_name = google_pubsub_topic.runs.id
    # Non-empty data: the Functions Framework drops Pub/Sub messages without it.
    data       = base64encode(jsonencode({ job = each.key }))
    attributes = { job = each.key }
  }

  depends_on = [google_project_service.api]
}
