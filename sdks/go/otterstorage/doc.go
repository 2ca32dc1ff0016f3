// OtterStorage buckets and per-bucket access keys.
package otterstorage
