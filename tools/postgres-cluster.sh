#!/usr/bin/env bash
# A private, throwaway PostgreSQL 15 cluster for the PostGIS tests.
#   tools/postgres-cluster.sh start FOLDER   initdb in FOLDER, start it (Unix socket in FOLDER,
#                                            a free loopback port), print FOLDER:PORT
#   tools/postgres-cluster.sh stop FOLDER    stop it and remove FOLDER
#   tools/postgres-cluster.sh pause FOLDER   stop the server at once (as a crash would), keep FOLDER
#   tools/postgres-cluster.sh resume FOLDER  start it again on the same port
# Its one superuser is `onemap`, trusted (nothing but this machine's processes reach it).
# PostgreSQL refuses to run as root: as root, the server runs as Debian's `postgres` user.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
command=${1:?start or stop}
folder=${2:?a folder}
as=()
[ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
# Nor any other descriptor the caller left open: Foundation's Process learns that its child
# ended when a socket the child inherits is closed, and a server still holding it would
# keep a test waiting for the script until the server stops.
for fd in $(ls /proc/$$/fd); do
  [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
done
# Starts the server of $folder on $port.
serve() {
  "${as[@]}" "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
    -o "-p $port -k $folder -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start \
    >"$folder/pg_ctl.log" 2>&1 </dev/null \
    || { cat "$folder/pg_ctl.log" "$folder/server.log" >&2; exit 1; }
}
case $command in
start)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed (apt-get install postgresql-15 postgresql-15-postgis-3)" >&2; exit 1; }
  mkdir -p "$folder"
  chmod 700 "$folder"
  [ ${#as[@]} -gt 0 ] && chown postgres:postgres "$folder"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as[@]}" "$bin/initdb" -D "$folder/data" -U onemap --auth=trust -E UTF8 --locale=C.UTF-8 >"$folder/initdb.log" 2>&1 \
    || { cat "$folder/initdb.log" >&2; exit 1; }
  # fsync off: a test cluster's files need not survive the machine, only its processes.
  # The server must not inherit this script's output: a caller reading it to the end
  # (command substitution, a test's pipe) would wait for the server to exit.
  echo "$port" >"$folder/port"
  serve
  echo "$folder:$port"
  ;;
pause)
  "${as[@]}" "$bin/pg_ctl" -D "$folder/data" -m immediate -w stop >/dev/null 2>&1
  ;;
resume)
  port=$(cat "$folder/port")
  serve
  ;;
stop)
  if [ -d "$folder/data" ]; then "${as[@]}" "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$folder"
  ;;
*) echo "usage: $0 start|stop|pause|resume FOLDER" >&2; exit 2 ;;
esac
