terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIA6VI3DPNK2SYCGG3K"
  secret_key = "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"
}

resource "aws_db_instance" "orders" {
  identifier        = "orders-prod"
  engine            = "postgres"
  engine_version    = "16.2"
  instance_class    = "db.t3.medium"
  allocated_storage = 50
  username          = "orders"
  password          = "~TXuV9^j0Bpkf85DH7+o3"
  skip_final_snapshot = false
}

resource "aws_db_instance" "reporting" {
  identifier = "reporting-prod"
  engine     = "postgres"
  username   = "reporting"
  password   = var.reporting_db_password
}

resource "aws_secretsmanager_secret" "api" {
  name = "my-app-secret"
}

resource "aws_dynamodb_table" "sessions" {
  name     = "sessions"
  hash_key = "session_id"
  attribute {
    name = "session_id"
    type = "S"
  }
}

output "db_password" {
  value     = aws_db_instance.orders.password
  sensitive = true
}
