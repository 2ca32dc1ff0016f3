# One bucket per environment, each with two labelled keys (app-web, ci-deploy), rotated without downtime.
# README.md beside this folder says how to install the provider and run it against Local OtterStorage.
terraform {
  required_providers {
    otterstorage = {
      source  = "otterstorage/otterstorage"
      version = "~> 0.1"
    }
  }
}

# Endpoint and token from OTTERSTORAGE_ENDPOINT and OTTERSTORAGE_TOKEN (keep the token out of the configuration).
provider "otterstorage" {}

variable "project" {
  description = "Prefix of the bucket names (bucket names are unique across OtterStorage)."
  type        = string
  default     = "shop"
}

variable "environments" {
  description = "One bucket per environment."
  type        = set(string)
  default     = ["staging", "production"]
}

variable "key_generation" {
  description = "Bump to rotate every key: a new key is issued first, then the old one is revoked."
  type        = number
  default     = 1
}

resource "otterstorage_bucket" "env" {
  for_each = var.environments

  name          = "${var.project}-${each.key}"
  storage_class = each.key == "production" ? "SSD" : "HDD"
  tags = {
    environment = each.key
    project     = var.project
  }
}

resource "otterstorage_access_key" "app_web" {
  for_each = otterstorage_bucket.env

  bucket           = each.value.name
  label            = "app-web"
  rotation_trigger = var.key_generation

  # Issue the new key before the old one is revoked: clients holding the old key keep working until the new exists.
  lifecycle {
    create_before_destroy = true
  }
}

resource "otterstorage_access_key" "ci_deploy" {
  for_each = otterstorage_bucket.env

  bucket           = each.value.name
  label            = "ci-deploy"
  rotation_trigger = var.key_generation

  lifecycle {
    create_before_destroy = true
  }
}

output "buckets" {
  value = { for env, b in otterstorage_bucket.env : env => { name = b.name, endpoint = b.endpoint, region = b.region } }
}

output "app_web" {
  value = { for env, k in otterstorage_access_key.app_web : env => { access_key_id = k.access_key_id, bucket = k.bucket, endpoint = k.endpoint } }
}

output "ci_deploy" {
  value = { for env, k in otterstorage_access_key.ci_deploy : env => { access_key_id = k.access_key_id, bucket = k.bucket, endpoint = k.endpoint } }
}

# Hidden in plan and apply output; `tofu output -json app_web_secrets` shows them. They are in the state file: see
# README.md "Secrets and state" for OpenTofu's state encryption.
output "app_web_secrets" {
  value     = { for env, k in otterstorage_access_key.app_web : env => k.secret_access_key }
  sensitive = true
}

output "ci_deploy_secrets" {
  value     = { for env, k in otterstorage_access_key.ci_deploy : env => k.secret_access_key }
  sensitive = true
}
