# Shell helpers for the tools that start `onemap serve` (source it; not a command).

# A free loopback port.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits until http://127.0.0.1:PORT/health answers, at most SECONDS (default 60); 1 if it never does.
wait_for_health() {
    local port=$1 deadline=$(( $(date +%s) + ${2:-60} ))
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
        [ "$(date +%s)" -ge "$deadline" ] && { echo "the server on port $port did not answer /health" >&2; return 1; }
        sleep 0.2
    done
}
