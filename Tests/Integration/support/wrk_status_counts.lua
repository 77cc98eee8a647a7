-- wrk script: counts responses by status class over all threads and prints one line at the end,
--   statuses: 2xx=<n> 429=<n> other=<n> duration_us=<n>
-- (wrk's own summary only says "Non-2xx or 3xx responses").
-- With WRK_POST_JSON set, every request POSTs that JSON body instead of a GET.

local post = os.getenv("WRK_POST_JSON")
if post then
   wrk.method = "POST"
   wrk.body = post
   wrk.headers["Content-Type"] = "application/json"
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   ok, blocked, other = 0, 0, 0
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
   elseif status == 429 then
      blocked = blocked + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local o, b, x = 0, 0, 0
   for _, thread in ipairs(threads) do
      o = o + thread:get("ok")
      b = b + thread:get("blocked")
      x = x + thread:get("other")
   end
   io.write(string.format("statuses: 2xx=%d 429=%d other=%d duration_us=%d\n", o, b, x, summary.duration))
end
