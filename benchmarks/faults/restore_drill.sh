#!/usr/bin/env bash
# Backup and restore drill: fill a PostgreSQL database with the demo data, back it up with
# pg_dump (custom format), restore it into a fresh database with pg_restore, and prove the copy
# is whole: identical row counts in every table, no unapplied migrations, the site answers.
#
#   benchmarks/faults/restore_drill.sh            # uses postgres@127.0.0.1:5432
#   PGHOST=db.internal PGUSER=civicplan benchmarks/faults/restore_drill.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
SRC=cp_trust_drill_src
DST=cp_trust_drill_restored
DUMP="${DUMP:-/tmp/civicplan-drill.dump}"
PY=.venv/bin/python
url() { echo "postgres://$PGUSER@$PGHOST:$PGPORT/$1"; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }

dropdb --if-exists "$SRC"; dropdb --if-exists "$DST"
createdb "$SRC"
t0=$(now)
DATABASE_URL=$(url $SRC) $PY manage.py migrate -v 0
if ! DATABASE_URL=$(url $SRC) $PY manage.py load_demo >/tmp/drill-demo.log 2>&1; then
  echo "warning: load_demo stopped early (see /tmp/drill-demo.log); drilling with what was loaded" >&2
fi
t1=$(now)
pg_dump --format=custom --compress=6 --no-owner --file="$DUMP" "$SRC"
t2=$(now)
createdb "$DST"
pg_restore --no-owner --exit-on-error --jobs=2 --dbname="$DST" "$DUMP"
t3=$(now)

counts() {
  psql -d "$1" -Atc "select table_name from information_schema.tables
                     where table_schema='public' and table_type='BASE TABLE' order by 1" |
  while read -r table; do
    echo "$table $(psql -d "$1" -Atc "select count(*) from \"$table\"")"
  done
}
counts "$SRC" > /tmp/drill-src.txt
counts "$DST" > /tmp/drill-dst.txt
if ! diff -u /tmp/drill-src.txt /tmp/drill-dst.txt; then
  echo "RESTORE DRILL FAILED: row counts differ" >&2; exit 1
fi
DATABASE_URL=$(url $DST) $PY manage.py migrate --check -v 0
code=$(DATABASE_URL=$(url $DST) $PY - <<'PY'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.test import Client
print(Client().get("/territories/").status_code)
PY
)
[ "$code" = "200" ] || { echo "RESTORE DRILL FAILED: /territories/ answered $code" >&2; exit 1; }

tables=$(wc -l < /tmp/drill-src.txt)
rows=$(awk '{s+=$2} END {print s}' /tmp/drill-src.txt)
echo "restore drill OK $(date -u +%Y-%m-%dT%H:%MZ)"
echo "  tables: $tables, rows: $rows, database: $(psql -d "$SRC" -Atc "select pg_size_pretty(pg_database_size('$SRC'))"), dump: $(du -h "$DUMP" | cut -f1)"
echo "  load demo: $(secs "$t0" "$t1") s, pg_dump: $(secs "$t1" "$t2") s, pg_restore --jobs=2: $(secs "$t2" "$t3") s"
echo "  row counts identical in every table; migrate --check clean; /territories/ answers 200"
[ "${KEEP:-0}" = "1" ] || { dropdb "$SRC"; dropdb "$DST"; rm -f "$DUMP"; }
