#!/bin/sh
# Nightly database backup -> object storage
set -e

STAMP=$(date +%Y%m%d)
BACKUP_DIR=/var/backups/pg
mkdir -p "$BACKUP_DIR"

PGPASSWORD='E^YqI_f.-%zRxOnFW4CXW^_4%' pg_dump -h db.internal -U backup -Fc storefront > "$BACKUP_DIR/storefront-$STAMP.dump"
mysqldump --user=backup --password=c0a6C%9VTyC-1.b9ECc0_4DnEGloxL6H --single-transaction invoicing | gzip > "$BACKUP_DIR/invoicing-$STAMP.sql.gz"
rclone copy "$BACKUP_DIR" remote:backups --token vsrm0d2bKW3IxP2x1ebkDCwzHdG7w7Py

# restore example (password comes from ~/.pgpass):
#   pg_restore -h db.internal -U backup --password -d storefront storefront-YYYYMMDD.dump
find "$BACKUP_DIR" -mtime +14 -delete
