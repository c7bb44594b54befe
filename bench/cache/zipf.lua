-- wrk script: the Zipf query mix of load.py (term "t<rank>", rank r of 10,000 drawn with weight
-- 1/r^1.1), closed loop, so the rate is whatever the gateway sustains. ZIPF_PATH picks the route.
local terms, s = 10000, 1.1
local cdf, total = {}, 0
for r = 1, terms do
  total = total + 1 / r ^ s
  cdf[r] = total
end
local path = os.getenv("ZIPF_PATH") or "/zipf/cache"

function setup(thread)
  thread:set("seed", math.random(1, 2 ^ 31))
end

function init()
  math.randomseed(seed or os.time())
end

local function pick()
  local x = math.random() * total
  local lo, hi = 1, terms
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < x then lo = mid + 1 else hi = mid end
  end
  return lo
end

function request()
  return wrk.format("GET", path .. "?q=t" .. pick())
end
