-- Shared by the wrk scenarios: counts answers by status class in every thread and prints one
-- JSON line with throughput and latency percentiles when the run ends.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

ok, client_errors, limited, server_errors = 0, 0, 0, 0

function response(status, headers, body)
  if status >= 200 and status < 400 then
    ok = ok + 1
  elseif status == 429 then
    limited = limited + 1
  elseif status >= 500 then
    server_errors = server_errors + 1
  else
    client_errors = client_errors + 1
  end
end

function done(summary, latency, requests)
  local totals = { ok = 0, client_errors = 0, limited = 0, server_errors = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (thread:get(key) or 0)
    end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, ' ..
    '"p99_ms": %.1f, "max_ms": %.1f, "ok": %d, "client_errors": %d, "limited": %d, ' ..
    '"server_errors": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, totals.ok, totals.client_errors, totals.limited, totals.server_errors,
    e.connect + e.read + e.write + e.timeout))
end
