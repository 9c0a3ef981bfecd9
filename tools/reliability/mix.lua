-- A mix of reads for the soak: nearest shelters, a page of hazards, a grid, cached tiles.
local paths = {
  "/query/nearest-shelter?lon=109.78&lat=39.60&k=3&open=true",
  "/collections/hazards/items?limit=20&bbox=109.74,39.58,109.82,39.63",
  "/query/within?layer=hazards&lon=109.78&lat=39.60&radius=800",
  "/tiles/14/13186/6152.png",
  "/tiles/13/6593/3076.png",
  "/riskmap/legend",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
