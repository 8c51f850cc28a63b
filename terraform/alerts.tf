locals {
  alerts_enabled = var.alert_email != ""
  # Gen2 functions run as a Cloud Run service: their logs and metrics are attached to it.
  service_filter = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${local.service_name}\""
}

resource "google_monitoring_notification_channel" "email" {
  count = local.alerts_enabled ? 1 : 0

  display_name = "${var.name_prefix} alerts"
  type         = "email"
  labels       = { email_address = var.alert_email }

  depends_on = [google_project_service.api]
}

# Log-based alert: any ERROR line from the function (a failed destination, a failed run,
# a rejected message, an invalid config; a failed source is a WARNING) sends one email an hour at most.
resource "google_monitoring_alert_policy" "errors" {
  count = local.alerts_enabled ? 1 : 0

  display_name          = "${var.name_prefix}: error logged"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email[0].id]

  conditions {
    display_name = "${var.name_prefix} logged severity >= ERROR"
    condition_matched_log {
      filter = "${local.service_filter} AND severity >= ERROR"
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "3600s"
    }
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The KPI collector logged an error. Read it with `gcloud functions logs read ${var.name_prefix} --region=${var.region} --limit=50`."
  }
}

# Metric-absence alert: every run is one request to the function's Cloud Run service
# (run.googleapis.com/request_count). Summed over a 24 h window (the alerting maximum is
# 25 h) and absent for 2 h more, it fires when no run was delivered for about 26 hours:
# a paused or broken schedule, a deleted trigger, a disabled API.
resource "google_monitoring_alert_policy" "missed_run" {
  count = local.alerts_enabled ? 1 : 0

  display_name          = "${var.name_prefix}: no run for 26 hours"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email[0].id]

  conditions {
    display_name = "${var.name_prefix} received no request for 26 hours"
    condition_absent {
      filter   = "${local.service_filter} AND metric.type = \"run.googleapis.com/request_count\""
      duration = "7200s"

      aggregations {
        alignment_period   = "86400s"
        per_series_aligner = "ALIGN_SUM"
        # Sum across revisions so a redeploy (a new revision) is not read as a missing series.
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "No scheduled run reached the KPI collector for about 26 hours. Check the Cloud Scheduler jobs `${var.name_prefix}-daily` and `${var.name_prefix}-weekly-report` (`gcloud scheduler jobs list --location=${var.region}`)."
  }
}
