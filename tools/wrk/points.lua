-- wrk script: each request asks about the next of the benchmark's query points
-- (data/generated/query-points.csv, lon,lat), substituted into PATH_TEMPLATE's {lon}, {lat}
-- and {box}.
local points = {}
local template = os.getenv("PATH_TEMPLATE") or "/query/nearest-shelter?lon={lon}&lat={lat}&k=5"
local file = os.getenv("POINTS") or "data/generated/query-points.csv"
for line in io.lines(file) do
  local lon, lat = line:match("^([%d%.%-]+),([%d%.%-]+)$")
  if lon then points[#points + 1] = { lon, lat } end
end
local i = 0
request = function()
  i = i % #points + 1
  local p = points[i]
  -- {box}: a box about 1 km across centred on the point.
  local box = string.format("%.6f,%.6f,%.6f,%.6f", p[1] - 0.006, p[2] - 0.0045, p[1] + 0.006, p[2] + 0.0045)
  local path = template:gsub("{lon}", p[1]):gsub("{lat}", p[2]):gsub("{box}", box)
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s %.0f, p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d (non-2xx %d)\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
