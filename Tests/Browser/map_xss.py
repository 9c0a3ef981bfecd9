"""Drives OneMap's /map in headless Chromium (Debian's chromium + chromium-driver,
python3-selenium) and checks that a hazard and a shelter whose names are HTML show as
text and run nothing.

usage: map_xss.py BASE_URL LON LAT NAME
Prints one JSON object: what the page showed and whether any injected script ran.
"""
import json
import sys
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mapdriver import open_map

base, lon, lat, name = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
driver = open_map(base)
result = {}
try:
    # The hazard at the centre of the map, then a click there: the popup lists the
    # hazards within 500 m by name.
    driver.execute_script("map.setView([arguments[0], arguments[1]], 17, {animate: false});", lat, lon)
    time.sleep(1)
    centre = driver.execute_script("const c = map.getCenter(); return [c.lng, c.lat];")
    if abs(centre[0] - lon) > 1e-4 or abs(centre[1] - lat) > 1e-4:
        raise SystemExit(f"the map did not stay at the hazard: centre {centre}, wanted {[lon, lat]}")
    element = driver.find_element(By.ID, "map")
    ActionChains(driver).move_to_element(element).click().perform()
    # Under a loaded test run the page's queries can take a while: wait for the answer.
    popup = "const p = document.querySelector('.leaflet-popup-content'); return p ? p.textContent : '';"
    WebDriverWait(driver, 90).until(lambda d: len(d.execute_script(popup)) > 1)
    result["click_text"] = driver.execute_script(popup)
    # And the hazard's own popup, from the hazards layer.
    # The hazard's own feature, added to the page's hazards layer (whose popup builder is
    # what is under test) straight from its item URL: independent of zoom and map moves.
    driver.set_script_timeout(90)
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        map.addLayer(hazards);
        fetch('/collections/hazards/items/H-xss').then(r => r.json()).then(f => { hazards.addData(f); done(true); }).catch(e => done(String(e)));""")
    WebDriverWait(driver, 90).until(lambda d: d.execute_script("return hazards.getLayers().length > 0"))
    driver.execute_script("""
        const wanted = arguments[0];
        hazards.eachLayer(l => { if (l.feature.properties.name === wanted) l.openPopup(); });""", name)
    time.sleep(0.5)
    result["popup_text"] = driver.execute_script("return [...document.querySelectorAll('.leaflet-popup-content')].map(p => p.textContent).join(' | ')")
    result["popup_text"] = result["click_text"] + " | " + result["popup_text"]
    result["injected_images"] = driver.execute_script("return document.querySelectorAll('.leaflet-popup-content img, .leaflet-popup-content script').length")
    result["script_ran"] = driver.execute_script("return window.__xss === true")
    result["console_errors"] = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE" and "favicon" not in e["message"]]
finally:
    driver.quit()
print(json.dumps(result, ensure_ascii=False))
