-- POST /api/v1/proposals/: every request is another resident (own address behind the proxy,
-- own e-mail, own text), as when a campaign goes viral. Status counting comes from report.lua.
dofile(os.getenv("LOAD_DIR") .. "/report.lua")

local campaign = os.getenv("LOAD_CAMPAIGN") or "strategy-leadership-samara"
local places = { "36724000000", "36708000000", "36701000000", "36740000000", "36735000000" }
local topics = {
  "отремонтировать дорогу и тротуар у школы",
  "построить крытый каток возле стадиона",
  "открыть кружки робототехники в доме культуры",
  "продлить автобусный маршрут до нового микрорайона",
  "благоустроить набережную и поставить освещение",
}
local counter = 0
local run = tostring(os.time())

request = function()
  counter = counter + 1
  local n = counter
  local tid = id or 0
  local body = string.format(
    '{"campaign": "%s", "municipality": "%s", "name": "Житель %d-%d", ' ..
    '"email": "load-%s-%d-%d@example.ru", "consent": true, ' ..
    '"text": "Предлагаю %s. Обращение номер %s-%d-%d: это важно для нашего района."}',
    campaign, places[(n % #places) + 1], tid, n, run, tid, n, topics[(n % #topics) + 1], run, tid, n)
  local ip = string.format("10.%d.%d.%d", tid, math.floor(n / 250) % 250, n % 250 + 1)
  return wrk.format("POST", "/api/v1/proposals/", {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = ip,
    ["X-Forwarded-Proto"] = "https",
  }, body)
end
