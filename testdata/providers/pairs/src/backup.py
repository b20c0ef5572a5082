import boto3

# credentials of the backup-bot user (TODO: move to the vault)
BACKUP_CREDS = ("AKIAFXFFFCABM2MNQG6X",
                "yhOVJ478Eusd1EEUcmGLjF2NNYsNUBU97R6iMEXx")


def client():
    key_id, secret = BACKUP_CREDS
    return boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)
