variable "project_id" {
  description = "Google Cloud project ID to deploy into. Billing must be enabled (Cloud Functions 2nd gen requires it even inside the free tier)."
  type        = string
}

variable "region" {
  description = "Region for the function, the scheduler jobs, the source bucket and the Eventarc trigger. us-central1 keeps the source bucket inside Cloud Storage's free tier."
  type        = string
  default     = "us-central1"
}

variable "name_prefix" {
  description = "Prefix for every resource name: the function, the topic, the scheduler jobs and the service accounts."
  type        = string
  default     = "kpi-collector"

  validation {
    # Service account IDs are 6-30 characters and the longest suffix is "-trigger".
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-22 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "time_zone" {
  description = "IANA time zone the two cron schedules are read in, e.g. \"Europe/Paris\"."
  type        = string
  default     = "Etc/UTC"
}

variable "daily_schedule" {
  description = "unix-cron schedule of the daily snapshot. The default runs at 06:00 every day except Monday, because the weekly-report run collects Monday's snapshot itself."
  type        = string
  default     = "0 6 * * 0,2-6"
}

variable "weekly_schedule" {
  description = "unix-cron schedule of the weekly report (it also collects and stores that day's snapshot). Keep it on days or minutes the daily schedule does not use."
  type        = string
  default     = "0 6 * * 1"
}

variable "secrets" {
  description = "Map from the environment variable the function reads to the Secret Manager secret ID that holds it. Terraform creates the secrets, never their values: add them with `gcloud secrets versions add`. Add source credentials here and reference them as $${NAME} in kpi.config.yaml."
  type        = map(string)
  default = {
    NOTION_TOKEN        = "notion-token"
    DISCORD_WEBHOOK_URL = "discord-webhook-url"
  }

  validation {
    condition     = alltrue([for name in keys(var.secrets) : can(regex("^[A-Z_][A-Z0-9_]*$", name))])
    error_message = "secrets keys must be environment variable names (upper case letters, digits and underscores)."
  }
}

variable "alert_email" {
  description = "Email address that receives failure alerts (an error logged by the function, or no run for about 26 hours). Empty disables alerting."
  type        = string
  default     = ""
}
