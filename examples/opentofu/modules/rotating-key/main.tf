# Two-slot key rotation, the HCL counterpart of the Pulumi SDK's RotatingAccessKey (docs/rotation.md): two keys for
# one bucket, and each bump of `generation` re-issues only the OLDER slot, then points `active` at it. The slot
# that was active until now is left alone, so whatever still holds it keeps working through the rotation and after
# it, until the next bump; at no point is there no working key.
#
#   generation  slot a trigger  slot b trigger  active
#   0           0               0               b
#   1           1 (re-issued)   0               a
#   2           1               1 (re-issued)   b
#   3           2 (re-issued)   1               a
terraform {
  required_providers {
    otterstorage = {
      source = "otterstorage/otterstorage"
    }
  }
}

variable "bucket" {
  description = "The bucket the keys are for."
  type        = string
}

variable "label" {
  description = "Label of both keys; the slot is appended (`<label>-a`, `<label>-b`)."
  type        = string
}

variable "generation" {
  description = "Bump by one to rotate: the older slot gets a new key and becomes active."
  type        = number
  default     = 0
}

locals {
  trigger_a   = floor((var.generation + 1) / 2)
  trigger_b   = floor(var.generation / 2)
  active_slot = var.generation % 2 == 1 ? "a" : "b"
}

resource "otterstorage_access_key" "a" {
  bucket           = var.bucket
  label            = "${var.label}-a"
  rotation_trigger = local.trigger_a

  lifecycle {
    create_before_destroy = true
  }
}

resource "otterstorage_access_key" "b" {
  bucket           = var.bucket
  label            = "${var.label}-b"
  rotation_trigger = local.trigger_b

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  slots   = { a = otterstorage_access_key.a, b = otterstorage_access_key.b }
  active  = local.slots[local.active_slot]
  standby = local.slots[local.active_slot == "a" ? "b" : "a"]
}

output "active_slot" {
  value = local.active_slot
}

output "access_key_id" {
  description = "The key consumers should use now."
  value       = local.active.access_key_id
}

output "secret_access_key" {
  value     = local.active.secret_access_key
  sensitive = true
}

output "previous_access_key_id" {
  description = "The key that was active before the last rotation; still valid until the next one."
  value       = local.standby.access_key_id
}

output "previous_secret_access_key" {
  value     = local.standby.secret_access_key
  sensitive = true
}

output "endpoint" {
  value = local.active.endpoint
}
