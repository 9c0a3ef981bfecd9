"""Drives OneMap's /map in headless Chromium (Debian's chromium + chromium-driver,
python3-selenium): clicks at a point and reports what the click's popup says, how each
shelter marker is drawn, and the legend's text.

usage: map_click.py BASE_URL LON LAT
Prints one JSON object: click_items (the nearest-shelter lines), hazard_items, the
legend text, and markers: {shelter id: [status, the marker's background colour]}.
"""
import json
import sys
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mapdriver import open_map

base, lon, lat = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
driver = open_map(base)
result = {}
try:
    # The shelters layer fills once the legend (which carries the symbols) has answered.
    WebDriverWait(driver, 90).until(lambda d: d.execute_script("return shelters.getLayers().length > 0"))
    driver.execute_script("map.setView([arguments[0], arguments[1]], 17, {animate: false});", lat, lon)
    time.sleep(1)
    element = driver.find_element(By.ID, "map")
    ActionChains(driver).move_to_element(element).click().perform()
    items = "const p = document.querySelector('.leaflet-popup-content ol.%s'); return p ? [...p.children].map(li => li.textContent) : null;"
    WebDriverWait(driver, 90).until(lambda d: d.execute_script(items % "shelters") is not None)
    result["click_items"] = driver.execute_script(items % "shelters")
    result["hazard_items"] = driver.execute_script(items % "hazards")
    result["click_text"] = driver.execute_script("return document.querySelector('.leaflet-popup-content').textContent")
    result["legend"] = driver.execute_script("return document.getElementById('legend').textContent")
    result["markers"] = driver.execute_script("""
        // Point shelters are markers (their box's background); area shelters are paths
        // (their outline colour). Both as #RRGGBB.
        const hex = rgb => '#' + rgb.match(/\\d+/g).slice(0, 3).map(v => Number(v).toString(16).padStart(2, '0')).join('').toUpperCase();
        const out = {};
        shelters.eachLayer(l => {
          const icon = l.getElement ? l.getElement() : null;
          const box = icon && icon.querySelector ? icon.querySelector('.shelter-icon') : null;
          const colour = box ? hex(getComputedStyle(box).backgroundColor) : (l.options.color || '').toUpperCase();
          out[l.feature.id] = [l.feature.properties.status, colour];
        });
        return out;""")
    result["console_errors"] = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE" and "favicon" not in e["message"]]
finally:
    driver.quit()
print(json.dumps(result, ensure_ascii=False))
