locals {
  # One list drives both uploads: .gcloudignore for `gcloud functions deploy`, and
  # archive_file.excludes here. Its patterns are written root-anchored ("/dist") or
  # "**/" prefixed, which mean the same in gitignore syntax and in archive globs.
  source_excludes = [
    for line in split("\n", file("${path.module}/../.gcloudignore")) : trimprefix(trimspace(line), "/")
    if trimspace(line) != "" && !startswith(trimspace(line), "#")
  ]

  # Gen2 Node.js functions run from the uploaded source root, /workspace (the buildpacks
  # app directory), and kpi.config.yaml sits at that root.
  config_path = "/workspace/kpi.config.yaml"

  # service_config.service is "projects/P/locations/R/services/NAME"; logs and metrics use NAME.
  service_name = basename(google_cloudfunctions2_function.collector.service_config[0].service)
}

resource "google_storage_bucket" "source" {
  name                        = "${var.project_id}-${var.name_prefix}-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  depends_on = [google_project_service.api]
}

data "archive_file" "source" {
  type             = "zip"
  source_dir       = "${path.module}/.."
  output_path      = "${path.module}/.build/source.zip"
  output_file_mode = "0644"
  excludes         = local.source_excludes
}

# The hash in the name replaces the object, and so rebuilds the function, on every code change.
resource "google_storage_bucket_object" "source" {
  name   = "source-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.source.output_path

  lifecycle {
    precondition {
      condition     = fileexists("${path.module}/../kpi.config.yaml")
      error_message = "kpi.config.yaml is missing at the repository root: the function loads it from its source (KPI_CONFIG). Write it before deploying."
    }
    # `kpi-collector validate` refuses this id too (src/config/placeholders.ts). Terraform can't run
    # validate, so it looks for the starter's placeholder text, in any form (dashed, in a URL).
    precondition {
      condition     = !strcontains(replace(lower(try(file("${path.module}/../kpi.config.yaml"), "")), "-", ""), "0123456789abcdef0123456789abcdef")
      error_message = "kpi.config.yaml still holds the starter's placeholder Notion database id (0123456789abcdef0123456789abcdef). Run `npx kpi-collector notion init --parent PAGE`, put the id it prints in the notion destination, and check with `npx kpi-collector validate` (with NOTION_TOKEN and DISCORD_WEBHOOK_URL set)."
    }
  }
}

resource "google_cloudfunctions2_function" "collector" {
  name        = var.name_prefix
  location    = var.region
  description = "kpi-collector: collects KPI snapshots, stores them in Notion, reports weekly to Discord."

  build_config {
    runtime         = "nodejs22"
    entry_point     = "kpiCollector"
    service_account = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    # One instance handling one event at a time: two runs never race on the same day's row.
    max_instance_count               = 1
    min_instance_count               = 0
    max_instance_request_concurrency = 1
    # Pages are parsed in worker threads (src/sources/parse-pool.ts), each with its own heap of
    # 160 MiB: a dense 5 MiB page, the largest parsed by default, makes a DOM of about 100 MiB.
    # Normally one worker parses; a second starts while a slow page holds the first, so the
    # worst case is two full workers next to the main thread: about 450 MiB, within 512M
    # (test/terraform/heap-cap.test.ts). Pages reach the worker as bytes, so the main thread holds
    # no page text: 200 pages of 1 MiB peak at about 146 MiB (bench/memory.ts). 256M would hold
    # that run but not two dense 5 MiB pages, so the worst case sets the size.
    available_memory = "512M"
    # Under the 540 s cap for event-driven functions. A run is a handful of HTTP calls, but
    # with Notion failing, sources (30 s) plus four Notion requests at their 90 s retry
    # budget each take about 390 s; the run must still end and log its summary.
    timeout_seconds                = 530
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.runtime.email

    environment_variables = {
      KPI_CONFIG = local.config_path
      # No --max-old-space-size: V8 applies it to every thread, so it would cap the parse workers'
      # heaps too, over their own limits (a 72 MB cap fails a 5 MiB page). The main heap holds no
      # DOM and no page text: each page's bytes are moved to a worker, and the parse pool collects
      # the main thread's garbage (the body's chunks) every 4 MiB.
      # A small young generation keeps every thread's scavenges small.
      # bench/memory.ts runs its child with exactly this value, against V8's defaults.
      NODE_OPTIONS = "--max-semi-space-size=1"
    }

    dynamic "secret_environment_variables" {
      for_each = var.secrets
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = google_secret_manager_secret.secret[secret_environment_variables.key].secret_id
        version    = "latest"
      }
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.runs.id
    service_account_email = google_service_account.trigger.email
    # A thrown error is redelivered with backoff; the handler drops events older than its limit.
    retry_policy = "RETRY_POLICY_RETRY"
  }

  depends_on = [
    google_project_service.api,
    google_secret_manager_secret_iam_member.runtime,
    google_project_iam_member.build,
    google_storage_bucket_iam_member.build_source_reader,
  ]
}
