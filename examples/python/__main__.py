"""One program, one stack per environment: each stack gets its own bucket and one labelled key per integration,
so a leaked staging key can never read production data (OtterStorage keys are per bucket)."""
import pulumi
import pulumi_otterstorage as otter

env = pulumi.get_stack()
config = pulumi.Config()
org = config.get("org") or "acme"
# Any new value rotates every key now (new key first, old one revoked after), e.g. after someone leaves.
rotation = config.get("rotation") or "0"

assets = otter.Bucket(
    "assets",
    tags={"environment": env, "purpose": "assets", "org": org},
    # dev and staging can be torn down with their objects; keep production's.
    force_destroy=env != "prod",
)

keys = {
    label: otter.AccessKey(label, bucket=assets.name, label=label, rotation_trigger=rotation)
    for label in ("app-web", "ci-deploy")
}

pulumi.export("bucketName", assets.name)
pulumi.export("endpoint", assets.endpoint)
pulumi.export("region", assets.region)
pulumi.export("accessKeyIds", {label: key.access_key_id for label, key in keys.items()})
# Stack secrets: `pulumi stack output secretAccessKeys --show-secrets`.
pulumi.export("secretAccessKeys", {label: key.secret_access_key for label, key in keys.items()})


def profile(label: str) -> str:
    return f"otter-{env}-{label}"


# Append to ~/.aws/config (no secrets): one profile per integration, with region and endpoint.
pulumi.export(
    "awsConfig",
    pulumi.Output.all(*[pulumi.Output.concat("[profile ", profile(l), "]\nregion = ", k.region, "\nendpoint_url = ", k.endpoint, "\n") for l, k in keys.items()]).apply(
        lambda sections: "\n".join(sections)
    ),
)
# Append to ~/.aws/credentials (a secret).
pulumi.export(
    "awsCredentials",
    pulumi.Output.secret(
        pulumi.Output.all(
            *[pulumi.Output.concat("[", profile(l), "]\naws_access_key_id = ", k.access_key_id, "\naws_secret_access_key = ", k.secret_access_key, "\n") for l, k in keys.items()]
        ).apply(lambda sections: "\n".join(sections))
    ),
)
