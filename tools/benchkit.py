"""What the benchmark scripts share: one HTTP exchange, and percentiles."""
import urllib.request


def request(base, method, path, body=None, headers=None, timeout=120):
    """`method base+path`: (status, body bytes); an HTTP error is its status and body."""
    r = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(r, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def pct(values, p):
    """The p-th percentile of `values` (nearest rank)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
