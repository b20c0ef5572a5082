environment = "production"
region      = "eu-west-1"

reporting_db_password = "sFXP~zUYM_te6e9fuhP^v-CH5c~c6LdA"
gitlab_token = "glpat-wtr8cQAlw1XJnMdIQJY-"
instance_count = 3
kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/55af0f8a-5892-4c57-a880-e255e8e20ecf"
