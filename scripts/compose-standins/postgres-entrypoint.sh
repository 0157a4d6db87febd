#!/bin/sh
# First start: a cluster owned by POSTGRES_USER with its password, and the database POSTGRES_DB. Then the server, on all interfaces.
set -eu
data=/var/lib/postgresql/data
mkdir -p "$data" /var/run/postgresql
chown -R postgres:postgres "$data" /var/run/postgresql
if [ ! -s "$data/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/password && chown postgres /tmp/password
  su postgres -s /bin/sh -c "initdb -D $data -U $POSTGRES_USER --pwfile=/tmp/password --auth=scram-sha-256 >/dev/null"
  rm -f /tmp/password
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$data/pg_hba.conf"
  su postgres -s /bin/sh -c "pg_ctl -D $data -w -o '-c listen_addresses=' start >/dev/null"
  su postgres -s /bin/sh -c "PGPASSWORD='$POSTGRES_PASSWORD' createdb -h /var/run/postgresql -U $POSTGRES_USER $POSTGRES_DB"
  su postgres -s /bin/sh -c "pg_ctl -D $data -w stop >/dev/null"
fi
exec su postgres -s /bin/sh -c "exec postgres -D $data -c listen_addresses='*'"
