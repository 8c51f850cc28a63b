output "topic_id" {
  description = "Pub/Sub topic the scheduler publishes to and the function listens on."
  value       = google_pubsub_topic.runs.id
}

output "function_name" {
  description = "Name of the Cloud Function (2nd gen)."
  value       = google_cloudfunctions2_function.collector.name
}

output "function_uri" {
  description = "URI of the function's Cloud Run service (internal ingress only: reachable through the trigger, not from the internet)."
  value       = google_cloudfunctions2_function.collector.service_config[0].uri
}

output "secret_ids" {
  description = "Secret Manager secret ID for each environment variable. Add a value with the command in secret_version_commands."
  value       = { for name, secret in google_secret_manager_secret.secret : name => secret.secret_id }
}

output "secret_version_commands" {
  description = "One command per secret that stores its value from the environment variable of the same name."
  value = [
    for name, secret in google_secret_manager_secret.secret :
    "printf %s \"$${${name}}\" | gcloud secrets versions add ${secret.secret_id} --project=${var.project_id} --data-file=-"
  ]
}

output "manual_run_command" {
  description = "Publishes a weekly-report run now, exactly as the scheduler does."
  value       = "gcloud pubsub topics publish ${google_pubsub_topic.runs.name} --project=${var.project_id} --message='{\"job\":\"weekly-report\"}' --attribute=job=weekly-report"
}
