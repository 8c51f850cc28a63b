resource "google_secret_manager_secret" "secret" {
  for_each = var.secrets

  secret_id = each.value
  labels    = { app = var.name_prefix }

  replication {
    auto {}
  }

  depends_on = [google_project_service.api]
}

# Runs the function. It can read its own secrets and nothing else: no project-wide role.
resource "google_service_account" "runtime" {
  account_id   = "${var.name_prefix}-run"
  display_name = "${var.name_prefix} function runtime"

  depends_on = [google_project_service.api]
}

resource "google_secret_manager_secret_iam_member" "runtime" {
  for_each = google_secret_manager_secret.secret

  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

# Identity Eventarc uses to push Pub/Sub messages to the function's Cloud Run service.
resource "google_service_account" "trigger" {
  account_id   = "${var.name_prefix}-trigger"
  display_name = "${var.name_prefix} Eventarc trigger"

  depends_on = [google_project_service.api]
}

resource "google_cloud_run_v2_service_iam_member" "trigger_invoker" {
  location = google_cloudfunctions2_function.collector.location
  name     = google_cloudfunctions2_function.collector.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# Cloud Build identity for the function's build. New projects' default build account
# (the Compute Engine default service account) often lacks these permissions.
resource "google_service_account" "build" {
  account_id   = "${var.name_prefix}-build"
  display_name = "${var.name_prefix} Cloud Build"

  depends_on = [google_project_service.api]
}

resource "google_project_iam_member" "build" {
  project = var.project_id
  role    = "roles/run.builder"
  member  = "serviceAccount:${google_service_account.build.email}"
}

resource "google_storage_bucket_iam_member" "build_source_reader" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.build.email}"
}
