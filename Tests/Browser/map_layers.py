"""Drives OneMap's /map in headless Chromium (Debian's chromium + chromium-driver,
python3-selenium) through its layer switch: which layers it offers, which tiles are
asked for in the one-map view and in "risk only", and the facilities layer.

usage: map_layers.py BASE_URL
Prints one JSON object: base_layers and overlays (the switch's labels), tiles_before and
tiles_after (tile URLs shown before and after choosing "risk only"), legend_base_shown
before and after, and facilities: {facility id: [kind, the marker's background colour]}.
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mapdriver import open_map

base = sys.argv[1]
driver = open_map(base)
result = {}
tiles = "return [...document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded')].filter(i => i.closest('.leaflet-layer').style.display !== 'none' && getComputedStyle(i.closest('.leaflet-layer')).opacity !== '0').map(i => i.getAttribute('src'))"
try:
    WebDriverWait(driver, 90).until(lambda d: d.execute_script("return document.getElementById('legend-base') !== null"))
    WebDriverWait(driver, 90).until(lambda d: len(d.execute_script(tiles)) > 0)
    labels = "return [...document.querySelectorAll('.leaflet-control-layers-%s label')].map(l => l.textContent.trim())"
    result["base_layers"] = driver.execute_script(labels % "base")
    result["overlays"] = driver.execute_script(labels % "overlays")
    result["tiles_before"] = driver.execute_script(tiles)
    shown = "return getComputedStyle(document.getElementById('legend-base')).display !== 'none'"
    result["legend_base_shown_before"] = driver.execute_script(shown)

    def choose(kind, text):
        for label in driver.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers-%s label" % kind):
            if text in label.text:
                label.find_element(By.TAG_NAME, "input").click()
                return True
        return False

    result["chose_risk_only"] = choose("base", "risk only")
    WebDriverWait(driver, 90).until(lambda d: not d.execute_script("return map.hasLayer(riskTiles)"))
    WebDriverWait(driver, 90).until(lambda d: any("layers=risk" in (s or "") for s in d.execute_script(tiles)))
    result["tiles_after"] = [s for s in driver.execute_script(tiles) if s]
    result["risk_only_shown"] = driver.execute_script("return map.hasLayer(riskOnlyTiles) && !map.hasLayer(riskTiles)")
    result["legend_base_shown_after"] = driver.execute_script(shown)

    result["chose_facilities"] = choose("overlays", "facilities")
    WebDriverWait(driver, 90).until(lambda d: d.execute_script("return facilities.getLayers().length > 0"))
    result["facilities"] = driver.execute_script("""
        const hex = rgb => '#' + rgb.match(/\\d+/g).slice(0, 3).map(v => Number(v).toString(16).padStart(2, '0')).join('').toUpperCase();
        const out = {};
        facilities.eachLayer(l => {
          const icon = l.getElement ? l.getElement() : null;
          const box = icon && icon.querySelector ? icon.querySelector('.facility-icon') : null;
          out[l.feature.id] = [l.feature.properties.kind, box ? hex(getComputedStyle(box).backgroundColor) : null];
        });
        return out;""")
    result["console_errors"] = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE" and "favicon" not in e["message"]]
finally:
    driver.quit()
print(json.dumps(result, ensure_ascii=False))
