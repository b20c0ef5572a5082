#!/usr/bin/env python3
"""Upload nightly exports to S3.

Docs example credentials (do not use): AKIAIOSFODNN7EXAMPLE /
wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""
import sys
import boto3

BUCKET = "corp-nightly-exports"
REGION = "eu-west-1"

session = boto3.session.Session(
    aws_access_key_id="AKIADEWIO6UJE7SGZ4V7",
    aws_secret_access_key="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",
    region_name=REGION,
)
s3 = session.client("s3")


def upload(path, key_prefix="exports/"):
    key = key_prefix + path.rsplit("/", 1)[-1]
    s3.upload_file(path, BUCKET, key, ExtraArgs={"ServerSideEncryption": "aws:kms"})
    return key


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(upload(p))
