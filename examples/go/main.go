// One program, one stack per environment: each stack gets its own bucket and one labelled key per integration, so
// a leaked staging key can never read production data (OtterStorage keys are per bucket).
package main

import (
	"github.com/otterstorage/pulumi-otterstorage/sdks/go/otterstorage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		env := ctx.Stack()
		cfg := config.New(ctx, "")
		org := cfg.Get("org")
		if org == "" {
			org = "acme"
		}
		// Any new value rotates every key now (new key first, old one revoked after).
		rotation := cfg.Get("rotation")
		if rotation == "" {
			rotation = "0"
		}
		assets, err := otterstorage.NewBucket(ctx, "assets", &otterstorage.BucketArgs{
			Tags:         pulumi.StringMap{"environment": pulumi.String(env), "purpose": pulumi.String("assets"), "org": pulumi.String(org)},
			ForceDestroy: pulumi.Bool(env != "prod"),
		})
		if err != nil {
			return err
		}
		ids := pulumi.StringMap{}
		secrets := pulumi.StringMap{}
		profiles := pulumi.StringArray{}
		credentials := pulumi.StringArray{}
		for _, label := range []string{"app-web", "ci-deploy"} {
			key, err := otterstorage.NewAccessKey(ctx, label, &otterstorage.AccessKeyArgs{
				Bucket:          assets.Name,
				Label:           pulumi.String(label),
				RotationTrigger: pulumi.Any(rotation),
			})
			if err != nil {
				return err
			}
			profile := "otter-" + env + "-" + label
			ids[label] = key.AccessKeyId
			secrets[label] = key.SecretAccessKey
			profiles = append(profiles, pulumi.Sprintf("[profile %s]\nregion = %s\nendpoint_url = %s\n", profile, key.Region, key.Endpoint))
			credentials = append(credentials, pulumi.Sprintf("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", profile, key.AccessKeyId, key.SecretAccessKey))
		}
		ctx.Export("bucketName", assets.Name)
		ctx.Export("endpoint", assets.Endpoint)
		ctx.Export("region", assets.Region)
		ctx.Export("accessKeyIds", ids)
		// Stack secrets: `pulumi stack output secretAccessKeys --show-secrets`.
		ctx.Export("secretAccessKeys", pulumi.ToSecret(secrets))
		join := func(parts []string) string {
			out := ""
			for i, p := range parts {
				if i > 0 {
					out += "\n"
				}
				out += p
			}
			return out
		}
		ctx.Export("awsConfig", profiles.ToStringArrayOutput().ApplyT(join))
		ctx.Export("awsCredentials", pulumi.ToSecret(credentials.ToStringArrayOutput().ApplyT(join)))
		return nil
	})
}
