# DigitalOcean infrastructure (do not commit real values)
do_token          = "dop_v1_7856750e4a69af0b6b988b6f6d100654d8480912efd289491c1da43106442f21"
spaces_access_id  = "DO009WCI802WE9LCHM7A"
spaces_secret_key = "lf+Z+sfYRhVlMb7XgeKtAihc5phAE1giWUrgnMtrg1f"
region            = "fra1"
droplet_size      = "s-2vcpu-4gb"
do_system_token   = "dos_v1_c0faf4b36ba2938f31a7ccd4b0664d05afb92d7692ce42f873a02d837e4bd748"
