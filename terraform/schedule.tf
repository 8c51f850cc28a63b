# One topic carries every run; the message says which job it is.
resource "google_pubsub_topic" "runs" {
  name = "${var.name_prefix}-runs"

  depends_on = [google_project_service.api]
}

# The defaults fire at 06:00 on disjoint days (daily: Sun, Tue-Sat; weekly-report: Mon),
# so the two never publish in the same minute and there is exactly one run a day.
resource "google_cloud_scheduler_job" "daily" {
  name        = "${var.name_prefix}-daily"
  description = "Collects the daily KPI snapshot and stores it."
  region      = var.region
  schedule    = var.daily_schedule
  time_zone   = var.time_zone

  retry_config {
    retry_count          = 3
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
    max_doublings        = 3
  }

  pubsub_target {
    topic_name = google_pubsub_topic.runs.id
    # Non-empty data: the Functions Framework drops Pub/Sub messages without it.
    data       = base64encode(jsonencode({ job = "daily" }))
    attributes = { job = "daily" }
  }

  depends_on = [google_project_service.api]
}

resource "google_cloud_scheduler_job" "weekly_report" {
  name        = "${var.name_prefix}-weekly-report"
  description = "Collects that day's snapshot, stores it and posts the weekly report."
  region      = var.region
  schedule    = var.weekly_schedule
  time_zone   = var.time_zone

  retry_config {
    retry_count          = 3
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
    max_doublings        = 3
  }

  pubsub_target {
    topic_name = google_pubsub_topic.runs.id
    data       = base64encode(jsonencode({ job = "weekly-report" }))
    attributes = { job = "weekly-report" }
  }

  depends_on = [google_project_service.api]
}
