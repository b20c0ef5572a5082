variable "reporting_db_password" {
  description = "Password for the reporting database"
  type        = string
  sensitive   = true
}

variable "gitlab_token" {
  type      = string
  sensitive = true
  default   = ""
}

variable "password_min_length" {
  type    = number
  default = 12
}

variable "api_key" {
  type    = string
  default = "YOUR_API_KEY_HERE"
}

variable "kms_key_id" {
  type = string
}

locals {
  db_url = "postgres://${var.db_user}:${var.reporting_db_password}@${var.db_host}/reports"
}
