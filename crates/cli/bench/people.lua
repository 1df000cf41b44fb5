-- wrk script for `desist bench people`. Arguments (after `--`): a file with one request path
-- per line, and the session token. Every request carries the session cookie, as a signed-in
-- browser's would; each thread walks the list from its own starting point so the two threads
-- do not ask for the same person at the same moment. `done` prints one machine-readable line
-- that desist parses (latencies in microseconds).

local next_thread = 0

function setup(thread)
  thread:set("offset", next_thread * 7919)
  next_thread = next_thread + 1
end

local paths = {}
local counter = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  file:close()
  assert(#paths > 0, "no request paths in " .. args[1])
  wrk.headers["Cookie"] = "desist_session=" .. args[2]
  counter = (offset or 0) % #paths
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'DESIST_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"non_2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
