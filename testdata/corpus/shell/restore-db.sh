#!/usr/bin/env bash
set -euo pipefail

mysql -h db.internal -u restore -prahuozv app < dump.sql
mysql -h db.internal -u restore -p app < dump.sql
sshpass -p nrszh scp dump.sql backup@vault.internal:/srv/dumps/
PGPASSWORD=fvvsfsyo psql -h pg.internal -U app -c 'select 1'
PGPASSWORD="$PG_PASS" psql -h pg.internal -U app -c "select 1"
