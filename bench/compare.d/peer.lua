-- The nginx + lua-nginx-module peer of bench/compare: the same jobs as the gather routes in
-- bench/compare.d/routes.yaml, written the way an nginx operator would (capture_multi to internal
-- locations that proxy_pass to keep-alive upstream pools, lua-cjson for the JSON).
--
-- search: 3 upstreams, fuse rrf (k = 60), dedupe by /url (exact string, no normalisation, as the
--         gather route), limit 10, each kept item stamped with _score and _sources.
-- concat: N upstreams answering {"results": [...]}, concatenated in route order (the tiny job).
--
-- Semantics copied from gather's FuseMerge / ListFinishing (Sources/GatherCore/Merge) so the two
-- answers can be compared item for item:
-- - each upstream's list first loses its own duplicates (the first stays); rank counts from 1
--   in that list, so a dropped duplicate does not use up a rank;
-- - an item whose key is missing or null is never merged with another one;
-- - fused score = sum over lists of 1 / (k + rank), added in route order (the same double
--   additions in the same order as gather, so the sums are bit-identical);
-- - sort by fused score descending, ties by first appearance in route order; the kept item is
--   its first appearance; _sources lists the upstreams holding it, in route order.
-- The envelope mirrors gather's: items, partial, upstreams {status, http_status, ms, attempts,
-- won_by, count} in route order; headers Gather-Partial, Server-Timing, X-Request-Id.
-- One difference, stated in the benchmark's output: capture_multi returns when all three
-- subrequests are done, so every upstream's `ms` is the whole fan-out's time.

local cjson = require("cjson.safe")   -- .safe: a bad body yields nil, not a Lua error
local null = cjson.null
local encode, decode = cjson.encode, cjson.decode
local capture_multi = ngx.location.capture_multi
local concat, sort, format = table.concat, table.sort, string.format

-- lua-cjson 2.1.0 writes at most 14 significant digits; the comparison in bench/compare allows
-- a relative 1e-12 on numbers for that reason.
cjson.encode_number_precision(14)

local _M = {}

-- The upstreams of each job, in route order: name and internal location (see peer.conf).
local SEARCH = { { "alpha", "/_up/alpha/search" }, { "beta", "/_up/beta/search" }, { "gamma", "/_up/gamma/search" } }
local TINY3 = { { "alpha", "/_up/alpha/tiny" }, { "beta", "/_up/beta/tiny" }, { "gamma", "/_up/gamma/tiny" } }
local RRF_K = 60
local LIMIT = 10

-- Sends every upstream's subrequest at once (the parent's query string passed on, as gather's
-- {query.q} template does for this benchmark's plain query) and classifies each answer like
-- gather: ok (2xx, JSON, /results an array), bad_status, bad_body, error.
local function fan_out(upstreams)
  local args = ngx.var.args
  local requests = {}
  for i = 1, #upstreams do
    requests[i] = { upstreams[i][2], { args = args } }
  end
  ngx.update_time()
  local started = ngx.now()
  local answers = { capture_multi(requests) }
  ngx.update_time()
  local ms = (ngx.now() - started) * 1000

  local results, reports, partial = {}, {}, false
  for i = 1, #upstreams do
    local answer = answers[i]
    local report = { status = "ok", http_status = answer.status, ms = ms }
    if answer.truncated then   -- the upstream closed before the promised body ended
      report.status, report.http_status = "error", nil
    elseif answer.status < 200 or answer.status > 299 then
      report.status = "bad_status"
    else
      local document = decode(answer.body)
      local list = type(document) == "table" and document.results or nil
      if type(list) ~= "table" then
        report.status = "bad_body"
      else
        results[i] = list
        report.count = #list
      end
    end
    if report.status ~= "ok" then partial = true end
    reports[i] = report
  end
  return results, reports, partial
end

-- An empty Lua table encodes as {} in lua-cjson; the envelope needs [].
local function encode_list(items)
  if #items == 0 then return "[]" end
  return encode(items)
end

-- Writes the envelope and gather's headers, in gather's member order.
local function answer(upstreams, items, reports, partial)
  local parts, timing = {}, {}
  for i = 1, #upstreams do
    local name, report = upstreams[i][1], reports[i]
    local entry = format('"%s":{"status":"%s"', name, report.status)
    if report.http_status then entry = entry .. format(',"http_status":%d', report.http_status) end
    entry = entry .. format(',"ms":%.1f,"attempts":1', report.ms)
    if report.status == "ok" then entry = entry .. format(',"won_by":"primary","count":%d', report.count) end
    parts[i] = entry .. "}"
    timing[i] = report.status == "ok" and format("%s;dur=%.1f", name, report.ms)
      or format('%s;dur=%.1f;desc="%s"', name, report.ms, report.status)
  end
  local ok = 0
  for i = 1, #reports do if reports[i].status == "ok" then ok = ok + 1 end end
  ngx.status = ok >= 1 and 200 or 502
  ngx.header["Content-Type"] = "application/json"
  ngx.header["Gather-Partial"] = partial and "true" or "false"
  ngx.header["Server-Timing"] = concat(timing, ", ")
  ngx.header["X-Request-Id"] = ngx.var.http_x_request_id or ngx.var.request_id
  -- One string, sent with Content-Length as gather does (several ngx.print calls would be chunked).
  local body = concat({ '{"items":', encode_list(items), ',"partial":', partial and "true" or "false",
                        ',"upstreams":{', concat(parts, ","), "}}" })
  ngx.header["Content-Length"] = #body
  ngx.print(body)
end

function _M.search()
  local results, reports, partial = fan_out(SEARCH)
  local entries, sums, sources, index = {}, {}, {}, {}
  for u = 1, #SEARCH do
    local list = results[u]
    if list then
      local seen, rank = {}, 0
      for i = 1, #list do
        local item = list[i]
        local key = type(item) == "table" and item.url or nil
        if key == null then key = nil end
        if key == nil or not seen[key] then
          if key ~= nil then seen[key] = true end
          rank = rank + 1
          local score = 1.0 / (RRF_K + rank)
          local position = key ~= nil and index[key] or nil
          if position then
            sums[position] = sums[position] + score
            local names = sources[position]
            names[#names + 1] = SEARCH[u][1]   -- upstreams come in route order: appending keeps it
          else
            position = #entries + 1
            entries[position] = item
            sums[position] = 0.0 + score
            sources[position] = { SEARCH[u][1] }
            if key ~= nil then index[key] = position end
          end
        end
      end
    end
  end

  local order = {}
  for position = 1, #entries do order[position] = position end
  sort(order, function(a, b)
    if sums[a] ~= sums[b] then return sums[a] > sums[b] end
    return a < b
  end)

  local items = {}
  for i = 1, math.min(LIMIT, #order) do
    local position = order[i]
    local item = entries[position]
    if type(item) == "table" then   -- gather stamps objects only
      item._score = sums[position]
      item._sources = sources[position]
    end
    items[i] = item
  end
  answer(SEARCH, items, reports, partial)
end

function _M.tiny3()
  local results, reports, partial = fan_out(TINY3)
  local items = {}
  for u = 1, #TINY3 do
    local list = results[u]
    if list then
      for i = 1, #list do
        local item = list[i]
        if type(item) == "table" then item._sources = { TINY3[u][1] } end
        items[#items + 1] = item
      end
    end
  end
  answer(TINY3, items, reports, partial)
end

return _M
